// `ecsim train` under mpirun: the same controller state (ρ, Adam, normalizer) and metrics as one
// process, for the functional and systemc backends; resume with another rank count; and ranks
// with different flags stop at start-up.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "../host/cli_util.h"
#include "train/trainer.h"

using namespace ecsim;
namespace fs = std::filesystem;

namespace {

const std::string kSmall =
    "--task hopper --neurons 64 --pop 8 --max-steps 40 --eval-episodes 2 --no-plot --progress never --threads 1 ";

std::string mpirun(int np) {
  return std::string(ECSIM_MPIEXEC) + " --allow-run-as-root --oversubscribe -np " + std::to_string(np) + " ";
}

// cmd split into arguments by test::split_args and run without a shell
test::CliResult run(const std::string& cmd) { return test::run_program(test::split_args(cmd)); }

train::ControllerState state_of(const fs::path& dir) {
  return train::read_checkpoint(dir.string(), train::read_run_config(dir.string()));
}

// metrics.csv without its wall-clock columns (seconds, elapsed, fps) and, unless with_chip, the
// chip's cycle columns (15..18: empty on the functional backend)
std::string metrics_no_time(const fs::path& dir, bool with_chip) {
  std::istringstream in(test::read_text(dir / "metrics.csv"));
  std::string line, out;
  while (std::getline(in, line)) {
    std::stringstream ls(line);
    std::string cell;
    for (int col = 0; std::getline(ls, cell, ','); ++col)
      if (col != 1 && col != 2 && col != 5 && (with_chip || col < 15)) out += cell + ",";
    out += "\n";
  }
  return out;
}

// chips: compare the cycle columns too (both runs on a chip backend)
void expect_same_run(const fs::path& a, const fs::path& b, const std::string& what, bool chips = false) {
  const train::ControllerState sa = state_of(a), sb = state_of(b);
  EXPECT_EQ(sa.generation, sb.generation) << what;
  EXPECT_EQ(sa.params, sb.params) << what << ": ρ differs";
  EXPECT_EQ(sa.adam.m, sb.adam.m) << what;
  EXPECT_EQ(sa.adam.v, sb.adam.v) << what;
  EXPECT_EQ(sa.norm.to_binary(), sb.norm.to_binary()) << what << ": normalizer differs";
  EXPECT_EQ(metrics_no_time(a, chips), metrics_no_time(b, chips)) << what;
}

}  // namespace

TEST(MpiTrain, TwoRanksGiveTheSameRunAsOneProcess) {
  const test::ScratchDir d("mpi_train");
  const std::string args = kSmall + "--generations 3 --seed 4 --out ";
  auto one = run(std::string(ECSIM_BINARY) + " train " + args + (d / "one").string());
  ASSERT_EQ(one.code, 0) << one.output;
  auto two = run(mpirun(2) + ECSIM_BINARY + " train " + args + (d / "two").string());
  ASSERT_EQ(two.code, 0) << two.output;
  EXPECT_NE(two.output.find("bytes on the wire per generation"), std::string::npos) << two.output;
  expect_same_run(d / "one", d / "two", "1 vs 2 ranks");
}

TEST(MpiTrain, SystemcBackendMatchesFunctionalAloneAndOnTwoChips) {
  const test::ScratchDir d("mpi_systemc");
  const std::string args = kSmall + "--generations 2 --seed 6 --out ";
  auto f = run(std::string(ECSIM_BINARY) + " train " + args + (d / "functional").string());
  ASSERT_EQ(f.code, 0) << f.output;
  auto s = run(std::string(ECSIM_BINARY) + " train --backend systemc " + args + (d / "systemc").string());
  ASSERT_EQ(s.code, 0) << s.output;
  expect_same_run(d / "functional", d / "systemc", "functional vs systemc");
  auto s2 = run(mpirun(2) + ECSIM_BINARY + " train --backend systemc " + args + (d / "systemc2").string());
  ASSERT_EQ(s2.code, 0) << s2.output;
  expect_same_run(d / "functional", d / "systemc2", "functional vs systemc on 2 ranks");
  expect_same_run(d / "systemc", d / "systemc2", "one chip vs two chips: the same cycles per job", true);
}

