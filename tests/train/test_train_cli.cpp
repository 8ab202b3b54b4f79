// `ecsim train`, `ecsim eval` and `ecsim rollout --policy` through the binary: run directories,
// bit-identical resume after a kill, corrupt/mismatched checkpoints, bad flags, a short Hopper
// training that must improve the population return.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../host/cli_util.h"
#include "common/binio.h"
#include "common/error.h"
#include "legacy_checkpoint.h"
#include "small_config.h"
#include "train/trainer.h"

using namespace ecsim;
using ecsim::test::run_ecsim;
namespace fs = std::filesystem;

namespace {

// a small, fast configuration
const std::string kSmall =
    "--task hopper --neurons 64 --pop 8 --max-steps 60 --eval-episodes 2 --no-plot --progress never";

train::TrainConfig read_config(const fs::path& dir) { return train::read_run_config(dir.string()); }

train::ControllerState read_ckpt(const fs::path& dir) { return train::read_checkpoint(dir.string(), read_config(dir)); }

// metrics without the timing columns (seconds, elapsed, fps)
std::vector<std::string> metrics_no_time(const fs::path& dir) {
  std::istringstream in(ecsim::test::read_text(dir / "metrics.csv"));
  std::vector<std::string> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::stringstream ls(line);
    std::string cell, row;
    int col = 0;
    while (std::getline(ls, cell, ',')) {
      if (col != 1 && col != 2 && col != 5) row += cell + ",";
      ++col;
    }
    rows.push_back(row);
  }
  return rows;
}

void expect_same_state(const train::ControllerState& a, const train::ControllerState& b) {
  EXPECT_EQ(a.generation, b.generation);
  EXPECT_EQ(a.params, b.params);
  EXPECT_EQ(a.adam.t, b.adam.t);
  EXPECT_EQ(a.adam.m, b.adam.m);
  EXPECT_EQ(a.adam.v, b.adam.v);
  EXPECT_EQ(a.norm.to_binary(), b.norm.to_binary());
  EXPECT_EQ(a.frames_total, b.frames_total);
}

}  // namespace

TEST(TrainCli, WritesRunDirectoryAndEvaluates) {
  const ecsim::test::ScratchDir scratch("train_run");
  const fs::path d = scratch / "run";
  auto r = run_ecsim("train " + kSmall + " --generations 3 --seed 4 --out " + d.string());
  ASSERT_EQ(r.code, 0) << r.output;
  for (const char* f : {"config.json", "metrics.csv", "checkpoint.ckpt", "policy/policy.json", "policy/theta.bin",
                        "policy/normalizer.json"})
    EXPECT_TRUE(fs::exists(d / f)) << f;
  EXPECT_EQ(metrics_no_time(d).size(), 4u);  // header + 3
  EXPECT_EQ(read_ckpt(d).generation, 3u);
  // quiet when not a terminal: one summary line only
  EXPECT_EQ(r.output.find("\r"), std::string::npos);

  auto e = run_ecsim("eval " + d.string() + " --episodes 3 --max-steps 60");
  ASSERT_EQ(e.code, 0) << e.output;
  EXPECT_NE(e.output.find("over 3 episodes"), std::string::npos) << e.output;
  // same result for any thread count
  auto e1 = run_ecsim("eval " + d.string() + " --episodes 3 --max-steps 60 --threads 1");
  EXPECT_EQ(e1.output, e.output);
  // the same returns on the chip, with its cycles on a second line; the same cycles with the RTL core
  auto es = run_ecsim("eval " + d.string() + " --episodes 3 --max-steps 60 --backend systemc");
  ASSERT_EQ(es.code, 0) << es.output;
  const size_t nl = es.output.find('\n');
  EXPECT_EQ(es.output.substr(0, nl + 1), e.output);
  EXPECT_NE(es.output.find("chip (systemc): "), std::string::npos) << es.output;
  EXPECT_NE(es.output.find(" per env step"), std::string::npos) << es.output;
  auto er = run_ecsim("eval " + d.string() + " --episodes 3 --max-steps 60 --backend rtl");
  ASSERT_EQ(er.code, 0) << er.output;
  const size_t cycles_at = es.output.find("): ");
  ASSERT_NE(cycles_at, std::string::npos);
  EXPECT_EQ(er.output.substr(0, nl + 1), e.output);
  EXPECT_EQ(er.output.substr(er.output.find("): ", nl)), es.output.substr(es.output.find("): ", nl)))
      << er.output << es.output;

  const fs::path traj = d.parent_path() / "traj.csv";
  auto ro = run_ecsim("rollout --task hopper --seed 3 --policy " + d.string() + " --out " + traj.string());
  ASSERT_EQ(ro.code, 0) << ro.output;
  EXPECT_TRUE(fs::exists(traj));
  auto bad = run_ecsim("rollout --task walker2d --seed 3 --policy " + d.string() + " --out " + traj.string());
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.output.find("trained on hopper"), std::string::npos) << bad.output;

  // the θ file loads in ecsim simulate
  ecsim::test::write_text(d.parent_path() / "trace.csv",
                          "obs_0,obs_1,obs_2,obs_3,obs_4,obs_5,obs_6,obs_7,obs_8,obs_9,obs_10\n"
                          "0,0,0,0,0,0,0,0,0,0,0\n0.5,0,0,0,0,0,0,0,0,0,-0.5\n");
  auto sim = run_ecsim("simulate --theta " + (d / "policy/theta.bin").string() + " --neurons 64 --trace " +
                       (d.parent_path() / "trace.csv").string() + " --out " + (d.parent_path() / "act.csv").string());
  EXPECT_EQ(sim.code, 0) << sim.output;
}

