// Property test: every kernel gives identical bits (actions, rasters, states, counters) on random
// networks, seeds, widths and observations.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <limits>
#include <random>
#include <tuple>

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
    cases.push_back({50, 25, 3, 2, {}, rho, 1.0f});  // portable only
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
      if ((k == Kernel::kAvx512Wide && !cpu_has_avx512_wide()) ||
          (k == Kernel::kAvx512Narrow && !cpu_has_avx512_narrow()) || (k == Kernel::kAvx2Narrow && !cpu_has_avx2()))
        continue;
      const KernelRun got = run(net, k, obs, steps, seed * 7);
      const std::string what =
          std::string(kernel_name(k)) + " N=" + std::to_string(c.n) + " ρ=" + std::to_string(c.rho);
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
    std::copy(r.raster.begin() + static_cast<long>(t0), r.raster.begin() + static_cast<long>(t0) + net.spike_words(),
              prev.begin());
  }
  EXPECT_EQ(c.spikes(), spikes);
  EXPECT_EQ(c.rec_synops, rec);
  // words: per inner step N·ceil(N/64), per env step N·ceil(2·d_in/64) + N·ceil(d_out/64)
  EXPECT_EQ(c.syn_words_read, 330u * 128u * 2u + 10u * (128u * 1u + 128u * 1u));
}

// The float arithmetic (spec §8): the AVX-512 LIF and the portable one give the same bits on
// random states, for N and N_E that are not multiples of the vector width, and the whole float
// step (event-form recurrent input) still equals the ConnSNN equations per neuron.
TEST(Kernels, FloatLifAvx512EqualsPortableBits) {
  if (!cpu_has_avx512()) GTEST_SKIP() << "no AVX-512 on this CPU: only the portable float path runs";
  std::mt19937_64 gen(21);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> diff(-40, 40);
  int fired = 0;
  for (auto [n, n_exc] : {std::pair{256, 128}, std::pair{100, 37}, std::pair{48, 17}}) {
    const NetworkDesc d = test::desc_for(n, n_exc, 3, 2);
    const CompiledNet net(d, test::sampled_theta(d, 0.5f, 2));
    FloatState a;
    reset(net, a, 3);
    for (int j = 0; j < n; ++j) {
      const size_t J = static_cast<size_t>(j);
      a.v[J] = 1.0f + 0.3f * normal(gen);
      a.i_syn[J] = normal(gen);
      a.i_in[J] = normal(gen);
      a.rate[J] = normal(gen);
      a.diff[J] = diff(gen);
    }
    FloatState b = a;
    const detail::FloatLif k{0.9f, 0.25f, 0.95f, 1.0f - 0.95f, 0.95f, 0.1f};
    detail::float_lif_avx512(net, k, a);
    detail::float_lif_tail(net, k, b, 0);
    EXPECT_EQ(a.v, b.v) << "N=" << n;
    EXPECT_EQ(a.i_syn, b.i_syn) << "N=" << n;
    EXPECT_EQ(a.rate, b.rate) << "N=" << n;
    EXPECT_EQ(a.spikes_next, b.spikes_next) << "N=" << n;
    for (uint64_t w : a.spikes_next) fired += std::popcount(w);
  }
  EXPECT_GT(fired, 20) << "both sides of the threshold must be exercised";
}

TEST(Kernels, RecurrentDiffEventFormEqualsPopcountDifference) {
  std::mt19937_64 gen(5);
  for (auto [n, n_exc] : {std::pair{256, 128}, std::pair{100, 37}, std::pair{48, 17}}) {
    const NetworkDesc d = test::desc_for(n, n_exc, 3, 2);
    const CompiledNet net(d, test::sampled_theta(d, 0.4f, 6));
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<uint64_t> spikes(static_cast<size_t>(net.spike_words()), 0);
      for (int j = 0; j < n; ++j)
        if (gen() % 8 == 0) spikes[static_cast<size_t>(j / 64)] |= uint64_t{1} << (j % 64);
      std::vector<int32_t> a(static_cast<size_t>(net.n_padded()), 7), b = a;
      detail::recurrent_diff_portable(net, spikes.data(), a.data());
      if (cpu_has_avx512()) detail::recurrent_diff_avx512(net, spikes.data(), b.data());
      for (int j = 0; j < n; ++j) {
        int expect = 0;  // the definition: Σ over spiking i of sign(i)·K_h[i][j]
        for (int i = 0; i < n; ++i)
          if ((spikes[static_cast<size_t>(i / 64)] >> (i % 64)) & 1u)
            expect += net.theta().rec.get(i, j) ? (i < n_exc ? 1 : -1) : 0;
        ASSERT_EQ(a[static_cast<size_t>(j)], expect) << "portable N=" << n << " j=" << j;
        if (cpu_has_avx512()) {
          ASSERT_EQ(b[static_cast<size_t>(j)], expect) << "avx512 N=" << n << " j=" << j;
        }
      }
    }
  }
}

