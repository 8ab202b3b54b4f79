// Env: one episode of a locomotion task, stepped with Gymnasium v4/v5 semantics.
#include "tasks/env.h"

#include <cassert>
#include <cmath>
#include <limits>

#include "tasks/numpy_sum.h"
#include "tasks/reset_noise.h"

namespace ecsim::tasks {

const char* reason_name(EndReason r) {
  switch (r) {
    case EndReason::kNone:
      return "none";
    case EndReason::kUnhealthy:
      return "unhealthy";
    case EndReason::kTimeLimit:
      return "time_limit";
    case EndReason::kNanState:
      return "nan_state";
    case EndReason::kMujocoWarning:
      return "mujoco_warning";
    case EndReason::kBadAction:
      return "bad_action";
  }
  return "unknown";
}

Env::Env(std::shared_ptr<const Model> model)
    : m_model(std::move(model)), m_spec(&m_model->spec()), m_mj(m_model->mj()), m_data(mj_makeData(m_mj)) {
  assert(m_data && "mj_makeData failed (out of memory)");
  m_ctrl_low.resize(m_mj->nu);
  m_ctrl_high.resize(m_mj->nu);
  constexpr double inf = std::numeric_limits<double>::infinity();
  for (int a = 0; a < m_mj->nu; ++a) {
    const bool limited = m_mj->actuator_ctrllimited[a] != 0;
    m_ctrl_low[a] = limited ? m_mj->actuator_ctrlrange[2 * a] : -inf;
    m_ctrl_high[a] = limited ? m_mj->actuator_ctrlrange[2 * a + 1] : inf;
  }
  reset(0);
}

void Env::reset(uint64_t seed) { reset(seed, m_spec->reset_noise_scale); }

void Env::reset(uint64_t seed, double noise_scale) {
  mjData* d = m_data.get();
  mj_resetData(m_mj, d);

  // qpos = qpos0 + U[-s, s), qvel = 0 + U[-s, s): draws 0..nq-1, then nq..nq+nv-1
  ResetNoise noise(seed, noise_scale);
  for (int i = 0; i < m_mj->nq; ++i) d->qpos[i] = m_mj->qpos0[i] + noise.draw(static_cast<uint64_t>(i));
  for (int i = 0; i < m_mj->nv; ++i) d->qvel[i] = 0.0 + noise.draw(static_cast<uint64_t>(m_mj->nq + i));
  mj_forward(m_mj, d);
  m_steps = 0;
}

void Env::set_state(const double* qpos, const double* qvel) {
  mju_copy(m_data->qpos, qpos, m_mj->nq);
  mju_copy(m_data->qvel, qvel, m_mj->nv);
  mj_forward(m_mj, m_data.get());
}

double Env::x_position() const {
  const mjData* d = m_data.get();
  if (m_spec->robot != Robot::kHumanoid) return d->qpos[0];
  // Gymnasium mass_center(): np.sum(mass * xipos, axis=0) / np.sum(mass); the axis-0 sum runs
  // body by body, in order
  double s = 0.0;
  for (int b = 0; b < m_mj->nbody; ++b) s += m_mj->body_mass[b] * d->xipos[3 * b];
  return s / m_model->total_mass();
}

bool Env::is_healthy() const {
  const TaskSpec& s = *m_spec;
  const double* qpos = m_data->qpos;
  const double z = qpos[s.z_index];
  bool ok = s.z_min < z && z < s.z_max;
  if (s.check_angle) ok = ok && s.angle_min < qpos[2] && qpos[2] < s.angle_max;
  if (s.check_state) {
    // hopper: state_vector()[2:] = qpos[2:] and the unclipped qvel
    for (int i = 2; i < m_mj->nq; ++i) ok = ok && s.state_min < qpos[i] && qpos[i] < s.state_max;
    for (int i = 0; i < m_mj->nv; ++i) ok = ok && s.state_min < m_data->qvel[i] && m_data->qvel[i] < s.state_max;
  }
  return ok;
}

StepResult Env::step(const double* action) {
  const TaskSpec& s = *m_spec;
  mjData* d = m_data.get();
  const int nu = m_mj->nu;
  StepResult r;

  // a NaN or infinite action would poison the state: end the episode without stepping
  for (int a = 0; a < nu; ++a) {
    if (!std::isfinite(action[a])) {
      ++m_steps;
      r.terminated = true;
      r.truncated = m_steps >= s.max_episode_steps;
      r.reason = EndReason::kBadAction;
      return r;
    }
  }

  // physics: ctrl = action (MuJoCo clamps to ctrlrange internally), frame_skip steps, then, for
  // the tasks that read cfrc_ext, Gymnasium's mj_rnePostConstraint. It only writes cacc,
  // cfrc_int and cfrc_ext, which the next mj_step recomputes before use and which hopper and
  // walker2d never read, so skipping it there changes no state, observation or reward (tested)
  const double x_before = x_position();
  mju_copy(d->ctrl, action, nu);
  for (int k = 0; k < s.frame_skip; ++k) mj_step(m_mj, d);
  if (s.reads_constraint_forces) mj_rnePostConstraint(m_mj, d);
  ++m_steps;
  const double x_after = x_position();
  r.truncated = m_steps >= s.max_episode_steps;

  // instabilities: MuJoCo counts warnings (and auto-resets on bad qpos/qvel/qacc)
  EndReason failure = EndReason::kNone;
  for (int w = 0; w < mjNWARNING; ++w) {
    if (w == mjWARN_VGEOMFULL || d->warning[w].number == 0) continue;
    const bool bad_number = w == mjWARN_BADQPOS || w == mjWARN_BADQVEL || w == mjWARN_BADQACC;
    failure = bad_number ? EndReason::kNanState : EndReason::kMujocoWarning;
    if (bad_number) break;
  }
  if (failure == EndReason::kNone) {
    bool finite = true;
    for (int i = 0; i < m_mj->nq; ++i) finite = finite && std::isfinite(d->qpos[i]);
    for (int i = 0; i < m_mj->nv; ++i) finite = finite && std::isfinite(d->qvel[i]);
    if (!finite) failure = EndReason::kNanState;
  }
  if (failure != EndReason::kNone) {
    r.terminated = true;
    r.reason = failure;
    return r;
  }

  // rewards, in Gymnasium's operation order
  const double dt = m_mj->opt.timestep * s.frame_skip;
  const double x_velocity = (x_after - x_before) / dt;
  const double forward = s.forward_weight * x_velocity;
  const double ctrl_cost = s.ctrl_weight * detail::numpy_sum_squares(action, static_cast<size_t>(nu));
  const bool healthy = is_healthy();
  // v4: float(is_healthy or terminate_when_unhealthy) * w = w always; v5: is_healthy * w
  const double healthy_reward = (healthy || s.version == 4) ? s.healthy_reward : 0.0;
  double reward = (forward + healthy_reward) - ctrl_cost;
  double contact_cost = 0.0;
  if (s.contact_weight != 0.0) {
    contact_cost = s.contact_weight * detail::numpy_sum_squares(d->cfrc_ext, static_cast<size_t>(6 * m_mj->nbody));
    if (contact_cost > s.contact_cost_max) contact_cost = s.contact_cost_max;  // np.clip(., -inf, max)
    reward = reward - contact_cost;
  }
  // a non-finite reward (an overflowing ctrl cost, a NaN velocity) is a physics failure too
  if (!std::isfinite(reward)) {
    r.terminated = true;
    r.reason = EndReason::kNanState;
    return r;
  }
  r.reward = reward;
  r.components.forward = forward;
  r.components.ctrl = -ctrl_cost;
  r.components.healthy = healthy_reward;
  r.components.contact = -contact_cost;

  r.terminated = !healthy;
  r.reason = !healthy ? EndReason::kUnhealthy : (r.truncated ? EndReason::kTimeLimit : EndReason::kNone);
  return r;
}

void Env::observation(double* out) const {
  const TaskSpec& s = *m_spec;
  const mjData* d = m_data.get();
  const int nq = m_mj->nq, nv = m_mj->nv, nbody = m_mj->nbody;
  double* o = out;

  if (s.robot != Robot::kHumanoid) {
    // qpos[1:] then clip(qvel, -c, c) (NaN passes through, as in np.clip)
    for (int i = 1; i < nq; ++i) *o++ = d->qpos[i];
    const double c = s.obs_qvel_clip;
    for (int i = 0; i < nv; ++i) {
      const double v = d->qvel[i];
      *o++ = v < -c ? -c : (v > c ? c : v);
    }
  } else {
    // qpos[2:] | qvel | cinert | cvel | qfrc_actuator | cfrc_ext; v5 drops the world body
    // rows and the free joint's 6 actuator forces
    const int b0 = s.version == 4 ? 0 : 1;
    const int v0 = s.version == 4 ? 0 : 6;
    for (int i = 2; i < nq; ++i) *o++ = d->qpos[i];
    for (int i = 0; i < nv; ++i) *o++ = d->qvel[i];
    for (int i = 10 * b0; i < 10 * nbody; ++i) *o++ = d->cinert[i];
    for (int i = 6 * b0; i < 6 * nbody; ++i) *o++ = d->cvel[i];
    for (int i = v0; i < nv; ++i) *o++ = d->qfrc_actuator[i];
    for (int i = 6 * b0; i < 6 * nbody; ++i) *o++ = d->cfrc_ext[i];
  }
  assert(o - out == s.obs_size);
  (void)o;
}

}  // namespace ecsim::tasks
