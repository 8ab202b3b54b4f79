// ecsim verify-rtl: the full verification campaign of an RTL unit (--unit; the popcount core by
// default) or of every unit against the reference model, for every built-in parameter set. On a
// mismatch it writes the failing vector and a VCD. The units are a table (kUnits), one row each.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "cli/commands.h"
#include "common/error.h"
#include "driver/input_driver.h"
#include "driver/lif_driver.h"
#include "driver/philox_driver.h"
#include "driver/popcount_driver.h"
#include "driver/readout_driver.h"
#include "io/atomic_file.h"
#include "verify/core_campaign.h"
#include "verify/input_campaign.h"
#include "verify/lif_campaign.h"
#include "verify/philox_campaign.h"
#include "verify/popcount_campaign.h"
#include "verify/readout_campaign.h"

namespace po = boost::program_options;

namespace ecsim::cli {

namespace {
// the campaign holds its random words in memory (about 40 bytes each, 4 GB at the limit)
constexpr uint64_t kMaxVectors = 100000000;

// the options every unit's campaign reads
struct VerifyOptions {
  uint64_t vectors = 1000000, seed = 1;
  int width = 0;     // popcount: only this word width; lif: only this state width (0: all)
  int rho_bits = 0;  // philox: only this q (0: all)
  std::string fail_dir;
};

// A unit's campaign: prints its report to `out`, adds its figures to `js`, returns whether it passed.
using UnitCampaign = bool (*)(const VerifyOptions& o, std::ostream& out, boost::json::object& js);
// A unit's check of the options that pick its parameter sets: throws for one it has not built.
using UnitCheck = void (*)(const VerifyOptions& o);

// A unit's mutation check, as every unit reports it: `what` names its vectors ("blocks", "beats",
// "steps"), and `count` the field of the result that counts them. Returns whether every mutant
// was caught.
template <class Result>
bool report_mutants(const std::vector<Result>& results, uint64_t Result::*count, const char* what, uint64_t vectors,
                    std::ostream& out, boost::json::object& js) {
  out << "\nmutation check (" << vectors << " random " << what
      << " plus the directed ones per mutant; each must fail):\n";
  bool all_caught = true;
  boost::json::array mutants;
  for (const Result& m : results) {
    out << "  mutant " << m.mutant << " (" << m.bug << "): " << m.mismatches << " of " << m.*count << " " << what
        << " differ, " << (m.caught ? "caught" : "NOT CAUGHT") << "\n";
    if (!m.caught) all_caught = false;
    mutants.push_back(boost::json::object{{"mutant", m.mutant},
                                          {"bug", m.bug},
                                          {what, m.*count},
                                          {"mismatches", m.mismatches},
                                          {"caught", m.caught},
                                          {"first_mismatch", m.first_mismatch}});
  }
  js["mutants"] = std::move(mutants);
  return all_caught;
}

// a campaign's first mismatch and the files it wrote for it
void print_first_mismatch(std::ostream& out, const std::string& first, const std::vector<std::string>& written) {
  out << "  FIRST MISMATCH: " << first << "\n";
  for (const auto& f : written) out << "  wrote " << f << "\n";
}

// the files a campaign wrote for its first mismatch, as JSON
boost::json::array written_json(const std::vector<std::string>& written) {
  boost::json::array a;
  for (const auto& f : written) a.emplace_back(f);
  return a;
}

bool verify_popcount(const VerifyOptions& o, std::ostream& out, boost::json::object& js) {
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
    sets.push_back(boost::json::object{{"width", r.width},
                                       {"acc_width", r.acc_width},
                                       {"words", r.words},
                                       {"rows", r.rows},
                                       {"cycles", r.cycles},
                                       {"mismatches", r.mismatches},
                                       {"corners", std::move(corners)},
                                       {"first_mismatch", r.first_mismatch},
                                       {"written", written_json(r.written)}});
    if (r.mismatches) {
      all_pass = false;
      print_first_mismatch(out, r.first_mismatch, r.written);
    }
  }
  js["parameter_sets"] = std::move(sets);
  return all_pass;
}

void check_popcount(const VerifyOptions& o) {
  if (o.rho_bits) throw Error("--rho-bits picks a Philox sampler, not a popcount core", "drop --rho-bits");
  if (o.width && !rtl::popcount_parameter_sets().count(o.width))
    throw Error("no RTL parameter set with word width " + std::to_string(o.width),
                "use --width " + rtl::built_widths("or --width"));
}

// ---- philox_sampler ----
// the mutation check runs this many random blocks per mutant (each must fail)
constexpr uint64_t kPhiloxMutantVectors = 20000;

bool verify_philox(const VerifyOptions& o, std::ostream& out, boost::json::object& js) {
  bool all_pass = true;
  boost::json::array sets;
  out << "RTL Philox sampler (rtl/philox_sampler.sv) vs reference model philox_block, sample_theta, "
         "initial_membrane_word\n";
  for (const auto& [q, f] : rtl::philox_parameter_sets()) {
    if (o.rho_bits && q != o.rho_bits) continue;
    rtl::PhiloxCampaignConfig cfg;
    cfg.rho_bits = q;
    cfg.vectors = o.vectors;
    cfg.seed = o.seed;
    cfg.fail_dir = o.fail_dir;
    const rtl::PhiloxCampaignReport r = rtl::run_philox_campaign(cfg);
    out << "\nparameter set Q=" << r.rho_bits << " F=" << r.frac_bits << "\n"
        << "  blocks    " << r.blocks << " in " << r.cycles << " cycles\n"
        << "  latency   " << r.latency_cycles << " cycles, streaming " << r.streaming_blocks_per_cycle
        << " blocks per cycle\n"
        << "  mismatch  " << r.mismatches << "\n  branches (hits):\n";
    for (const auto& [name, n] : r.branches) out << "    " << name << ": " << n << "\n";
    boost::json::object branches;
    for (const auto& [name, n] : r.branches) branches[name] = n;
    sets.push_back(boost::json::object{{"rho_bits", r.rho_bits},
                                       {"frac_bits", r.frac_bits},
                                       {"blocks", r.blocks},
                                       {"cycles", r.cycles},
                                       {"latency_cycles", r.latency_cycles},
                                       {"streaming_blocks_per_cycle", r.streaming_blocks_per_cycle},
                                       {"mismatches", r.mismatches},
                                       {"branches", std::move(branches)},
                                       {"first_mismatch", r.first_mismatch},
                                       {"written", written_json(r.written)}});
    if (r.mismatches) {
      all_pass = false;
      print_first_mismatch(out, r.first_mismatch, r.written);
    }
  }
  js["parameter_sets"] = std::move(sets);
  // the mutation check: the campaign must fail on every model with a known bug
  const uint64_t mv = std::min(o.vectors, kPhiloxMutantVectors);
  if (!report_mutants(rtl::run_philox_mutation_check(mv, o.seed), &rtl::PhiloxMutantResult::blocks, "blocks", mv, out,
                      js))
    all_pass = false;
  return all_pass;
}
void check_philox(const VerifyOptions& o) {
  if (o.width) throw Error("--width picks a popcount core or LIF unit, not a Philox sampler", "use --rho-bits");
  if (o.rho_bits && !rtl::philox_parameter_sets().count(o.rho_bits))
    throw Error("no RTL Philox sampler with rho bits " + std::to_string(o.rho_bits),
                "use --rho-bits " + rtl::built_rho_bits("or --rho-bits"));
}
// ---- end philox_sampler ----

// ---- lif_unit ----
bool verify_lif(const VerifyOptions& o, std::ostream& out, boost::json::object& js) {
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
                                       {"written", written_json(r.written)}});
    if (r.mismatches) {
      all_pass = false;
      print_first_mismatch(out, r.first_mismatch, r.written);
    }
  }
  js["parameter_sets"] = std::move(sets);
  return all_pass;
}
void check_lif(const VerifyOptions& o) {
  if (o.rho_bits) throw Error("--rho-bits picks a Philox sampler, not a LIF unit", "drop --rho-bits");
  if (o.width && !rtl::find_lif_parameter_set(o.width))
    throw Error("no RTL LIF parameter set with state width " + std::to_string(o.width),
                "use --width " + rtl::built_lif_state_widths("or --width"));
}
// ---- end of lif_unit ----

