// Loading and validating MJCF models for the locomotion tasks.
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <sstream>

#include "common/error.h"
#include "tasks/env.h"
#include "tasks/numpy_sum.h"

namespace ecsim::tasks {

namespace fs = std::filesystem;

namespace {

// MuJoCo's default warning handler prints to stdout and appends to MUJOCO_LOG.TXT in the
// working directory. ecsim counts warnings through mjData::warning[] instead (Env::step turns
// them into an EndReason), so the text is dropped. A handler installed by the embedding program
// is left alone.
void quiet_warning(const char*) {}

// MuJoCo's default error handler prints "Press Enter to exit", appends to MUJOCO_LOG.TXT and
// exits. A fatal MuJoCo error becomes an ecsim::Error instead. Throwing through the engine's C
// frames is what MuJoCo's own model compiler does with this hook (libmujoco has unwind tables);
// the handler must not return, because mju_error carries on after it.
[[noreturn]] void throwing_error(const char* msg) {
  throw Error(std::string("MuJoCo ") + mj_versionString() + " error: " + (msg ? msg : "(no message)"),
              "check the model's physical parameters and the actions; this is MuJoCo refusing the input");
}

void install_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (!mju_user_warning) mju_user_warning = quiet_warning;
    if (!mju_user_error) mju_user_error = throwing_error;
  });
}

std::string num(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

std::string name_of(const mjModel* m, int type, int id, const char* kind) {
  const char* n = mj_id2name(m, type, id);
  return std::string(kind) + " " + (n && *n ? std::string("'") + n + "'" : "#" + std::to_string(id));
}

const char* joint_type_name(int t) {
  switch (t) {
    case mjJNT_FREE:
      return "free";
    case mjJNT_BALL:
      return "ball";
    case mjJNT_SLIDE:
      return "slide";
    case mjJNT_HINGE:
      return "hinge";
    default:
      return "unknown";
  }
}

// the joint type each task joint must have
int expected_joint_type(const std::string& name) {
  if (name == "root") return mjJNT_FREE;
  if (name == "rootx" || name == "rootz") return mjJNT_SLIDE;
  return mjJNT_HINGE;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::string task_label(const TaskSpec& spec) { return spec.name; }

}  // namespace

std::string default_model_dir() {
  std::vector<std::string> tried;
  if (const char* env = std::getenv("ECSIM_MODEL_DIR"); env && *env) {
    if (fs::is_directory(env)) return env;
    throw Error(std::string("ECSIM_MODEL_DIR='") + env + "' is not a directory",
                "point ECSIM_MODEL_DIR at the folder holding hopper.xml, or unset it");
  }
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const fs::path& dir :
         {exe.parent_path() / "models", exe.parent_path() / ".." / "share" / "ecsim" / "models"}) {
      if (fs::is_directory(dir)) return dir.lexically_normal().string();
      tried.push_back(dir.lexically_normal().string());
    }
  }
  throw Error("cannot find the project's MJCF model directory (looked in: " + join(tried) + ")",
              "rebuild/reinstall ecsim so models/ sits beside the binary, set ECSIM_MODEL_DIR, "
              "or pass --model FILE");
}

Model::Model(const TaskSpec& spec, std::unique_ptr<mjModel, MjModelDeleter> m, std::string path)
    : m_spec(spec), m_mj(std::move(m)), m_path(std::move(path)) {
  m_total_mass = detail::numpy_sum(m_mj->body_mass, static_cast<size_t>(m_mj->nbody));
}

