#include "chip/chip_config.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <sstream>

#include "common/error.h"
#include "common/file.h"
#include "common/json_reader.h"

namespace json = boost::json;

namespace ecsim::chip {

namespace {

// every chip-config error says "chip config <file>: <key> ..."
class ObjectReader : public common::StrictJsonObject {
 public:
  ObjectReader(const json::value& v, std::string path, std::string label)
      : StrictJsonObject(v, std::move(path), "chip config " + std::move(label), "configs/README.md") {}
  ObjectReader(common::StrictJsonObject&& o) : StrictJsonObject(std::move(o)) {}
  ObjectReader object(const std::string& k) { return ObjectReader(StrictJsonObject::object(k)); }
};

SramConfig read_sram(ObjectReader r) {
  SramConfig s;
  s.word_bits = r.integer("word_bits", 1, 4096, "an SRAM word is 1 to 4096 bits");
  s.words = r.integer64("words", 1, int64_t{1} << 40, "the number of words per core");
  s.read_cycles = r.integer("read_cycles", 1, 1000, "cycles per word read");
  s.write_cycles = r.integer("write_cycles", 1, 1000, "cycles per word write");
  return s;
}

UnitTiming read_unit(ObjectReader r, const char* per_cycle_key) {
  UnitTiming u;
  u.per_cycle = r.integer(per_cycle_key, 1, 65536, "throughput per cycle");
  u.latency_cycles = r.integer("latency_cycles", 0, 100000, "pipeline latency in cycles");
  return u;
}

// once per file and key, so that a config loaded by every evaluator does not repeat it
void note_deprecated_key(const std::string& label, const std::string& old_key, const std::string& new_key) {
  static std::mutex mutex;
  static std::set<std::string> noted;
  const std::lock_guard<std::mutex> lock(mutex);
  if (!noted.insert(label + "\n" + old_key).second) return;
  std::cerr << "note: chip config " << label << ": key \"" << old_key << "\" is deprecated, write \"" << new_key
            << "\"\n";
}

}  // namespace

ChipConfig parse_chip_config(const std::string& text, const std::string& label) {
  json::error_code ec;
  const json::value root = json::parse(text, ec);
  if (ec) throw Error("chip config " + label + " is not valid JSON: " + ec.message(), "fix the JSON syntax");
  ChipConfig c;
  c.path = label;
  {
    ObjectReader r(root, "", label);
    const std::string format = r.text("format");
    if (format != "ecsim-chip/1")
      r.reject("format", "is \"" + format + "\", this ecsim reads \"ecsim-chip/1\"",
               "set \"format\": \"ecsim-chip/1\"");
    c.name = r.text("name");
    c.clock_hz = r.positive("clock_hz", "the clock frequency in Hz, e.g. 2e8");
    if (r.has("synapse_weights")) {  // the key before weight_bits: "1bit" or "float32"
      if (r.has("weight_bits"))
        r.reject("synapse_weights", "and weight_bits are both given", "keep only \"weight_bits\"");
      note_deprecated_key(label, "synapse_weights", "weight_bits");
      const std::string wts = r.text("synapse_weights");
      if (wts != "1bit" && wts != "float32")
        r.reject("synapse_weights", "is \"" + wts + "\"", "use \"1bit\" (EC's chip) or \"float32\" (the ES-RSNN chip)");
      c.weight_bits = wts == "float32" ? 32 : 1;
    } else if (r.has("weight_bits")) {
      c.weight_bits = r.integer("weight_bits", 1, 32, "bits per connection: 1 or 32");
      if (c.weight_bits != 1 && c.weight_bits != 32)
        r.reject("weight_bits", "= " + std::to_string(c.weight_bits) + " must be 1 or 32",
                 "use 1 (EC's chip: 1-bit θ, popcount) or 32 (the ES-RSNN chip: float32 weights)");
    }
    {
      ObjectReader cores = r.object("cores");
      c.cores = cores.integer("count", 1, 65536, "the number of neuron cores");
      c.neurons_per_core = cores.integer("neurons_per_core", 1, 65536, "neurons each core updates");
    }
    {
      ObjectReader a = r.object("arith");
      ref::ArithConfig::for_each_field([&](const fields::Info& info, auto m) {
        if (chip_fixes(m))
          c.arith.*m = a.integer(std::string(info.external()), static_cast<int>(info.lo), static_cast<int>(info.hi),
                                 "docs/spec.md §3.1");
      });
    }
    {
      ObjectReader m = r.object("memories");
      c.synapse_sram = read_sram(m.object("synapse_sram"));
      c.rho_sram = read_sram(m.object("rho_sram"));
      c.state_sram = read_sram(m.object("state_sram"));
    }
    c.arith.syn_word_bits = c.synapse_sram.word_bits;
    {
      ObjectReader u = r.object("units");
      c.popcount = read_unit(u.object("popcount"), "words_per_cycle");
      c.lif = read_unit(u.object("lif"), "neurons_per_cycle");
      c.sampler = read_unit(u.object("sampler"), "philox_blocks_per_cycle");
      ObjectReader ctl = u.object("controller");
      c.cycles_per_register_access = ctl.integer("cycles_per_register_access", 1, 1000, "firmware register access");
    }
    {
      ObjectReader n = r.object("noc");
      c.noc.topology = n.text("topology");
      if (c.noc.topology != "mesh") n.reject("topology", "\"" + c.noc.topology + "\" is not supported", "use \"mesh\"");
      c.noc.columns = n.integer("columns", 1, 1024, "mesh columns");
      c.noc.rows = n.integer("rows", 1, 1024, "mesh rows");
      c.noc.flit_bits = n.integer("flit_bits", 8, 4096, "bits per flit");
      c.noc.router_latency_cycles = n.integer("router_latency_cycles", 0, 1000, "cycles per router");
      c.noc.link_latency_cycles = n.integer("link_latency_cycles", 0, 1000, "cycles per link");
      c.noc.barrier_cycles = n.integer("barrier_cycles", 0, 100000, "cycles of the end-of-step barrier");
      if (c.noc.columns * c.noc.rows != c.cores)
        n.reject("columns × rows",
                 "= " + std::to_string(c.noc.columns * c.noc.rows) + " but cores.count = " + std::to_string(c.cores),
                 "make the mesh hold exactly one router per core");
    }
    {
      ObjectReader h = r.object("host_link");
      c.host_link.bytes_per_second = h.positive("bytes_per_second", "the host link bandwidth, e.g. 1e9");
      c.host_link.latency_ns = h.positive("latency_ns", "the one-way latency of a host command");
    }
  }
  try {
    c.arith.validate();
  } catch (const Error& e) {
    throw Error("chip config " + label + ": " + e.what());
  }
  return c;
}

namespace {

// where the shipped configs are: $ECSIM_CONFIG_DIR, then beside the binary (build tree), then the
// install prefix's share/ecsim/configs
std::vector<std::filesystem::path> config_dirs() {
  namespace fs = std::filesystem;
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("ECSIM_CONFIG_DIR"); env && *env) dirs.emplace_back(env);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    dirs.push_back(exe.parent_path() / "configs");
    dirs.push_back((exe.parent_path() / ".." / "share" / "ecsim" / "configs").lexically_normal());
  }
  return dirs;
}

}  // namespace