TEST(Kernels, FloatInputAvx512EqualsPortableBits) {
  if (!cpu_has_avx512()) GTEST_SKIP() << "no AVX-512 on this CPU: only the portable float path runs";
  for (auto [n, d_in] : {std::pair{256, 11}, std::pair{100, 17}, std::pair{48, 3}}) {
    const NetworkDesc d = test::desc_for(n, n / 2, d_in, 2);
    const CompiledNet net(d, test::sampled_theta(d, 0.5f, 8));
    auto obs = test::normal_obs(d_in, 9, 3.0f);
    obs[0] = -0.0f;  // signed zeros and a NaN take the same path in both
    if (d_in > 3) obs[3] = std::numeric_limits<float>::quiet_NaN();
    std::vector<float> a(static_cast<size_t>(n)), b(a.size());
    detail::float_input_avx512(net, obs.data(), 0.37f, a.data());
    detail::float_input_portable(net, obs.data(), 0.37f, b.data(), 0);
    for (size_t j = 0; j < a.size(); ++j)
      ASSERT_EQ(std::bit_cast<uint32_t>(a[j]), std::bit_cast<uint32_t>(b[j])) << "N=" << n << " j=" << j;
  }
}

// The avx512-narrow kernel has two forms for N = 256 and 512: event-driven (VBMI2, chosen on this
// CPU) and popcount (CPUs without VBMI2). The comparison above sees only the first; this one runs
// both from the same packed state, at several firing rates.
TEST(Kernels, NarrowEventAndPopcountFormsGiveIdenticalBits) {
  if (!cpu_has_avx512_vbmi2()) GTEST_SKIP() << "no VBMI2: only the popcount form runs here";
  ArithConfig fine_f;
  fine_f.frac_bits = 14;  // diff·R_h saturates from 8 spikes on
  int compared = 0;
  for (int n : {256, 512})
    for (const ArithConfig& a : {ArithConfig{}, fine_f})
      for (float drive : {0.5f, 2.0f, 6.0f}) {
        const NetworkDesc d = test::desc_for(n, n / 2, 5, 2, 33, a);
        const CompiledNet net(d, test::sampled_theta(d, 0.5f, static_cast<uint64_t>(n) + 3));
        ASSERT_TRUE(net.allows(Kernel::kAvx512Narrow));
        FixedState x;
        reset(net, x, 4);
        std::mt19937_64 gen(static_cast<uint64_t>(drive * 10));
        // constant input currents around `drive` (in units of the threshold): strong drive makes
        // most neurons fire every few inner steps
        const float unit = static_cast<float>(1 << a.frac_bits);
        std::normal_distribution<float> normal(drive * unit, 0.5f * unit);
        for (int j = 0; j < n; ++j)
          x.i_in[static_cast<size_t>(j)] = std::clamp(static_cast<int32_t>(normal(gen)), -32768, 32767);
        detail::narrow_pack(net, x);
        FixedState y = x;
        SpikeRaster rx, ry;
        const detail::NarrowTally tx = detail::run_avx512_narrow(net, x, 99, &rx);
        const detail::NarrowTally ty = detail::run_avx512_narrow(net, y, 99, &ry, detail::NarrowForm::kPopcount);
        detail::narrow_unpack(net, x);
        detail::narrow_unpack(net, y);
        const std::string what =
            "N=" + std::to_string(n) + " F=" + std::to_string(a.frac_bits) + " drive=" + std::to_string(drive);
        EXPECT_EQ(rx, ry) << what;
        EXPECT_EQ(x.v, y.v) << what;
        EXPECT_EQ(x.i_syn, y.i_syn) << what;
        EXPECT_EQ(x.rate, y.rate) << what;
        EXPECT_EQ(x.spikes, y.spikes) << what;
        EXPECT_EQ(tx.exc, ty.exc) << what;
        EXPECT_EQ(tx.inh, ty.inh) << what;
        EXPECT_EQ(tx.rec_synops, ty.rec_synops) << what;
        EXPECT_GT(tx.exc + tx.inh, 0u) << what << ": a silent network tests nothing";
        if (drive == 6.0f && a.frac_bits == 10) {  // (at F = 14 the int16 range caps the drive at 2)
          EXPECT_GT(tx.exc + tx.inh, 99u * 3u * static_cast<uint64_t>(n) / 16u)
              << what << ": meant to take the many-spike path";
        }
        ++compared;
      }
  EXPECT_EQ(compared, 12);
}

