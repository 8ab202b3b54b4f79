// MuJoCo locomotion tasks (Hopper, Walker2d, Humanoid) with Gymnasium v4/v5 semantics.
//
// Three layers, like mjModel/mjData:
//   TaskSpec  static facts of one task id ("hopper", "humanoid-v5", ...): sizes, weights, ranges;
//   Model     one loaded and validated MJCF file, read-only, shared by many Envs (threads too);
//   Env       one episode's mutable state (mjData), stepping, rewards and termination.
// docs/tasks.md documents every rule and where it comes from.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <mujoco/mujoco.h>

namespace ecsim::tasks {

enum class Robot { kHopper, kWalker2d, kHumanoid };

// Static description of one task id. Values are Gymnasium's defaults (docs/tasks.md).
struct TaskSpec {
  std::string name;  // the id users type: "hopper", "hopper-v5", ...
  Robot robot;
  int version;            // 4 or 5 (Gymnasium environment version)
  int obs_size;           // observation length (x position excluded)
  int act_size;           // number of actuators
  int frame_skip;         // mj_step calls per env step
  int max_episode_steps;  // truncation limit (1000)

  // reward weights
  double forward_weight;    // times the x velocity (qpos[0], or the center of mass for humanoid)
  double ctrl_weight;       // times sum(action^2) (raw action, not clipped)
  double healthy_reward;    // per step; v4 pays it on the terminating step too, v5 does not
  double contact_weight;    // humanoid-v5 only: times sum(cfrc_ext^2); 0 elsewhere
  double contact_cost_max;  // humanoid-v5 only: the contact cost is clipped to this
  // the observation or the reward reads cfrc_ext (humanoid): only then does a step end with
  // mj_rnePostConstraint, whose outputs (cacc, cfrc_int, cfrc_ext) nothing else reads
  bool reads_constraint_forces;

  // healthy rules, all strict: lo < value < hi
  int z_index;  // qpos index of the torso height (1, or 2 for humanoid)
  double z_min, z_max;
  bool check_angle;  // hopper, walker2d: lo < qpos[2] < hi
  double angle_min, angle_max;
  bool check_state;  // hopper: lo < (qpos[2:], qvel) < hi elementwise
  double state_min, state_max;

  double reset_noise_scale;  // uniform U[-s, s) on every qpos and qvel entry
  double obs_qvel_clip;      // observation clips qvel to [-c, c]; 0 means no clipping

  std::string model_file;                    // the project's MJCF file for this task (in the models directory)
  std::vector<std::string> joints;           // every joint, in qpos order
  std::vector<std::string> actuated_joints;  // the joint each actuator drives, in ctrl order
  int nbody;                                 // bodies including the world (fixes humanoid's obs size)
};

// The spec of a task id; throws ecsim::Error listing the valid names for an unknown one.
const TaskSpec& make_task_spec(const std::string& name);

// All task ids, v4 ones first.
std::vector<std::string> task_names();

// Directory of the project's MJCF files: $ECSIM_MODEL_DIR if set, else <dir of the running
// binary>/models, else <dir of the running binary>/../share/ecsim/models. Throws ecsim::Error
// when none exists.
std::string default_model_dir();

// Installs, once per process, MuJoCo's error and warning hooks (Model::load calls it): a fatal
// MuJoCo error (mju_error) throws ecsim::Error with MuJoCo's message instead of prompting
// "Press Enter to exit" and writing MUJOCO_LOG.TXT; warnings are silent (Env::step reads
// mjData::warning[]). Hooks the embedding program installed first are left alone.
void install_mujoco_handlers();

// Deleters so unique_ptr/shared_ptr own MuJoCo handles.
struct MjModelDeleter {
  void operator()(mjModel* m) const { mj_deleteModel(m); }
};
struct MjDataDeleter {
  void operator()(mjData* d) const { mj_deleteData(d); }
};

// A loaded MJCF model checked against a task. Immutable after load; share it between Envs.
class Model {
 public:
  // Loads path (empty: the task's file in default_model_dir()). Throws ecsim::Error naming the
  // file and what is wrong: missing file, XML error, wrong joints, missing actuators, sizes.
  static std::shared_ptr<const Model> load(const TaskSpec& spec, const std::string& path = {});

  // Checks an already compiled model against spec (load() calls it): names, types, counts, and
  // physical parameters (timestep > 0; finite masses >= 0 with a robot mass > 0; finite nonzero
  // gears; finite geom sizes and ctrl ranges). Throws ecsim::Error; `label` names the model.
  static void validate(const TaskSpec& spec, const mjModel* m, const std::string& label);

