// The run directory as a transaction (docs/training.md, "What a kill leaves"): `ecsim train` is
// killed with a real SIGKILL just before each commit (rename) of its write sequence and at random
// moments; after every kill the directory's files agree with each other, and `--resume` completes
// it to exactly the uninterrupted result: metrics.csv (timing columns aside), the checkpoint
// (its elapsed-time field aside), every file of the deploy images, energy.json and energy.png
// (curve.png, which plots training time, must be there).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <sstream>

#include "../common/cli.h"
#include "eval/policy_image.h"
#include "train/checkpoint.h"
#include "train/config.h"
#include "train/metrics.h"
#include "train/run_dir.h"

using namespace ecsim;
namespace fs = std::filesystem;

namespace {

// ecsim with these arguments and extra environment variables; killed with SIGKILL after
// kill_after_s seconds when that is >= 0
test::CliResult run(const std::vector<std::string>& args, const std::vector<std::pair<std::string, std::string>>& env,
                    double kill_after_s = -1) {
  std::vector<std::string> argv{ECSIM_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  test::ChildSetup setup;
  setup.env = env;
  setup.kill_after_s = kill_after_s;
  return test::run_program(std::move(argv), setup);
}

// the run every case repeats: 4 generations, checkpoints at 2 and 4, energy counted for a chip,
// curve.png and energy.png drawn (when gnuplot is there)
std::vector<std::string> train_args(const fs::path& out) {
  std::vector<std::string> args = test::split_args(
      "train --task hopper --neurons 64 --pop 8 --max-steps 60 --eval-episodes 2 --generations 4"
      " --checkpoint-every 2 --seed 9 --threads 1 --progress never");
  for (const std::string& a : {std::string("--chip"), std::string(ECSIM_SOURCE_DIR) + "/configs/chip_default.json",
                               std::string("--out"), out.string()})
    args.push_back(a);
  return args;
}

// the checkpoint's bytes with its elapsed time set to 0 (the only field that depends on the clock)
std::string checkpoint_without_time(const fs::path& dir) {
  const train::TrainConfig cfg = train::read_run_config(dir.string());
  train::ControllerState st = train::read_checkpoint(dir.string(), cfg);
  st.elapsed = 0;
  return train::encode_checkpoint(cfg, st);
}

bool is_timing(const std::string& column) { return column == "seconds" || column == "elapsed" || column == "fps"; }

// metrics.csv without its timing columns (seconds, elapsed, fps)
std::string metrics_without_time(const fs::path& dir) {
  const std::vector<train::MetricsColumn>& cols = train::metrics_columns();
  std::istringstream in(test::read_text(dir / "metrics.csv"));
  std::string out, line;
  while (std::getline(in, line)) {
    std::stringstream ls(line);
    std::string cell;
    for (size_t c = 0; std::getline(ls, cell, ','); ++c)
      if (c >= cols.size() || !is_timing(cols[c].name)) out += cell + ",";
    out += "\n";
  }
  return out;
}

// every file below dir, by relative path
std::vector<std::string> tree(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(dir)) names.push_back(fs::relative(e.path(), dir).string());
  std::sort(names.begin(), names.end());
  return names;
}

// What any kill must leave: a checkpoint that decodes, metrics rows up to its generation, a
// deploy image whose files belong together and that is not behind the checkpoint.
void expect_files_agree(const fs::path& dir, const std::string& when) {
  SCOPED_TRACE(when);
  if (!fs::exists(dir / "config.json")) return;  // killed before it began; the same command starts it
  uint64_t ckpt_gen = 0;
  if (fs::exists(dir / "checkpoint.ckpt")) {
    const train::TrainConfig cfg = train::read_run_config(dir.string());
    ASSERT_NO_THROW(ckpt_gen = train::read_checkpoint(dir.string(), cfg).generation);
    EXPECT_EQ(train::read_metrics_rows((dir / "metrics.csv").string(), ckpt_gen).size(), ckpt_gen);
  }
  if (fs::exists(dir / "policy")) {
    eval::PolicyImage img;
    ASSERT_NO_THROW(img = eval::load_policy_image((dir / "policy").string()));
    EXPECT_GE(img.generation, ckpt_gen);
  }
}

class TrainKill : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_scratch = new test::ScratchDir("train_kill");
    const fs::path full = *s_scratch / "full";
    const test::CliResult o = run(train_args(full), {{"ECSIM_TEST_TRACE_WRITES", "1"}});
    ASSERT_EQ(o.code, 0) << o.output;
    std::istringstream in(o.output);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("ecsim: commit ", 0) == 0) s_commits.push_back(line.substr(line.find(' ', 14) + 1));
  }
  static void TearDownTestSuite() {
    delete s_scratch;
    s_scratch = nullptr;
  }

  // resumes dir (or starts it again when the kill came before config.json) and compares it with
  // the uninterrupted run, file by file
  static void finish_and_compare(const fs::path& dir, const std::string& when) {
    SCOPED_TRACE(when);
    const fs::path full = *s_scratch / "full";
    const test::CliResult o = fs::exists(dir / "config.json")
                                  ? run({"train", "--resume", dir.string(), "--progress", "never"}, {})
                                  : run(train_args(dir), {});
    ASSERT_EQ(o.code, 0) << o.output;
    EXPECT_EQ(tree(dir), tree(full));  // no temporaries left, nothing missing
    EXPECT_EQ(checkpoint_without_time(dir), checkpoint_without_time(full));
    EXPECT_EQ(metrics_without_time(dir), metrics_without_time(full));
    for (const std::string& f : tree(full)) {
      // curve.png has a panel against training time, so like metrics.csv's timing columns it differs
      if (fs::is_regular_file(full / f) && f != "metrics.csv" && f != "checkpoint.ckpt" && f != "curve.png") {
        EXPECT_TRUE(test::read_text(dir / f) == test::read_text(full / f))
            << f << " differs from the uninterrupted run's";
      }
    }
  }

  static test::ScratchDir* s_scratch;
  static std::vector<std::string> s_commits;  // the paths of the uninterrupted run's commits, in order
};
test::ScratchDir* TrainKill::s_scratch = nullptr;
std::vector<std::string> TrainKill::s_commits;

