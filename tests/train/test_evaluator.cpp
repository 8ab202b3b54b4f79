// The evaluator seam's functional backend: thread-count invariance (returns, counters and the
// observation statistics bit for bit), EC and ES jobs, clear backend errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/error.h"
#include "eval/evaluator.h"
#include "nes/nes.h"
#include "train/trainer.h"

using namespace ecsim;

namespace {
eval::EvaluatorConfig small_config(eval::Method m, ref::Arith a, int threads) {
  eval::EvaluatorConfig c;
  ref::NetworkShape s;
  s.n_neurons = 64;
  s.n_exc = 32;
  s.d_in = 11;
  s.d_out = 3;
  c.net.method = m;
  c.net.arith = a;
  c.net.desc = ref::make_network_desc(s);
  c.task = "hopper";
  c.threads = threads;
  c.max_steps = 60;
  return c;
}

std::vector<eval::Job> jobs_for(eval::Method m) {
  std::vector<eval::Job> jobs;
  for (uint64_t i = 0; i < 12; ++i) {
    const uint64_t s = nes::individual_seed(3, 1, i);
    if (m == eval::Method::kEC)
      jobs.push_back({s, s, eval::JobKind::kSample, true});
    else
      jobs.push_back({s, nes::individual_seed(3, 1, i & ~1ull), (i & 1) ? eval::JobKind::kMinus : eval::JobKind::kPlus, true});
  }
  jobs.push_back({nes::eval_seed(3, 0), 0, eval::JobKind::kDeterministic, false});
  return jobs;
}

std::vector<float> params_for(const eval::EvaluatorConfig& c) {
  std::vector<float> p(static_cast<size_t>(c.net.param_count()));
  if (c.net.method == eval::Method::kEC) {
    for (size_t i = 0; i < p.size(); ++i) p[i] = static_cast<float>(static_cast<double>(i * 7919 % 1000) / 1000.0);
  } else {
    nes::normal_noise(5, p.size(), p.data());
  }
  return p;
}
}  // namespace

class TrainEvaluatorThreads : public ::testing::TestWithParam<int> {};

TEST_P(TrainEvaluatorThreads, ResultsIdenticalForAnyThreadCount) {
  const int mode = GetParam();
  const eval::Method m = mode == 2 ? eval::Method::kES : eval::Method::kEC;
  const ref::Arith a = mode == 1 ? ref::Arith::kFloat : ref::Arith::kFixed;
  tasks::RunningNormalizer norm(11);
  std::vector<double> x(11, 0.25);
  norm.update(x.data());
  x.assign(11, -0.5);
  norm.update(x.data());
  std::vector<eval::BatchResult> results;
  for (int threads : {1, 2, 3}) {
    auto cfg = small_config(m, a, threads);
    auto ev = eval::make_evaluator("functional", cfg);
    ev->load(params_for(cfg), norm);
    results.push_back(ev->evaluate(jobs_for(m)));
  }
  for (size_t k = 1; k < results.size(); ++k) {
    ASSERT_EQ(results[k].results.size(), results[0].results.size());
    for (size_t i = 0; i < results[0].results.size(); ++i) {
      EXPECT_EQ(results[k].results[i].ret, results[0].results[i].ret) << i;
      EXPECT_EQ(results[k].results[i].steps, results[0].results[i].steps) << i;
      EXPECT_EQ(results[k].results[i].counters, results[0].results[i].counters) << i;
    }
    EXPECT_EQ(results[k].obs_stats.to_binary(), results[0].obs_stats.to_binary());
  }
  EXPECT_GT(results[0].obs_stats.count(), 0u);
  // the individuals differ from each other
  EXPECT_NE(results[0].results[0].ret, results[0].results[1].ret);
}

INSTANTIATE_TEST_SUITE_P(Modes, TrainEvaluatorThreads, ::testing::Values(0, 1, 2));

TEST(TrainEvaluator, SameJobSameResult) {
  auto cfg = small_config(eval::Method::kEC, ref::Arith::kFixed, 2);
  auto ev = eval::make_evaluator("functional", cfg);
  ev->load(params_for(cfg), tasks::RunningNormalizer(11));
  const uint64_t s = nes::individual_seed(1, 1, 0);
  const auto r = ev->evaluate({{s, s, eval::JobKind::kSample, true}, {s, s, eval::JobKind::kSample, true}});
  EXPECT_EQ(r.results[0].ret, r.results[1].ret);
}

TEST(TrainEvaluator, UnknownBackendsAreClearErrors) {
  auto cfg = small_config(eval::Method::kEC, ref::Arith::kFixed, 1);
  try {
    eval::make_evaluator("gpu", cfg);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'gpu' is not known"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("rtl"), std::string::npos) << "the fix names every backend: " << e.what();
  }
}

// The trainer's generation step is independent of the thread count (ρ, Adam, normalizer bits).
TEST(TrainEvaluator, TrainerStepIndependentOfThreads) {
  std::vector<train::ControllerState> states;
  for (int threads : {1, 2}) {
    train::TrainConfig c;
    ref::NetworkShape s;
    s.n_neurons = 64;
    s.n_exc = 32;
    s.d_in = 11;
    s.d_out = 3;
    c.net.desc = ref::make_network_desc(s);
    c.pop = 8;
    c.max_steps = 50;
    c.eval_episodes = 2;
    c.threads = threads;
    c.plot = false;
    const std::string dir = testing::TempDir() + "/ecsim_train_threads_" + std::to_string(::getpid()) + "_" + std::to_string(threads);
    std::filesystem::remove_all(dir);
    auto t = train::Trainer::start(c, dir);
    auto ev = eval::make_evaluator("functional", train::evaluator_config(c));
    for (int g = 0; g < 3; ++g) t.step(*ev);
    states.push_back(t.state());
    std::filesystem::remove_all(dir);
  }
  EXPECT_EQ(states[0].params, states[1].params);
  EXPECT_EQ(states[0].adam.m, states[1].adam.m);
  EXPECT_EQ(states[0].adam.v, states[1].adam.v);
  EXPECT_EQ(states[0].norm.to_binary(), states[1].norm.to_binary());
}
