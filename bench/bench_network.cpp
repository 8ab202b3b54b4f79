// One environment step of the chip's network (33 inner steps, Hopper-sized I/O) on one thread:
// the 1-bit reference kernels and the float32 baselines of the paper's ES-RSNN.
#include <benchmark/benchmark.h>

#include <xmmintrin.h>

#include <algorithm>
#include <random>

#include "reference/dense_net.h"
#include "reference/network.h"

namespace {

using namespace ecsim::ref;

constexpr int kDin = 11, kDout = 3, kTraceLen = 1024;

struct Fixture {
  NetworkDesc desc;
  Theta theta;
  std::vector<float> obs;  // kTraceLen × d_in normalized observations, N(0, 1)

  explicit Fixture(int n) {
    NetworkShape s;
    s.n_neurons = n;
    s.n_exc = n / 2;
    s.d_in = kDin;
    s.d_out = kDout;
    desc = make_network_desc(s);
    std::vector<float> rho(static_cast<size_t>(s.total_synapses()), 0.5f);
    theta = sample_theta(s, desc.arith.rho_bits, quantize_rho(rho, desc.arith.rho_bits), 1);
    std::mt19937_64 gen(7);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    obs.resize(static_cast<size_t>(kTraceLen * kDin));
    for (float& x : obs) x = normal(gen);
  }
  const float* obs_at(int64_t i) const { return obs.data() + (i % kTraceLen) * kDin; }
};

void report(benchmark::State& state, uint64_t spikes, uint64_t updates) {
  const double rate = updates ? static_cast<double>(spikes) / static_cast<double>(updates) : 0.0;
  state.counters["firing_rate"] = rate;  // spikes per neuron per inner step
  state.counters["spikes_per_env_step"] =
      benchmark::Counter(static_cast<double>(spikes), benchmark::Counter::kAvgIterations);
  if (spikes == 0) state.SkipWithError("the network is silent: a silent network does not count");
}

void run_fixed(benchmark::State& state, Kernel kernel) {
  const Fixture f(static_cast<int>(state.range(0)));
  const CompiledNet net(f.desc, f.theta);
  if (kernel != Kernel::kAuto && kernel != Kernel::kPortable &&
      (!net.allows(kernel) || (kernel == Kernel::kAvx2Narrow && !cpu_has_avx2()))) {
    state.SkipWithError("kernel not usable for these widths");
    return;
  }
  state.SetLabel(kernel_name(kernel == Kernel::kAuto ? net.best_kernel() : kernel));
  FixedState st;
  reset(net, st, 11);
  float action[kDout];
  int64_t i = 0;
  for (auto _ : state) {
    step(net, st, f.obs_at(i++), action, nullptr, kernel);
    benchmark::DoNotOptimize(action);
  }
  report(state, st.counters.spikes(), st.counters.neuron_updates);
}

void BM_NetworkStep(benchmark::State& state) { run_fixed(state, Kernel::kAuto); }

// the same 1-bit network in the paper's float equations (`--arith float`, spec §6): what the
// fixed-versus-float training comparison costs
void BM_NetworkStepFloatArith(benchmark::State& state) {
  const Fixture f(static_cast<int>(state.range(0)));
  const CompiledNet net(f.desc, f.theta);
  FloatState st;
  reset(net, st, 11);
  float action[kDout];
  int64_t i = 0;
  for (auto _ : state) {
    step(net, st, f.obs_at(i++), action);
    benchmark::DoNotOptimize(action);
  }
  report(state, st.counters.spikes(), st.counters.neuron_updates);
}
void BM_NetworkStepPortable(benchmark::State& state) { run_fixed(state, Kernel::kPortable); }
void BM_NetworkStepAvx2(benchmark::State& state) { run_fixed(state, Kernel::kAvx2Narrow); }

// The float baselines run with flush-to-zero and denormals-are-zero, as GPU frameworks do:
// decaying currents otherwise reach denormal floats and every operation on them takes a
// microcode assist, which would flatter the 1-bit path (docs/results.md gives both figures).
struct FlushDenormals {
  unsigned saved = _mm_getcsr();
  explicit FlushDenormals(bool on) {
    if (on) _mm_setcsr(saved | 0x8040);  // FTZ (bit 15) | DAZ (bit 6)
  }
  ~FlushDenormals() { _mm_setcsr(saved); }
};

void run_dense(benchmark::State& state, DenseMode mode, bool ftz = true) {
  const FlushDenormals flush(ftz);
  const Fixture f(static_cast<int>(state.range(0)));
  const DenseFloatNet net = DenseFloatNet::from_theta(f.desc, f.theta);
  DenseFloatState st;
  reset(net, st, 11);
  float action[kDout];
  int64_t i = 0;
  for (auto _ : state) {
    step(net, st, f.obs_at(i++), action, mode);
    benchmark::DoNotOptimize(action);
  }
  report(state, st.spikes,
         static_cast<uint64_t>(i) * static_cast<uint64_t>(net.inner_steps) * static_cast<uint64_t>(net.n));
}

void BM_NetworkStepFloatDense(benchmark::State& state) { run_dense(state, DenseMode::kDense); }
void BM_NetworkStepFloatEvent(benchmark::State& state) { run_dense(state, DenseMode::kEvent); }
void BM_NetworkStepFloatEventDenormals(benchmark::State& state) { run_dense(state, DenseMode::kEvent, false); }

// What every individual of a generation costs before its episode: θ ~ B(ρ_q) from its seed, the
// compiled layouts, and the reset (Hopper-sized, N = 256).
void BM_IndividualSetup(benchmark::State& state) {
  const Fixture f(static_cast<int>(state.range(0)));
  std::vector<float> rho(static_cast<size_t>(f.desc.shape.total_synapses()), 0.5f);
  const std::vector<uint32_t> rho_q = quantize_rho(rho, f.desc.arith.rho_bits);
  uint64_t seed = 0;
  FixedState st;
  for (auto _ : state) {
    const CompiledNet net(f.desc, sample_theta(f.desc.shape, f.desc.arith.rho_bits, rho_q, ++seed));
    reset(net, st, seed);
    benchmark::DoNotOptimize(st.v.data());
  }
}

// The avx2-narrow kernel's recurrent-input forms at a firing rate set by a constant input drive
// (range 1, in tenths of the threshold): 33 inner steps per iteration, the event form (int8 rows
// where built) against the popcount form, to place kAuto's switch (kEventFraction) at the
// measured crossover (docs/results.md).
void run_avx2_form(benchmark::State& state, detail::Avx2Form form) {
  const int n = static_cast<int>(state.range(0));
  const Fixture f(n);
  const CompiledNet net(f.desc, f.theta);
  if (!cpu_has_avx2() || !net.allows(Kernel::kAvx2Narrow)) {
    state.SkipWithError("no AVX2 on this CPU");
    return;
  }
  FixedState st;
  reset(net, st, 11);
  std::mt19937_64 gen(3);
  const float unit = static_cast<float>(1 << f.desc.arith.frac_bits);
  std::normal_distribution<float> normal(static_cast<float>(state.range(1)) / 10.0f * unit, 0.5f * unit);
  for (int j = 0; j < n; ++j)
    st.i_in[static_cast<size_t>(j)] = std::clamp(static_cast<int32_t>(normal(gen)), -32768, 32767);
  const size_t np = static_cast<size_t>(net.n_padded());
  for (auto* v16 : {&st.v16, &st.i_syn16, &st.i_in16, &st.rate16}) v16->assign(np, 0);
  for (size_t j = 0; j < np; ++j) {
    st.v16[j] = static_cast<int16_t>(st.v[j]);
    st.i_in16[j] = static_cast<int16_t>(st.i_in[j]);
  }
  uint64_t spikes = 0, updates = 0;
  for (auto _ : state) {
    const detail::NarrowTally t = detail::run_avx2_narrow(net, st, 33, nullptr, form);
    spikes += t.exc + t.inh;
    updates += 33 * static_cast<uint64_t>(n);
  }
  state.SetLabel(net.rec_pre8.empty() ? "bit rows" : "int8 rows");
  report(state, spikes, updates);
}
void BM_Avx2RecurrentEvent(benchmark::State& state) { run_avx2_form(state, detail::Avx2Form::kEvent); }
void BM_Avx2RecurrentPopcount(benchmark::State& state) { run_avx2_form(state, detail::Avx2Form::kPopcount); }

}  // namespace