std::shared_ptr<const Model> Model::load(const TaskSpec& spec, const std::string& path_in) {
  install_handlers();
  const std::string path = path_in.empty() ? (fs::path(default_model_dir()) / spec.model_file).string() : path_in;
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw Error("model file '" + path + "' does not exist",
                path_in.empty()
                    ? "reinstall ecsim (models/ must sit beside the binary) or pass --model FILE"
                    : "pass an existing MJCF file, or omit --model to use the project's " + spec.name + " model");
  if (fs::is_directory(path, ec))
    throw Error("model file '" + path + "' is a directory", "pass the path of an MJCF .xml file");

  char err[1024] = "";
  std::unique_ptr<mjModel, MjModelDeleter> m(mj_loadXML(path.c_str(), nullptr, err, sizeof(err)));
  if (!m)
    throw Error("model '" + path + "' could not be loaded by MuJoCo " + mj_versionString() + ": " +
                    (err[0] ? err : "unknown error"),
                "check that the file is valid MJCF");
  validate(spec, m.get(), path);
  return std::shared_ptr<const Model>(new Model(spec, std::move(m), path));
}

void Model::validate(const TaskSpec& spec, const mjModel* m, const std::string& label) {
  const std::string who = "model '" + label + "'";
  const std::string task = task_label(spec);

  // joints: every required name, in qpos order, with the right type, and nothing else
  std::vector<std::string> have;
  for (int j = 0; j < m->njnt; ++j) {
    const char* n = mj_id2name(m, mjOBJ_JOINT, j);
    have.push_back(n ? n : "(unnamed #" + std::to_string(j) + ")");
  }
  std::vector<std::string> missing, extra;
  for (const auto& want : spec.joints)
    if (mj_name2id(m, mjOBJ_JOINT, want.c_str()) < 0) missing.push_back(want);
  for (const auto& h : have) {
    bool known = false;
    for (const auto& want : spec.joints) known = known || want == h;
    if (!known) extra.push_back(h);
  }
  if (!missing.empty() || !extra.empty()) {
    std::string detail;
    if (!missing.empty()) detail += "missing: " + join(missing);
    if (!extra.empty()) detail += std::string(detail.empty() ? "" : "; ") + "unexpected: " + join(extra);
    throw Error(who + " has " + std::to_string(m->njnt) + " joints (" + join(have) + "), " + task + " needs " +
                    join(spec.joints) + " (" + detail + ")",
                "use a " + task + " MJCF file with exactly these joint names");
  }
  for (size_t k = 0; k < spec.joints.size(); ++k) {
    const int j = static_cast<int>(k);
    if (have[k] != spec.joints[k])
      throw Error(who + " declares its joints in the order " + join(have) + ", " + task + " needs " +
                      join(spec.joints) + " (the observation follows qpos order)",
                  "reorder the joints in the MJCF file");
    const int want_type = expected_joint_type(spec.joints[k]);
    if (m->jnt_type[j] != want_type)
      throw Error(who + ": joint '" + spec.joints[k] + "' is a " + joint_type_name(m->jnt_type[j]) + " joint, " + task +
                      " needs a " + joint_type_name(want_type) + " joint",
                  "fix the joint's type in the MJCF file");
  }

  // actuators: one per actuated joint, in ctrl order
  std::vector<std::string> acts;
  for (int a = 0; a < m->nu; ++a) {
    const int jid = m->actuator_trnid[2 * a];
    const bool on_joint = m->actuator_trntype[a] == mjTRN_JOINT && jid >= 0 && jid < m->njnt;
    acts.push_back(on_joint ? have[jid] : "(actuator #" + std::to_string(a) + " not on a joint)");
  }
  std::vector<std::string> act_missing;
  for (const auto& want : spec.actuated_joints) {
    bool found = false;
    for (const auto& a : acts) found = found || a == want;
    if (!found) act_missing.push_back(want);
  }
  if (m->nu != spec.act_size || !act_missing.empty()) {
    std::string detail = act_missing.empty() ? "" : " (missing: actuator on " + join(act_missing) + ")";
    throw Error(who + " has " + std::to_string(m->nu) + " actuators" +
                    (acts.empty() ? std::string() : " (on " + join(acts) + ")") + ", " + task + " needs " +
                    std::to_string(spec.act_size) + " joint motors on " + join(spec.actuated_joints) + detail,
                "add one <motor joint=...> per listed joint, in this order");
  }
  for (int a = 0; a < m->nu; ++a)
    if (acts[a] != spec.actuated_joints[a])
      throw Error(who + " orders its actuators as " + join(acts) + ", " + task + " needs " +
                      join(spec.actuated_joints) + " (the action follows ctrl order)",
                  "reorder the <actuator> entries in the MJCF file");
  if (m->na != 0)
    throw Error(who + " has " + std::to_string(m->na) + " actuator activation states, " + task +
                    " needs plain motors (no dyntype)",
                "use <motor> actuators");

  validate_physics(m, who);

  // bodies: humanoid's observation has one block per body
  if (spec.robot == Robot::kHumanoid && m->nbody != spec.nbody)
    throw Error(who + " has " + std::to_string(m->nbody) + " bodies (world included), " + task + " needs " +
                    std::to_string(spec.nbody) + " (the observation has one cinert/cvel/cfrc_ext block per body)",
                "use the humanoid body tree: torso, lwaist, pelvis, thighs, shins, feet, arms");
}