// ---- input_stage ----
// the mutation check runs this many random beats per mutant (each must fail)
constexpr uint64_t kInputMutantVectors = 20000;

bool verify_input(const VerifyOptions& o, std::ostream& out, boost::json::object& js) {
  out << "RTL input stage (rtl/input_stage.sv) vs reference model input_projection_portable\n";
  rtl::InputCampaignConfig cfg;
  cfg.vectors = o.vectors;
  cfg.seed = o.seed;
  cfg.fail_dir = o.fail_dir;
  const rtl::InputCampaignReport r = rtl::run_input_campaign(cfg);
  using P = rtl::InputStageParams;
  out << "\nparameter set D=" << P::kInputs << " BX=" << P::kInputBits << " W=" << P::kStateBits
      << " RB=" << P::kScaleBits << " SHIFT=" << P::kShift << "\n"
      << "  beats     " << r.beats << " (neurons) in " << r.steps << " steps, " << r.cycles << " cycles\n"
      << "  latency   " << r.latency_cycles << " cycles, streaming " << r.streaming_beats_per_cycle
      << " beats per cycle\n"
      << "  mismatch  " << r.mismatches << "\n  branches (hits):\n";
  for (const auto& [name, n] : r.branches) out << "    " << name << ": " << n << "\n";
  bool pass = r.mismatches == 0;
  if (!pass) {
    print_first_mismatch(out, r.first_mismatch, r.written);
  }
  boost::json::object branches;
  for (const auto& [name, n] : r.branches) branches[name] = n;
  js["parameter_sets"] =
      boost::json::array{boost::json::object{{"inputs", P::kInputs},
                                             {"input_bits", P::kInputBits},
                                             {"state_bits", P::kStateBits},
                                             {"scale_bits", P::kScaleBits},
                                             {"shift", P::kShift},
                                             {"beats", r.beats},
                                             {"steps", r.steps},
                                             {"cycles", r.cycles},
                                             {"latency_cycles", r.latency_cycles},
                                             {"streaming_beats_per_cycle", r.streaming_beats_per_cycle},
                                             {"mismatches", r.mismatches},
                                             {"branches", std::move(branches)},
                                             {"first_mismatch", r.first_mismatch},
                                             {"written", written_json(r.written)}}};
  const uint64_t mv = std::min(o.vectors, kInputMutantVectors);
  if (!report_mutants(rtl::run_input_mutation_check(mv, o.seed), &rtl::InputMutantResult::beats, "beats", mv, out, js))
    pass = false;
  return pass;
}
void check_fixed_set(const VerifyOptions& o) {
  if (o.width || o.rho_bits)
    throw Error("--width and --rho-bits pick parameter sets; the input stage and the readout have one each",
                "drop them");
}
// ---- end input_stage ----

