// `ecsim rollout`, run as a user runs it: the trajectory CSV, and the errors for bad models and
// bad action files (exit code 2 and a message naming the problem).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "../common/csv_text.h"
#include "io/csv.h"
#include "tasks/env.h"
#include "test_util.h"

namespace ecsim::tasks {
namespace {

using test::run_ecsim;
using test::TempDir;

using Csv = ecsim::test::CsvText;
Csv read_csv(const std::string& path) { return ecsim::test::read_csv_text(path); }

// n rows of a fixed action pattern for act_size actuators
std::string actions_csv(int act_size, int rows, double scale) {
  std::string s;
  for (int j = 0; j < act_size; ++j) s += (j ? ",act_" : "act_") + std::to_string(j);
  s += "\n";
  for (int k = 0; k < rows; ++k) {
    for (int j = 0; j < act_size; ++j) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%s%.17g", j ? "," : "", scale * std::sin(0.1 * k + j));
      s += buf;
    }
    s += "\n";
  }
  return s;
}

std::string q(const std::string& s) { return "'" + s + "'"; }

TEST(TasksRollout, WritesTheTrajectoryTheEnvProduces) {
  TempDir dir;
  const std::string acts = dir.write("a.csv", actions_csv(3, 30, 0.8));
  const std::string out = dir.file("traj.csv");
  const auto r = run_ecsim("rollout --task hopper --seed 5 --actions " + q(acts) + " --out " + q(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;

  const Csv c = read_csv(out);
  std::vector<std::string> want = {"step"};
  for (int i = 0; i < 11; ++i) want.push_back("obs_" + std::to_string(i));
  for (int i = 0; i < 3; ++i) want.push_back("act_" + std::to_string(i));
  for (const char* n :
       {"reward_forward", "reward_ctrl", "reward_healthy", "reward", "terminated", "truncated", "reason", "x_position"})
    want.push_back(n);
  for (int i = 0; i < 6; ++i) want.push_back("qpos_" + std::to_string(i));  // hopper: nq = nv = 6
  for (int i = 0; i < 6; ++i) want.push_back("qvel_" + std::to_string(i));
  EXPECT_EQ(c.header, want);
  ASSERT_FALSE(c.rows.empty());

  // the same episode in-process: every number identical (shortest round-trip printing)
  Env env(Model::load(make_task_spec("hopper")));
  env.reset(5);
  const io::NumericTable at = io::read_numeric_csv(acts);
  std::vector<double> obs(11);
  size_t k = 0;
  for (; k < at.rows.size(); ++k) {
    ASSERT_LT(k, c.rows.size());
    const auto& row = c.rows[k];
    env.observation(obs.data());
    const StepResult s = env.step(at.rows[k].data());
    EXPECT_EQ(std::stoul(row[0]), k);
    for (int i = 0; i < 11; ++i) EXPECT_EQ(std::stod(row[1 + i]), obs[i]) << "step " << k << " obs_" << i;
    for (int i = 0; i < 3; ++i) EXPECT_EQ(std::stod(row[12 + i]), at.rows[k][i]);
    EXPECT_EQ(std::stod(row[c.col("reward_forward")]), s.components.forward);
    EXPECT_EQ(std::stod(row[c.col("reward_ctrl")]), s.components.ctrl);
    EXPECT_EQ(std::stod(row[c.col("reward_healthy")]), s.components.healthy);
    EXPECT_EQ(std::stod(row[c.col("reward")]), s.reward);
    EXPECT_EQ(row[c.col("terminated")], s.terminated ? "1" : "0");
    EXPECT_EQ(row[c.col("truncated")], s.truncated ? "1" : "0");
    EXPECT_EQ(row[c.col("reason")], reason_name(s.reason));
    // the state after the step, enough to replay the episode from the file alone
    EXPECT_EQ(std::stod(row[c.col("x_position")]), env.x_position());
    for (int i = 0; i < 6; ++i) {
      EXPECT_EQ(std::stod(row[c.col("qpos_" + std::to_string(i))]), env.data()->qpos[i]);
      EXPECT_EQ(std::stod(row[c.col("qvel_" + std::to_string(i))]), env.data()->qvel[i]);
    }
    if (s.terminated) break;
  }
  EXPECT_EQ(c.rows.size(), std::min(k + 1, at.rows.size())) << "stops at termination or the last action";
  EXPECT_NE(r.output.find("-> " + out), std::string::npos) << r.output;
}

// A first try needs no files: zero actions from seed 1 (the documented defaults), said so.
TEST(TasksRollout, WithoutPolicyOrActionsItRunsZeroActionsFromSeed1) {
  TempDir dir;
  const std::string out = dir.file("traj.csv");
  const auto r = run_ecsim("rollout --out " + q(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("no --policy or --actions: zero actions"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("rollout hopper seed 1:"), std::string::npos) << r.output;
  const Csv c = read_csv(out);
  Env env(Model::load(make_task_spec("hopper")));
  env.reset(1);
  const std::vector<double> zero(3, 0.0);
  std::vector<double> obs(11);
  size_t k = 0;
  for (; k < 1000; ++k) {
    ASSERT_LT(k, c.rows.size());
    env.observation(obs.data());
    const StepResult s = env.step(zero.data());
    for (int i = 0; i < 11; ++i) ASSERT_EQ(std::stod(c.rows[k][1 + i]), obs[i]) << "step " << k << " obs_" << i;
    ASSERT_EQ(c.rows[k][12], "0");
    if (s.terminated || s.truncated) break;
  }
  EXPECT_EQ(c.rows.size(), k + 1) << "stops where the episode ends";
}

TEST(TasksRollout, NonFiniteResetNoiseIsRefused) {
  TempDir dir;
  const std::string acts = dir.write("a.csv", actions_csv(3, 3, 0.1));
  for (const char* v : {"inf", "nan"}) {
    const auto r = run_ecsim("rollout --task hopper --reset-noise " + std::string(v) + " --actions " + q(acts) +
                             " --out " + q(dir.file("traj.csv")));
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("--reset-noise " + std::string(v) + " is not a finite number"), std::string::npos)
        << r.output;
  }
}

TEST(TasksRollout, HumanoidV5HasAContactColumnAndResetNoiseZeroStartsAtQpos0) {
  TempDir dir;
  const std::string acts = dir.write("a.csv", actions_csv(17, 3, 0.1));
  const std::string out = dir.file("traj.csv");
  auto r = run_ecsim("rollout --task humanoid-v5 --seed 1 --reset-noise 0 --actions " + q(acts) + " --out " + q(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  Csv c = read_csv(out);
  // step, obs, act, 4 rewards, reward + 3 end columns, x_position, qpos (nq = 24), qvel (nv = 23)
  EXPECT_EQ(c.header.size(), 1 + 348 + 17 + 4 + 4 + 1 + 24 + 23u);
  c.col("reward_contact");
  ASSERT_EQ(c.rows.size(), 3u);
  EXPECT_EQ(c.rows[0][c.col("obs_0")], "1.4");  // torso z of qpos0, no noise
  EXPECT_EQ(c.rows[0][c.col("obs_1")], "1");    // quaternion w

  r = run_ecsim("rollout --task hopper --seed 1 --reset-noise 0 --actions " +
                q(dir.write("h.csv", actions_csv(3, 1, 0.0))) + " --out " + q(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  c = read_csv(out);
  EXPECT_EQ(c.rows[0][c.col("obs_0")], "1.25");
  for (int i = 1; i < 11; ++i) EXPECT_EQ(c.rows[0][c.col("obs_" + std::to_string(i))], "0");
}

TEST(TasksRollout, StopsAtTruncationAfter1000Steps) {
  TempDir dir;
  const std::string model = dir.write("floating.xml", test::floating_hopper());
  const std::string acts = dir.write("a.csv", actions_csv(3, 1010, 0.0));
  const std::string out = dir.file("traj.csv");
  const auto r = run_ecsim("rollout --task hopper --model " + q(model) + " --seed 3 --reset-noise 0 --actions " +
                           q(acts) + " --out " + q(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Csv c = read_csv(out);
  ASSERT_EQ(c.rows.size(), 1000u);
  EXPECT_EQ(c.rows[998][c.col("truncated")], "0");
  EXPECT_EQ(c.rows[999][c.col("truncated")], "1");
  EXPECT_EQ(c.rows[999][c.col("terminated")], "0");
  EXPECT_EQ(c.rows[999][c.col("reason")], "time_limit");
}

struct BadCase {
  const char* what;
  std::string args;
  std::vector<std::string> expect;  // substrings of the message
};

TEST(TasksRollout, BadModelsAndBadActionFilesExitWith2AndSayWhy) {
  TempDir dir;
  const std::string good = dir.write("good.csv", actions_csv(3, 5, 0.5));
  const std::string out = dir.file("traj.csv");
  const std::string base = " --seed 1 --out " + q(out);
  const std::string no_foot = dir.write(
      "no_foot.xml",
      test::patched_model(
          "hopper.xml",
          {{"<joint name=\"foot_joint\" type=\"hinge\" axis=\"0 -1 0\" pos=\"-0.13 0 0.1\" range=\"-45 45\"/>", ""},
           {"<motor name=\"foot_motor\" joint=\"foot_joint\"/>", ""}}));
  const std::string no_motor = dir.write(
      "no_motor.xml", test::patched_model("hopper.xml", {{"<motor name=\"foot_motor\" joint=\"foot_joint\"/>", ""}}));
  const std::string broken = dir.write("broken.xml", "<mujoco><worldbody><body></mujoco>\n");
  const std::string ts0 =
      dir.write("ts0.xml", test::patched_model("hopper.xml", {{"timestep=\"0.002\"", "timestep=\"0\""}}));

  const std::vector<BadCase> cases = {
      {"wrong joint count",
       "rollout --task hopper --model " + q(no_foot) + " --actions " + q(good) + base,
       {"has 5 joints", "missing: foot_joint", "no_foot.xml"}},
      {"missing actuator",
       "rollout --task hopper --model " + q(no_motor) + " --actions " + q(good) + base,
       {"has 2 actuators", "missing: actuator on foot_joint"}},
      {"unreadable XML",
       "rollout --task hopper --model " + q(broken) + " --actions " + q(good) + base,
       {"broken.xml", "could not be loaded"}},
      {"zero timestep",
       "rollout --task hopper --model " + q(ts0) + " --actions " + q(good) + base,
       {"ts0.xml", "<option timestep=\"0\"> is not a positive finite number", "fix: set <option timestep>"}},
      {"no model file",
       "rollout --task hopper --model " + q(dir.file("nope.xml")) + " --actions " + q(good) + base,
       {"nope.xml' does not exist"}},
      {"wrong robot",
       "rollout --task humanoid --model " + q(std::string(ECSIM_SOURCE_DIR) + "/models/hopper.xml") + " --actions " +
           q(good) + base,
       {"humanoid needs root, abdomen_z"}},
      {"too few action columns",
       "rollout --task walker2d --actions " + q(good) + base,
       {"has 3 action columns (act_0..act_2), walker2d needs 6 (act_0..act_5)"}},
      {"no action columns",
       "rollout --task hopper --actions " + q(dir.write("x.csv", "a,b,c\n1,2,3\n")) + base,
       {"has 0 action columns (none named act_0, act_1, ...)"}},
      {"non-numeric cell",
       "rollout --task hopper --actions " + q(dir.write("nn.csv", "act_0,act_1,act_2\n0,0.5,0\n0,abc,0\n")) + base,
       {"nn.csv:3", "column 'act_1'", "'abc' is not a number"}},
      {"ragged row",
       "rollout --task hopper --actions " + q(dir.write("r.csv", "act_0,act_1,act_2\n0,0\n")) + base,
       {"2 values but the header has 3 columns"}},
      {"infinite action",
       "rollout --task hopper --actions " + q(dir.write("inf.csv", "act_0,act_1,act_2\n0,inf,0\n")) + base,
       {"data row 1, column 'act_1' is infinite"}},
      {"no rows",
       "rollout --task hopper --actions " + q(dir.write("e.csv", "act_0,act_1,act_2\n")) + base,
       {"has a header but no rows"}},
      {"missing actions file",
       "rollout --task hopper --actions " + q(dir.file("missing.csv")) + base,
       {"cannot open", "missing.csv"}},
      {"unknown task",
       "rollout --task ant --actions " + q(good) + base,
       {"unknown task 'ant'", "hopper, walker2d, humanoid, hopper-v5, walker2d-v5, humanoid-v5"}},
      {"policy", "rollout --task hopper --policy ckpt.bin" + base, {"is not a policy image"}},
      {"both sources", "rollout --task hopper --policy c --actions " + q(good) + base, {"mutually exclusive"}},
      {"no out", "rollout --task hopper --actions " + q(good), {"--out is required", "--out traj.csv"}},
      {"backend without a network",
       "rollout --task hopper --actions " + q(good) + " --backend systemc" + base,
       {"--backend needs --policy"}},
      {"raster without a network",
       "rollout --task hopper --raster " + q(dir.file("r.csv")) + base,
       {"--raster needs a network"}},
      {"vcd-steps without vcd", "rollout --task hopper --vcd-steps 0:3" + base, {"--vcd-steps without --vcd"}},
      {"bad vcd window",
       "rollout --task hopper --actions " + q(good) + " --vcd-steps 4:2" + base,
       {"--vcd-steps without --vcd"}},
      {"bad seed",
       "rollout --task hopper --actions " + q(good) + " --seed -1 --out " + q(out),
       {"--seed '-1' is not an integer"}},
      {"negative noise",
       "rollout --task hopper --actions " + q(good) + " --reset-noise -1" + base,
       {"--reset-noise must be a finite number >= 0"}},
      {"unknown flag", "rollout --task hopper --frobnicate" + base, {"ecsim rollout --help"}},
  };
  for (const BadCase& bc : cases) {
    SCOPED_TRACE(bc.what);
    const auto r = run_ecsim(bc.args);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    for (const auto& e : bc.expect)
      EXPECT_NE(r.output.find(e), std::string::npos) << "want '" << e << "' in:\n" << r.output;
    EXPECT_FALSE(std::filesystem::exists(out)) << "no output on error";
  }
}

}  // namespace
}  // namespace ecsim::tasks
