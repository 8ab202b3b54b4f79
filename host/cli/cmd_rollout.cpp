// ecsim rollout: run one episode of a locomotion task from an action file and write the
// trajectory (observation, action, reward components, end flags) as CSV.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "common/error.h"
#include "eval/agent.h"
#include "eval/policy_image.h"
#include "io/atomic_file.h"
#include "io/csv.h"
#include "tasks/env.h"

namespace po = boost::program_options;

namespace ecsim::cli {

namespace {

std::string task_list() {
  std::string s;
  for (const auto& n : tasks::task_names()) s += (s.empty() ? "" : ", ") + n;
  return s;
}

uint64_t parse_seed(const std::string& text) {
  uint64_t v = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end)
    throw Error("ecsim rollout: --seed '" + text + "' is not an integer in [0, 2^64)",
                "pass a non-negative integer, e.g. --seed 1");
  return v;
}

// appends ",v" with v in its shortest round-trip form
void append_field(std::string& out, double v) {
  out += ',';
  char buf[32];
  auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, ec == std::errc() ? p : buf);
}

// the action rows of an actions CSV, checked against the task's action size
std::vector<std::vector<double>> read_actions(const std::string& path, const tasks::TaskSpec& spec) {
  const io::NumericTable t = io::read_numeric_csv(path);
  const std::vector<size_t> cols = t.numbered_columns("act_");
  const std::string want = "act_0..act_" + std::to_string(spec.act_size - 1);
  if (static_cast<int>(cols.size()) != spec.act_size)
    throw Error("actions file '" + path + "' has " + std::to_string(cols.size()) + " action columns" +
                    (cols.empty() ? std::string(" (none named act_0, act_1, ...)")
                                  : " (act_0..act_" + std::to_string(cols.size() - 1) + ")") +
                    ", " + spec.name + " needs " + std::to_string(spec.act_size) + " (" + want + ")",
                "write one column per actuator, named " + want);
  if (t.rows.empty())
    throw Error("actions file '" + path + "' has a header but no rows", "write one row of actions per step");
  std::vector<std::vector<double>> rows(t.rows.size(), std::vector<double>(cols.size()));
  for (size_t r = 0; r < t.rows.size(); ++r)
    for (size_t c = 0; c < cols.size(); ++c) {
      const double v = t.rows[r][cols[c]];
      if (!std::isfinite(v))
        throw Error("actions file '" + path + "': data row " + std::to_string(r + 1) + ", column '" +
                        t.columns[cols[c]] + "' is infinite",
                    "write finite numbers (Gymnasium's ranges: [-1, 1], humanoid [-0.4, 0.4])");
      rows[r][c] = v;
    }
  return rows;
}

}  // namespace

