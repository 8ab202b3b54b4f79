// Property test: every kernel gives identical bits (actions, rasters, states, counters) on random
// networks, seeds, widths and observations.
#include <gtest/gtest.h>

#include "test_util.h"

using namespace ecsim;
using namespace ecsim::ref;

namespace {

struct KernelRun {
  std::vector<float> actions;
  SpikeRaster raster;
  FixedState state;
};

KernelRun run(const CompiledNet& net, Kernel k, const std::vector<float>& obs, int steps, uint64_t init_seed) {
  KernelRun r;
  reset(net, r.state, init_seed);
  const int d_in = net.desc().shape.d_in, d_out = net.desc().shape.d_out;
  std::vector<float> a(static_cast<size_t>(d_out));
  for (int e = 0; e < steps; ++e) {
    step(net, r.state, obs.data() + static_cast<size_t>(e) * static_cast<size_t>(d_in), a.data(), &r.raster, k);
    r.actions.insert(r.actions.end(), a.begin(), a.end());
  }
  return r;
}

struct Case {
  int n, n_exc, d_in, d_out;
  ArithConfig arith;
  float rho;
  float obs_scale;
};

}  // namespace

TEST(Kernels, AllKernelsGiveIdenticalBits) {
  std::vector<Case> cases;
  ArithConfig wide;  // W + C <= 30: the int32 AVX-512 kernel applies
  wide.state_bits = 18;
  wide.const_bits = 12;
  ArithConfig narrow_w;  // a narrow datapath exercising saturation hard
  narrow_w.state_bits = 12;
  narrow_w.frac_bits = 8;
  narrow_w.const_bits = 12;
  narrow_w.rate_bits = 12;
  narrow_w.rate_frac_bits = 8;
  // F = 14: R_h = 2^12, so diff·R_h leaves int16 from 8 spikes on (the narrow kernels'
  // saturating-product paths)
  ArithConfig fine_f;
  fine_f.frac_bits = 14;
  for (float rho : {0.2f, 0.5f, 0.8f}) {
    cases.push_back({256, 128, 11, 3, {}, rho, 1.0f});
    cases.push_back({256, 128, 11, 3, fine_f, rho, 1.0f});
    cases.push_back({512, 256, 11, 3, fine_f, rho, 2.0f});
    cases.push_back({256, 128, 17, 6, wide, rho, 2.0f});
    cases.push_back({512, 256, 11, 3, {}, rho, 3.0f});
    cases.push_back({96, 32, 5, 2, {}, rho, 1.0f});     // N not a multiple of 64
    cases.push_back({160, 96, 7, 4, wide, rho, 1.5f});  // E/I split inside a 64-bit word
    cases.push_back({128, 64, 4, 2, narrow_w, rho, 4.0f});
    cases.push_back({1024, 512, 3, 1, {}, rho, 1.0f});
    cases.push_back({50, 25, 3, 2, {}, rho, 1.0f});     // portable only
  }
  uint64_t seed = 1;
  int compared = 0;
  for (const Case& c : cases) {
    ++seed;
    const NetworkDesc d = test::desc_for(c.n, c.n_exc, c.d_in, c.d_out, 33, c.arith);
    const CompiledNet net(d, test::sampled_theta(d, c.rho, seed));
    const int steps = 12;
    const auto obs = test::normal_obs(steps * c.d_in, seed, c.obs_scale);
    const KernelRun ref = run(net, Kernel::kPortable, obs, steps, seed * 7);
    for (Kernel k : {Kernel::kAvx512Wide, Kernel::kAvx512Narrow, Kernel::kAvx2Narrow, Kernel::kAuto}) {
      if (k != Kernel::kAuto && !net.allows(k)) continue;
      if ((k == Kernel::kAvx512Wide && !cpu_has_avx512_wide()) || (k == Kernel::kAvx512Narrow && !cpu_has_avx512_narrow()) ||
          (k == Kernel::kAvx2Narrow && !cpu_has_avx2()))
        continue;
      const KernelRun got = run(net, k, obs, steps, seed * 7);
      const std::string what = std::string(kernel_name(k)) + " N=" + std::to_string(c.n) + " ρ=" + std::to_string(c.rho);
      EXPECT_EQ(got.actions, ref.actions) << what;
      EXPECT_EQ(got.raster, ref.raster) << what;
      EXPECT_EQ(got.state.v, ref.state.v) << what;
      EXPECT_EQ(got.state.i_syn, ref.state.i_syn) << what;
      EXPECT_EQ(got.state.rate, ref.state.rate) << what;
      EXPECT_EQ(got.state.counters, ref.state.counters) << what;
      ++compared;
    }
    EXPECT_GT(ref.state.counters.spikes(), 0u) << "N=" << c.n << ": a silent network tests nothing";
  }
  if (cpu_has_avx512() && cpu_has_avx2()) {
    EXPECT_GE(compared, 45);
  }
}

TEST(Kernels, AutoPicksTheNarrowKernelForDefaults) {
  const NetworkDesc d = test::desc_for(256, 128, 11, 3);
  const CompiledNet net(d, test::sampled_theta(d, 0.5f, 1));
  EXPECT_TRUE(net.allows(Kernel::kAvx512Narrow));
  EXPECT_FALSE(net.allows(Kernel::kAvx512Wide));  // W + C = 31 > 30
  if (cpu_has_avx512_narrow()) {
    EXPECT_EQ(net.best_kernel(), Kernel::kAvx512Narrow);
  }
}

TEST(Kernels, CountersFollowTheirDefinitions) {
  const NetworkDesc d = test::desc_for(128, 64, 5, 2);
  const Theta t = test::sampled_theta(d, 0.5f, 3);
  const CompiledNet net(d, t);
  const auto obs = test::normal_obs(5 * 10, 4);
  const KernelRun r = run(net, Kernel::kPortable, obs, 10, 5);
  const EventCounters& c = r.state.counters;
  EXPECT_EQ(c.env_steps, 10u);
  EXPECT_EQ(c.inner_steps, 330u);
  EXPECT_EQ(c.neuron_updates, 330u * 128u);
  // spikes: recount from the raster
  uint64_t spikes = 0, rec = 0;
  std::vector<uint64_t> prev(static_cast<size_t>(net.spike_words()), 0);
  for (size_t t0 = 0; t0 < r.raster.size(); t0 += static_cast<size_t>(net.spike_words())) {
    for (int j = 0; j < 128; ++j) {
      if ((prev[static_cast<size_t>(j / 64)] >> (j % 64)) & 1u) rec += static_cast<uint64_t>(t.rec.count_row(j));
      if ((r.raster[t0 + static_cast<size_t>(j / 64)] >> (j % 64)) & 1u) ++spikes;
    }
    std::copy(r.raster.begin() + static_cast<long>(t0), r.raster.begin() + static_cast<long>(t0) + net.spike_words(), prev.begin());
  }
  EXPECT_EQ(c.spikes(), spikes);
  EXPECT_EQ(c.rec_synops, rec);
  // words: per inner step N·ceil(N/64), per env step N·ceil(2·d_in/64) + N·ceil(d_out/64)
  EXPECT_EQ(c.syn_words_read, 330u * 128u * 2u + 10u * (128u * 1u + 128u * 1u));
}