// The RTL popcount core in every neuron core: the same controller state, returns and
// counters as the functional backend, and the same cycles as the SystemC unit model, alone and on
// two chips.
TEST(MpiTrain, RtlBackendMatchesSystemcCyclesAloneAndOnTwoChips) {
  const test::ScratchDir d("mpi_rtl");
  const std::string args = kSmall + "--generations 2 --seed 6 --out ";
  auto s = run(std::string(ECSIM_BINARY) + " train --backend systemc " + args + (d / "systemc").string());
  ASSERT_EQ(s.code, 0) << s.output;
  auto r = run(std::string(ECSIM_BINARY) + " train --backend rtl " + args + (d / "rtl").string());
  ASSERT_EQ(r.code, 0) << r.output;
  expect_same_run(d / "systemc", d / "rtl", "systemc vs rtl", true);
  auto r2 = run(mpirun(2) + ECSIM_BINARY + " train --backend rtl " + args + (d / "rtl2").string());
  ASSERT_EQ(r2.code, 0) << r2.output;
  expect_same_run(d / "systemc", d / "rtl2", "systemc vs rtl on 2 ranks", true);
  // the chip columns are filled: the comparison above is not of empty cells
  const std::string m = test::read_text(d / "rtl" / "metrics.csv");
  EXPECT_EQ(m.find(",,"), std::string::npos) << m;
  // the energy report of the last generation, the same from both chips
  const auto es = boost::json::parse(test::read_text(d / "systemc" / "energy.json")).as_object();
  const auto er = boost::json::parse(test::read_text(d / "rtl2" / "energy.json")).as_object();
  EXPECT_GT(es.at("total_pj").as_double(), 0);
  EXPECT_EQ(es.at("total_pj").as_double(), er.at("total_pj").as_double());
  EXPECT_EQ(es.at("run_total_pj").as_double(), er.at("run_total_pj").as_double());
  EXPECT_FALSE(fs::exists(d / "systemc" / "energy.png")) << "--no-plot";
}

// --rtl-units reaches every rank and the run's config.json: a subset of the RTL units (here all
// but the popcount core) on two chips gives the systemc chip's run, cycles included.
TEST(MpiTrain, RtlUnitsSubsetOnTwoChipsMatchesSystemc) {
  const test::ScratchDir d("mpi_rtl_units");
  const std::string args = kSmall + "--generations 1 --seed 7 --out ";
  auto s = run(std::string(ECSIM_BINARY) + " train --backend systemc " + args + (d / "systemc").string());
  ASSERT_EQ(s.code, 0) << s.output;
  auto r2 = run(mpirun(2) + ECSIM_BINARY + " train --backend rtl --rtl-units lif,sampler,input,readout " + args +
                (d / "rtl2").string());
  ASSERT_EQ(r2.code, 0) << r2.output;
  expect_same_run(d / "systemc", d / "rtl2", "systemc vs rtl units on 2 ranks", true);
  const std::string cfg = test::read_text(d / "rtl2" / "config.json");
  EXPECT_NE(cfg.find("\"rtl_units\":\"lif,sampler,input,readout\""), std::string::npos) << cfg;
  EXPECT_EQ(test::read_text(d / "systemc" / "config.json").find("rtl_units"), std::string::npos)
      << "written only when set";
}

TEST(MpiTrain, ResumeWithAnotherRankCount) {
  const test::ScratchDir d("mpi_resume");
  const std::string args = kSmall + "--generations 4 --checkpoint-every 1 --seed 9 --out ";
  auto whole = run(std::string(ECSIM_BINARY) + " train " + args + (d / "whole").string());
  ASSERT_EQ(whole.code, 0) << whole.output;
  auto part = run(std::string(ECSIM_BINARY) + " train " + args + (d / "split").string() + " --stop-after 2");
  ASSERT_EQ(part.code, 0) << part.output;
  auto rest = run(mpirun(2) + ECSIM_BINARY + " train --progress never --threads 1 --resume " + (d / "split").string());
  ASSERT_EQ(rest.code, 0) << rest.output;
  expect_same_run(d / "whole", d / "split", "started alone, resumed on 2 ranks");
}

