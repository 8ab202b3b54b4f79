// `ecsim sweep`: one row per point, an invalid point reported without losing the others, a short
// training per point; and `ecsim report --compare-methods`.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "../host/cli_util.h"

using namespace ecsim;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

}  // namespace

TEST(EnergySweep, OneRowPerPointAndInvalidPointsReported) {
  const test::ScratchDir d("sweep");
  // 3 × 2 points; with 128 neurons the 1-core points cannot hold the network
  auto r = test::run_ecsim(
      "sweep --param cores=1,2,4 --param state_bits=12,16 --neurons 128 --max-steps 4 --threads 2 --out " +
      (d / "s").string());
  EXPECT_EQ(r.code, 3) << r.output;  // not every point is ok
  const auto rows = lines_of(test::read_text(d / "s" / "sweep.csv"));
  ASSERT_EQ(rows.size(), 7u) << r.output;  // header + 6
  EXPECT_EQ(rows[0].rfind("point,cores,state_bits,status,", 0), 0u) << rows[0];
  int ok = 0, invalid = 0;
  for (size_t k = 1; k < rows.size(); ++k) {
    EXPECT_EQ(rows[k].rfind(std::to_string(k - 1) + ",", 0), 0u) << rows[k];
    if (rows[k].find("\"ok\"") != std::string::npos) ++ok;
    if (rows[k].find("\"invalid\"") != std::string::npos) {
      ++invalid;
      EXPECT_NE(rows[k].find("holds 64"), std::string::npos) << "the row says why: " << rows[k];
    }
  }
  EXPECT_EQ(ok, 4);
  EXPECT_EQ(invalid, 2);
  // points 2 and 3: 2 cores with 12 and 16 state bits. The same cycles, and less energy at 12 bits:
  // a neuron's state (3W + W_r + 1 bits) fits one 64-bit state-SRAM word at W = 12, two at W = 16
  auto cells = [](const std::string& row) {
    std::vector<std::string> c;
    std::stringstream ss(row);
    for (std::string x; std::getline(ss, x, ',');) c.push_back(x);
    return c;
  };
  const auto p12 = cells(rows[3]), p16 = cells(rows[4]);
  EXPECT_EQ(p12[4], p16[4]) << "cycles per env step do not depend on the state width";
  EXPECT_LT(std::stod(p12[5]), std::stod(p16[5])) << rows[3] << "\n" << rows[4];
  EXPECT_TRUE(fs::exists(d / "s" / "point_3" / "actions.energy.json"));
}

TEST(EnergySweep, TrainsEveryPointWhenAsked) {
  const test::ScratchDir d("sweep_train");
  auto r = test::run_ecsim(
      "sweep --param rho_bits=6,8,10 --neurons 64 --max-steps 3 --train-generations 1 --pop 4 --horizon 50 --threads 2 "
      "--out " +
      (d / "s").string());
  ASSERT_EQ(r.code, 0) << r.output;
  const auto rows = lines_of(test::read_text(d / "s" / "sweep.csv"));
  ASSERT_EQ(rows.size(), 4u);
  for (size_t k = 1; k < rows.size(); ++k) {
    // the eval_return column (second to last before error) is filled
    const std::string row = rows[k];
    const size_t err = row.rfind(",\"");
    const size_t ret = row.rfind(',', err - 1);
    EXPECT_GT(err - ret - 1, 0u) << "no eval return in " << row;
  }
}

TEST(EnergySweep, BadGridsAreClearErrors) {
  const test::ScratchDir d("sweep_bad");
  const std::string o = " --out " + (d / "x").string();
  auto a = test::run_ecsim("sweep --param colors=1,2" + o);
  EXPECT_EQ(a.code, 2);
  EXPECT_NE(a.output.find("'colors' is not a numeric chip config setting"), std::string::npos) << a.output;
  auto b = test::run_ecsim("sweep --param cores=1,two" + o);
  EXPECT_NE(b.output.find("'two' is not a number"), std::string::npos) << b.output;
  auto c = test::run_ecsim("sweep" + o);
  EXPECT_NE(c.output.find("at least one --param"), std::string::npos) << c.output;
  auto e = test::run_ecsim("sweep --param cores=2 --param cores=4" + o);
  EXPECT_NE(e.output.find("given twice"), std::string::npos) << e.output;
}

TEST(EnergyReport, CompareMethodsPrintsEveryMethod) {
  auto r = test::run_ecsim("report --compare-methods --task hopper --pop 64");
  ASSERT_EQ(r.code, 0) << r.output;
  for (const char* m : {"EC ", "EC, on-chip sampling", "ES ", "BPTT"})
    EXPECT_NE(r.output.find(m), std::string::npos) << m;
  EXPECT_NE(r.output.find("|θ| = 71936"), std::string::npos) << r.output;  // 2·11·256 + 256² + 256·3
  auto bad = test::run_ecsim("report");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.output.find("--compare-methods or --compare-runs"), std::string::npos) << bad.output;
}