// The avx2-narrow kernel has three forms of the recurrent input (network.h, Avx2Form): int8 rows,
// 16-bit masks and popcount. kAuto picks one per inner step by firing rate, so the end-to-end
// comparison above mixes them; this one runs each form alone from the same state, at every N the
// benchmark runs, at low and high firing rates and with saturating products (F = 14).
TEST(Kernels, Avx2FormsGiveIdenticalBitsAtEverySize) {
  if (!cpu_has_avx2()) GTEST_SKIP() << "no AVX2 on this CPU";
  ArithConfig fine_f;
  fine_f.frac_bits = 14;  // diff·R_h saturates from 8 spikes on
  int compared = 0, int8_runs = 0;
  for (int n : {256, 512, 1024, 2048, 4096, 8192})
    for (const ArithConfig& a : {ArithConfig{}, fine_f})
      for (float drive : {0.5f, 2.0f, 6.0f}) {
        if (n >= 4096 && drive != 2.0f) continue;  // the largest sizes once each: the popcount form is slow there
        const NetworkDesc d = test::desc_for(n, n / 2, 5, 2, 33, a);
        const CompiledNet net(d, test::sampled_theta(d, 0.5f, static_cast<uint64_t>(n) + 5));
        ASSERT_TRUE(net.allows(Kernel::kAvx2Narrow));
        FixedState x;
        reset(net, x, 4);
        std::mt19937_64 gen(static_cast<uint64_t>(drive * 10) + static_cast<uint64_t>(n));
        const float unit = static_cast<float>(1 << a.frac_bits);
        std::normal_distribution<float> normal(drive * unit, 0.5f * unit);
        for (int j = 0; j < n; ++j)
          x.i_in[static_cast<size_t>(j)] = std::clamp(static_cast<int32_t>(normal(gen)), -32768, 32767);
        const size_t np = static_cast<size_t>(net.n_padded());
        for (auto* v16 : {&x.v16, &x.i_syn16, &x.i_in16, &x.rate16}) v16->assign(np, 0);
        for (size_t j = 0; j < np; ++j) {
          x.v16[j] = static_cast<int16_t>(x.v[j]);
          x.i_in16[j] = static_cast<int16_t>(x.i_in[j]);
        }
        const int steps = n >= 4096 ? 20 : 60;
        FixedState y = x, z = x;
        SpikeRaster rx, ry, rz;
        const detail::NarrowTally tx = detail::run_avx2_narrow(net, x, steps, &rx, detail::Avx2Form::kAuto);
        const detail::NarrowTally ty = detail::run_avx2_narrow(net, y, steps, &ry, detail::Avx2Form::kMask);
        const detail::NarrowTally tz = detail::run_avx2_narrow(net, z, steps, &rz, detail::Avx2Form::kPopcount);
        const std::string what = "N=" + std::to_string(n) + " F=" + std::to_string(a.frac_bits) +
                                 " drive=" + std::to_string(drive) + (net.rec_pre8.empty() ? " (no int8 rows)" : "");
        for (const auto& [st, r, t, form] : {std::tuple{&y, &ry, &ty, "mask"}, std::tuple{&z, &rz, &tz, "popcount"}}) {
          EXPECT_EQ(rx, *r) << what << " auto vs " << form;
          EXPECT_EQ(x.v16, st->v16) << what << " auto vs " << form;
          EXPECT_EQ(x.i_syn16, st->i_syn16) << what << " auto vs " << form;
          EXPECT_EQ(x.rate16, st->rate16) << what << " auto vs " << form;
          EXPECT_EQ(tx.exc, t->exc) << what << " auto vs " << form;
          EXPECT_EQ(tx.inh, t->inh) << what << " auto vs " << form;
          EXPECT_EQ(tx.rec_synops, t->rec_synops) << what << " auto vs " << form;
        }
        EXPECT_GT(tx.exc + tx.inh, 0u) << what << ": a silent network tests nothing";
        int8_runs += !net.rec_pre8.empty();
        ++compared;
      }
  EXPECT_EQ(compared, 28);
  EXPECT_GE(int8_runs, 18) << "the int8 rows are built for N <= 1024 on every AVX2 machine";
}