TEST(MpiTrain, RanksWithOtherFlagsStopAtStartUp) {
  const test::ScratchDir d("mpi_mismatch");
  const std::string cmd = std::string(ECSIM_MPIEXEC) + " --allow-run-as-root --oversubscribe -np 1 " + ECSIM_BINARY +
                          " train " + kSmall + "--generations 2 --seed 1 --out " + (d / "a").string() + " : -np 1 " +
                          ECSIM_BINARY + " train " + kSmall + "--generations 2 --seed 2 --out " + (d / "a").string();
  auto r = run(cmd);
  EXPECT_NE(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("different configuration or ecsim binary"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(d / "a" / "checkpoint.ckpt")) << "no work before the check";
}

// A killed and resumed chip run ends with the same metrics (cycles and energy included) and the
// same run energy as one that never stopped.
TEST(MpiTrain, ChipRunResumesWithTheSameEnergy) {
  const test::ScratchDir d("chip_resume");
  const std::string args = kSmall + "--backend systemc --generations 3 --checkpoint-every 1 --seed 2 --out ";
  auto whole = run(std::string(ECSIM_BINARY) + " train " + args + (d / "whole").string());
  ASSERT_EQ(whole.code, 0) << whole.output;
  auto part = run(std::string(ECSIM_BINARY) + " train " + args + (d / "split").string() + " --stop-after 1");
  ASSERT_EQ(part.code, 0) << part.output;
  auto rest = run(std::string(ECSIM_BINARY) + " train --progress never --resume " + (d / "split").string());
  ASSERT_EQ(rest.code, 0) << rest.output;
  expect_same_run(d / "whole", d / "split", "chip run resumed", true);
  const auto a = boost::json::parse(test::read_text(d / "whole" / "energy.json")).as_object();
  const auto b = boost::json::parse(test::read_text(d / "split" / "energy.json")).as_object();
  EXPECT_EQ(a.at("run_total_pj").as_double(), b.at("run_total_pj").as_double());
  EXPECT_EQ(a.at("run"), b.at("run")) << "the whole-run report (every unit and action) survives the kill";
  EXPECT_EQ(a.at("run").at("generations").to_number<uint64_t>(), 3u);
  EXPECT_EQ(a.at("total_pj").as_double(), b.at("total_pj").as_double());
}

// The functional backend with --chip counts the chip's activity without simulating it: the same
// dynamic energy as the SystemC chip, on one process and on two ranks; no static energy (no cycles).
TEST(MpiTrain, FunctionalChipCountsGiveTheChipsDynamicEnergy) {
  const test::ScratchDir d("fn_energy");
  const std::string args = kSmall + "--generations 2 --seed 5 --out ";
  const std::string chip = " --chip " + std::string(ECSIM_SOURCE_DIR) + "/configs/chip_default.json ";
  auto s = run(std::string(ECSIM_BINARY) + " train --backend systemc " + args + (d / "systemc").string());
  ASSERT_EQ(s.code, 0) << s.output;
  auto f = run(std::string(ECSIM_BINARY) + " train" + chip + args + (d / "functional").string());
  ASSERT_EQ(f.code, 0) << f.output;
  auto f2 = run(mpirun(2) + ECSIM_BINARY + " train" + chip + args + (d / "functional2").string());
  ASSERT_EQ(f2.code, 0) << f2.output;
  const auto es = boost::json::parse(test::read_text(d / "systemc" / "energy.json")).as_object();
  for (const char* run_dir : {"functional", "functional2"}) {
    const auto ef = boost::json::parse(test::read_text(d / run_dir / "energy.json")).as_object();
    EXPECT_EQ(ef.at("dynamic_pj").as_double(), es.at("dynamic_pj").as_double()) << run_dir;
    EXPECT_EQ(ef.at("static_pj").as_double(), 0.0) << run_dir;
    EXPECT_TRUE(ef.contains("note")) << run_dir;
    EXPECT_EQ(ef.at("traffic"), es.at("traffic")) << run_dir;
  }
  expect_same_run(d / "systemc", d / "functional", "functional with --chip vs systemc");
}
