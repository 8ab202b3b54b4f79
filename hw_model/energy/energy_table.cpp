#include "energy/energy_table.h"

#include <boost/json.hpp>
#include <cmath>
#include <filesystem>

#include "chip/chip_config.h"
#include "common/error.h"
#include "common/file.h"
#include "common/json_reader.h"

namespace json = boost::json;

namespace ecsim::energy {

namespace {

constexpr const char* kFormat = "ecsim-energy/1";
constexpr const char* kDocs = "docs/energy.md";

std::map<int, double> read_widths(common::StrictJsonObject r, const char* op) {
  std::map<int, double> m;
  for (const auto& kv : r.raw()) {
    const std::string k(kv.key());
    int bits = 0;
    try {
      size_t used = 0;
      bits = std::stoi(k, &used);
      if (used != k.size()) bits = 0;
    } catch (const std::exception&) {
      bits = 0;
    }
    if (bits < 1 || bits > 64)
      r.reject(k, std::string("is not an operand width: ") + op + " energies are keyed by width in bits",
               "use keys such as \"8\", \"16\", \"32\"");
    m[bits] = r.non_negative(k, "energy in pJ");
  }
  if (m.empty())
    r.fail(r.key(""), "has no widths",
           std::string("give the ") + op + " energy for at least one width, e.g. \"32\": 0.1");
  return m;
}

}  // namespace

double EnergyTable::sram_read_pj(double macro_bits, int bits) const {
  const double kb = macro_bits / 8.0 / 1024.0;
  const auto& p = sram_read_64b;
  double e64 = p.front().pj;
  if (kb >= p.back().kbytes) {
    e64 = p.back().pj;
  } else if (kb > p.front().kbytes) {
    for (size_t i = 1; i < p.size(); ++i)
      if (kb <= p[i].kbytes) {
        const double t = std::log(kb / p[i - 1].kbytes) / std::log(p[i].kbytes / p[i - 1].kbytes);
        e64 = p[i - 1].pj * std::pow(p[i].pj / p[i - 1].pj, t);
        break;
      }
  }
  return e64 * static_cast<double>(bits) / 64.0;
}

double EnergyTable::op_pj(const std::map<int, double>& by_width, int bits, const char* op) const {
  const auto it = by_width.lower_bound(bits);
  if (it == by_width.end())
    throw Error("energy table " + path + ": no " + op + " energy for " + std::to_string(bits) +
                    "-bit operands (the widest is " + std::to_string(by_width.rbegin()->first) + " bits)",
                std::string("add a \"") + std::to_string(bits) + "\" entry to \"" + op + "_pj\"");
  return it->second;
}

EnergyTable parse_energy_table(const std::string& text, const std::string& label) {
  json::error_code ec;
  const json::value root = json::parse(text, ec);
  if (ec) throw Error("energy table " + label + " is not valid JSON: " + ec.message(), "fix the JSON syntax");
  EnergyTable t;
  t.path = label;
  common::StrictJsonObject r(root, "", "energy table " + label, kDocs);
  const std::string format = r.text("format");
  if (format != kFormat)
    r.reject("format", "is \"" + format + "\", this ecsim reads \"" + kFormat + "\"",
             std::string("set \"format\": \"") + kFormat + "\"");
  t.technology = r.text("technology");
  t.description = r.text("description");
  if (r.has("sources")) {  // free-form provenance per key; docs/energy.md has the full story
    if (!r.raw().at("sources").is_object())
      r.reject("sources", "must be a JSON object", "write \"sources\": {\"key\": \"where it comes from\"}");
    r.mark_seen("sources");
  }
  const json::array& pts = r.array("sram_read_64b_pj");
  for (size_t i = 0; i < pts.size(); ++i) {
    common::StrictJsonObject e = r.element("sram_read_64b_pj", i, pts[i]);
    SramPoint p;
    p.kbytes = e.positive("kbytes", "the SRAM macro size in KB");
    p.pj = e.positive("pj", "energy of one 64-bit read in pJ");
    if (!t.sram_read_64b.empty() && p.kbytes <= t.sram_read_64b.back().kbytes)
      e.reject("kbytes", "is not larger than the previous point's", "list the SRAM points by increasing size");
    t.sram_read_64b.push_back(p);
  }
  if (t.sram_read_64b.empty())
    r.reject("sram_read_64b_pj", "is empty", "give at least one {\"kbytes\": 8, \"pj\": 10} point");
  t.sram_write_over_read = r.positive("sram_write_over_read", "write energy relative to a read, e.g. 1.0");
  t.add_pj = read_widths(r.object("add_pj"), "add");
  t.mult_pj = read_widths(r.object("mult_pj"), "mult");
  t.compare_pj = read_widths(r.object("compare_pj"), "compare");
  t.fp_add_pj = read_widths(r.object("fp_add_pj"), "fp_add");
  t.fp_mult_pj = read_widths(r.object("fp_mult_pj"), "fp_mult");
  t.popcount_64b_word_pj =
      r.non_negative("popcount_64b_word_pj", "energy of one 64-bit word through the popcount unit");
  t.philox_block_pj = r.non_negative("philox_block_pj", "energy of one Philox4x32-10 block");
  t.register_access_pj = r.non_negative("register_access_pj", "energy of one register access");
  t.noc_router_flit_pj = r.non_negative("noc_router_flit_pj", "energy of one 64-bit flit through a router");
  t.noc_link_flit_pj = r.non_negative("noc_link_flit_pj", "energy of one 64-bit flit over a link");
  t.host_link_byte_pj = r.non_negative("host_link_byte_pj", "energy of one byte over the host link");
  {
    common::StrictJsonObject l = r.object("leakage");
    t.sram_leakage_pw_per_bit = l.non_negative("sram_pw_per_bit", "SRAM leakage in pW per bit");
    t.core_logic_leakage_uw = l.non_negative("core_logic_uw", "logic leakage per neuron core in µW");
    t.router_leakage_uw = l.non_negative("router_uw", "leakage per NoC router in µW");
    t.controller_leakage_uw = l.non_negative("controller_uw", "controller leakage in µW");
  }
  return t;
}

EnergyTable load_energy_table(const std::string& path_in) {
  const std::string path = chip::find_config_file(path_in, "energy table");
  return parse_energy_table(read_file(path, "energy table"), "'" + path + "'");
}

std::string default_energy_table_path() {
  namespace fs = std::filesystem;
  const fs::path chip = chip::default_chip_config_path();  // the configs/ folder beside the binary
  const fs::path p = chip.parent_path() / "energy_45nm.json";
  if (!fs::exists(p))
    throw Error("cannot find configs/energy_45nm.json beside the ecsim binary", "pass --energy-table FILE");
  return p.string();
}

}  // namespace ecsim::energy
