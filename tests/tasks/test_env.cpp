// The locomotion tasks: sizes, observation layout, rewards recomputed from the MuJoCo state,
// healthy boundaries, truncation, physics failures, seeding and determinism, model validation.
#include <gtest/gtest.h>

#include <Random123/philox.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <limits>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "common/error.h"
#include "tasks/env.h"
#include "test_util.h"

namespace ecsim::tasks {
namespace {

using test::TempDir;

const std::vector<std::string> kAllTasks = {"hopper",    "walker2d",    "humanoid",
                                            "hopper-v5", "walker2d-v5", "humanoid-v5"};

// one loaded project model per task, shared by the tests (Models are immutable)
std::shared_ptr<const Model> model_of(const std::string& task) {
  static std::map<std::string, std::shared_ptr<const Model>> cache;
  auto& m = cache[task];
  if (!m) m = Model::load(make_task_spec(task));
  return m;
}

// a fixed, smooth action sequence that also leaves the control range now and then
void action_at(const Env& env, int k, std::vector<double>& a) {
  for (int j = 0; j < env.act_size(); ++j) a[j] = 1.2 * env.ctrl_high()[j] * std::sin(0.05 * k + j);
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no ecsim::Error thrown)";
}

// ---------------------------------------------------------------------------------------------
// sizes

TEST(TasksSpec, SizesPerTaskAndVersion) {
  struct Want {
    const char* task;
    int obs, act, frame_skip, nq, nv;
    double dt, ctrl;
  };
  const Want table[] = {
      {"hopper", 11, 3, 4, 6, 6, 0.008, 1.0},       {"hopper-v5", 11, 3, 4, 6, 6, 0.008, 1.0},
      {"walker2d", 17, 6, 4, 9, 9, 0.008, 1.0},     {"walker2d-v5", 17, 6, 4, 9, 9, 0.008, 1.0},
      {"humanoid", 376, 17, 5, 24, 23, 0.015, 0.4}, {"humanoid-v5", 348, 17, 5, 24, 23, 0.015, 0.4},
  };
  for (const Want& w : table) {
    SCOPED_TRACE(w.task);
    const TaskSpec& s = make_task_spec(w.task);
    EXPECT_EQ(s.obs_size, w.obs);
    EXPECT_EQ(s.act_size, w.act);
    EXPECT_EQ(s.frame_skip, w.frame_skip);
    EXPECT_EQ(s.max_episode_steps, 1000);
    Env env(model_of(w.task));
    EXPECT_EQ(env.obs_size(), w.obs);
    EXPECT_EQ(env.act_size(), w.act);
    EXPECT_EQ(env.mj_model()->nq, w.nq);
    EXPECT_EQ(env.mj_model()->nv, w.nv);
    EXPECT_NEAR(env.model().dt(), w.dt, 1e-15);
    for (int a = 0; a < w.act; ++a) {
      EXPECT_EQ(env.ctrl_low()[a], -w.ctrl);
      EXPECT_EQ(env.ctrl_high()[a], w.ctrl);
    }
    // observation() writes exactly obs_size values
    std::vector<double> buf(w.obs + 8, 12345.0);
    env.observation(buf.data());
    for (int i = w.obs; i < w.obs + 8; ++i) EXPECT_EQ(buf[i], 12345.0) << "wrote past obs_size";
  }
}

TEST(TasksSpec, UnknownTaskListsTheValidNames) {
  const std::string msg = error_of([] { make_task_spec("ant"); });
  EXPECT_NE(msg.find("unknown task 'ant'"), std::string::npos) << msg;
  for (const auto& t : kAllTasks) EXPECT_NE(msg.find(t), std::string::npos) << msg;
  EXPECT_EQ(make_task_spec("hopper-v4").name, "hopper") << "the explicit v4 spelling is accepted";
}

// ---------------------------------------------------------------------------------------------
// observation layout

TEST(TasksObservation, PlanarRobotsExcludeXAndClipVelocities) {
  for (const char* task : {"hopper", "walker2d-v5"}) {
    SCOPED_TRACE(task);
    Env env(model_of(task));
    const int nq = env.mj_model()->nq, nv = env.mj_model()->nv;
    std::vector<double> qpos(env.mj_model()->qpos0, env.mj_model()->qpos0 + nq), qvel(nv, 0.0);
    qpos[0] = 3.5;  // x: not observed
    qvel[0] = 50;   // clipped to 10 in the observation
    qvel[1] = -50;  // clipped to -10
    qvel[2] = 9.5;  // unchanged
    env.set_state(qpos.data(), qvel.data());
    std::vector<double> obs(env.obs_size());
    env.observation(obs.data());
    ASSERT_EQ(env.obs_size(), (nq - 1) + nv);
    for (int i = 1; i < nq; ++i) EXPECT_EQ(obs[i - 1], qpos[i]) << "qpos[" << i << "]";
    EXPECT_EQ(obs[nq - 1 + 0], 10.0);
    EXPECT_EQ(obs[nq - 1 + 1], -10.0);
    EXPECT_EQ(obs[nq - 1 + 2], 9.5);
  }
}

TEST(TasksObservation, HumanoidBlocksV4AndV5) {
  for (const char* task : {"humanoid", "humanoid-v5"}) {
    SCOPED_TRACE(task);
    Env env(model_of(task));
    env.reset(11);
    std::vector<double> a(env.act_size());
    for (int k = 0; k < 20; ++k) {  // let it touch the floor so cfrc_ext is non-zero
      action_at(env, k, a);
      env.step(a.data());
    }
    const mjModel* m = env.mj_model();
    const mjData* d = env.data();
    const bool v5 = env.spec().version == 5;
    const int b0 = v5 ? 1 : 0, v0 = v5 ? 6 : 0;
    std::vector<double> want;
    for (int i = 2; i < m->nq; ++i) want.push_back(d->qpos[i]);
    for (int i = 0; i < m->nv; ++i) want.push_back(d->qvel[i]);
    for (int i = 10 * b0; i < 10 * m->nbody; ++i) want.push_back(d->cinert[i]);
    for (int i = 6 * b0; i < 6 * m->nbody; ++i) want.push_back(d->cvel[i]);
    for (int i = v0; i < m->nv; ++i) want.push_back(d->qfrc_actuator[i]);
    for (int i = 6 * b0; i < 6 * m->nbody; ++i) want.push_back(d->cfrc_ext[i]);
    ASSERT_EQ(static_cast<int>(want.size()), env.obs_size());
    std::vector<double> obs(env.obs_size());
    env.observation(obs.data());
    EXPECT_EQ(obs, want);
    double contact = 0;
    for (int i = 6; i < 6 * m->nbody; ++i) contact += std::fabs(d->cfrc_ext[i]);
    EXPECT_GT(contact, 0.0) << "mj_rnePostConstraint must fill cfrc_ext";
  }
}

// hopper and walker2d skip Gymnasium's mj_rnePostConstraint, because nothing they observe or
// reward reads its outputs: the state must stay bit-identical to stepping with it
TEST(TasksObservation, SkippingRnePostConstraintChangesNoStateOfThePlanarRobots) {
  for (const char* task : {"hopper", "walker2d", "hopper-v5", "walker2d-v5"}) {
    SCOPED_TRACE(task);
    Env env(model_of(task));
    ASSERT_FALSE(env.spec().reads_constraint_forces);
    env.reset(5);
    const mjModel* m = env.mj_model();
    std::unique_ptr<mjData, void (*)(mjData*)> with(mj_makeData(m), mj_deleteData);
    mj_copyData(with.get(), m, env.data());
    std::vector<double> a(env.act_size());
    bool fell = false;
    for (int k = 0; k < 400; ++k) {
      action_at(env, k, a);
      const StepResult r = env.step(a.data());
      mju_copy(with->ctrl, a.data(), m->nu);
      for (int f = 0; f < env.spec().frame_skip; ++f) mj_step(m, with.get());
      mj_rnePostConstraint(m, with.get());
      const mjData* d = env.data();
      ASSERT_EQ(0, std::memcmp(d->qpos, with->qpos, sizeof(double) * m->nq)) << "step " << k;
      ASSERT_EQ(0, std::memcmp(d->qvel, with->qvel, sizeof(double) * m->nv)) << "step " << k;
      ASSERT_EQ(0, std::memcmp(d->qacc, with->qacc, sizeof(double) * m->nv)) << "step " << k;
      ASSERT_EQ(0, std::memcmp(d->qacc_warmstart, with->qacc_warmstart, sizeof(double) * m->nv)) << "step " << k;
      ASSERT_EQ(0, std::memcmp(d->xipos, with->xipos, sizeof(double) * 3 * m->nbody)) << "step " << k;
      // stepping on after the robot falls keeps the comparison in ground contact
      ASSERT_TRUE(r.reason == EndReason::kNone || r.reason == EndReason::kUnhealthy) << reason_name(r.reason);
      fell = fell || r.reason == EndReason::kUnhealthy;
    }
    EXPECT_TRUE(fell) << "the comparison is meant to cover falls and ground contact";
  }
  for (const char* task : {"humanoid", "humanoid-v5"})
    EXPECT_TRUE(make_task_spec(task).reads_constraint_forces) << task;
}

// ---------------------------------------------------------------------------------------------
// rewards: every component recomputed from the MuJoCo state around the step

double x_of(const Env& env) {
  const mjModel* m = env.mj_model();
  const mjData* d = env.data();
  if (env.spec().robot != Robot::kHumanoid) return d->qpos[0];
  double mx = 0, mass = 0;  // mass-weighted mean of xipos, as left by the last mj_step
  for (int b = 0; b < m->nbody; ++b) {
    mx += m->body_mass[b] * d->xipos[3 * b];
    mass += m->body_mass[b];
  }
  return mx / mass;
}

bool healthy_of(const Env& env) {
  const double* q = env.data()->qpos;
  const double* v = env.data()->qvel;
  switch (env.spec().robot) {
    case Robot::kHopper: {
      bool ok = q[1] > 0.7 && q[2] > -0.2 && q[2] < 0.2;
      for (int i = 2; i < 6; ++i) ok = ok && std::fabs(q[i]) < 100;
      for (int i = 0; i < 6; ++i) ok = ok && std::fabs(v[i]) < 100;
      return ok;
    }
    case Robot::kWalker2d:
      return q[1] > 0.8 && q[1] < 2.0 && q[2] > -1.0 && q[2] < 1.0;
    case Robot::kHumanoid:
      return q[2] > 1.0 && q[2] < 2.0;
  }
  return false;
}

TEST(TasksReward, ComponentsMatchTheMujocoState) {
  for (const auto& task : kAllTasks) {
    SCOPED_TRACE(task);
    Env env(model_of(task));
    const TaskSpec& s = env.spec();
    const double dt = env.mj_model()->opt.timestep * s.frame_skip;
    env.reset(3);
    std::vector<double> a(env.act_size());
    int checked = 0;
    for (int k = 0; k < 400; ++k) {
      action_at(env, k, a);
      const double x_before = x_of(env);
      const StepResult r = env.step(a.data());
      const double x_after = x_of(env);

      double sq = 0;
      for (double v : a) sq += v * v;  // the raw action: no clipping before the cost
      double cf = 0;
      for (int i = 0; i < 6 * env.mj_model()->nbody; ++i) cf += env.data()->cfrc_ext[i] * env.data()->cfrc_ext[i];
      const bool healthy = healthy_of(env);
      const double fwd = s.forward_weight * (x_after - x_before) / dt;
      const double ctrl = -s.ctrl_weight * sq;
      const double alive = (healthy || s.version == 4) ? s.healthy_reward : 0.0;
      const double contact = s.version == 5 && s.robot == Robot::kHumanoid ? -std::min(5e-7 * cf, 10.0) : 0.0;
      const auto tol = [](double v) { return 1e-12 * std::max(1.0, std::fabs(v)); };
      EXPECT_NEAR(r.components.forward, fwd, tol(fwd));
      EXPECT_NEAR(r.components.ctrl, ctrl, tol(ctrl));
      EXPECT_EQ(r.components.healthy, alive);
      EXPECT_NEAR(r.components.contact, contact, tol(contact));
      const double sum = r.components.forward + r.components.healthy + r.components.ctrl + r.components.contact;
      EXPECT_NEAR(r.reward, sum, tol(sum));
      EXPECT_EQ(r.terminated, !healthy);
      EXPECT_EQ(r.reason, healthy ? EndReason::kNone : EndReason::kUnhealthy);
      ++checked;
      if (r.terminated) break;
    }
    EXPECT_GT(checked, 5);
  }
}

TEST(TasksReward, HumanoidV5ContactCostIsCappedAt10) {
  Env env(model_of("humanoid-v5"));
  const mjModel* m = env.mj_model();
  std::vector<double> qpos(m->qpos0, m->qpos0 + m->nq), qvel(m->nv, 0.0);
  qpos[2] = 0.3;  // torso sunk deep into the floor: very large contact forces
  env.set_state(qpos.data(), qvel.data());
  std::vector<double> a(env.act_size(), 0.0);
  const StepResult r = env.step(a.data());
  double cf = 0;
  for (int i = 0; i < 6 * m->nbody; ++i) cf += env.data()->cfrc_ext[i] * env.data()->cfrc_ext[i];
  ASSERT_GT(5e-7 * cf, 10.0) << "the crafted state must produce a contact cost above the cap";
  EXPECT_EQ(r.components.contact, -10.0);
}

TEST(TasksReward, HealthyRewardOnTheTerminatingStepV4PaysV5DoesNot) {
  for (const char* task : {"hopper", "hopper-v5", "walker2d", "walker2d-v5", "humanoid", "humanoid-v5"}) {
    SCOPED_TRACE(task);
    Env env(model_of(task));
    const mjModel* m = env.mj_model();
    std::vector<double> qpos(m->qpos0, m->qpos0 + m->nq), qvel(m->nv, 0.0);
    qpos[env.spec().z_index] = 0.5;  // far below every healthy range; one step cannot recover
    env.set_state(qpos.data(), qvel.data());
    std::vector<double> a(env.act_size(), 0.0);
    const StepResult r = env.step(a.data());
    EXPECT_TRUE(r.terminated);
    EXPECT_FALSE(r.truncated);
    EXPECT_EQ(r.reason, EndReason::kUnhealthy);
    EXPECT_EQ(r.components.healthy, env.spec().version == 4 ? env.spec().healthy_reward : 0.0);
  }
}

// ---------------------------------------------------------------------------------------------
// termination: at and just inside every boundary (strict inequalities)

struct Probe {
  bool is_qvel;  // qvel index instead of qpos index
  int index;
  double value;
  bool healthy;
};

void check_probes(const std::string& task, const std::vector<Probe>& probes) {
  Env env(model_of(task));
  const mjModel* m = env.mj_model();
  for (const Probe& p : probes) {
    std::vector<double> qpos(m->qpos0, m->qpos0 + m->nq), qvel(m->nv, 0.0);
    (p.is_qvel ? qvel : qpos)[p.index] = p.value;
    env.set_state(qpos.data(), qvel.data());
    EXPECT_EQ(env.is_healthy(), p.healthy)
        << task << ": " << (p.is_qvel ? "qvel[" : "qpos[") << p.index << "] = " << std::setprecision(17) << p.value;
  }
}

double below(double x) { return std::nextafter(x, -std::numeric_limits<double>::infinity()); }
double above(double x) { return std::nextafter(x, std::numeric_limits<double>::infinity()); }

TEST(TasksTermination, HopperBoundaries) {
  for (const char* task : {"hopper", "hopper-v5"})
    check_probes(task, {
                           {false, 1, 0.7, false},
                           {false, 1, above(0.7), true},
                           {false, 1, 1e9, true},  // z > 0.7, no max
                           {false, 2, 0.2, false},
                           {false, 2, below(0.2), true},  // |angle| < 0.2
                           {false, 2, -0.2, false},
                           {false, 2, above(-0.2), true},
                           {false, 3, 100, false},
                           {false, 3, below(100), true},  // qpos[2:] in (-100, 100)
                           {false, 5, -100, false},
                           {false, 5, above(-100), true},
                           {true, 0, 100, false},
                           {true, 0, below(100), true},  // every qvel, unclipped
                           {true, 5, -100, false},
                           {true, 5, above(-100), true},
                           {false, 0, 1e6, true},  // x is not checked
                       });
}

TEST(TasksTermination, Walker2dBoundaries) {
  for (const char* task : {"walker2d", "walker2d-v5"})
    check_probes(task, {
                           {false, 1, 0.8, false},
                           {false, 1, above(0.8), true},  // 0.8 < z < 2.0
                           {false, 1, 2.0, false},
                           {false, 1, below(2.0), true},
                           {false, 2, 1.0, false},
                           {false, 2, below(1.0), true},  // -1 < angle < 1
                           {false, 2, -1.0, false},
                           {false, 2, above(-1.0), true},
                           {true, 0, 1e3, true},
                           {false, 4, 150, true},  // no state-range rule
                       });
}

TEST(TasksTermination, HumanoidBoundaries) {
  for (const char* task : {"humanoid", "humanoid-v5"})
    check_probes(task, {
                           {false, 2, 1.0, false},
                           {false, 2, above(1.0), true},  // 1 < torso z < 2
                           {false, 2, 2.0, false},
                           {false, 2, below(2.0), true},
                           {true, 0, 1e3, true},
                       });
}

TEST(TasksTermination, TruncatesAt1000Steps) {
  TempDir dir;
  const auto model = Model::load(make_task_spec("hopper"), dir.write("floating.xml", test::floating_hopper()));
  Env env(model);
  env.reset(1, 0.0);
  const double a[3] = {0, 0, 0};
  for (int k = 1; k <= 1000; ++k) {
    const StepResult r = env.step(a);
    ASSERT_FALSE(r.terminated) << "step " << k;
    if (k < 1000) {
      ASSERT_FALSE(r.truncated) << "step " << k;
      ASSERT_EQ(r.reason, EndReason::kNone);
    } else {
      EXPECT_TRUE(r.truncated);
      EXPECT_EQ(r.reason, EndReason::kTimeLimit);
      EXPECT_STREQ(reason_name(r.reason), "time_limit");
    }
  }
  EXPECT_EQ(env.steps(), 1000);
  env.reset(1, 0.0);
  EXPECT_EQ(env.steps(), 0);
}

TEST(TasksTermination, PhysicsFailuresEndTheEpisodeWithAReason) {
  Env env(model_of("hopper"));
  const mjModel* m = env.mj_model();
  const double zero[3] = {0, 0, 0};

  // a huge velocity: MuJoCo flags a bad qvel and resets its state
  std::vector<double> qpos(m->qpos0, m->qpos0 + m->nq), qvel(m->nv, 0.0);
  qvel[0] = 1e11;
  env.set_state(qpos.data(), qvel.data());
  StepResult r = env.step(zero);
  EXPECT_TRUE(r.terminated);
  EXPECT_EQ(r.reason, EndReason::kNanState);
  EXPECT_EQ(r.reward, 0.0);
  EXPECT_STREQ(reason_name(r.reason), "nan_state");

  // NaN in qpos
  env.reset(2);
  env.mutable_data()->qpos[1] = std::numeric_limits<double>::quiet_NaN();
  r = env.step(zero);
  EXPECT_TRUE(r.terminated);
  EXPECT_EQ(r.reason, EndReason::kNanState);

  // a NaN action is refused before stepping
  env.reset(3);
  const std::vector<double> before(env.data()->qpos, env.data()->qpos + m->nq);
  const double bad[3] = {0, std::numeric_limits<double>::quiet_NaN(), 0};
  r = env.step(bad);
  EXPECT_TRUE(r.terminated);
  EXPECT_EQ(r.reason, EndReason::kBadAction);
  EXPECT_EQ(std::vector<double>(env.data()->qpos, env.data()->qpos + m->nq), before);

  // a finite action so large that the ctrl cost overflows: the reward is not finite
  env.reset(5);
  const double huge[3] = {1e200, 0, 0};
  r = env.step(huge);
  EXPECT_TRUE(r.terminated);
  EXPECT_EQ(r.reason, EndReason::kNanState);
  EXPECT_EQ(r.reward, 0.0);

  // reset clears the failure
  env.reset(4);
  r = env.step(zero);
  EXPECT_EQ(r.reason, EndReason::kNone);
}

// ---------------------------------------------------------------------------------------------
// seeding and determinism

struct Trace {
  std::vector<double> obs, rewards;
  std::vector<int> flags;
};

Trace run(Env& env, uint64_t seed, int steps) {
  Trace t;
  env.reset(seed);
  std::vector<double> a(env.act_size()), obs(env.obs_size());
  for (int k = 0; k < steps; ++k) {
    env.observation(obs.data());
    t.obs.insert(t.obs.end(), obs.begin(), obs.end());
    action_at(env, k, a);
    const StepResult r = env.step(a.data());  // keeps stepping past termination: more physics to compare
    t.rewards.push_back(r.reward);
    t.rewards.push_back(r.components.forward);
    t.rewards.push_back(r.components.contact);
    t.flags.push_back(r.terminated * 2 + r.truncated);
  }
  return t;
}

bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

TEST(TasksDeterminism, SameSeedSameTrajectoryBitForBit) {
  for (const char* task : {"hopper", "walker2d-v5", "humanoid-v5"}) {
    SCOPED_TRACE(task);
    Env a(model_of(task));
    Env b(Model::load(make_task_spec(task)));  // a separately loaded model too
    const Trace ta = run(a, 42, 300), tb = run(b, 42, 300);
    EXPECT_TRUE(bitwise_equal(ta.obs, tb.obs));
    EXPECT_TRUE(bitwise_equal(ta.rewards, tb.rewards));
    EXPECT_EQ(ta.flags, tb.flags);
    // reusing an env: reset restores everything
    const Trace ta2 = run(a, 42, 300);
    EXPECT_TRUE(bitwise_equal(ta.obs, ta2.obs));
    EXPECT_TRUE(bitwise_equal(ta.rewards, ta2.rewards));
    // another seed, another start
    const Trace tc = run(a, 43, 1);
    EXPECT_NE(std::vector<double>(ta.obs.begin(), ta.obs.begin() + a.obs_size()), tc.obs);
  }
}

TEST(TasksDeterminism, ThreadsSharingOneModelAgreeWithSequential) {
  const auto model = model_of("walker2d");
  Env solo(model);
  const Trace want = run(solo, 9, 200);
  std::vector<Trace> got(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&, t] {
      Env env(model);
      got[t] = run(env, 9, 200);
    });
  for (auto& th : threads) th.join();
  for (const Trace& g : got) {
    EXPECT_TRUE(bitwise_equal(g.obs, want.obs));
    EXPECT_TRUE(bitwise_equal(g.rewards, want.rewards));
  }
}