// policy/ holds what the last generation evaluated (the state before its update), so that
// `ecsim eval` on the row's starts gives the row's eval return; policy-best/ holds the image of the
// highest eval in metrics.csv.
TEST(TrainCli, TheImagesAreWhatTheirRowsEvaluated) {
  const ecsim::test::ScratchDir scratch("train_images");
  const fs::path d = scratch / "run";
  ASSERT_EQ(run_ecsim("train " + kSmall + " --generations 5 --checkpoint-every 2 --seed 4 --out " + d.string()).code,
            0);
  const std::vector<std::string> rows = train::read_metrics_rows((d / "metrics.csv").string(), 5);
  ASSERT_EQ(rows.size(), 5u);
  size_t best = 0;
  for (size_t i = 0; i < rows.size(); ++i)
    if (train::metrics_cell(rows[i], "eval_mean") > train::metrics_cell(rows[best], "eval_mean")) best = i;
  auto eval_text = [](double v) {
    char b[64];
    std::snprintf(b, sizeof b, "return %.2f ", v);
    return std::string(b);
  };
  // the run's eval starts: its seed, its eval episodes, its step cap
  const std::string starts = " --seed 4 --episodes 2 --max-steps 60 --threads 1";
  const auto last = run_ecsim("eval " + d.string() + starts);
  ASSERT_EQ(last.code, 0) << last.output;
  EXPECT_NE(last.output.find("generation 5"), std::string::npos) << last.output;
  EXPECT_NE(last.output.find(eval_text(train::metrics_cell(rows[4], "eval_mean"))), std::string::npos)
      << last.output << rows[4];
  const auto top = run_ecsim("eval " + (d / "policy-best").string() + starts);
  ASSERT_EQ(top.code, 0) << top.output;
  EXPECT_NE(top.output.find("generation " + std::to_string(best + 1) + ")"), std::string::npos) << top.output;
  EXPECT_NE(top.output.find(eval_text(train::metrics_cell(rows[best], "eval_mean"))), std::string::npos)
      << top.output << rows[best];
}

