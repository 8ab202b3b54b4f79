// The static task table: Gymnasium v4/v5 defaults for Hopper, Walker2d and Humanoid.
// Source: Gymnasium 1.4.0, gymnasium/envs/mujoco/{hopper,walker2d,humanoid}_v4.py and _v5.py.
#include <limits>

#include "common/error.h"
#include "tasks/env.h"

namespace ecsim::tasks {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TaskSpec hopper(int version) {
  TaskSpec s;
  s.name = version == 4 ? "hopper" : "hopper-v5";
  s.robot = Robot::kHopper;
  s.version = version;
  s.obs_size = 11;  // qpos[1:] (5) + clip(qvel) (6)
  s.act_size = 3;
  s.frame_skip = 4;
  s.max_episode_steps = 1000;
  s.forward_weight = 1.0;
  s.ctrl_weight = 1e-3;
  s.healthy_reward = 1.0;
  s.contact_weight = 0;
  s.contact_cost_max = 0;
  s.reads_constraint_forces = false;
  s.z_index = 1;
  s.z_min = 0.7;
  s.z_max = kInf;
  s.check_angle = true;
  s.angle_min = -0.2;
  s.angle_max = 0.2;
  s.check_state = true;
  s.state_min = -100.0;
  s.state_max = 100.0;
  s.reset_noise_scale = 5e-3;
  s.obs_qvel_clip = 10.0;
  s.model_file = "hopper.xml";
  s.joints = {"rootx", "rootz", "rooty", "thigh_joint", "leg_joint", "foot_joint"};
  s.actuated_joints = {"thigh_joint", "leg_joint", "foot_joint"};
  s.nbody = 5;
  return s;
}

TaskSpec walker2d(int version) {
  TaskSpec s;
  s.name = version == 4 ? "walker2d" : "walker2d-v5";
  s.robot = Robot::kWalker2d;
  s.version = version;
  s.obs_size = 17;  // qpos[1:] (8) + clip(qvel) (9)
  s.act_size = 6;
  s.frame_skip = 4;
  s.max_episode_steps = 1000;
  s.forward_weight = 1.0;
  s.ctrl_weight = 1e-3;
  s.healthy_reward = 1.0;
  s.contact_weight = 0;
  s.contact_cost_max = 0;
  s.reads_constraint_forces = false;
  s.z_index = 1;
  s.z_min = 0.8;
  s.z_max = 2.0;
  s.check_angle = true;
  s.angle_min = -1.0;
  s.angle_max = 1.0;
  s.check_state = false;  // walker2d has no state-range rule
  s.state_min = -kInf;
  s.state_max = kInf;
  s.reset_noise_scale = 5e-3;
  s.obs_qvel_clip = 10.0;
  s.model_file = version == 4 ? "walker2d.xml" : "walker2d_v5.xml";  // v5: both feet friction 1.9
  s.joints = {"rootx",          "rootz",          "rooty", "thigh_joint", "leg_joint", "foot_joint", "thigh_left_joint",
              "leg_left_joint", "foot_left_joint"};
  s.actuated_joints = {"thigh_joint",      "leg_joint",      "foot_joint",
                       "thigh_left_joint", "leg_left_joint", "foot_left_joint"};
  s.nbody = 8;
  return s;
}

TaskSpec humanoid(int version) {
  TaskSpec s;
  s.name = version == 4 ? "humanoid" : "humanoid-v5";
  s.robot = Robot::kHumanoid;
  s.version = version;
  // v4: qpos[2:] 22 | qvel 23 | cinert 140 | cvel 84 | qfrc_actuator 23 | cfrc_ext 84
  // v5: the world body and free-joint parts dropped: 22 | 23 | 130 | 78 | 17 | 78
  s.obs_size = version == 4 ? 376 : 348;
  s.act_size = 17;
  s.frame_skip = 5;
  s.max_episode_steps = 1000;
  s.forward_weight = 1.25;
  s.ctrl_weight = 0.1;
  s.healthy_reward = 5.0;
  s.contact_weight = version == 4 ? 0.0 : 5e-7;
  s.contact_cost_max = version == 4 ? 0.0 : 10.0;
  s.reads_constraint_forces = true;  // cfrc_ext is in the observation of v4 and v5
  s.z_index = 2;
  s.z_min = 1.0;
  s.z_max = 2.0;
  s.check_angle = false;
  s.angle_min = -kInf;
  s.angle_max = kInf;
  s.check_state = false;
  s.state_min = -kInf;
  s.state_max = kInf;
  s.reset_noise_scale = 1e-2;
  s.obs_qvel_clip = 0.0;  // humanoid's qvel is not clipped
  s.model_file = "humanoid.xml";
  s.joints = {"root",           "abdomen_z",      "abdomen_y",       "abdomen_x",       "right_hip_x",
              "right_hip_z",    "right_hip_y",    "right_knee",      "left_hip_x",      "left_hip_z",
              "left_hip_y",     "left_knee",      "right_shoulder1", "right_shoulder2", "right_elbow",
              "left_shoulder1", "left_shoulder2", "left_elbow"};
  s.actuated_joints = {"abdomen_y",      "abdomen_z",       "abdomen_x",       "right_hip_x", "right_hip_z",
                       "right_hip_y",    "right_knee",      "left_hip_x",      "left_hip_z",  "left_hip_y",
                       "left_knee",      "right_shoulder1", "right_shoulder2", "right_elbow", "left_shoulder1",
                       "left_shoulder2", "left_elbow"};
  s.nbody = 14;
  return s;
}

const std::vector<TaskSpec>& table() {
  static const std::vector<TaskSpec> specs = {hopper(4), walker2d(4), humanoid(4), hopper(5), walker2d(5), humanoid(5)};
  return specs;
}

}  // namespace

std::vector<std::string> task_names() {
  std::vector<std::string> names;
  for (const auto& s : table()) names.push_back(s.name);
  return names;
}

const TaskSpec& make_task_spec(const std::string& name) {
  for (const auto& s : table())
    if (s.name == name) return s;
  // accept the explicit v4 spelling too ("hopper-v4")
  for (const auto& s : table())
    if (s.version == 4 && s.name + "-v4" == name) return s;
  std::string list;
  for (const auto& n : task_names()) list += (list.empty() ? "" : ", ") + n;
  throw Error("unknown task '" + name + "'", "use one of: " + list);
}

}  // namespace ecsim::tasks