TEST(TasksResetNoise, IsPhiloxStream2UniformOnEveryQposAndQvel) {
  Env env(model_of("hopper"));
  const mjModel* m = env.mj_model();
  const uint64_t seed = 0x0123456789abcdefULL;
  const double s = 5e-3;
  env.reset(seed);  // the task's scale
  const r123::Philox4x32::key_type key = {{0x89abcdefu, 0x01234567u}};
  for (int i = 0; i < m->nq + m->nv; ++i) {
    const r123::Philox4x32::ctr_type ctr = {{static_cast<uint32_t>(i / 4), 0u, 2u, 0u}};
    const uint32_t u = r123::Philox4x32()(ctr, key).v[i % 4];
    const double want = s * (static_cast<double>(u) / 2147483648.0 - 1.0);
    if (i < m->nq)
      EXPECT_EQ(env.data()->qpos[i], m->qpos0[i] + want) << "qpos[" << i << "]";
    else
      EXPECT_EQ(env.data()->qvel[i - m->nq], want) << "qvel[" << i - m->nq << "]";
  }
}

TEST(TasksResetNoise, StaysInRangeAndZeroScaleStartsAtQpos0) {
  for (const auto& task : kAllTasks) {
    SCOPED_TRACE(task);
    Env env(model_of(task));
    const mjModel* m = env.mj_model();
    const double s = env.spec().reset_noise_scale;
    double max_dev = 0;
    for (uint64_t seed = 0; seed < 20; ++seed) {
      env.reset(seed);
      for (int i = 0; i < m->nq; ++i) {
        const double dev = env.data()->qpos[i] - m->qpos0[i];
        EXPECT_LE(std::fabs(dev), s * (1 + 1e-12));
        max_dev = std::max(max_dev, std::fabs(dev));
      }
      for (int i = 0; i < m->nv; ++i) EXPECT_LE(std::fabs(env.data()->qvel[i]), s);
    }
    EXPECT_GT(max_dev, 0.5 * s) << "the noise should use its range";
    env.reset(5, 0.0);
    for (int i = 0; i < m->nq; ++i) EXPECT_EQ(env.data()->qpos[i], m->qpos0[i]);
    for (int i = 0; i < m->nv; ++i) EXPECT_EQ(env.data()->qvel[i], 0.0);
  }
}