TEST_F(TrainKill, TheWriteSequenceEndsWithTheCheckpointAndPublishesTheImageInOneStep) {
  ASSERT_FALSE(s_commits.empty());
  const std::string dir = (*s_scratch / "full").string();
  EXPECT_EQ(s_commits.front(), dir + "/config.json");
  EXPECT_EQ(s_commits.back(), dir + "/checkpoint.ckpt");
  size_t images = 0;
  for (size_t k = 0; k < s_commits.size(); ++k) {
    if (s_commits[k] == dir + "/policy") ++images;
    // the checkpoint is the last write of its generation: the next one is the next generation's metrics
    if (s_commits[k] == dir + "/checkpoint.ckpt" && k + 1 < s_commits.size()) {
      EXPECT_EQ(s_commits[k + 1], dir + "/metrics.csv");
    }
  }
  EXPECT_EQ(images, 3u);  // generation 0 and the checkpoints at 2 and 4
}

TEST_F(TrainKill, AKillAtEveryCommitResumesToTheUninterruptedResult) {
  ASSERT_FALSE(s_commits.empty());
  for (size_t k = 1; k <= s_commits.size(); ++k) {
    const fs::path dir = *s_scratch / ("at" + std::to_string(k));
    const std::string when = "killed before commit " + std::to_string(k) + " (" + s_commits[k - 1] + ")";
    const test::CliResult o = run(train_args(dir), {{"ECSIM_TEST_KILL_AT_WRITE", std::to_string(k)}});
    ASSERT_EQ(o.signal, SIGKILL) << when << "\n" << o.output;
    expect_files_agree(dir, when);
    finish_and_compare(dir, when);
    if (HasFailure()) break;
  }
}

TEST_F(TrainKill, AKillAtRandomMomentsResumesToTheUninterruptedResult) {
  // the moments span the whole run (its start-up included), from a fixed seed so a failure repeats
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(run(train_args(*s_scratch / "timed"), {}).code, 0);
  const double span = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::mt19937_64 rng(20261201);
  std::uniform_real_distribution<double> at(0.0, span);
  for (int i = 0; i < 20; ++i) {
    const double t = at(rng);
    const fs::path dir = *s_scratch / ("random" + std::to_string(i));
    const std::string when = "killed after " + std::to_string(t) + " s of " + std::to_string(span) + " s";
    const test::CliResult o = run(train_args(dir), {}, t);
    ASSERT_TRUE(o.signal == SIGKILL || o.code == 0) << when << "\n" << o.output;
    expect_files_agree(dir, when);
    finish_and_compare(dir, when);
    if (HasFailure()) break;
  }
}

}  // namespace
