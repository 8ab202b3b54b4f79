// ecsim verify-rtl: the full verification campaign of an RTL unit (or of every unit) against the
// reference model, for every built-in parameter set. On a mismatch it writes the failing vector
// and a VCD. The units are a table (kUnits): a unit is one entry and its run function.
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "cli/commands.h"
#include "common/error.h"
#include "driver/lif_driver.h"
#include "driver/popcount_driver.h"
#include "io/atomic_file.h"
#include "verify/lif_campaign.h"
#include "verify/popcount_campaign.h"

namespace po = boost::program_options;

namespace ecsim::cli {

namespace {
// the campaign holds its random words in memory (about 40 bytes each, 4 GB at the limit)
constexpr uint64_t kMaxVectors = 100000000;

struct UnitOptions {
  uint64_t vectors = 0, seed = 0;
  int width = 0;  // 0: every parameter set
  std::string fail_dir;
};

// One unit's campaign: writes its text report to `out` and its JSON fields to `js`; returns
// whether every parameter set passed.
bool run_popcount(const UnitOptions& o, std::ostream& out, boost::json::object& js) {
  bool all_pass = true;
  boost::json::array sets;
  out << "RTL popcount core (rtl/popcount_core.sv) vs reference model popcount_accumulate\n";
  for (const auto& [w, acc] : rtl::popcount_parameter_sets()) {
    if (o.width && w != o.width) continue;
    rtl::CampaignConfig cfg;
    cfg.width = w;
    cfg.vectors = o.vectors;
    cfg.seed = o.seed;
    cfg.fail_dir = o.fail_dir;
    const rtl::CampaignReport r = rtl::run_popcount_campaign(cfg);
    out << "\nparameter set W=" << r.width << " ACC_W=" << r.acc_width << "\n"
        << "  words     " << r.words << " in " << r.rows << " rows, " << r.cycles << " cycles\n"
        << "  mismatch  " << r.mismatches << "\n  corner cases (rows checked):\n";
    for (const auto& [name, n] : r.corners) out << "    " << name << ": " << n << "\n";
    boost::json::object corners;
    for (const auto& [name, n] : r.corners) corners[name] = n;
    boost::json::array written;
    for (const auto& f : r.written) written.emplace_back(f);
    sets.push_back(boost::json::object{{"width", r.width},
                                       {"acc_width", r.acc_width},
                                       {"words", r.words},
                                       {"rows", r.rows},
                                       {"cycles", r.cycles},
                                       {"mismatches", r.mismatches},
                                       {"corners", std::move(corners)},
                                       {"first_mismatch", r.first_mismatch},
                                       {"written", std::move(written)}});
    if (r.mismatches) {
      all_pass = false;
      out << "  FIRST MISMATCH: " << r.first_mismatch << "\n";
      for (const auto& f : r.written) out << "  wrote " << f << "\n";
    }
  }
  js["parameter_sets"] = std::move(sets);
  return all_pass;
}
void check_popcount_width(int width) {
  if (width && !rtl::popcount_parameter_sets().count(width))
    throw Error("no RTL parameter set with word width " + std::to_string(width),
                "use --width " + rtl::built_widths("or --width"));
}

// ---- lif_unit ----
bool run_lif(const UnitOptions& o, std::ostream& out, boost::json::object& js) {
  bool all_pass = true;
  boost::json::array sets;
  out << "RTL LIF unit (rtl/lif_unit.sv) vs reference model lif_update\n";
  for (const rtl::LifParameterSet& ps : rtl::kLifParameterSets) {
    if (o.width && ps.state_bits != o.width) continue;
    rtl::LifCampaignConfig cfg;
    cfg.state_bits = ps.state_bits;
    cfg.vectors = o.vectors;
    cfg.seed = o.seed;
    cfg.fail_dir = o.fail_dir;
    const rtl::LifCampaignReport r = rtl::run_lif_campaign(cfg);
    out << "\nparameter set W=" << r.state_bits << " F=" << r.frac_bits << " WR=" << r.rate_bits
        << " C=" << r.const_bits << " DW=" << r.diff_bits << "\n"
        << "  vectors   " << r.random << " random + " << r.directed << " directed, " << r.cycles << " cycles\n"
        << "  constant sets " << r.constant_sets << "\n"
        << "  mismatch  " << r.mismatches << "\n  branches (vectors that hit each):\n";
    boost::json::object branches;
    for (const std::string& name : rtl::lif_branch_names()) {
      const uint64_t n = r.branches.at(name);
      out << "    " << name << ": " << n << (rtl::lif_branch_unreachable(name) ? " (unreachable, docs/rtl.md)" : "")
          << "\n";
      branches[name] = n;
    }
    out << "  handshake patterns (neurons checked):\n";
    boost::json::object patterns;
    for (const auto& [name, n] : r.patterns) {
      out << "    " << name << ": " << n << "\n";
      patterns[name] = n;
    }
    boost::json::array written;
    for (const auto& f : r.written) written.emplace_back(f);
    sets.push_back(boost::json::object{{"state_bits", r.state_bits},
                                       {"frac_bits", r.frac_bits},
                                       {"rate_bits", r.rate_bits},
                                       {"const_bits", r.const_bits},
                                       {"diff_bits", r.diff_bits},
                                       {"random", r.random},
                                       {"directed", r.directed},
                                       {"constant_sets", r.constant_sets},
                                       {"cycles", r.cycles},
                                       {"mismatches", r.mismatches},
                                       {"branches", std::move(branches)},
                                       {"patterns", std::move(patterns)},
                                       {"first_mismatch", r.first_mismatch},
                                       {"written", std::move(written)}});
    if (r.mismatches) {
      all_pass = false;
      out << "  FIRST MISMATCH: " << r.first_mismatch << "\n";
      for (const auto& f : r.written) out << "  wrote " << f << "\n";
    }
  }
  js["parameter_sets"] = std::move(sets);
  return all_pass;
}
void check_lif_width(int width) {
  if (width && !rtl::find_lif_parameter_set(width))
    throw Error("no RTL LIF parameter set with state width " + std::to_string(width),
                "use --width " + rtl::built_lif_state_widths("or --width"));
}
// ---- end of lif_unit ----

struct Unit {
  const char* name;
  bool (*run)(const UnitOptions&, std::ostream&, boost::json::object&);
  void (*check_width)(int width);  // throws when no parameter set has this width
};
// the units `--unit` names, in the order `--unit all` runs them
constexpr Unit kUnits[] = {
    {"popcount", run_popcount, check_popcount_width},
    {"lif", run_lif, check_lif_width},
};

std::string unit_names() {
  std::string s;
  for (const Unit& u : kUnits) s += std::string(s.empty() ? "" : ", ") + u.name;
  return s + " or all";
}
}  // namespace

int cmd_verify_rtl(const Args& args) {
  uint64_t vectors = 1000000, seed = 1;
  int width = 0;
  std::string unit = "popcount", fail_dir = ".", json_path;
  const Usage usage{"[options]",
                    "Every built-in parameter set of an RTL unit: random and corner-case vectors through the\n"
                    "Verilated unit and the reference model; a mismatch writes its vector and a waveform\n"
                    "(docs/rtl.md)."};
  po::options_description desc;
  desc.add_options()("unit", dflt(&unit), ("the RTL unit: " + unit_names()).c_str())(
      "vectors", dflt(&vectors), "random vectors per parameter set (popcount: words; corner cases come on top)")(
      "seed", dflt(&seed), "seed of the random vectors")(
      "width", dflt(&width, "all"), "only the parameter set of this width (bits; popcount: word, lif: state)")(
      "fail-dir", dflt(&fail_dir), "where a mismatch writes its vector (CSV) and waveform (VCD)")(
      "json", po::value(&json_path), "also write the result as JSON to this file (- for stdout, without the text)");
  po::variables_map vm;
  if (!parse_flags("verify-rtl", args, desc, vm, usage)) return 0;
  std::vector<const Unit*> units;
  for (const Unit& u : kUnits)
    if (unit == "all" || unit == u.name) units.push_back(&u);
  if (units.empty()) throw Error("--unit '" + unit + "' is not an RTL unit", "use --unit " + unit_names());
  if (vectors == 0) throw Error("--vectors must be at least 1", "e.g. --vectors 1000000");
  if (vectors > kMaxVectors)
    throw Error("--vectors " + std::to_string(vectors) + " is above ecsim's limit of " + std::to_string(kMaxVectors) +
                    " (the campaign holds about 40 bytes per word in memory)",
                "lower --vectors to " + std::to_string(kMaxVectors) + " or less");
  if (!std::filesystem::is_directory(fail_dir))
    throw Error("--fail-dir '" + fail_dir + "' is not a directory", "create it or point at an existing one");
  if (width && units.size() > 1)
    throw Error("--width picks a parameter set of one unit, not of --unit all", "drop --width or name one --unit");
  units.front()->check_width(width);
  if (!json_path.empty() && json_path != "-") check_outputs({{"--json", json_path}});

  bool all_pass = true;
  std::ostringstream discarded;  // --json -: only the JSON on stdout
  std::ostream& out = json_path == "-" ? static_cast<std::ostream&>(discarded) : std::cout;  // streamed, set by set
  const UnitOptions o{vectors, seed, width, fail_dir};
  boost::json::object fields, per_unit;
  for (size_t k = 0; k < units.size(); ++k) {
    if (k) out << "\n";
    boost::json::object js;
    const bool pass = units[k]->run(o, out, js);
    all_pass = all_pass && pass;
    if (units.size() == 1) {
      fields = std::move(js);
    } else {
      boost::json::object u{{"pass", pass}};
      for (auto& kv : js) u[kv.key()] = std::move(kv.value());
      per_unit[units[k]->name] = std::move(u);
    }
  }
  out << "\n" << (all_pass ? "PASS" : "FAIL") << "\n";
  boost::json::object result{{"vectors", vectors}, {"seed", seed}, {"pass", all_pass}};
  if (units.size() == 1)
    for (auto& kv : fields) result[kv.key()] = std::move(kv.value());
  else
    result["units"] = std::move(per_unit);
  const std::string js = boost::json::serialize(result) + "\n";
  if (json_path == "-")
    std::cout << js;
  else if (!json_path.empty())
    io::write_file_atomic(json_path, js);
  return all_pass ? 0 : 1;
}

}  // namespace ecsim::cli
