// The SystemC chip model: wall time per environment step of the default chip (4 cores, N = 256,
// Hopper-sized I/O), and simulated chip cycles per wall second (BM_ChipStep); and end-to-end
// evaluation on the systemc backend, frames/s to compare with BM_TrainEvaluator/1 on the same
// core (BM_TrainEvaluatorChip). One chip per process: both use the backend's process chip.
//
// `ecsim_bench --chip=PATH` runs BM_ChipStep on another chip config instead, with a network that
// fills it (N = cores × neurons_per_core), as BM_ChipStep/N labelled with the config's name; one
// chip per process, so BM_TrainEvaluatorChip (the default chip) is skipped then.
// scripts/bench-scaling.py runs one process per chip config.
#include "bench_chip.h"

#include <benchmark/benchmark.h>

#include <random>

#include "backends/systemc_evaluator.h"
#include "chip/chip_config.h"
#include "common/error.h"
#include "eval/evaluator.h"
#include "nes/nes.h"
#include "reference/network.h"
#include "systemc/chip.h"

namespace {

using namespace ecsim;

// --chip=PATH (empty: the default chip)
std::string g_chip_path;

// the network that fills the chip: N = its capacity, half excitatory, Hopper I/O
ref::NetworkShape filling_shape(const chip::ChipConfig& c) {
  ref::NetworkShape s;
  s.n_neurons = c.capacity_neurons();
  s.n_exc = s.n_neurons / 2;
  s.d_in = 11;
  s.d_out = 3;
  return s;
}

void BM_ChipStep(benchmark::State& state) {
  sc::ChipSim& sim = backends::process_chip_for("systemc", g_chip_path);
  const ref::NetworkShape s = filling_shape(sim.config());
  if (!g_chip_path.empty()) state.SetLabel(sim.config().name);
  const ref::NetworkDesc d = ref::make_network_desc(s, sim.config().arith);
  sim.load_network(d);
  sim.load_rho(std::vector<float>(static_cast<size_t>(s.total_synapses()), 0.5f));
  sim.sample(1);
  sim.reset(11);
  std::mt19937_64 gen(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> obs(1024 * 11);
  for (float& x : obs) x = normal(gen);
  float action[3];
  const uint64_t c0 = sim.cycles(), s0 = sim.events().spikes();
  int64_t i = 0;
  for (auto _ : state) {
    sim.step(obs.data() + (i++ % 1024) * 11, action);
    benchmark::DoNotOptimize(action);
  }
  state.counters["chip_cycles_per_step"] =
      benchmark::Counter(static_cast<double>(sim.cycles() - c0), benchmark::Counter::kAvgIterations);
  state.counters["sim_cycles_per_s"] =
      benchmark::Counter(static_cast<double>(sim.cycles() - c0), benchmark::Counter::kIsRate);
  state.counters["spikes_per_step"] =
      benchmark::Counter(static_cast<double>(sim.events().spikes() - s0), benchmark::Counter::kAvgIterations);
}

// kept to add the argument N when --chip picks another chip
benchmark::internal::Benchmark* const g_chip_step =
    benchmark::RegisterBenchmark("BM_ChipStep", BM_ChipStep)->Unit(benchmark::kMicrosecond);

}  // namespace

void ecsim::bench::use_chip(const std::string& path) {
  if (path.empty())
    throw Error("no chip config path given", "give --chip=PATH, e.g. --chip=configs/chip_16core_1024.json");
  const chip::ChipConfig c = chip::load_chip_config(path);
  chip::map_network(c, filling_shape(c));
  g_chip_path = path;
  g_chip_step->Arg(c.capacity_neurons());
}

// The same population as BM_TrainEvaluator (16 hopper individuals at ρ = 0.5, the same seeds), on
// the systemc backend in this process: one simulated chip on one core.
void BM_TrainEvaluatorChip(benchmark::State& state) {
  if (!g_chip_path.empty()) {
    state.SkipWithError("--chip picks the chip of BM_ChipStep/N; run BM_TrainEvaluatorChip without --chip");
    return;
  }
  eval::EvaluatorConfig c;
  ref::NetworkShape s;
  s.d_in = 11;
  s.d_out = 3;
  c.net.desc = ref::make_network_desc(s);
  c.task = "hopper";
  c.threads = 1;
  auto ev = backends::make_chip_evaluator(c, "systemc");
  ev->load(std::vector<float>(static_cast<size_t>(c.net.param_count()), 0.5f), tasks::RunningNormalizer(11));
  uint64_t frames = 0, cycles = 0, g = 0;
  for (auto _ : state) {
    std::vector<eval::Job> jobs;
    ++g;
    for (uint64_t i = 0; i < 16; ++i) {
      const uint64_t seed = nes::individual_seed(1, g, i);
      jobs.push_back({seed, seed, eval::JobKind::kSample, true});
    }
    for (const auto& r : ev->evaluate(jobs).results) {
      frames += r.steps;
      cycles += r.chip_cycles;
    }
  }
  state.counters["frames_per_s"] = benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
  state.counters["sim_cycles_per_s"] = benchmark::Counter(static_cast<double>(cycles), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TrainEvaluatorChip)->Unit(benchmark::kMillisecond)->UseRealTime();