int cmd_rollout(const Args& args) {
  po::options_description desc(
      "Run one episode of a MuJoCo locomotion task and write its trajectory as CSV:\n"
      "step, obs_*, act_*, reward_* components, reward, terminated, truncated, reason");
  desc.add_options()("task", po::value<std::string>(), ("task id: " + task_list()).c_str())(
      "model", po::value<std::string>(), "MJCF file to load instead of the project's model")(
      "seed", po::value<std::string>(), "episode seed (drives the reset noise)")(
      "actions", po::value<std::string>(), "CSV with columns act_0..act_{n-1}, one row per step")(
      "policy", po::value<std::string>(),
      "trained policy: a run directory of `ecsim train` or its policy/ image (the network's v(0) uses --seed)")(
      "reset-noise", po::value<double>(), "reset noise scale (default: the task's; 0 = deterministic start)")(
      "out", po::value<std::string>(), "trajectory CSV to write");
  po::variables_map vm;
  if (!parse_flags("rollout", args, desc, vm)) return 0;

  // flags
  const auto require = [&](const char* flag, const std::string& example) {
    if (!vm.count(flag))
      throw Error(std::string("ecsim rollout: --") + flag + " is required",
                  "add --" + std::string(flag) + " " + example);
    return vm[flag].as<std::string>();
  };
  const std::string task = require("task", "hopper (one of: " + task_list() + ")");
  const std::string seed_text = require("seed", "1");
  const std::string out_path = require("out", "traj.csv");
  if (vm.count("actions") && vm.count("policy"))
    throw Error("ecsim rollout: --actions and --policy are mutually exclusive", "give one of them");
  if (!vm.count("actions") && !vm.count("policy"))
    throw Error("ecsim rollout: --actions FILE.csv is required (or --policy RUN_DIR)",
                "add --actions FILE.csv (columns act_0..act_{n-1}) or --policy RUN_DIR (from `ecsim train`)");
  const uint64_t seed = parse_seed(seed_text);
  check_outputs({{"--out", out_path}});  // before the episode: a bad path is not found after the run

  const tasks::TaskSpec& spec = tasks::make_task_spec(task);
  double noise = spec.reset_noise_scale;
  if (vm.count("reset-noise")) {
    noise = vm["reset-noise"].as<double>();
    if (!std::isfinite(noise) || noise < 0)
      throw Error("ecsim rollout: --reset-noise must be a finite number >= 0", "e.g. --reset-noise 0");
  }
  const auto model = tasks::Model::load(spec, vm.count("model") ? vm["model"].as<std::string>() : "");
  std::vector<std::vector<double>> actions;
  std::unique_ptr<eval::Agent> agent;
  std::shared_ptr<const eval::PolicyImage> policy;
  if (vm.count("actions")) {
    actions = read_actions(vm["actions"].as<std::string>(), spec);
  } else {
    policy = std::make_shared<const eval::PolicyImage>(eval::load_policy_image(vm["policy"].as<std::string>()));
    if (tasks::make_task_spec(policy->task).name != spec.name)
      throw Error("ecsim rollout: the policy was trained on " + policy->task + ", not " + spec.name,
                  "pass --task " + policy->task);
    agent = std::make_unique<eval::Agent>(policy->net);
    if (policy->net.method == eval::Method::kEC)
      agent->set_net(std::make_shared<const ref::CompiledNet>(
          policy->net.desc, ref::threshold_theta(policy->net.desc.shape, policy->params)));
    else
      eval::fill_dense_net(policy->net.desc, policy->params.data(), agent->dense());
    agent->reset(seed);
    actions.assign(static_cast<size_t>(spec.max_episode_steps),
                   std::vector<double>(static_cast<size_t>(spec.act_size)));
  }

  // header
  const int no = spec.obs_size, na = spec.act_size;
  const bool has_contact = spec.contact_weight != 0.0;
  std::string csv = "step";
  for (int i = 0; i < no; ++i) csv += ",obs_" + std::to_string(i);
  for (int i = 0; i < na; ++i) csv += ",act_" + std::to_string(i);
  csv += ",reward_forward,reward_ctrl,reward_healthy";
  if (has_contact) csv += ",reward_contact";
  csv += ",reward,terminated,truncated,reason\n";

  // the episode
  tasks::Env env(model);
  env.reset(seed, noise);
  std::vector<double> obs(no);
  double ret = 0;
  size_t steps = 0;
  tasks::EndReason reason = tasks::EndReason::kNone;
  for (auto& a : actions) {
    env.observation(obs.data());
    if (agent) agent->act(obs.data(), policy->norm, env.ctrl_high(), a.data());
    const tasks::StepResult r = env.step(a.data());
    csv += std::to_string(steps);
    for (double v : obs) append_field(csv, v);
    for (double v : a) append_field(csv, v);
    append_field(csv, r.components.forward);
    append_field(csv, r.components.ctrl);
    append_field(csv, r.components.healthy);
    if (has_contact) append_field(csv, r.components.contact);
    append_field(csv, r.reward);
    csv += r.terminated ? ",1" : ",0";
    csv += r.truncated ? ",1," : ",0,";
    csv += tasks::reason_name(r.reason);
    csv += '\n';
    ret += r.reward;
    ++steps;
    reason = r.reason;
    if (r.terminated || r.truncated) break;
  }
  io::write_file_atomic(out_path, csv);

  std::cout << "rollout " << spec.name << " seed " << seed << ": " << steps << " steps, return " << ret
            << ", ended: " << (reason == tasks::EndReason::kNone ? "end of actions" : tasks::reason_name(reason))
            << " -> " << out_path << "\n";
  return 0;
}

}  // namespace ecsim::cli
