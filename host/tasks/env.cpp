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
    case EndReason::none: return "none";
    case EndReason::unhealthy: return "unhealthy";
    case EndReason::time_limit: return "time_limit";
    case EndReason::nan_state: return "nan_state";
    case EndReason::mujoco_warning: return "mujoco_warning";
    case EndReason::bad_action: return "bad_action";
  }
  return "unknown";
}


Env::Env(std::shared_ptr<const Model> model)
    : model_(std::move(model)), spec_(&model_->spec()), m_(model_->mj()), d_(mj_makeData(m_)) {
  assert(d_ && "mj_makeData failed (out of memory)");
  ctrl_low_.resize(m_->nu);
  ctrl_high_.resize(m_->nu);
  constexpr double inf = std::numeric_limits<double>::infinity();
  for (int a = 0; a < m_->nu; ++a) {
    const bool limited = m_->actuator_ctrllimited[a] != 0;
    ctrl_low_[a] = limited ? m_->actuator_ctrlrange[2 * a] : -inf;
    ctrl_high_[a] = limited ? m_->actuator_ctrlrange[2 * a + 1] : inf;
  }
  reset(0);
}


void Env::reset(uint64_t seed) { reset(seed, spec_->reset_noise_scale); }


void Env::reset(uint64_t seed, double noise_scale) {
  mjData* d = d_.get();
  mj_resetData(m_, d);

  // qpos = qpos0 + U[-s, s), qvel = 0 + U[-s, s): draws 0..nq-1, then nq..nq+nv-1
  ResetNoise noise(seed, noise_scale);
  for (int i = 0; i < m_->nq; ++i) d->qpos[i] = m_->qpos0[i] + noise.draw(static_cast<uint64_t>(i));
  for (int i = 0; i < m_->nv; ++i)
    d->qvel[i] = 0.0 + noise.draw(static_cast<uint64_t>(m_->nq + i));
  mj_forward(m_, d);
  steps_ = 0;
}


void Env::set_state(const double* qpos, const double* qvel) {
  mju_copy(d_->qpos, qpos, m_->nq);
  mju_copy(d_->qvel, qvel, m_->nv);
  mj_forward(m_, d_.get());
}


double Env::x_position() const {
  const mjData* d = d_.get();
  if (spec_->robot != Robot::humanoid) return d->qpos[0];
  // Gymnasium mass_center(): np.sum(mass * xipos, axis=0) / np.sum(mass); the axis-0 sum runs
  // body by body, in order
  double s = 0.0;
  for (int b = 0; b < m_->nbody; ++b) s += m_->body_mass[b] * d->xipos[3 * b];
  return s / model_->total_mass();
}


bool Env::is_healthy() const {
  const TaskSpec& s = *spec_;
  const double* qpos = d_->qpos;
  const double z = qpos[s.z_index];
  bool ok = s.z_min < z && z < s.z_max;
  if (s.check_angle) ok = ok && s.angle_min < qpos[2] && qpos[2] < s.angle_max;
  if (s.check_state) {
    // hopper: state_vector()[2:] = qpos[2:] and the unclipped qvel
    for (int i = 2; i < m_->nq; ++i) ok = ok && s.state_min < qpos[i] && qpos[i] < s.state_max;
    for (int i = 0; i < m_->nv; ++i)
      ok = ok && s.state_min < d_->qvel[i] && d_->qvel[i] < s.state_max;
  }
  return ok;
}


StepResult Env::step(const double* action) {
  const TaskSpec& s = *spec_;
  mjData* d = d_.get();
  const int nu = m_->nu;
  StepResult r;

  // a NaN or infinite action would poison the state: end the episode without stepping
  for (int a = 0; a < nu; ++a) {
    if (!std::isfinite(action[a])) {
      ++steps_;
      r.terminated = true;
      r.truncated = steps_ >= s.max_episode_steps;
      r.reason = EndReason::bad_action;
      return r;
    }
  }

  // physics: ctrl = action (MuJoCo clamps to ctrlrange internally), frame_skip steps, then, for
  // the tasks that read cfrc_ext, Gymnasium's mj_rnePostConstraint. It only writes cacc,
  // cfrc_int and cfrc_ext, which the next mj_step recomputes before use and which hopper and
  // walker2d never read, so skipping it there changes no state, observation or reward (tested)
  const double x_before = x_position();
  mju_copy(d->ctrl, action, nu);
  for (int k = 0; k < s.frame_skip; ++k) mj_step(m_, d);
  if (s.reads_constraint_forces) mj_rnePostConstraint(m_, d);
  ++steps_;
  const double x_after = x_position();
  r.truncated = steps_ >= s.max_episode_steps;

  // instabilities: MuJoCo counts warnings (and auto-resets on bad qpos/qvel/qacc)
  EndReason failure = EndReason::none;
  for (int w = 0; w < mjNWARNING; ++w) {
    if (w == mjWARN_VGEOMFULL || d->warning[w].number == 0) continue;
    const bool bad_number = w == mjWARN_BADQPOS || w == mjWARN_BADQVEL || w == mjWARN_BADQACC;
    failure = bad_number ? EndReason::nan_state : EndReason::mujoco_warning;
    if (bad_number) break;
  }
  if (failure == EndReason::none) {
    bool finite = true;
    for (int i = 0; i < m_->nq; ++i) finite = finite && std::isfinite(d->qpos[i]);
    for (int i = 0; i < m_->nv; ++i) finite = finite && std::isfinite(d->qvel[i]);
    if (!finite) failure = EndReason::nan_state;
  }
  if (failure != EndReason::none) {
    r.terminated = true;
    r.reason = failure;
    return r;
  }

  // rewards, in Gymnasium's operation order
  const double dt = m_->opt.timestep * s.frame_skip;
  const double x_velocity = (x_after - x_before) / dt;
  const double forward = s.forward_weight * x_velocity;
  const double ctrl_cost = s.ctrl_weight * detail::numpy_sum_squares(action, static_cast<size_t>(nu));
  const bool healthy = is_healthy();
  // v4: float(is_healthy or terminate_when_unhealthy) * w = w always; v5: is_healthy * w
  const double healthy_reward = (healthy || s.version == 4) ? s.healthy_reward : 0.0;
  double reward = (forward + healthy_reward) - ctrl_cost;
  double contact_cost = 0.0;
  if (s.contact_weight != 0.0) {
    contact_cost = s.contact_weight *
                   detail::numpy_sum_squares(d->cfrc_ext, static_cast<size_t>(6 * m_->nbody));
    if (contact_cost > s.contact_cost_max) contact_cost = s.contact_cost_max;  // np.clip(., -inf, max)
    reward = reward - contact_cost;
  }
  r.reward = reward;
  r.components.forward = forward;
  r.components.ctrl = -ctrl_cost;
  r.components.healthy = healthy_reward;
  r.components.contact = -contact_cost;

  r.terminated = !healthy;
  r.reason = !healthy ? EndReason::unhealthy : (r.truncated ? EndReason::time_limit : EndReason::none);
  return r;
}


void Env::observation(double* out) const {
  const TaskSpec& s = *spec_;
  const mjData* d = d_.get();
  const int nq = m_->nq, nv = m_->nv, nbody = m_->nbody;
  double* o = out;

  if (s.robot != Robot::humanoid) {
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