void install_mujoco_handlers() { install_handlers(); }

// Values MuJoCo compiles without complaint but that make the physics meaningless: a zero or
// negative timestep (NaN rewards, or time running backwards), non-finite or negative masses,
// zero or non-finite gears, non-finite sizes and control ranges.
void Model::validate_physics(const mjModel* m, const std::string& who) {
  constexpr int kGearSize = 6;
  const double ts = m->opt.timestep;
  if (!std::isfinite(ts) || !(ts > 0))
    throw Error(who + ": <option timestep=\"" + num(ts) + "\"> is not a positive finite number of seconds",
                "set <option timestep> to a small positive value, e.g. 0.002 as in the project's hopper.xml");
  double robot_mass = 0;
  for (int b = 0; b < m->nbody; ++b) {
    const double mass = m->body_mass[b];
    if (!std::isfinite(mass) || mass < 0)
      throw Error(who + ": " + name_of(m, mjOBJ_BODY, b, "body") + " has mass " + num(mass) +
                      ", which is not a finite number >= 0",
                  "fix the mass (or the density/size of its geoms) in the MJCF file");
    if (b > 0) robot_mass += mass;
  }
  if (!(robot_mass > 0))
    throw Error(who + ": the robot's bodies have a total mass of " + num(robot_mass) + ", it must be > 0",
                "give the bodies mass (a geom mass or density, or an <inertial> element)");
  for (int a = 0; a < m->nu; ++a) {
    const double* gear = m->actuator_gear + kGearSize * a;  // nu x 6 in mjmodel.h
    for (int k = 0; k < kGearSize; ++k)
      if (!std::isfinite(gear[k]))
        throw Error(who + ": " + name_of(m, mjOBJ_ACTUATOR, a, "actuator") + " has gear " + num(gear[k]) +
                        ", which is not finite",
                    "set a finite gear on the actuator, e.g. gear=\"200\"");
    if (gear[0] == 0)
      throw Error(who + ": " + name_of(m, mjOBJ_ACTUATOR, a, "actuator") + " has gear 0, so its control has no effect",
                  "set a nonzero gear on the actuator, e.g. gear=\"200\"");
    const double lo = m->actuator_ctrlrange[2 * a], hi = m->actuator_ctrlrange[2 * a + 1];
    if (!std::isfinite(lo) || !std::isfinite(hi))
      throw Error(who + ": " + name_of(m, mjOBJ_ACTUATOR, a, "actuator") + " has ctrlrange \"" + num(lo) + " " +
                      num(hi) + "\", which is not finite",
                  "set a finite ctrlrange on the actuator, e.g. ctrlrange=\"-1 1\"");
  }
  for (int g = 0; g < m->ngeom; ++g)
    for (int k = 0; k < 3; ++k)
      if (!std::isfinite(m->geom_size[3 * g + k]))
        throw Error(who + ": " + name_of(m, mjOBJ_GEOM, g, "geom") + " has size " + num(m->geom_size[3 * g + k]) +
                        ", which is not finite",
                    "set finite sizes on the geom");
}

}  // namespace ecsim::tasks