BENCHMARK(BM_IndividualSetup)->Arg(256)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_NetworkStep)
    ->Arg(256)
    ->Arg(512)
    ->Arg(1024)
    ->Arg(2048)
    ->Arg(4096)
    ->Arg(8192)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_NetworkStepFloatArith)->Arg(256)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_NetworkStepPortable)->Arg(256)->Arg(512)->Arg(1024)->Arg(4096)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_NetworkStepAvx2)->Arg(256)->Arg(512)->Arg(1024)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_NetworkStepFloatDense)->Arg(256)->Arg(512)->Arg(1024)->Arg(4096)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_NetworkStepFloatEvent)
    ->Arg(256)
    ->Arg(512)
    ->Arg(1024)
    ->Arg(2048)
    ->Arg(4096)
    ->Arg(8192)
    ->Unit(benchmark::kMicrosecond);
// N × drive (tenths of the threshold): firing rates from a few % to most neurons every step
BENCHMARK(BM_Avx2RecurrentEvent)->ArgsProduct({{256, 1024, 4096}, {5, 12, 20, 40, 80}})->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Avx2RecurrentPopcount)
    ->ArgsProduct({{256, 1024, 4096}, {5, 12, 20, 40, 80}})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_NetworkStepFloatEventDenormals)->Arg(256)->Unit(benchmark::kMicrosecond);
