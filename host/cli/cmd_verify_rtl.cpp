// ecsim verify-rtl: the full verification campaign of the RTL popcount core against the reference
// model, for every built-in parameter set. On a mismatch it writes the failing vector and a VCD.
#include <filesystem>
#include <iostream>
#include <sstream>

#include <boost/json.hpp>

#include "cli/commands.h"
#include "common/error.h"
#include "driver/popcount_driver.h"
#include "io/atomic_file.h"
#include "verify/popcount_campaign.h"

namespace po = boost::program_options;

namespace ecsim::cli {

namespace {
// the campaign holds its random words in memory (about 40 bytes each, 4 GB at the limit)
constexpr uint64_t kMaxVectors = 100000000;
}  // namespace

int cmd_verify_rtl(const Args& args) {
  uint64_t vectors = 1000000, seed = 1;
  int width = 0;
  std::string fail_dir = ".", json_path;
  const Usage usage{"[options]",
                    "Every built-in parameter set: random words and corner cases through the Verilated core and\n"
                    "the reference model; a mismatch writes its vector and a waveform (docs/rtl.md)."};
  po::options_description desc;
  desc.add_options()("vectors", dflt(&vectors), "random words per parameter set (corner cases come on top)")(
      "seed", dflt(&seed), "seed of the random vectors")("width", dflt(&width, "all"),
                                                         "only the parameter set of this word width (bits)")(
      "fail-dir", dflt(&fail_dir), "where a mismatch writes its vector (CSV) and waveform (VCD)")(
      "json", po::value(&json_path), "also write the result as JSON to this file (- for stdout, without the text)");
  po::variables_map vm;
  if (!parse_flags("verify-rtl", args, desc, vm, usage)) return 0;
  if (vectors == 0) throw Error("--vectors must be at least 1", "e.g. --vectors 1000000");
  if (vectors > kMaxVectors)
    throw Error("--vectors " + std::to_string(vectors) + " is above ecsim's limit of " + std::to_string(kMaxVectors) +
                    " (the campaign holds about 40 bytes per word in memory)",
                "lower --vectors to " + std::to_string(kMaxVectors) + " or less");
  if (!std::filesystem::is_directory(fail_dir))
    throw Error("--fail-dir '" + fail_dir + "' is not a directory", "create it or point at an existing one");
  if (width && !rtl::popcount_parameter_sets().count(width))
    throw Error("no RTL parameter set with word width " + std::to_string(width),
                "use --width " + rtl::built_widths("or --width"));
  if (!json_path.empty() && json_path != "-") check_outputs({{"--json", json_path}});

  bool all_pass = true;
  std::ostringstream discarded;  // --json -: only the JSON on stdout
  std::ostream& out = json_path == "-" ? static_cast<std::ostream&>(discarded) : std::cout;  // streamed, set by set
  boost::json::array sets;
  out << "RTL popcount core (rtl/popcount_core.sv) vs reference model popcount_accumulate\n";
  for (const auto& [w, acc] : rtl::popcount_parameter_sets()) {
    if (width && w != width) continue;
    rtl::CampaignConfig cfg;
    cfg.width = w;
    cfg.vectors = vectors;
    cfg.seed = seed;
    cfg.fail_dir = fail_dir;
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
  out << "\n" << (all_pass ? "PASS" : "FAIL") << "\n";
  const std::string js =
      boost::json::serialize(boost::json::object{
          {"vectors", vectors}, {"seed", seed}, {"pass", all_pass}, {"parameter_sets", std::move(sets)}}) +
      "\n";
  if (json_path == "-")
    std::cout << js;
  else if (!json_path.empty())
    io::write_file_atomic(json_path, js);
  return all_pass ? 0 : 1;
}

}  // namespace ecsim::cli
