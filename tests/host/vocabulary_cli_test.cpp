// One flag vocabulary across the subcommands (docs/contributing.md, "Flags"): every --help starts
// with a one-line description and has one usage line and defaults as a person writes them; a
// renamed flag's old spelling still works, with one note, and may not be given with the new one;
// the flags the subcommands share have the same defaults.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../common/cli.h"

namespace ecsim {
namespace {

const std::vector<std::string> kCommands = {"simulate", "rollout", "train", "eval", "verify-rtl", "report", "sweep"};

// cmd_eval.cpp still writes its own usage line into its caption, which boost ends with ".:"; take
// it out of this list when it passes a cli::Usage to parse_flags instead
const std::set<std::string> kOwnUsageLine = {};

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

size_t count(const std::string& s, const std::string& needle) {
  size_t n = 0;
  for (size_t at = s.find(needle); at != std::string::npos; at = s.find(needle, at + 1)) ++n;
  return n;
}

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

// the default --help shows for the flag ("" when it shows none)
std::string default_in_help(const std::string& help, const std::string& flag) {
  for (const std::string& line : lines_of(help)) {
    const std::string start = "  --" + flag + " arg (=";
    if (line.rfind(start, 0) != 0) continue;
    const size_t end = line.find(')', start.size());
    return line.substr(start.size(), end - start.size());
  }
  return "";
}

std::string help_of(const std::string& command) { return test::run_ecsim({command, "--help"}).output; }

TEST(VocabularyCli, EveryHelpIsClean) {
  for (const std::string& c : kCommands) {
    const test::CliResult r = test::run_ecsim({c, "--help"});
    EXPECT_EQ(r.code, 0) << c << "\n" << r.output;
    const std::vector<std::string> lines = lines_of(r.output);
    ASSERT_GE(lines.size(), 3u) << c;
    // a one-line description first: the command's summary of `ecsim --help`
    const std::string head = "ecsim " + c + " — ";
    EXPECT_EQ(lines[0].rfind(head, 0), 0u) << c << ": " << lines[0];
    EXPECT_GT(lines[0].size(), head.size()) << c;
    EXPECT_TRUE(lines[1].empty()) << c << ": " << lines[1];
    size_t usage = 0;
    for (const std::string& l : lines) {
      usage += l.rfind("usage:", 0) == 0;
      if (!kOwnUsageLine.count(c)) {
        EXPECT_FALSE(l.ends_with(".:")) << c << ": " << l;
      }
    }
    if (!kOwnUsageLine.count(c)) {
      EXPECT_EQ(usage, 1u) << c << "\n" << r.output;
    }
    EXPECT_EQ(lines[2].rfind("usage: ecsim " + c, 0), 0u) << c << ": " << lines[2];
    // no float noise of boost's default texts ("0.050000000000000003"), no -1 for "automatic"
    EXPECT_FALSE(std::regex_search(r.output, std::regex("[.][0-9]*(000000|99999)"))) << c << "\n" << r.output;
    EXPECT_FALSE(contains(r.output, "(=-1)")) << c << "\n" << r.output;
  }
}

TEST(VocabularyCli, SentinelDefaultsAreWords) {
  const std::string train = help_of("train");
  EXPECT_EQ(default_in_help(train, "exc"), "N/2") << train;
  EXPECT_EQ(default_in_help(train, "max-steps"), "the task's") << train;
  EXPECT_EQ(default_in_help(train, "time-limit"), "none") << train;
  EXPECT_EQ(default_in_help(train, "lr"), "0.05") << train;
  EXPECT_EQ(default_in_help(help_of("verify-rtl"), "width"), "all");
}

TEST(VocabularyCli, SharedFlagsHaveTheSameDefaults) {
  const std::string train = help_of("train"), sweep = help_of("sweep"), report = help_of("report"),
                    eval = help_of("eval"), verify = help_of("verify-rtl");
  EXPECT_EQ(default_in_help(train, "task"), "hopper") << train;
  EXPECT_EQ(default_in_help(sweep, "task"), "hopper") << sweep;
  EXPECT_EQ(default_in_help(report, "task"), "hopper") << report;
  EXPECT_EQ(default_in_help(train, "seed"), "1") << train;
  for (const std::string* h : {&sweep, &eval, &verify}) EXPECT_EQ(default_in_help(*h, "seed"), "1") << *h;
  EXPECT_EQ(default_in_help(sweep, "threads"), default_in_help(train, "threads")) << sweep;
  EXPECT_EQ(default_in_help(eval, "threads"), default_in_help(train, "threads")) << eval;
  for (const std::string* h : {&sweep, &report}) {
    EXPECT_EQ(default_in_help(*h, "neurons"), default_in_help(train, "neurons")) << *h;
    EXPECT_FALSE(default_in_help(*h, "pop").empty()) << "the population is --pop: " << *h;
  }
  // the population is --pop, never "N" (N is the neurons)
  EXPECT_FALSE(contains(report, "N: individuals")) << report;
  // sweep's renamed flags, with the names of simulate and train
  for (const std::string flag : {"chip", "threads", "max-steps", "rho-const"})
    EXPECT_TRUE(contains(sweep, "  --" + flag + " ")) << flag << "\n" << sweep;
  for (const std::string old : {"base", "jobs", "steps", "rho"})
    EXPECT_TRUE(contains(sweep, "  --" + old + ": use --")) << "the help lists the old spelling --" << old;
}

// each old spelling reaches its new flag: the new flag's own check answers, with one note
TEST(VocabularyCli, DeprecatedSpellingsReadAsTheirNewFlagsWithANote) {
  const test::ScratchDir d("vocabulary_alias");
  const std::string out = (d / "s").string();
  struct Case {
    std::vector<std::string> args;
    std::string old_flag, new_flag, needle;
  };
  const std::vector<Case> cases = {
      {{"--jobs", "0"}, "--jobs", "--threads", "--threads must be in [1, 256]"},
      {{"--jobs=0"}, "--jobs", "--threads", "--threads must be in [1, 256]"},
      {{"--steps", "2000000000"}, "--steps", "--max-steps", "--max-steps 2000000000 is above ecsim's limit"},
      {{"--rho", "1.5"}, "--rho", "--rho-const", "--rho-const must be in [0, 1]"},
      {{"--rho", "inf"}, "--rho", "--rho-const", "--rho-const inf is not a finite number"},
      {{"--base", (d / "none.json").string()}, "--base", "--chip", "cannot open chip config"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args{"sweep", "--param", "cores=4", "--out", out};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const test::CliResult r = test::run_ecsim(args);
    EXPECT_EQ(r.code, 2) << c.old_flag << "\n" << r.output;
    EXPECT_TRUE(contains(r.output, c.needle)) << c.old_flag << "\n" << r.output;
    EXPECT_TRUE(contains(r.output, "ecsim sweep: note: " + c.old_flag + " is deprecated; use " + c.new_flag + "\n"))
        << r.output;
    EXPECT_EQ(count(r.output, "note:"), 1u) << r.output;
  }
}

// a sweep under the old spellings is the sweep under the new ones
TEST(VocabularyCli, DeprecatedSpellingsGiveTheSameSweep) {
  const test::ScratchDir d("vocabulary_sweep");
  const std::string chip = std::string(ECSIM_SOURCE_DIR) + "/configs/chip_default.json";
  const std::vector<std::string> common{"sweep", "--param", "cores=2,4", "--neurons", "64"};
  std::vector<std::string> now = common, old = common;
  now.insert(now.end(), {"--chip", chip, "--threads", "1", "--max-steps", "2", "--rho-const", "0.25", "--out",
                         (d / "now").string()});
  old.insert(old.end(),
             {"--base", chip, "--jobs", "1", "--steps", "2", "--rho", "0.25", "--out", (d / "old").string()});
  const test::CliResult a = test::run_ecsim(now), b = test::run_ecsim(old);
  ASSERT_EQ(a.code, 0) << a.output;
  ASSERT_EQ(b.code, 0) << b.output;
  EXPECT_FALSE(contains(a.output, "note:")) << a.output;
  EXPECT_EQ(count(b.output, "is deprecated; use"), 4u) << b.output;
  const std::string rows = test::read_text(d / "now" / "sweep.csv");
  EXPECT_FALSE(rows.empty());
  EXPECT_EQ(test::read_text(d / "old" / "sweep.csv"), rows);
  EXPECT_EQ(test::read_text(d / "old" / "trace.csv"), test::read_text(d / "now" / "trace.csv"));
}

// sweep's energy comes from the table --energy-table names, as simulate's and train's does
TEST(VocabularyCli, SweepTakesTheEnergyTableFlag) {
  const test::ScratchDir d("vocabulary_energy");
  const auto sweep = [&](const std::string& name, const std::vector<std::string>& more) {
    std::vector<std::string> args{"sweep",       "--param", "cores=4", "--neurons",        "64",
                                  "--max-steps", "2",       "--out",   (d / name).string()};
    args.insert(args.end(), more.begin(), more.end());
    return test::run_ecsim(args);
  };
  const auto energy_per_step = [&](const std::string& name) {
    const std::vector<std::string> rows = lines_of(test::read_text(d / name / "sweep.csv"));
    EXPECT_GE(rows.size(), 2u) << name;
    if (rows.size() < 2) return 0.0;
    std::vector<std::string> head, row;
    std::stringstream h(rows[0]), r(rows[1]);
    for (std::string x; std::getline(h, x, ',');) head.push_back(x);
    for (std::string x; std::getline(r, x, ',');) row.push_back(x);
    for (size_t i = 0; i < head.size() && i < row.size(); ++i)
      if (head[i] == "energy_per_env_step_nj") return std::stod(row[i]);
    ADD_FAILURE() << "no energy column: " << rows[0];
    return 0.0;
  };
  const test::CliResult a = sweep("default", {});
  const test::CliResult b =
      sweep("7nm", {"--energy-table", std::string(ECSIM_SOURCE_DIR) + "/configs/energy_7nm.json"});
  ASSERT_EQ(a.code, 0) << a.output;
  ASSERT_EQ(b.code, 0) << b.output;
  EXPECT_LT(energy_per_step("7nm"), energy_per_step("default"));
  const test::CliResult bad = sweep("bad", {"--energy-table", (d / "none.json").string()});
  EXPECT_EQ(bad.code, 2) << bad.output;
  EXPECT_TRUE(contains(bad.output, "none.json")) << bad.output;
  EXPECT_EQ(test::dir_entries(d.path()), (std::set<std::string>{"default", "7nm"})) << "a refused sweep writes nothing";
}

TEST(VocabularyCli, OldAndNewSpellingTogetherAreRefused) {
  const test::ScratchDir d("vocabulary_both");
  for (const auto& [old_flag, new_flag] : std::vector<std::pair<std::string, std::string>>{
           {"--jobs", "--threads"}, {"--steps", "--max-steps"}, {"--rho", "--rho-const"}}) {
    const test::CliResult r =
        test::run_ecsim({"sweep", "--param", "cores=4", old_flag, "1", new_flag + "=1", "--out", (d / "s").string()});
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_TRUE(contains(r.output, old_flag + " and " + new_flag + " are the same flag")) << r.output;
    EXPECT_TRUE(contains(r.output, "give only " + new_flag)) << r.output;
  }
  const test::CliResult r = test::run_ecsim(
      {"sweep", "--param", "cores=4", "--base", "a.json", "--chip", "b.json", "--out", (d / "s").string()});
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "--base and --chip")) << r.output;
  EXPECT_TRUE(test::dir_entries(d.path()).empty()) << "a refused command writes nothing";
}

}  // namespace
}  // namespace ecsim