// ---- readout ----
// the mutation check runs this many random readout steps per mutant (each must fail)
constexpr uint64_t kReadoutMutantVectors = 5000;

bool verify_readout(const VerifyOptions& o, std::ostream& out, boost::json::object& js) {
  out << "RTL readout (rtl/readout.sv) vs reference model readout_portable\n";
  rtl::ReadoutCampaignConfig cfg;
  cfg.vectors = o.vectors;
  cfg.seed = o.seed;
  cfg.fail_dir = o.fail_dir;
  const rtl::ReadoutCampaignReport r = rtl::run_readout_campaign(cfg);
  using P = rtl::ReadoutParams;
  out << "\nparameter set DO=" << P::kOutputs << " WR=" << P::kRateBits << " NB=" << P::kNeuronBits
      << " RB=" << P::kScaleBits << " FA=" << P::kActionFrac << " SHIFT=" << P::kShift << "\n"
      << "  steps     " << r.steps << " (" << r.actions << " actions) from " << r.beats << " neuron beats, " << r.cycles
      << " cycles\n"
      << "  latency   " << r.latency_cycles << " cycles, streaming " << r.streaming_beats_per_cycle
      << " beats per cycle\n"
      << "  mismatch  " << r.mismatches << "\n  branches (hits):\n";
  for (const auto& [name, n] : r.branches) out << "    " << name << ": " << n << "\n";
  bool pass = r.mismatches == 0;
  if (!pass) {
    print_first_mismatch(out, r.first_mismatch, r.written);
  }
  boost::json::object branches;
  for (const auto& [name, n] : r.branches) branches[name] = n;
  js["parameter_sets"] =
      boost::json::array{boost::json::object{{"outputs", P::kOutputs},
                                             {"rate_bits", P::kRateBits},
                                             {"neuron_bits", P::kNeuronBits},
                                             {"scale_bits", P::kScaleBits},
                                             {"action_frac_bits", P::kActionFrac},
                                             {"shift", P::kShift},
                                             {"steps", r.steps},
                                             {"actions", r.actions},
                                             {"beats", r.beats},
                                             {"cycles", r.cycles},
                                             {"latency_cycles", r.latency_cycles},
                                             {"streaming_beats_per_cycle", r.streaming_beats_per_cycle},
                                             {"mismatches", r.mismatches},
                                             {"branches", std::move(branches)},
                                             {"first_mismatch", r.first_mismatch},
                                             {"written", written_json(r.written)}}};
  const uint64_t mv = std::min(o.vectors, kReadoutMutantVectors);
  if (!report_mutants(rtl::run_readout_mutation_check(mv, o.seed), &rtl::ReadoutMutantResult::steps, "steps", mv, out,
                      js))
    pass = false;
  return pass;
}
// ---- end readout ----