TEST(TrainCli, ResumeAfterKillIsBitIdentical) {
  const ecsim::test::ScratchDir scratch("train_resume");
  const fs::path base = scratch / ".";
  const std::string common = kSmall + " --generations 5 --checkpoint-every 2 --seed 9";
  auto full = run_ecsim("train " + common + " --out " + (base / "full").string());
  ASSERT_EQ(full.code, 0) << full.output;
  // killed after generation 3: the last checkpoint is generation 2, metrics hold 3 rows
  auto killed = run_ecsim("train " + common + " --stop-after 3 --out " + (base / "killed").string());
  ASSERT_EQ(killed.code, 0) << killed.output;
  EXPECT_EQ(read_ckpt(base / "killed").generation, 2u);
  auto resumed = run_ecsim("train --progress never --resume " + (base / "killed").string() + " --threads 1");
  ASSERT_EQ(resumed.code, 0) << resumed.output;
  expect_same_state(read_ckpt(base / "full"), read_ckpt(base / "killed"));
  EXPECT_EQ(metrics_no_time(base / "full"), metrics_no_time(base / "killed"));
  EXPECT_EQ(ecsim::test::read_text(base / "full/policy/theta.bin"),
            ecsim::test::read_text(base / "killed/policy/theta.bin"));

  // extending a finished run: 3 generations, then resume to 5
  auto shortrun =
      run_ecsim("train " + kSmall + " --generations 3 --checkpoint-every 2 --seed 9 --out " + (base / "ext").string());
  ASSERT_EQ(shortrun.code, 0) << shortrun.output;
  auto ext = run_ecsim("train --progress never --resume " + (base / "ext").string() + " --generations 5");
  ASSERT_EQ(ext.code, 0) << ext.output;
  expect_same_state(read_ckpt(base / "full"), read_ckpt(base / "ext"));
}

// --time-limit ends a run after the generation that reaches the limit, with a checkpoint at that
// generation (not the last periodic one) and the deploy image. config.json keeps the limit, so a
// plain --resume stops at it again; a larger --time-limit given with --resume continues the run,
// bit-identically.
TEST(TrainCli, TimeLimitEndsWithCheckpointAndResumesBitIdentically) {
  const ecsim::test::ScratchDir scratch("train_time_limit");
  const fs::path base = scratch / ".";
  const std::string common = kSmall + " --generations 4 --checkpoint-every 10 --seed 9";
  auto full = run_ecsim("train " + common + " --out " + (base / "full").string());
  ASSERT_EQ(full.code, 0) << full.output;
  // 1e-6 min: every generation takes longer, so the run ends after generation 1
  auto timed = run_ecsim("train " + common + " --time-limit 1e-6 --out " + (base / "timed").string());
  ASSERT_EQ(timed.code, 0) << timed.output;
  EXPECT_NE(timed.output.find("stopped at the time limit"), std::string::npos) << timed.output;
  EXPECT_EQ(read_ckpt(base / "timed").generation, 1u);
  EXPECT_TRUE(fs::exists(base / "timed/policy/theta.bin"));
  EXPECT_EQ(read_config(base / "timed").time_limit_min, 1e-6);
  auto again = run_ecsim("train --progress never --resume " + (base / "timed").string());
  ASSERT_EQ(again.code, 0) << again.output;
  EXPECT_NE(again.output.find("stopped at the time limit"), std::string::npos) << again.output;
  EXPECT_EQ(read_ckpt(base / "timed").generation, 2u);
  auto resumed = run_ecsim("train --progress never --resume " + (base / "timed").string() + " --time-limit 1000");
  ASSERT_EQ(resumed.code, 0) << resumed.output;
  EXPECT_EQ(read_config(base / "timed").time_limit_min, 1000.0);
  expect_same_state(read_ckpt(base / "full"), read_ckpt(base / "timed"));
  EXPECT_EQ(metrics_no_time(base / "full"), metrics_no_time(base / "timed"));
  for (const char* bad : {"0", "-5", "nan", "soon"}) {
    auto r = run_ecsim("train " + common + " --time-limit " + bad + " --out " + (base / "bad").string());
    EXPECT_EQ(r.code, 2) << bad << "\n" << r.output;
    EXPECT_NE(r.output.find("time-limit"), std::string::npos) << bad << "\n" << r.output;
  }
}

// The progress line fits the terminal (here $COLUMNS, as stderr is a pipe) on the chip backend,
// whose line is the longest, by dropping its least important fields; it never wraps.
TEST(TrainCli, ProgressLineFitsTheTerminal) {
  const ecsim::test::ScratchDir scratch("train_progress");
  for (const int columns : {40, 60, 80, 200}) {
    std::vector<std::string> args = ecsim::test::split_args(
        std::string(ECSIM_BINARY) +
        " train --task hopper --neurons 64 --pop 8 --max-steps 40 --eval-episodes 1 --generations 2 --no-plot"
        " --backend systemc --progress always --time-limit 60 --out");
    args.push_back((scratch / std::to_string(columns)).string());
    ecsim::test::ChildSetup setup;
    setup.env = {{"COLUMNS", std::to_string(columns)}};
    const auto r = ecsim::test::run_program(args, setup);
    ASSERT_EQ(r.code, 0) << r.output;
    int lines = 0;
    for (size_t at = r.output.find("\r\033[K"); at != std::string::npos; at = r.output.find("\r\033[K", at + 1)) {
      const size_t begin = at + 4;
      const std::string line = r.output.substr(begin, r.output.find_first_of("\r\n", begin) - begin);
      EXPECT_LE(line.size(), static_cast<size_t>(columns - 1)) << columns << ": '" << line << "'";
      EXPECT_EQ(line.rfind("gen ", 0), 0u) << line;
      if (columns >= 80) {
        EXPECT_NE(line.find("ETA"), std::string::npos) << line;
      }
      if (columns >= 200) {
        EXPECT_NE(line.find("cycles/step"), std::string::npos) << line;
      }
      ++lines;
    }
    EXPECT_EQ(lines, 2) << r.output;
  }
}

