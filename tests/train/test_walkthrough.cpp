// The README's walk-through, run as written: every `$ ecsim` line of its block, in a fresh
// directory outside the repository, each line of output shown under a command found in the
// command's output (but the training's, whose timings vary), and the replayed actions equal to
// the rollout's.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "../common/cli.h"
#include "../common/csv_text.h"

namespace fs = std::filesystem;
using ecsim::test::read_text;

namespace {

struct Step {
  std::string command;             // without the "$ "
  std::vector<std::string> shown;  // the output lines the README shows under it
};

std::vector<Step> walkthrough_steps() {
  const std::string readme = read_text(fs::path(ECSIM_SOURCE_DIR) / "README.md");
  const size_t begin = readme.find("<!-- walk-through: begin -->"), end = readme.find("<!-- walk-through: end -->");
  EXPECT_NE(begin, std::string::npos) << "README.md has no walk-through block";
  EXPECT_NE(end, std::string::npos);
  std::vector<Step> steps;
  if (begin == std::string::npos || end == std::string::npos) return steps;
  std::istringstream in(readme.substr(begin, end - begin));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("$ ", 0) == 0)
      steps.push_back({line.substr(2), {}});
    else if (!steps.empty() && !line.empty() && line.rfind("```", 0) != 0)
      steps.back().shown.push_back(line);
  }
  return steps;
}

// the act_* cells of a CSV, row by row
std::vector<std::vector<std::string>> action_cells(const fs::path& p) {
  const ecsim::test::CsvText t = ecsim::test::read_csv_text(p);
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : t.rows) {
    std::vector<std::string> row;
    for (size_t i = 0; i < t.header.size(); ++i)
      if (t.header[i].rfind("act_", 0) == 0) row.push_back(i < r.size() ? r[i] : "");
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

TEST(TrainWalkthrough, TheReadmeRunsAsWritten) {
  const std::vector<Step> steps = walkthrough_steps();
  ASSERT_GE(steps.size(), 4u);
  const ecsim::test::ScratchDir dir("walkthrough");
  ecsim::test::ChildSetup setup;
  setup.cwd = dir.path().string();
  for (const Step& s : steps) {
    SCOPED_TRACE(s.command);
    std::vector<std::string> argv = ecsim::test::split_args(s.command);
    ASSERT_FALSE(argv.empty());
    ASSERT_EQ(argv[0], "ecsim") << "the walk-through runs ecsim only";
    argv[0] = ECSIM_BINARY;
    const auto r = ecsim::test::run_program(argv, setup);
    ASSERT_EQ(r.code, 0) << r.output;
    if (argv.size() > 1 && argv[1] == "train") continue;  // its line has the run's timings
    for (const std::string& want : s.shown)
      EXPECT_NE(("\n" + r.output).find("\n" + want + "\n"), std::string::npos)
          << "the README shows\n  " << want << "\nbut the command printed\n"
          << r.output;
  }
  for (const char* f : {"traj.csv", "spikes.csv", "spikes.png", "wave.vcd", "acts.csv", "robot.mp4", "robot.png"})
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  const auto rollout = action_cells(dir / "traj.csv"), replay = action_cells(dir / "acts.csv");
  ASSERT_FALSE(rollout.empty());
  EXPECT_EQ(rollout, replay) << "simulate --policy on the rollout's observations gives its actions";
}
