// Run directories: `ecsim train --out` with quotes, semicolons, $(...), spaces and non-ASCII writes
// every output file there and nothing anywhere else (no shell ever sees it); a resume clears what
// a killed run left half-written.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "../common/cli.h"

namespace fs = std::filesystem;

namespace ecsim {
namespace {

TEST(TrainNames, HostileOutNamesAreOnlyNames) {
  const test::ScratchDir d("train_names");
  for (const std::string name :
       {"bob's run", "x'; touch PWNED; echo '", "a \"b\" $(touch PWNED2) `touch PWNED3` é ü"}) {
    const fs::path out = d / name;
    const auto r = test::run_ecsim({"train", "--task", "hopper", "--neurons", "32", "--pop", "8", "--generations", "2",
                                    "--max-steps", "30", "--eval-episodes", "1", "--progress", "never", "--threads",
                                    "1", "--out", out.string()});
    ASSERT_EQ(r.code, 0) << name << "\n" << r.output;
    std::set<std::string> files = test::dir_entries(out);
    files.erase("curve.png");  // drawn when gnuplot is installed
    EXPECT_EQ(files, (std::set<std::string>{"checkpoint.ckpt", "config.json", "metrics.csv", "policy", "policy-best"}))
        << name;
    if (!fs::exists(out / "curve.png")) {
      EXPECT_NE(r.output.find("gnuplot"), std::string::npos) << r.output;
    }
  }
  // nothing else was created: not in the scratch directory, not in the working directory
  EXPECT_EQ(test::dir_entries(d.path()).size(), 3u);
  for (const char* p : {"PWNED", "PWNED2", "PWNED3"}) {
    EXPECT_FALSE(fs::exists(p)) << p;
    EXPECT_FALSE(fs::exists(d / p)) << p;
  }
}

// A kill between writing a temporary and renaming it leaves NAME.tmp.PID behind: the next resume
// removes those of processes that no longer run, and keeps a live writer's.
TEST(TrainNames, ResumeRemovesTheTemporariesOfAKilledRun) {
  const test::ScratchDir d("train_stale_tmp");
  const fs::path out = d / "run";
  const std::vector<std::string> small = {"--task",      "hopper", "--neurons",       "32", "--pop",      "8",
                                          "--max-steps", "30",     "--eval-episodes", "1",  "--progress", "never",
                                          "--threads",   "1",      "--no-plot"};
  std::vector<std::string> first = {"train", "--generations", "2", "--checkpoint-every", "1", "--stop-after", "1"};
  first.insert(first.end(), small.begin(), small.end());
  first.insert(first.end(), {"--out", out.string()});
  ASSERT_EQ(test::run_ecsim(first).code, 0);
  const std::string live = "metrics.csv.tmp." + std::to_string(::getpid());  // this test runs: a live pid
  for (const fs::path& p : {out / "metrics.csv.tmp.999999999", out / "policy" / "theta.bin.tmp.999999998", out / live})
    test::write_text(p, "half-written");
  const auto r = test::run_ecsim({"train", "--resume", out.string(), "--progress", "never"});
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_FALSE(fs::exists(out / "metrics.csv.tmp.999999999"));
  EXPECT_FALSE(fs::exists(out / "policy" / "theta.bin.tmp.999999998"));
  EXPECT_TRUE(fs::exists(out / live));
}

}  // namespace
}  // namespace ecsim