// The ETA of a time-limited run is the time left to the limit when that comes first, and says so.
TEST(TrainCli, ProgressEtaHonoursTheTimeLimit) {
  const ecsim::test::ScratchDir scratch("train_eta");
  std::vector<std::string> args = ecsim::test::split_args(
      std::string(ECSIM_BINARY) +
      " train --task hopper --neurons 64 --pop 8 --max-steps 40 --eval-episodes 1 --generations 100000 --no-plot"
      " --progress always --time-limit 0.03 --out");
  args.push_back((scratch / "run").string());
  ecsim::test::ChildSetup setup;
  setup.env = {{"COLUMNS", "120"}};
  const auto r = ecsim::test::run_program(args, setup);
  ASSERT_EQ(r.code, 0) << r.output;
  int limited = 0;
  for (size_t at = r.output.find("ETA "); at != std::string::npos; at = r.output.find("ETA ", at + 1)) {
    const std::string eta = r.output.substr(at + 4, r.output.find_first_of("\r\n", at) - at - 4);
    int m = -1, sec = -1;
    ASSERT_EQ(std::sscanf(eta.c_str(), "%dm%ds", &m, &sec), 2) << eta;
    EXPECT_LE(m * 60 + sec, 2) << "the limit is 1.8 s, not 100000 generations away: " << eta;
    limited += eta.find("(limit)") != std::string::npos;
  }
  EXPECT_GT(limited, 0) << r.output;
  EXPECT_NE(r.output.find("stopped at the time limit"), std::string::npos) << r.output;
}

TEST(TrainCli, EsBaselineRunsAndResumes) {
  const ecsim::test::ScratchDir scratch("train_es");
  const fs::path base = scratch / ".";
  const std::string common = kSmall + " --method es --generations 3 --checkpoint-every 1 --seed 2";
  auto full = run_ecsim("train " + common + " --out " + (base / "full").string());
  ASSERT_EQ(full.code, 0) << full.output;
  EXPECT_TRUE(fs::exists(base / "full/policy/weights.bin"));
  auto killed = run_ecsim("train " + common + " --stop-after 2 --out " + (base / "k").string());
  ASSERT_EQ(killed.code, 0) << killed.output;
  ASSERT_EQ(run_ecsim("train --progress never --resume " + (base / "k").string()).code, 0);
  expect_same_state(read_ckpt(base / "full"), read_ckpt(base / "k"));
  auto e = run_ecsim("eval " + (base / "full").string() + " --episodes 2 --max-steps 30");
  EXPECT_EQ(e.code, 0) << e.output;
  EXPECT_EQ(run_ecsim("train " + kSmall + " --method es --pop 7 --out " + (base / "odd").string()).code, 2);
}

