// A command that fails writes nothing: every input and output is checked before the first write,
// and the outputs are written after the run, so that a late failure (an energy table without the
// chip's operand width, a kernel the CPU lacks, an output directory that does not exist) leaves no
// actions file, θ file, waveform or trace behind.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "../common/cli.h"

namespace fs = std::filesystem;

namespace ecsim {
namespace {

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

// the project's energy table without the 16-bit multiply (the default chip's state width)
std::string table_without_16_bit_mult() {
  boost::json::value t =
      boost::json::parse(test::read_text(fs::path(ECSIM_SOURCE_DIR) / "configs" / "energy_45nm.json"));
  boost::json::object& mult = t.as_object()["mult_pj"].as_object();
  mult.erase("16");
  mult.erase("32");
  return boost::json::serialize(t);
}

TEST(LateFailureCli, SimulateWritesNothingWhenItFails) {
  const test::ScratchDir d("late_simulate");
  test::write_text(d / "trace.csv", "obs_0,obs_1\n0.1,0.2\n0.3,-0.1\n");
  test::write_text(d / "e8.json", table_without_16_bit_mult());
  const std::set<std::string> before = test::dir_entries(d.path());
  const std::vector<std::string> base = {"simulate",
                                         "--trace",
                                         (d / "trace.csv").string(),
                                         "--rho-const",
                                         "0.5",
                                         "--d-out",
                                         "2",
                                         "--out",
                                         (d / "o.csv").string(),
                                         "--save-theta",
                                         (d / "t.bin").string()};
  struct Case {
    std::vector<std::string> extra;
    std::string needle;
  };
  const std::vector<Case> cases = {
      // found by pricing the chip's actions before the run (it was found after writing o.csv)
      {{"--backend", "systemc", "--energy-table", (d / "e8.json").string(), "--vcd", (d / "w.vcd").string()},
       "no mult energy for 16-bit operands"},
      // checked after --save-theta was written
      {{"--vcd", (d / "w.vcd").string()}, "--vcd needs --backend"},
      {{"--energy-table", (d / "e8.json").string()}, "--energy-table needs --backend"},
      // the second output's directory does not exist
      {{"--raster", (d / "nodir" / "r.csv").string()}, "--raster '"},
      // two outputs, one file
      {{"--raster", (d / "." / "o.csv").string()}, "--out and --raster name the same file"},
      {{"--raster", (d / "t.bin").string()}, "--raster and --save-theta name the same file"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = base;
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    const test::CliResult r = test::run_ecsim(args);
    EXPECT_EQ(r.code, 2) << c.needle << "\n" << r.output;
    EXPECT_TRUE(contains(r.output, c.needle)) << r.output;
    EXPECT_EQ(test::dir_entries(d.path()), before) << c.needle << ": a failed run left a file";
  }
  // and with the table fixed, the same command writes every output
  std::vector<std::string> ok = base;
  ok.insert(ok.end(), {"--backend", "systemc", "--vcd", (d / "w.vcd").string()});
  const test::CliResult r = test::run_ecsim(ok);
  ASSERT_EQ(r.code, 0) << r.output;
  for (const char* f : {"o.csv", "o.energy.json", "t.bin", "w.vcd"}) EXPECT_TRUE(fs::exists(d / f)) << f;
}

TEST(LateFailureCli, OtherCommandsCheckTheirOutputsFirst) {
  const test::ScratchDir d("late_others");
  test::write_text(d / "actions.csv", "act_0,act_1,act_2\n0,0,0\n0.1,0.1,0.1\n");
  test::write_text(d / "afile", "keep");
  const std::set<std::string> before = test::dir_entries(d.path());
  struct Case {
    std::vector<std::string> args;
    std::string needle;
  };
  const std::vector<Case> cases = {
      {{"rollout", "--task", "hopper", "--seed", "1", "--actions", (d / "actions.csv").string(), "--out",
        (d / "nodir" / "t.csv").string()},
       "--out '"},
      {{"report", "--compare-runs", (d / "x").string() + "," + (d / "y").string(), "--plot",
        (d / "nodir" / "p.png").string()},
       "--plot '"},
      {{"sweep", "--param", "cores=1", "--max-steps", "2", "--out", (d / "afile").string()},
       "exists and is not a directory"},
  };
  for (const Case& c : cases) {
    const test::CliResult r = test::run_ecsim(c.args);
    EXPECT_EQ(r.code, 2) << c.args[0] << "\n" << r.output;
    EXPECT_TRUE(contains(r.output, c.needle)) << r.output;
    EXPECT_EQ(test::dir_entries(d.path()), before) << c.args[0] << ": a failed run left a file";
  }
  EXPECT_EQ(test::read_text(d / "afile"), "keep");
}

}  // namespace
}  // namespace ecsim
