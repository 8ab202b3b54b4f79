// Environment step cost against raw MuJoCo on the same model.
//
//   BM_RawMjStep/<task>  ctrl = action, mj_step x frame_skip            (the physics alone)
//   BM_EnvStep/<task>    Env::step: the same, plus mj_rnePostConstraint (humanoid only),
//                        health and failure checks, rewards, and observation()
//
// One iteration is one env step. Both replay the same 1000-step action table from the same start
// and restart every 1000 steps, so they simulate identical physics states. BM_EnvStep also
// reports `overhead_pct`: (env - raw) / raw from an interleaved timing of both inside the same
// benchmark, which is less sensitive to machine load than comparing two separate runs.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <vector>

#include "tasks/env.h"

namespace {

using ecsim::tasks::Env;
using ecsim::tasks::Model;

constexpr int kEpisode = 1000;
constexpr uint64_t kSeed = 1;

struct Setup {
  std::shared_ptr<const Model> model;
  std::vector<double> actions;  // kEpisode x nu
};

Setup make_setup(const char* task) {
  Setup s;
  s.model = Model::load(ecsim::tasks::make_task_spec(task));
  const mjModel* m = s.model->mj();
  s.actions.resize(static_cast<size_t>(kEpisode) * m->nu);
  for (int k = 0; k < kEpisode; ++k)
    for (int j = 0; j < m->nu; ++j)
      s.actions[k * m->nu + j] = m->actuator_ctrlrange[2 * j + 1] * std::sin(0.05 * k + j);
  return s;
}

// raw MuJoCo, started from the state Env::reset(kSeed) produces
class Raw {
 public:
  explicit Raw(const Setup& s) : s_(s), m_(s.model->mj()), d_(mj_makeData(m_)), start_(s.model) {
    start_.reset(kSeed);
    reset();
  }
  void reset() {
    mj_resetData(m_, d_.get());
    mju_copy(d_->qpos, start_.data()->qpos, m_->nq);
    mju_copy(d_->qvel, start_.data()->qvel, m_->nv);
    mj_forward(m_, d_.get());
    k_ = 0;
  }
  void step() {
    if (k_ == kEpisode) reset();
    mju_copy(d_->ctrl, &s_.actions[static_cast<size_t>(k_) * m_->nu], m_->nu);
    for (int i = 0; i < s_.model->spec().frame_skip; ++i) mj_step(m_, d_.get());
    ++k_;
  }

 private:
  const Setup& s_;
  const mjModel* m_;
  std::unique_ptr<mjData, ecsim::tasks::MjDataDeleter> d_;
  Env start_;
  int k_ = 0;
};

// the wrapper: a policy loop would read the observation and step
class Wrapped {
 public:
  explicit Wrapped(const Setup& s) : s_(s), env_(s.model), obs_(env_.obs_size()) { env_.reset(kSeed); }
  double step() {
    if (k_ == kEpisode) {
      env_.reset(kSeed);
      k_ = 0;
    }
    env_.observation(obs_.data());
    const auto r = env_.step(&s_.actions[static_cast<size_t>(k_) * env_.act_size()]);
    ++k_;
    return r.reward + obs_[0];
  }

 private:
  const Setup& s_;
  Env env_;
  std::vector<double> obs_;
  int k_ = 0;
};

void BM_RawMjStep(benchmark::State& state, const char* task) {
  const Setup s = make_setup(task);
  Raw raw(s);
  for (auto _ : state) raw.step();
  state.SetItemsProcessed(state.iterations());
}

void BM_EnvStep(benchmark::State& state, const char* task) {
  const Setup s = make_setup(task);
  Wrapped env(s);
  double sink = 0;
  for (auto _ : state) {
    sink += env.step();
    benchmark::DoNotOptimize(sink);
  }
  state.SetItemsProcessed(state.iterations());

  // interleaved calibration: alternate blocks of raw and wrapped steps, same physics
  Raw raw(s);
  Wrapped env2(s);
  using clock = std::chrono::steady_clock;
  double t_raw = 0, t_env = 0;
  for (int block = 0; block < 20; ++block) {
    auto t0 = clock::now();
    for (int i = 0; i < 100; ++i) raw.step();
    auto t1 = clock::now();
    for (int i = 0; i < 100; ++i) sink += env2.step();
    auto t2 = clock::now();
    t_raw += std::chrono::duration<double>(t1 - t0).count();
    t_env += std::chrono::duration<double>(t2 - t1).count();
  }
  benchmark::DoNotOptimize(sink);
  state.counters["overhead_pct"] = 100.0 * (t_env - t_raw) / t_raw;
}

const int kRegistered = [] {
  for (const char* task : {"hopper", "walker2d", "humanoid"}) {
    benchmark::RegisterBenchmark((std::string("BM_RawMjStep/") + task).c_str(), BM_RawMjStep, task)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((std::string("BM_EnvStep/") + task).c_str(), BM_EnvStep, task)
        ->Unit(benchmark::kMicrosecond);
  }
  return 0;
}();

}  // namespace