TEST(TrainCli, CorruptAndMismatchedCheckpointsAreClearErrors) {
  const ecsim::test::ScratchDir scratch("train_corrupt");
  const fs::path base = scratch / ".";
  const fs::path d = base / "run";
  ASSERT_EQ(run_ecsim("train " + kSmall + " --generations 2 --out " + d.string()).code, 0);
  const std::string good = ecsim::test::read_text(d / "checkpoint.ckpt");
  const auto expect_error = [&](const std::string& args, const std::string& needle) {
    auto r = run_ecsim(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(needle), std::string::npos) << args << "\n" << r.output;
  };
  // flipped byte
  std::string bad = good;
  bad[bad.size() / 2] ^= 0x10;
  { std::ofstream(d / "checkpoint.ckpt", std::ios::binary) << bad; }
  expect_error("train --resume " + d.string() + " --generations 3", "corrupt");
  // truncated
  { std::ofstream(d / "checkpoint.ckpt", std::ios::binary) << good.substr(0, good.size() / 3); }
  expect_error("train --resume " + d.string() + " --generations 3", "checkpoint");
  // not a checkpoint
  { std::ofstream(d / "checkpoint.ckpt", std::ios::binary) << "hello"; }
  expect_error("train --resume " + d.string() + " --generations 3", "not an ecsim checkpoint");
  // a config that does not match the checkpoint
  { std::ofstream(d / "checkpoint.ckpt", std::ios::binary) << good; }
  const std::string cfg = ecsim::test::read_text(d / "config.json");
  std::string cfg2 = cfg;
  cfg2.replace(cfg2.find("\"pop\":8"), 7, "\"pop\":9");
  ecsim::test::write_text(d / "config.json", cfg2);
  expect_error("train --resume " + d.string() + " --generations 3", "different configuration");
  ecsim::test::write_text(d / "config.json", "{not json");
  expect_error("train --resume " + d.string(), "not valid JSON");
  ecsim::test::write_text(d / "config.json", cfg);
  // nothing was half-loaded: the run still resumes after the repairs
  EXPECT_EQ(run_ecsim("train --progress never --resume " + d.string() + " --generations 3").code, 0);
  expect_error("train --resume " + (base / "nothing").string(), "not a directory");
  fs::create_directories(base / "empty");
  expect_error("train --resume " + (base / "empty").string(), "not a run directory");
  expect_error("train --resume " + d.string() + " --pop 4", "cannot be changed when resuming");
  // a resume's overrides pass the same ranges as on a fresh run, and the refused command changes nothing
  const std::string cfg_before = ecsim::test::read_text(d / "config.json");
  const std::string ckpt_before = ecsim::test::read_text(d / "checkpoint.ckpt");
  expect_error("train --resume " + d.string() + " --threads 0", "--threads 0 must be in [1, 1024] (resuming)");
  expect_error("train --resume " + d.string() + " --threads 2000", "--threads 2000 must be in [1, 1024] (resuming)");
  expect_error("train --resume " + d.string() + " --generations -4", "--generations -4 must be at least 1 (resuming)");
  expect_error("train --resume " + d.string() + " --generations 0", "--generations 0 must be at least 1 (resuming)");
  EXPECT_EQ(ecsim::test::read_text(d / "config.json"), cfg_before);
  EXPECT_EQ(ecsim::test::read_text(d / "checkpoint.ckpt"), ckpt_before);
  expect_error("train " + kSmall + " --out " + d.string(), "already holds a training run");
  expect_error("eval " + (base / "empty").string(), "not a policy image");
}

TEST(TrainCli, BadFlagsAreClearErrors) {
  const ecsim::test::ScratchDir scratch("train_flags");
  const fs::path base = scratch / ".";
  const auto expect_error = [&](const std::string& args, const std::string& needle) {
    auto r = run_ecsim(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(needle), std::string::npos) << args << "\n" << r.output;
  };
  const std::string o = " --out " + (base / "x").string();
  expect_error("train --method sgd" + o, "--method 'sgd' is not known");
  expect_error("train --pop 1" + o, "--pop 1 is too small");
  expect_error("train --generations 0" + o, "--generations must be at least 1");
  expect_error("train --chip " + (base / "none.json").string() + o, "cannot open chip config");
  expect_error("train --energy-table " + (base / "e.json").string() + o, "--energy-table needs the chip's counts");
  expect_error("train --backend rtl --chip " + (base / "none.json").string() + o, "none.json");
  expect_error("eval " + (base / "x").string() + " --chip c.json --backend gpu", "is not known");
  expect_error("train --backend gpu" + o, "is not known");
  expect_error("train --task nope" + o, "nope");
  expect_error("train --lr -1" + o, "--lr must be a positive number");
  expect_error("train --eps 0.7" + o, "--eps must be in (0, 0.5)");
  expect_error("train --threads 0" + o, "--threads must be in");
  expect_error("train --arith double" + o, "--arith 'double' is not known");
  expect_error("train --frobnicate 3" + o, "frobnicate");
  expect_error("train --pop many" + o, "pop");
  expect_error("train --task hopper", "--out DIR is required");
  expect_error("eval", "needs a run directory");
  expect_error("eval " + (base / "x").string() + " --episodes 0", "--episodes must be at least 1");
  // program_options alone would read -1 into an unsigned as 2^64 - 1, and inf or nan into a double
  expect_error("train --seed -1" + o, "--seed -1 is negative; the flag takes an integer in [0, 18446744073709551615]");
  expect_error("eval " + (base / "x").string() + " --seed -1", "--seed -1 is negative");
  for (const char* flag : {"--adam-eps", "--weight-decay", "--es-weight-decay", "--lr", "--sigma", "--beta1"}) {
    expect_error(std::string("train ") + flag + " inf" + o, std::string(flag) + " inf is not a finite number");
    expect_error(std::string("train ") + flag + " nan" + o, std::string(flag) + " nan is not a finite number");
  }
  EXPECT_FALSE(fs::exists(base / "x"));
}