// ---- neuron_core ----
// --vectors for the core: 10 000 per network (at least one), each network 3 environment steps of
// T = 33 inner steps (below 10 000: one network, one environment step of 4); shapes in turn
// N = 64 (one core), N = 256 (core k % 4 of 4), N = 128 (core 1 of 2)
constexpr uint64_t kCoreVectorsPerNetwork = 10000;
constexpr int kCoreMaxNetworks = 1000;

bool verify_core(const VerifyOptions& o, std::ostream& out, boost::json::object& js) {
  out << "RTL neuron core (rtl/neuron_core.sv) vs the reference model (SAMPLE, RESET, INPUT, STEP, READOUT)\n";
  rtl::CoreCampaignConfig cfg;
  cfg.networks = static_cast<int>(
      std::clamp<uint64_t>(o.vectors / kCoreVectorsPerNetwork, 1, static_cast<uint64_t>(kCoreMaxNetworks)));
  const bool small = o.vectors < kCoreVectorsPerNetwork;  // e.g. --unit all --vectors 1000: one short network
  cfg.env_steps = small ? 1 : 3;
  cfg.inner_steps = small ? 4 : 33;
  cfg.seed = o.seed;
  const rtl::CoreCampaignReport r = rtl::run_core_campaign(cfg);
  out << "  networks  " << r.networks << " (" << r.env_steps << " environment steps, " << r.inner_steps
      << " inner steps), " << r.cycles << " cycles\n"
      << "  compared  " << r.theta_bits << " theta bits, " << r.state_values << " state values, " << r.spike_bits
      << " spike bits (" << r.spikes << " spikes), " << r.partial_sums << " partial sums\n"
      << "  mismatch  " << r.mismatches << " (the campaign's reference loop vs ref::step: " << r.reference_mismatches
      << ")\n  cycles per command (RTL measured, CMD to STATUS clear / SystemC NeuronCore formula):\n";
  boost::json::array shapes;
  for (const rtl::CoreShapeCycles& sh : r.cycles_by_shape) {
    out << "    " << sh.shape << ":";
    boost::json::object cmds;
    for (const rtl::CoreCommandCycles& c : sh.commands) {
      out << " " << c.command << " " << c.rtl << "/" << c.systemc;
      cmds[c.command] = boost::json::object{{"rtl", c.rtl}, {"systemc", c.systemc}};
    }
    out << "\n";
    shapes.push_back(boost::json::object{{"shape", sh.shape}, {"commands", std::move(cmds)}});
  }
  bool pass = r.mismatches == 0 && r.reference_mismatches == 0;
  if (!pass) print_first_mismatch(out, r.first_mismatch, {});
  js["networks"] = r.networks;
  js["env_steps"] = r.env_steps;
  js["inner_steps"] = r.inner_steps;
  js["cycles"] = r.cycles;
  js["theta_bits"] = r.theta_bits;
  js["state_values"] = r.state_values;
  js["spike_bits"] = r.spike_bits;
  js["spikes"] = r.spikes;
  js["partial_sums"] = r.partial_sums;
  js["mismatches"] = r.mismatches;
  js["reference_mismatches"] = r.reference_mismatches;
  js["first_mismatch"] = r.first_mismatch;
  js["cycles_by_shape"] = std::move(shapes);
  // the mutation check: one network per shape on the mutant, which must fail
  rtl::CoreCampaignConfig m = cfg;
  m.networks = small ? 1 : 3;
  m.env_steps = 1;
  m.inner_steps = small ? 4 : 8;
  m.mutant = 1;
  const rtl::CoreCampaignReport mr = rtl::run_core_campaign(m);
  const bool caught = mr.mismatches > 0;
  out << "\nmutation check (" << m.networks << " networks, " << m.inner_steps
      << " inner steps; must fail):\n  mutant 1 (STEP ignores each row's last "
         "spike word): "
      << mr.mismatches << " mismatches, " << (caught ? "caught" : "NOT CAUGHT") << "\n";
  if (caught) out << "  first: " << mr.first_mismatch << "\n";
  js["mutants"] = boost::json::array{boost::json::object{{"mutant", 1},
                                                         {"bug", "STEP ignores each row's last spike word"},
                                                         {"mismatches", mr.mismatches},
                                                         {"caught", caught},
                                                         {"first_mismatch", mr.first_mismatch}}};
  return pass && caught;
}
void check_core(const VerifyOptions& o) {
  if (o.width || o.rho_bits)
    throw Error("--width and --rho-bits pick parameter sets; the neuron core has one", "drop them");
}
// ---- end neuron_core ----

