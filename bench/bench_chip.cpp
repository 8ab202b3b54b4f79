// The SystemC chip model: wall time per environment step of the default chip (4 cores, N = 256,
// Hopper-sized I/O), and simulated chip cycles per wall second. One chip per process.
#include <benchmark/benchmark.h>

#include <random>

#include "chip/chip_config.h"
#include "reference/network.h"
#include "systemc/chip.h"

namespace {

using namespace ecsim;

sc::ChipSim& default_chip() {
  static sc::ChipSim sim(chip::load_chip_config(chip::default_chip_config_path()));
  return sim;
}

void BM_ChipStep(benchmark::State& state) {
  sc::ChipSim& sim = default_chip();
  ref::NetworkShape s;
  s.d_in = 11;
  s.d_out = 3;
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
  state.counters["sim_cycles_per_s"] = benchmark::Counter(static_cast<double>(sim.cycles() - c0), benchmark::Counter::kIsRate);
  state.counters["spikes_per_step"] =
      benchmark::Counter(static_cast<double>(sim.events().spikes() - s0), benchmark::Counter::kAvgIterations);
}

}  // namespace

BENCHMARK(BM_ChipStep)->Unit(benchmark::kMicrosecond);