// A short real training: the population's mean return must rise well above generation 1's.
TEST(TrainCli, ShortHopperTrainingImproves) {
  const ecsim::test::ScratchDir scratch("train_learn");
  const fs::path d = scratch / "run";
  auto r = run_ecsim(
      "train --task hopper --pop 32 --generations 20 --max-steps 200 --lr 0.15 --eval-episodes 2 --seed 1 "
      "--no-plot --progress never --out " +
      d.string());
  ASSERT_EQ(r.code, 0) << r.output;
  std::istringstream in(ecsim::test::read_text(d / "metrics.csv"));
  std::string line;
  std::getline(in, line);
  std::vector<double> pop_mean;
  while (std::getline(in, line)) {
    std::stringstream ls(line);
    std::string cell;
    for (int col = 0; col <= 6 && std::getline(ls, cell, ','); ++col)
      if (col == 6) pop_mean.push_back(std::stod(cell));
  }
  ASSERT_EQ(pop_mean.size(), 20u);
  const double last3 = (pop_mean[17] + pop_mean[18] + pop_mean[19]) / 3;
  std::printf("population mean return: generation 1 %.1f, generations 18-20 %.1f\n", pop_mean[0], last3);
  EXPECT_GT(last3, 1.5 * pop_mean[0] + 20.0);
}

// Checkpoints of version 1 (before the chip-activity block) still resume; the run's energy totals
// then start at the resume. Version 2 (raw structs) resumes to the same bits.
TEST(TrainCli, VersionOneCheckpointsStillResume) {
  const ecsim::test::ScratchDir scratch("train_v1");
  const fs::path d = scratch / "run";
  ASSERT_EQ(run_ecsim("train " + kSmall + " --generations 2 --checkpoint-every 1 --out " + d.string()).code, 0);
  // the files an ecsim of checkpoint version 1 or 2 wrote at this point
  const std::string v1 = ecsim::test::legacy_checkpoint(read_config(d), read_ckpt(d), 1);
  const fs::path d2 = scratch / "run2";
  fs::copy(d, d2, fs::copy_options::recursive);
  {
    std::ofstream(d2 / "checkpoint.ckpt", std::ios::binary)
        << ecsim::test::legacy_checkpoint(read_config(d), read_ckpt(d), 2);
  }
  { std::ofstream(d / "checkpoint.ckpt", std::ios::binary) << v1; }
  const train::ControllerState st = read_ckpt(d);
  EXPECT_EQ(st.generation, 2u);
  EXPECT_EQ(st.run_first_generation, 3u);
  auto r = run_ecsim("train --progress never --resume " + d.string() + " --generations 3");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(read_ckpt(d).generation, 3u);
  auto r2 = run_ecsim("train --progress never --resume " + d2.string() + " --generations 3");
  EXPECT_EQ(r2.code, 0) << r2.output;
  expect_same_state(read_ckpt(d), read_ckpt(d2));
  EXPECT_EQ(read_ckpt(d2).run_first_generation, 1u);
}