std::string find_config_file(const std::string& path, const std::string& what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (path.empty() || fs::exists(path, ec)) return path;
  const fs::path p(path);
  std::vector<fs::path> tried{fs::absolute(p, ec).lexically_normal()};
  if (p.is_relative()) {
    for (const fs::path& d : config_dirs()) {
      // "configs/x.json" names the shipped folder itself: look for x.json in it
      const bool in_configs = p.begin() != p.end() && *p.begin() == "configs";
      const fs::path c = in_configs ? d / p.lexically_relative("configs") : d / p;
      if (fs::exists(c, ec)) return c.string();
      tried.push_back(c);
    }
  }
  std::string where;
  for (const fs::path& t : tried) where += (where.empty() ? "" : ", ") + t.string();
  std::string shipped = "configs/ of the source tree";
  for (const fs::path& d : config_dirs())
    if (fs::is_directory(d, ec)) {
      shipped = d.string();
      break;
    }
  throw Error("cannot open " + what + " '" + path + "' (looked in: " + where + ")",
              "check the path; the shipped configs are in " + shipped +
                  " (e.g. configs/chip_default.json; ECSIM_CONFIG_DIR sets another folder)");
}

ChipConfig load_chip_config(const std::string& path_in) {
  const std::string path = find_config_file(path_in, "chip config");
  return parse_chip_config(read_file(path, "chip config"), "'" + path + "'");
}

std::string default_chip_config_path() {
  namespace fs = std::filesystem;
  for (const auto& d : config_dirs())
    if (fs::exists(d / "chip_default.json")) return (d / "chip_default.json").string();
  throw Error("cannot find configs/chip_default.json beside the ecsim binary",
              "set ECSIM_CONFIG_DIR to the project's configs/ folder, or pass --chip FILE");
}

static int64_t words_for(int64_t bits, int word_bits) { return (bits + word_bits - 1) / word_bits; }

void check_network_arith(const ChipConfig& chip, const ref::ArithConfig& network) {
  std::string diff;
  ref::ArithConfig::for_each_field([&](const fields::Info& info, auto m) {
    if (chip_fixes(m) && network.*m != chip.arith.*m)
      diff += (diff.empty() ? "" : ", ") + std::string(info.name) + " = " + std::to_string(network.*m) +
              " (the chip's: " + std::to_string(chip.arith.*m) + ")";
  });
  if (!diff.empty())
    throw Error("the network's arithmetic differs from " +
                    (chip.path.empty() ? "chip " + chip.name : "chip config " + chip.path) + ": " + diff,
                "drop the width flags (the chip config fixes them) or edit the chip config's arith section");
}

