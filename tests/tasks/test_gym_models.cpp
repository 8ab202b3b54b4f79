// Gymnasium's own MJCF files (in the folder the CMake variable ECSIM_GYM_MJCF_DIR names) load through --model with the
// same layout as the project's models, and give the same trajectories within the tolerance stated in docs/tasks.md.
// Skipped when the folder is absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <vector>

#include "tasks/env.h"

namespace ecsim::tasks {
namespace {

const std::string kGymDir = ECSIM_GYM_MJCF_DIR;

// tolerance of docs/tasks.md: over the first kHorizon env steps of a fixed action sequence from
// the same start, observations and rewards agree within kTol (hopper, walker2d: the published
// dimensions are written 0.2 where Gymnasium's file has 0.19999999999999996, so the two models
// differ in the last bit and contact dynamics amplify that slowly); humanoid agrees bit for bit
constexpr int kHorizon = 200;
constexpr double kTol = 1e-9;

#define SKIP_WITHOUT_GYM_FILES()                   \
  do {                                             \
    if (!std::filesystem::is_directory(kGymDir)) { \
      GTEST_SKIP() << kGymDir << " is absent";     \
    }                                              \
  } while (0)

const char* const kTasks[] = {"hopper", "walker2d", "humanoid", "hopper-v5", "walker2d-v5", "humanoid-v5"};

double max_abs_diff(const double* a, const double* b, int n) {
  double d = 0;
  for (int i = 0; i < n; ++i) d = std::max(d, std::fabs(a[i] - b[i]));
  return d;
}

TEST(TasksGymModel, SameLayoutAndDimensionsAsTheProjectModel) {
  SKIP_WITHOUT_GYM_FILES();
  for (const char* task : kTasks) {
    SCOPED_TRACE(task);
    const TaskSpec& s = make_task_spec(task);
    const auto mine = Model::load(s);
    const auto gym = Model::load(s, kGymDir + "/" + s.model_file);
    const mjModel* a = mine->mj();
    const mjModel* b = gym->mj();
    EXPECT_EQ(a->nq, b->nq);
    EXPECT_EQ(a->nv, b->nv);
    EXPECT_EQ(a->nu, b->nu);
    EXPECT_EQ(a->nbody, b->nbody);
    EXPECT_EQ(a->njnt, b->njnt);
    EXPECT_EQ(a->ngeom, b->ngeom);
    EXPECT_EQ(a->ntendon, b->ntendon);
    EXPECT_EQ(a->opt.timestep, b->opt.timestep);
    EXPECT_EQ(a->opt.integrator, b->opt.integrator);
    EXPECT_EQ(a->opt.solver, b->opt.solver);
    EXPECT_EQ(a->opt.iterations, b->opt.iterations);
    EXPECT_LT(max_abs_diff(a->qpos0, b->qpos0, a->nq), 1e-12);
    EXPECT_LT(max_abs_diff(a->body_mass, b->body_mass, a->nbody), 1e-12);
    EXPECT_LT(max_abs_diff(a->body_inertia, b->body_inertia, 3 * a->nbody), 1e-12);
    EXPECT_LT(max_abs_diff(a->body_pos, b->body_pos, 3 * a->nbody), 1e-12);
    EXPECT_LT(max_abs_diff(a->geom_size, b->geom_size, 3 * a->ngeom), 1e-12);
    EXPECT_LT(max_abs_diff(a->geom_friction, b->geom_friction, 3 * a->ngeom), 1e-12);
    EXPECT_LT(max_abs_diff(a->jnt_range, b->jnt_range, 2 * a->njnt), 1e-12);
    EXPECT_LT(max_abs_diff(a->dof_damping, b->dof_damping, a->nv), 1e-12);
    EXPECT_LT(max_abs_diff(a->dof_armature, b->dof_armature, a->nv), 1e-12);
    EXPECT_LT(max_abs_diff(a->actuator_gear, b->actuator_gear, 6 * a->nu), 1e-12);
    EXPECT_LT(max_abs_diff(a->actuator_ctrlrange, b->actuator_ctrlrange, 2 * a->nu), 1e-12);

    Env ea(mine), eb(gym);
    EXPECT_EQ(ea.obs_size(), eb.obs_size());
    EXPECT_EQ(ea.act_size(), eb.act_size());
    ea.reset(1);
    eb.reset(1);
    std::vector<double> oa(ea.obs_size()), ob(eb.obs_size());
    ea.observation(oa.data());
    eb.observation(ob.data());
    EXPECT_LT(max_abs_diff(oa.data(), ob.data(), ea.obs_size()), 1e-12);
  }
}

TEST(TasksGymModel, TrajectoriesAgreeWithinTheStatedTolerance) {
  SKIP_WITHOUT_GYM_FILES();
  for (const char* task : kTasks) {
    SCOPED_TRACE(task);
    const TaskSpec& s = make_task_spec(task);
    Env mine(Model::load(s));
    Env gym(Model::load(s, kGymDir + "/" + s.model_file));
    mine.reset(7);
    gym.reset(7);
    std::vector<double> oa(s.obs_size), ob(s.obs_size), act(s.act_size);
    double obs_diff = 0, rew_diff = 0;
    bool identical = true;
    for (int k = 0; k < kHorizon; ++k) {
      for (int j = 0; j < s.act_size; ++j) act[j] = mine.ctrl_high()[j] * std::sin(0.05 * k + j);
      mine.observation(oa.data());
      gym.observation(ob.data());
      obs_diff = std::max(obs_diff, max_abs_diff(oa.data(), ob.data(), s.obs_size));
      identical = identical && oa == ob;
      // both keep stepping after termination: the physics keeps being compared
      const StepResult ra = mine.step(act.data());
      const StepResult rb = gym.step(act.data());
      rew_diff = std::max(rew_diff, std::fabs(ra.reward - rb.reward));
      identical = identical && ra.reward == rb.reward;
      EXPECT_EQ(ra.terminated, rb.terminated) << "step " << k;
    }
    EXPECT_LE(obs_diff, kTol);
    EXPECT_LE(rew_diff, kTol);
    if (s.robot == Robot::kHumanoid) {
      EXPECT_TRUE(identical) << "the humanoid models compile to the same numbers";
    }
    RecordProperty(std::string(task) + "_max_obs_diff", std::to_string(obs_diff));
  }
}

}  // namespace
}  // namespace ecsim::tasks