// A run written before metrics.csv had the chip and energy columns (15 columns) resumes: its old
// rows get empty cells, the new rows have every column.
TEST(TrainCli, OldMetricsRowsArePaddedOnResume) {
  const ecsim::test::ScratchDir scratch("train_old_metrics");
  const fs::path d = scratch / "run";
  ASSERT_EQ(run_ecsim("train " + kSmall + " --generations 2 --checkpoint-every 1 --out " + d.string()).code, 0);
  std::istringstream in(ecsim::test::read_text(d / "metrics.csv"));
  std::string old, line;
  while (std::getline(in, line)) {
    size_t commas = 0, cut = line.size();
    for (size_t i = 0; i < line.size(); ++i)
      if (line[i] == ',' && ++commas == 15) cut = i;
    old += line.substr(0, cut) + "\n";
  }
  ecsim::test::write_text(d / "metrics.csv", old);
  ASSERT_EQ(run_ecsim("train --progress never --resume " + d.string() + " --generations 3").code, 0);
  std::istringstream res(ecsim::test::read_text(d / "metrics.csv"));
  int rows = 0;
  while (std::getline(res, line)) {
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), 20) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 4);  // header + 3 generations
}

// curve.png is drawn through io::plot_png: no script is left in the run directory, and without
// gnuplot the run goes on with one warning that says why.
TEST(TrainCli, CurveLeavesNoScriptAndWarnsOnceWithoutGnuplot) {
  const ecsim::test::ScratchDir scratch("train_curve");
  const std::string args =
      "train --task hopper --neurons 64 --pop 8 --max-steps 60 --eval-episodes 2 --progress never "
      "--generations 2 --checkpoint-every 1 --out ";
  const bool have_gnuplot = !ecsim::test::find_program("gnuplot").empty();
  auto r = run_ecsim(args + (scratch / "with").string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(fs::exists(scratch / "with/curve.png"), have_gnuplot) << r.output;
  EXPECT_FALSE(fs::exists(scratch / "with/curve.gp"));
  if (have_gnuplot) {  // three panels side by side: the PNG's IHDR holds 1500 x 480
    const std::string png = ecsim::test::read_text(scratch / "with/curve.png");
    ASSERT_GT(png.size(), 24u);
    auto be32 = [&](size_t at) {
      return (static_cast<uint32_t>(static_cast<unsigned char>(png[at])) << 24) |
             (static_cast<uint32_t>(static_cast<unsigned char>(png[at + 1])) << 16) |
             (static_cast<uint32_t>(static_cast<unsigned char>(png[at + 2])) << 8) |
             static_cast<uint32_t>(static_cast<unsigned char>(png[at + 3]));
    };
    EXPECT_EQ(be32(16), 1500u);
    EXPECT_EQ(be32(20), 480u);
  }

  const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", (scratch / "no-such-dir").c_str(), 1);
  auto w = run_ecsim(args + (scratch / "without").string());
  ::setenv("PATH", path.c_str(), 1);
  ASSERT_EQ(w.code, 0) << w.output;
  const std::string warning = "ecsim train: warning: gnuplot failed; curve.png not written (gnuplot is not installed";
  const size_t at = w.output.find(warning);
  EXPECT_NE(at, std::string::npos) << w.output;
  EXPECT_EQ(w.output.find(warning, at + 1), std::string::npos) << "warned more than once:\n" << w.output;
  for (const char* f : {"curve.png", "curve.gp", "plot.png", "metrics.csv.tmp"})
    EXPECT_FALSE(fs::exists(scratch / "without" / f)) << f;
  EXPECT_TRUE(fs::exists(scratch / "without/metrics.csv"));
}

namespace {

// An evaluator whose population returns include a NaN: the generation step throws and leaves the
// parameters, Adam state and generation count as they were.
class NanEvaluator : public eval::Evaluator {
 public:
  explicit NanEvaluator(std::unique_ptr<eval::Evaluator> inner) : m_inner(std::move(inner)) {}
  std::string name() const override { return "nan"; }
  void load(const std::vector<float>& params, const tasks::RunningNormalizer& norm) override {
    m_inner->load(params, norm);
  }
  eval::BatchResult evaluate(const std::vector<eval::Job>& jobs) override {
    eval::BatchResult r = m_inner->evaluate(jobs);
    r.results[3].ret = std::nan("");
    return r;
  }

 private:
  std::unique_ptr<eval::Evaluator> m_inner;
};

}  // namespace

TEST(TrainCli, NonFiniteFitnessStopsTrainingBeforeTheUpdate) {
  train::TrainConfig c = test::small_train_config(20);
  c.plot = false;
  const std::string dir = testing::TempDir() + "/ecsim_train_nan_" + std::to_string(::getpid());
  fs::remove_all(dir);
  auto t = train::Trainer::start(c, dir);
  const train::ControllerState before = t.state();
  NanEvaluator ev(eval::make_evaluator("functional", train::evaluator_config(c)));
  std::string msg = "(no ecsim::Error thrown)";
  try {
    t.step(ev);
  } catch (const Error& e) {
    msg = e.what();
  }
  EXPECT_NE(msg.find("generation 1: individual 3 of 8 has fitness nan, which is not finite"), std::string::npos) << msg;
  EXPECT_EQ(t.state().params, before.params);
  EXPECT_EQ(t.state().adam.m, before.adam.m);
  EXPECT_EQ(t.state().generation, before.generation);
  fs::remove_all(dir);
}

// --reward-shift changes only what is ranked: generation 1 evaluates the same individuals with or
// without it, so its row's returns (population and eval) are the same, while the update, and so the
// next ρ, differs; config.json records the shift only when it is set (older runs keep their
// identity CRC), a resumed run keeps it, and --resume cannot change it.
TEST(TrainCli, RewardShiftRanksShiftedReturnsAndReportsTheTaskReturn) {
  const ecsim::test::ScratchDir scratch("train_shift");
  const fs::path base = scratch / ".";
  // episodes of 300 steps: the population's lengths differ, so the shift reorders the ranks
  const std::string common =
      "--task hopper --neurons 64 --pop 16 --max-steps 300 --eval-episodes 2 --no-plot --progress never --seed 4 "
      "--generations 2 --checkpoint-every 1";
  ASSERT_EQ(run_ecsim("train " + common + " --out " + (base / "plain").string()).code, 0);
  const auto shifted = run_ecsim("train " + common + " --reward-shift 1 --out " + (base / "shift").string());
  ASSERT_EQ(shifted.code, 0) << shifted.output;
  const train::MetricsTable a = train::read_metrics((base / "plain").string()),
                            b = train::read_metrics((base / "shift").string());
  for (const char* col : {"frames", "pop_mean", "pop_best", "pop_min", "eval_mean", "eval_std", "mean_steps"})
    EXPECT_EQ(a.rows[0][a.column(col)], b.rows[0][b.column(col)]) << col;
  EXPECT_NE(read_ckpt(base / "plain").params, read_ckpt(base / "shift").params);
  EXPECT_EQ(read_config(base / "shift").reward_shift, 1.0);
  EXPECT_EQ(ecsim::test::read_text(base / "plain/config.json").find("reward_shift"), std::string::npos);
  EXPECT_NE(ecsim::test::read_text(base / "shift/config.json").find("\"reward_shift\""), std::string::npos);
  const auto change = run_ecsim("train --progress never --resume " + (base / "shift").string() + " --reward-shift 0");
  EXPECT_EQ(change.code, 2);
  EXPECT_NE(change.output.find("--reward-shift cannot be changed"), std::string::npos) << change.output;
  const auto bad = run_ecsim("train " + common + " --reward-shift -1 --out " + (base / "bad").string());
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.output.find("--reward-shift"), std::string::npos) << bad.output;
  EXPECT_FALSE(fs::exists(base / "bad"));
}

// One process trains in a run directory at a time: while another holds the run's lock (here this
// test process, as a live `ecsim train` would), --resume is refused with exit 2 and changes
// nothing; once the lock is gone (the holder ended, however it ended), the resume runs.
TEST(TrainCli, ARunInUseIsNotResumedBySecondProcess) {
  const ecsim::test::ScratchDir scratch("train_lock");
  const fs::path run = scratch / "run";
  ASSERT_EQ(run_ecsim("train " + kSmall + " --generations 2 --out " + run.string()).code, 0);
  const std::string before = ecsim::test::read_text(run / "metrics.csv");
  {
    const train::RunLock held(run.string());
    const auto r = run_ecsim("train --progress never --resume " + run.string() + " --generations 3");
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("is in use: another ecsim process is training in it"), std::string::npos) << r.output;
    EXPECT_EQ(ecsim::test::read_text(run / "metrics.csv"), before);
    EXPECT_THROW(train::RunLock second(run.string()), Error);  // a second lock in one process is refused too
  }
  const auto r = run_ecsim("train --progress never --resume " + run.string() + " --generations 3");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(read_ckpt(run).generation, 3u);
}