  const TaskSpec& spec() const { return m_spec; }
  const mjModel* mj() const { return m_mj.get(); }
  const std::string& path() const { return m_path; }
  double dt() const { return m_mj->opt.timestep * m_spec.frame_skip; }  // Gymnasium's dt
  double total_mass() const { return m_total_mass; }                    // numpy-order sum of body_mass

 private:
  Model(const TaskSpec& spec, std::unique_ptr<mjModel, MjModelDeleter> m, std::string path);
  static void validate_physics(const mjModel* m, const std::string& who);

  TaskSpec m_spec;
  std::unique_ptr<mjModel, MjModelDeleter> m_mj;
  std::string m_path;
  double m_total_mass = 0;
};

// Why an episode ended. Text forms (reason_name: "none", "unhealthy", "time_limit", "nan_state",
// "mujoco_warning", "bad_action") go into trajectory CSVs and messages. The order is part of the
// MPI wire format (sent as a byte).
enum class EndReason {
  kNone,           // still running
  kUnhealthy,      // the healthy rule failed (Gymnasium's terminated)
  kTimeLimit,      // max_episode_steps reached (Gymnasium's truncated)
  kNanState,       // qpos/qvel or the reward not finite, or MuJoCo flagged a bad qpos/qvel/qacc (and reset)
  kMujocoWarning,  // any other MuJoCo warning (contact/constraint buffer full, singular inertia)
  kBadAction,      // the action had a NaN or infinite entry; the physics was not stepped
};
const char* reason_name(EndReason r);

// The reward split into signed contributions; reward == (forward + healthy) + ctrl + contact
// evaluated in Gymnasium's order ((forward + healthy) - ctrl_cost - contact_cost).
struct RewardComponents {
  double forward = 0;  // forward_weight * x velocity
  double ctrl = 0;     // -ctrl_weight * sum(action^2)
  double healthy = 0;  // healthy_reward or 0
  double contact = 0;  // -min(contact_weight * sum(cfrc_ext^2), contact_cost_max); humanoid-v5
};

struct StepResult {
  double reward = 0;
  RewardComponents components;
  bool terminated = false;              // unhealthy or a physics failure
  bool truncated = false;               // the step count reached max_episode_steps
  EndReason reason = EndReason::kNone;  // terminated reasons win over kTimeLimit
};

// One environment instance. Not copyable; movable. Not thread-safe: one Env per thread, many
// Envs may share one Model.
class Env {
 public:
  explicit Env(std::shared_ptr<const Model> model);

  // Gymnasium reset: mj_resetData, qpos = qpos0 + U, qvel = U with U uniform in [-s, s) drawn
  // from Philox4x32-10 keyed by seed (stream 2, see docs/tasks.md), then mj_forward.
  void reset(uint64_t seed);
  void reset(uint64_t seed, double noise_scale);

  // Sets the state like Gymnasium's set_state (qpos, qvel, then mj_forward). For tests and tools.
  void set_state(const double* qpos, const double* qvel);

  // One env step: ctrl = action (act_size values, not clipped), frame_skip x mj_step,
  // mj_rnePostConstraint where the task reads cfrc_ext, then rewards and termination. No
  // allocation.
  StepResult step(const double* action);

  // Writes obs_size() values: the observation of the current state.
  void observation(double* out) const;

  // True when the healthy rule holds for the current state.
  bool is_healthy() const;

  int obs_size() const { return m_spec->obs_size; }
  int act_size() const { return m_spec->act_size; }
  int steps() const { return m_steps; }                           // env steps since reset
  const double* ctrl_low() const { return m_ctrl_low.data(); }    // per actuator
  const double* ctrl_high() const { return m_ctrl_high.data(); }  // per actuator
  const TaskSpec& spec() const { return *m_spec; }
  const Model& model() const { return *m_model; }
  const mjModel* mj_model() const { return m_mj; }
  const mjData* data() const { return m_data.get(); }
  mjData* mutable_data() { return m_data.get(); }  // tests craft states through this

  // The x coordinate the forward reward differentiates: qpos[0], or humanoid's mass center
  // computed from d->xipos as the last mj_step left it (Gymnasium's mass_center()).
  double x_position() const;

 private:
  std::shared_ptr<const Model> m_model;
  const TaskSpec* m_spec;
  const mjModel* m_mj;
  std::unique_ptr<mjData, MjDataDeleter> m_data;
  std::vector<double> m_ctrl_low, m_ctrl_high;
  int m_steps = 0;
};

}  // namespace ecsim::tasks