TEST(EnergyReport, CompareRunsAtEqualWallClock) {
  const test::ScratchDir d("compare_runs");
  const std::string common =
      " --task hopper --neurons 64 --pop 4 --generations 2 --max-steps 20 --eval-episodes 1 --threads 1 --no-plot "
      "--progress never --out ";
  ASSERT_EQ(test::run_ecsim("train" + common + (d / "ec").string()).code, 0);
  ASSERT_EQ(test::run_ecsim("train --method es" + common + (d / "es").string()).code, 0);
  auto r = test::run_ecsim("report --compare-runs " + (d / "ec").string() + "," + (d / "es").string() + " --plot " +
                           (d / "cmp.png").string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("ec hopper pop 4"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("es hopper pop 4"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("time per generation relative to the first run"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::exists(d / "cmp.png"));
  auto bad = test::run_ecsim("report --compare-runs " + (d / "ec").string());
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.output.find("at least two run directories"), std::string::npos) << bad.output;
  auto missing = test::run_ecsim("report --compare-runs " + (d / "ec").string() + "," + (d / "nope").string());
  EXPECT_NE(missing.output.find("has no config.json"), std::string::npos) << missing.output;
}

TEST(EnergyReport, NegativeAndNonFiniteNumbersAreRefused) {
  const auto expect_error = [](const std::string& args, const std::string& needle) {
    auto r = test::run_ecsim(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(needle), std::string::npos) << args << "\n" << r.output;
  };
  expect_error("report --compare-methods --task hopper --pop -5", "--pop -5 is negative");
  expect_error("report --compare-methods --task hopper --pop -5", "fix: give --pop a non-negative integer");
  expect_error("verify-rtl --vectors -1", "--vectors -1 is negative");
  expect_error("sweep --param cores=1 --rho-const inf --out nowhere", "--rho-const inf is not a finite number");
  expect_error("sweep --param cores=1 --rho-const nan --out nowhere", "--rho-const nan is not a finite number");
}

TEST(EnergySweep, GridFromAFile) {
  const test::ScratchDir d("sweep_file");
  test::write_text(d / "grid.json", R"({"word_bits": [32, 64], "noc.barrier_cycles": [2, 8]})");
  auto r = test::run_ecsim("sweep --grid-file " + (d / "grid.json").string() +
                           " --neurons 64 --max-steps 3 --threads 2 --out " + (d / "s").string());
  ASSERT_EQ(r.code, 0) << r.output;
  const auto rows = lines_of(test::read_text(d / "s" / "sweep.csv"));
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].rfind("point,word_bits,noc.barrier_cycles,status", 0), 0u) << rows[0];
  test::write_text(d / "bad.json", R"({"cores": "four"})");
  auto b = test::run_ecsim("sweep --grid-file " + (d / "bad.json").string() + " --out " + (d / "t").string());
  EXPECT_EQ(b.code, 2);
  EXPECT_NE(b.output.find("must be an array of numbers"), std::string::npos) << b.output;
}

TEST(EnergySweep, AnOutputDirectoryWithQuotesAndShellSyntaxIsJustAName) {
  // the points run from argument vectors: no shell sees the name, so it neither breaks the
  // sweep nor runs `touch` (which would create the marker in the working directory)
  const test::ScratchDir d("sweep_quotes");
  const fs::path marker = fs::current_path() / "ecsim_sweep_injected";
  fs::remove(marker);
  const fs::path out = d / "bob's \"sweep\" ; $(touch ecsim_sweep_injected) `touch ecsim_sweep_injected` and spaces";
  auto r = test::run_ecsim(std::vector<std::string>{"sweep", "--param", "cores=4", "--neurons", "64", "--max-steps",
                                                    "2", "--train-generations", "1", "--pop", "4", "--horizon", "20",
                                                    "--threads", "1", "--out", out.string()});
  ASSERT_EQ(r.code, 0) << r.output;
  const auto rows = lines_of(test::read_text(out / "sweep.csv"));
  ASSERT_EQ(rows.size(), 2u) << r.output;
  EXPECT_NE(rows[1].find("\"ok\""), std::string::npos) << rows[1];
  EXPECT_TRUE(fs::exists(out / "point_0" / "train" / "metrics.csv"));
  EXPECT_FALSE(fs::exists(marker)) << "the name ran a command";
  // nothing beside the output directory, and nothing else created inside the scratch directory
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(d.path())) {
    ++entries;
    EXPECT_EQ(e.path(), out);
  }
  EXPECT_EQ(entries, 1u);
  for (const auto& e : fs::recursive_directory_iterator(d.path()))
    EXPECT_NE(e.path().filename(), "ecsim_sweep_injected") << e.path();
}

// an invalid point is drawn too (a marked ×, its reason below the panels): the plot is still made,
// and nothing but it lands beside sweep.csv
TEST(EnergySweep, ASweepWithAnInvalidPointStillPlots) {
  if (test::find_program("gnuplot").empty()) GTEST_SKIP() << "gnuplot is not installed";
  const test::ScratchDir d("sweep_plot");
  // 128 neurons do not fit one core of 64
  auto r =
      test::run_ecsim("sweep --param cores=1,2 --neurons 128 --max-steps 3 --threads 2 --out " + (d / "s").string());
  EXPECT_EQ(r.code, 3) << r.output;
  EXPECT_NE(r.output.find("wrote " + (d / "s" / "sweep.csv").string() + " and " + (d / "s" / "sweep.png").string()),
            std::string::npos)
      << r.output;
  const std::string png = test::read_text(d / "s" / "sweep.png");
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  EXPECT_EQ(test::dir_entries(d / "s"),
            (std::set<std::string>{"point_0", "point_1", "sweep.csv", "sweep.png", "trace.csv"}));
}