void check_network_arith(const ChipConfig& chip, const ref::ArithConfig& network,
                         const std::vector<std::string>& flags_given) {
  std::string diff, flags;
  ref::ArithConfig::for_each_field([&](const fields::Info& info, auto m) {
    if (!chip_fixes(m) || network.*m == chip.arith.*m) return;
    const bool given = std::find(flags_given.begin(), flags_given.end(), info.name) != flags_given.end();
    const std::string flag = "--" + info.flag();
    diff += (diff.empty() ? "" : ", ") + (given ? flag + " " : std::string(info.name) + " = ") +
            std::to_string(network.*m) + " (the chip's: " + std::to_string(chip.arith.*m) + ")";
    if (given) flags += (flags.empty() ? "" : ", ") + flag;
  });
  if (diff.empty()) return;
  const std::string what = chip.path.empty() ? "chip " + chip.name : "chip config " + chip.path;
  if (!flags.empty())
    throw Error("the width flags contradict " + what + ": " + diff,
                "drop " + flags + " (without them the chip's widths are used) or edit the chip config's arith section");
  throw Error("the network's arithmetic differs from " + what + ": " + diff,
              "use a chip config whose arith section has the network's widths");
}

Mapping map_network(const ChipConfig& chip, const ref::NetworkShape& s) {
  const ref::ArithConfig& a = chip.arith;
  if (s.n_neurons > chip.capacity_neurons())
    throw Error("the network has " + std::to_string(s.n_neurons) + " neurons but chip " + chip.name + " holds " +
                    std::to_string(chip.capacity_neurons()) + " (" + std::to_string(chip.cores) + " cores × " +
                    std::to_string(chip.neurons_per_core) + ")",
                "use a chip config with more cores or more neurons per core (configs/)");
  Mapping m;
  m.neurons_per_core = chip.neurons_per_core;
  m.cores_used = (s.n_neurons + chip.neurons_per_core - 1) / chip.neurons_per_core;
  const int npc = chip.neurons_per_core, w = chip.synapse_sram.word_bits, b = chip.weight_bits;
  if (chip.float_weights() && w % 32 != 0)
    throw Error("chip config " + chip.path +
                    ": float32 weights need synapse SRAM words of a multiple of 32 bits, not " + std::to_string(w),
                "set memories.synapse_sram.word_bits to 32 or 64");
  // per neuron: its recurrent row (N presynaptic weights), its input column (2·d_in), its output row
  // (d_out), b bits each
  const int64_t syn_words = int64_t{npc} * (words_for(int64_t{s.n_neurons} * b, w) +
                                            words_for(int64_t{2} * s.d_in * b, w) + words_for(int64_t{s.d_out} * b, w));
  const int64_t synapses = int64_t{npc} * (s.n_neurons + 2 * s.d_in + s.d_out);
  m.synapse_bits_per_core = syn_words * w;
  const int rho_per_word = chip.rho_sram.word_bits / (a.rho_bits + 1);
  if (rho_per_word < 1)
    throw Error("chip config " + chip.path +
                    ": memories.rho_sram.word_bits = " + std::to_string(chip.rho_sram.word_bits) +
                    " cannot hold one ρ of rho_bits + 1 = " + std::to_string(a.rho_bits + 1) + " bits",
                "widen the ρ SRAM word or lower arith.rho_bits");
  const int64_t rho_words = (synapses + rho_per_word - 1) / rho_per_word;
  m.rho_bits_per_core = rho_words * chip.rho_sram.word_bits;
  const int64_t state_bits_neuron = 3 * a.state_bits + a.rate_bits + 1;
  const int64_t state_words = int64_t{npc} * words_for(state_bits_neuron, chip.state_sram.word_bits);
  m.state_bits_per_core = state_words * chip.state_sram.word_bits;
  auto check = [&](const char* mem, int64_t need, const SramConfig& sram) {
    if (need > sram.words)
      throw Error("chip config " + chip.path + ": the " + std::string(mem) + " of a core needs " +
                      std::to_string(need) + " words of " + std::to_string(sram.word_bits) +
                      " bits for this network (N=" + std::to_string(s.n_neurons) + ", d_in=" + std::to_string(s.d_in) +
                      ", d_out=" + std::to_string(s.d_out) + ") but has " + std::to_string(sram.words),
                  "raise memories." + std::string(mem) + ".words to at least " + std::to_string(need) +
                      ", or spread the network over more cores");
  };
  check("synapse_sram", syn_words, chip.synapse_sram);
  check("rho_sram", rho_words, chip.rho_sram);
  check("state_sram", state_words, chip.state_sram);
  return m;
}

std::string describe(const ChipConfig& c) {
  std::ostringstream os;
  os << c.name << ": " << c.cores << " cores × " << c.neurons_per_core << " neurons, " << c.clock_hz / 1e6
     << " MHz, mesh " << c.noc.columns << "×" << c.noc.rows << ", synapse SRAM " << c.synapse_sram.words << " × "
     << c.synapse_sram.word_bits << " b per core, " << (c.float_weights() ? "float32 weights (MAC), " : "")
     << c.arith.describe();
  return os.str();
}

}  // namespace ecsim::chip