// ---------------------------------------------------------------------------------------------
// model validation

TEST(TasksModel, BadModelsGetErrorsThatNameWhatIsWrong) {
  TempDir dir;
  const TaskSpec& hop = make_task_spec("hopper");
  const auto msg = [&](const std::string& name, const std::string& text) {
    const std::string path = dir.write(name, text);
    return error_of([&] { Model::load(hop, path); });
  };

  // one joint too few (the foot joint and its motor removed)
  std::string m1 =
      msg("no_foot.xml",
          test::patched_model(
              "hopper.xml",
              {{"<joint name=\"foot_joint\" type=\"hinge\" axis=\"0 -1 0\" pos=\"-0.13 0 0.1\" range=\"-45 45\"/>", ""},
               {"<motor name=\"foot_motor\" joint=\"foot_joint\"/>", ""}}));
  EXPECT_NE(m1.find("has 5 joints"), std::string::npos) << m1;
  EXPECT_NE(m1.find("hopper needs rootx, rootz, rooty, thigh_joint, leg_joint, foot_joint"), std::string::npos) << m1;
  EXPECT_NE(m1.find("missing: foot_joint"), std::string::npos) << m1;

  // a renamed joint
  std::string m2 = msg("renamed.xml", test::patched_model("hopper.xml", {{"foot_joint", "ankle"}}));
  EXPECT_NE(m2.find("missing: foot_joint; unexpected: ankle"), std::string::npos) << m2;

  // a missing actuator
  std::string m3 = msg("no_motor.xml",
                       test::patched_model("hopper.xml", {{"<motor name=\"foot_motor\" joint=\"foot_joint\"/>", ""}}));
  EXPECT_NE(m3.find("has 2 actuators"), std::string::npos) << m3;
  EXPECT_NE(m3.find("missing: actuator on foot_joint"), std::string::npos) << m3;

  // a joint of the wrong type
  std::string m4 =
      msg("hinge_x.xml",
          test::patched_model("hopper.xml", {{"type=\"slide\" axis=\"1 0 0\"", "type=\"hinge\" axis=\"1 0 0\""}}));
  EXPECT_NE(m4.find("joint 'rootx' is a hinge joint, hopper needs a slide joint"), std::string::npos) << m4;

  // unreadable XML
  std::string m5 = msg("broken.xml", "<mujoco><worldbody><body></mujoco>");
  EXPECT_NE(m5.find("could not be loaded"), std::string::npos) << m5;
  EXPECT_NE(m5.find("broken.xml"), std::string::npos) << m5;

  // no file
  std::string m6 = error_of([&] { Model::load(hop, dir.file("absent.xml")); });
  EXPECT_NE(m6.find("absent.xml' does not exist"), std::string::npos) << m6;

  // the wrong robot
  std::string m7 = error_of([&] { Model::load(make_task_spec("walker2d"), model_of("hopper")->path()); });
  EXPECT_NE(m7.find("missing: thigh_left_joint, leg_left_joint, foot_left_joint"), std::string::npos) << m7;

  // the humanoid needs its 14 bodies (an extra body changes the observation size)
  const std::string extra_body =
      "<body name=\"hat\" pos=\"0 0 0.3\"><geom type=\"sphere\" size=\"0.05\"/></body>\n"
      "      <geom name=\"head\"";
  const std::string path8 =
      dir.write("hat.xml", test::patched_model("humanoid.xml", {{"<geom name=\"head\"", extra_body}}));
  std::string m8 = error_of([&] { Model::load(make_task_spec("humanoid"), path8); });
  EXPECT_NE(m8.find("has 15 bodies"), std::string::npos) << m8;
}

