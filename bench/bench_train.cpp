// Training throughput pieces (docs/training.md "Throughput"):
//   BM_TrainIndividualSetup  per-individual cost on the evaluator: θ sampling (Philox) + θ build
//                            + CompiledNet construction, hopper shape (N = 256)
//   BM_TrainEcGradient       the host's estimator for pop 64: regenerate 64 θ from seeds + sum
//   BM_TrainEvaluator/T      one population of 16 hopper individuals (ρ = 0.5) on the functional
//                            backend with T threads; counter frames_per_s
//   BM_TrainRawPhysics/T     T threads each stepping raw MuJoCo hopper (ctrl = sin table,
//                            mj_step x 4): the physics-only rate on the same cores
#include <benchmark/benchmark.h>

#include <atomic>
#include <cmath>
#include <thread>

#include "eval/evaluator.h"
#include "nes/nes.h"

namespace {

using namespace ecsim;

ref::NetworkDesc hopper_desc() {
  ref::NetworkShape s;
  s.d_in = 11;
  s.d_out = 3;
  return ref::make_network_desc(s);
}

void BM_TrainIndividualSetup(benchmark::State& state) {
  const auto d = hopper_desc();
  const std::vector<float> rho(static_cast<size_t>(d.shape.total_synapses()), 0.5f);
  const auto rq = ref::quantize_rho(rho, d.arith.rho_bits);
  std::vector<uint64_t> bits((rho.size() + 63) / 64);
  uint64_t seed = 1;
  for (auto _ : state) {
    nes::sample_bits_range(rq, d.arith.rho_bits, seed++, 0, bits.size(), bits.data());
    ref::CompiledNet net(d, eval::theta_from_bits(d.shape, bits));
    benchmark::DoNotOptimize(net.rec_post.data());
  }
}
BENCHMARK(BM_TrainIndividualSetup)->Unit(benchmark::kMicrosecond);

void BM_TrainEcGradient(benchmark::State& state) {
  const auto d = hopper_desc();
  const std::vector<float> rho(static_cast<size_t>(d.shape.total_synapses()), 0.5f);
  const auto rq = ref::quantize_rho(rho, d.arith.rho_bits);
  std::vector<uint64_t> seeds;
  std::vector<double> f;
  for (int i = 0; i < 64; ++i) {
    seeds.push_back(nes::individual_seed(1, 1, static_cast<uint64_t>(i)));
    f.push_back(std::sin(i));
  }
  const auto w = nes::centered_ranks(f);
  for (auto _ : state) benchmark::DoNotOptimize(nes::ec_gradient(rq, d.arith.rho_bits, seeds, w, 1));
}
BENCHMARK(BM_TrainEcGradient)->Unit(benchmark::kMillisecond);

void BM_TrainEvaluator(benchmark::State& state) {
  eval::EvaluatorConfig c;
  c.net.desc = hopper_desc();
  c.task = "hopper";
  c.threads = static_cast<int>(state.range(0));
  auto ev = eval::make_evaluator("functional", c);
  ev->load(std::vector<float>(static_cast<size_t>(c.net.param_count()), 0.5f), tasks::RunningNormalizer(11));
  uint64_t frames = 0, g = 0;
  for (auto _ : state) {
    std::vector<eval::Job> jobs;
    ++g;
    for (uint64_t i = 0; i < 16; ++i) {
      const uint64_t s = nes::individual_seed(1, g, i);
      jobs.push_back({s, s, eval::JobKind::kSample, true});
    }
    for (const auto& r : ev->evaluate(jobs).results) frames += r.steps;
  }
  state.counters["frames_per_s"] = benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TrainEvaluator)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_TrainRawPhysics(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const auto& spec = tasks::make_task_spec("hopper");
  const auto model = tasks::Model::load(spec);
  uint64_t frames = 0;
  for (auto _ : state) {
    std::atomic<uint64_t> total{0};
    auto work = [&]() {
      tasks::Env env(model);
      env.reset(1);
      mjData* d = env.mutable_data();
      const mjModel* m = env.mj_model();
      for (int k = 0; k < 2000; ++k) {
        if (k % 1000 == 0) env.reset(1);
        for (int j = 0; j < m->nu; ++j) d->ctrl[j] = std::sin(0.05 * k + j);
        for (int f = 0; f < spec.frame_skip; ++f) mj_step(m, d);
      }
      total += 2000;
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    frames += total;
  }
  state.counters["frames_per_s"] = benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TrainRawPhysics)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