// the units of --unit, in the order of --unit all; a unit is one row
struct Unit {
  const char* name;
  UnitCampaign run;
  UnitCheck check;
};
constexpr Unit kUnits[] = {
    {"popcount", verify_popcount, check_popcount},
    {"philox", verify_philox, check_philox},
    {"lif", verify_lif, check_lif},
    {"input", verify_input, check_fixed_set},
    {"readout", verify_readout, check_fixed_set},
    {"core", verify_core, check_core},
};

std::string unit_names() {
  std::string s;
  for (const Unit& u : kUnits) s += std::string(s.empty() ? "" : ", ") + u.name;
  return s + " or all";
}

}  // namespace

int cmd_verify_rtl(const Args& args) {
  VerifyOptions o;
  o.fail_dir = ".";
  std::string json_path, unit = "popcount";
  const Usage usage{"[options]",
                    "Every built-in parameter set of a unit: random vectors and corner cases through the Verilated\n"
                    "unit and the reference model; a mismatch writes its vector and a waveform (docs/rtl.md)."};
  po::options_description desc;
  desc.add_options()("unit", dflt(&unit), ("the RTL unit: " + unit_names()).c_str())(
      "vectors", dflt(&o.vectors),
      "random vectors per parameter set: words (popcount), blocks (philox), neurons (lif, input), steps "
      "(readout), or one network per 10 000 (core); corner cases come on top")("seed", dflt(&o.seed),
                                                                               "seed of the random vectors")(
      "width", dflt(&o.width, "all"),
      "only the parameter set of this width (bits; popcount: the word, lif: the state)")(
      "rho-bits", dflt(&o.rho_bits, "all"), "philox: only the parameter set of this q (rho bits)")(
      "fail-dir", dflt(&o.fail_dir), "where a mismatch writes its vector (CSV) and waveform (VCD)")(
      "json", po::value(&json_path), "also write the result as JSON to this file (- for stdout, without the text)");
  po::variables_map vm;
  if (!parse_flags("verify-rtl", args, desc, vm, usage)) return 0;
  std::vector<const Unit*> units;
  for (const Unit& u : kUnits)
    if (unit == "all" || unit == u.name) units.push_back(&u);
  if (units.empty()) throw Error("--unit '" + unit + "' is not an RTL unit", "use --unit " + unit_names());
  if (o.vectors == 0) throw Error("--vectors must be at least 1", "e.g. --vectors 1000000");
  if (o.vectors > kMaxVectors)
    throw Error("--vectors " + std::to_string(o.vectors) + " is above ecsim's limit of " + std::to_string(kMaxVectors) +
                    " (the campaign holds about 40 bytes per word in memory)",
                "lower --vectors to " + std::to_string(kMaxVectors) + " or less");
  if (!std::filesystem::is_directory(o.fail_dir))
    throw Error("--fail-dir '" + o.fail_dir + "' is not a directory", "create it or point at an existing one");
  if ((o.width || o.rho_bits) && units.size() > 1)
    throw Error("--width and --rho-bits pick a parameter set of one unit, not of --unit all",
                "drop them or name one --unit");
  units.front()->check(o);
  if (!json_path.empty() && json_path != "-") check_outputs({{"--json", json_path}});

  bool all_pass = true;
  std::ostringstream discarded;  // --json -: only the JSON on stdout
  std::ostream& out = json_path == "-" ? static_cast<std::ostream&>(discarded) : std::cout;  // streamed, set by set
  boost::json::object js{{"vectors", o.vectors}, {"seed", o.seed}, {"pass", true}};
  boost::json::object per_unit;
  for (const Unit* u : units) {
    if (u != units.front()) out << "\n";
    boost::json::object figures;
    const bool pass = u->run(o, out, figures);
    all_pass = all_pass && pass;
    if (units.size() == 1) {
      for (auto& kv : figures) js[kv.key()] = std::move(kv.value());
    } else {
      boost::json::object one{{"pass", pass}};
      for (auto& kv : figures) one[kv.key()] = std::move(kv.value());
      per_unit[u->name] = std::move(one);
    }
  }
  if (units.size() > 1) js["units"] = std::move(per_unit);
  js["pass"] = all_pass;
  out << "\n" << (all_pass ? "PASS" : "FAIL") << "\n";
  const std::string text = boost::json::serialize(js) + "\n";
  if (json_path == "-")
    std::cout << text;
  else if (!json_path.empty())
    io::write_file_atomic(json_path, text);
  return all_pass ? 0 : 1;
}

}  // namespace ecsim::cli