TEST(TasksModel, NonPhysicalParametersAreErrorsThatNameTheElementAndValue) {
  TempDir dir;
  const TaskSpec& hop = make_task_spec("hopper");
  const auto msg = [&](const std::string& name, std::initializer_list<std::pair<std::string, std::string>> edits) {
    const std::string path = dir.write(name, test::patched_model("hopper.xml", edits));
    return error_of([&] { Model::load(hop, path); });
  };
  const std::string ts = "timestep=\"0.002\"";
  struct Case {
    std::string file;
    std::string from, to;
    std::vector<std::string> expect;
  };
  const std::vector<Case> cases = {
      {"ts0.xml", ts, "timestep=\"0\"", {"ts0.xml", "<option timestep=\"0\"> is not a positive finite number"}},
      {"tsneg.xml", ts, "timestep=\"-0.01\"", {"<option timestep=\"-0.01\"> is not a positive finite"}},
      {"tsnan.xml", ts, "timestep=\"nan\"", {"<option timestep=\"nan\">"}},
      {"gear0.xml", "gear=\"200\"", "gear=\"0\"", {"actuator 'thigh_motor' has gear 0"}},
      {"gearinf.xml", "gear=\"200\"", "gear=\"inf\"", {"actuator 'thigh_motor' has gear inf, which is not finite"}},
      {"ctrlinf.xml",
       "ctrlrange=\"-1 1\"",
       "ctrlrange=\"-inf 1\"",
       {"actuator 'thigh_motor' has ctrlrange \"-inf 1\", which is not finite"}},
      {"sizeinf.xml",
       "size=\"20 20 0.125\"",
       "size=\"inf 20 0.125\"",
       {"geom 'floor' has size inf, which is not finite"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    const std::string m = msg(c.file, {{c.from, c.to}});
    for (const auto& e : c.expect) EXPECT_NE(m.find(e), std::string::npos) << m;
    EXPECT_NE(m.find("model '"), std::string::npos) << m;
  }

  // MuJoCo 2.2.2's compiler refuses bad masses itself; the check stands behind it for compiled
  // models handed to validate()
  const auto mass_error = [&](const std::function<void(mjModel*)>& edit) {
    std::unique_ptr<mjModel, MjModelDeleter> m(mj_copyModel(nullptr, model_of("hopper")->mj()));
    edit(m.get());
    return error_of([&] { Model::validate(hop, m.get(), "edited"); });
  };
  std::string neg = mass_error([](mjModel* m) { m->body_mass[4] = -1; });
  EXPECT_NE(neg.find("model 'edited': body 'foot' has mass -1, which is not a finite number >= 0"), std::string::npos)
      << neg;
  std::string nan = mass_error([](mjModel* m) { m->body_mass[2] = std::numeric_limits<double>::quiet_NaN(); });
  EXPECT_NE(nan.find("body 'thigh' has mass nan"), std::string::npos) << nan;
  std::string zero = mass_error([](mjModel* m) {
    for (int b = 0; b < m->nbody; ++b) m->body_mass[b] = 0;
  });
  EXPECT_NE(zero.find("the robot's bodies have a total mass of 0, it must be > 0"), std::string::npos) << zero;
}

TEST(TasksModel, MujocoErrorsBecomeEcsimErrorsWithoutAPromptOrALogFile) {
  install_mujoco_handlers();
  TempDir dir;
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.file(""));
  const std::string m = error_of([] { mju_error("ecsim test error 42"); });
  std::filesystem::current_path(cwd);
  EXPECT_NE(m.find("MuJoCo"), std::string::npos) << m;
  EXPECT_NE(m.find("ecsim test error 42"), std::string::npos) << m;
  EXPECT_FALSE(std::filesystem::exists(dir.file("MUJOCO_LOG.TXT")));
  // warnings are silent as well
  mju_warning("ecsim test warning");
  EXPECT_FALSE(std::filesystem::exists(dir.file("MUJOCO_LOG.TXT")));
}

TEST(TasksModel, DefaultModelDirectoryHoldsEveryTaskModel) {
  const std::string dir = default_model_dir();
  for (const auto& task : kAllTasks)
    EXPECT_TRUE(std::filesystem::exists(dir + "/" + make_task_spec(task).model_file)) << task;
  EXPECT_EQ(model_of("walker2d-v5")->path(), dir + "/walker2d_v5.xml");
}

}  // namespace
}  // namespace ecsim::tasks
