// The unit models' two forms give the same bits: the popcount unit's event form (the spiking
// neurons' columns, what the chip runs) against its row form (every word, what an RTL unit takes),
// the input stage's signs against its columns, and the LIF update with the default widths as
// constants against run-time widths. Sums, events, counters and cycles must all agree.
#include <gtest/gtest.h>

#include <random>

#include "reference/network.h"
#include "reference/neuron.h"
#include "systemc/input_stage.h"
#include "systemc/popcount_unit.h"

using namespace ecsim;

namespace {

bool bit_of(const std::vector<uint64_t>& words, int64_t at, int w) {
  return (words[static_cast<size_t>(at / w)] >> (at % w)) & 1u;
}

}  // namespace

TEST(SystemcUnitForms, PopcountEventFormEqualsRowForm) {
  chip::UnitTiming timing;
  timing.per_cycle = 2;
  timing.latency_cycles = 3;
  chip::HwCounters hw_rows, hw_events, hw_bits;
  sc::PopcountUnit by_rows("by_rows", timing, hw_rows), by_events("by_events", timing, hw_events),
      by_bits("by_bits", timing, hw_bits);
  std::mt19937_64 g(11);
  int checks = 0;
  for (const int w : {64, 32, 24})
    for (const int N : {64, 100, 256})
      for (const double rate : {0.0, 0.02, 0.3, 1.0}) {
        const int n = 72, words = (N + w - 1) / w, n_exc = N / 2;
        std::bernoulli_distribution syn(0.5), fire(rate);
        std::vector<uint64_t> rows(static_cast<size_t>(n) * static_cast<size_t>(words), 0), spk(words, 0),
            exc(words, 0);
        std::vector<int8_t> cols(static_cast<size_t>(N) * n, 0);
        const int bit_words = (n + 63) / 64;
        std::vector<uint64_t> bit_cols(static_cast<size_t>(N) * static_cast<size_t>(bit_words), 0);
        std::vector<int32_t> fanout(static_cast<size_t>(N), 0), spikes;
        for (int i = 0; i < N; ++i) {
          if (i < n_exc) exc[static_cast<size_t>(i / w)] |= uint64_t{1} << (i % w);
          if (fire(g)) {
            spk[static_cast<size_t>(i / w)] |= uint64_t{1} << (i % w);
            spikes.push_back(i);
          }
          for (int r = 0; r < n; ++r)
            if (syn(g)) {
              rows[static_cast<size_t>(r) * static_cast<size_t>(words) + static_cast<size_t>(i / w)] |= uint64_t{1}
                                                                                                        << (i % w);
              cols[static_cast<size_t>(i) * n + static_cast<size_t>(r)] = i < n_exc ? 1 : -1;
              bit_cols[static_cast<size_t>(i) * static_cast<size_t>(bit_words) + static_cast<size_t>(r / 64)] |=
                  uint64_t{1} << (r % 64);
              ++fanout[static_cast<size_t>(i)];
            }
        }
        std::vector<int64_t> a(static_cast<size_t>(n)), b(static_cast<size_t>(n));
        uint64_t hits_a = 0, hits_b = 0;
        const uint64_t ca =
            by_rows.accumulate_rows(rows.data(), words, n, words, spk.data(), exc.data(), a.data(), &hits_a);
        const uint64_t cb = by_events.accumulate_spikes(cols.data(), n, fanout.data(), spikes.data(),
                                                        static_cast<int>(spikes.size()), n, words, b.data(), &hits_b);
        std::vector<int64_t> c(static_cast<size_t>(n));
        uint64_t hits_c = 0;
        const uint64_t cc = by_bits.accumulate_spikes(bit_cols.data(), bit_words, n_exc, fanout.data(), spikes.data(),
                                                      static_cast<int>(spikes.size()), n, words, c.data(), &hits_c);
        EXPECT_EQ(a, b) << "w " << w << " N " << N << " rate " << rate;
        EXPECT_EQ(a, c) << "bit columns: w " << w << " N " << N << " rate " << rate;
        EXPECT_EQ(hits_a, hits_b);
        EXPECT_EQ(hits_a, hits_c);
        EXPECT_EQ(ca, cb);
        EXPECT_EQ(ca, cc);
        ++checks;
      }
  EXPECT_EQ(hw_rows, hw_events) << "the same words counted";
  EXPECT_EQ(hw_rows, hw_bits);
  EXPECT_GT(hw_rows.popcount_words, 0u);
  EXPECT_EQ(checks, 36);
}

TEST(SystemcUnitForms, InputSignsEqualColumns) {
  chip::HwCounters hw;
  sc::InputStage stage("input_stage", hw);
  ref::NetworkShape s;
  s.d_in = 11;
  const ref::NetworkDesc d = ref::make_network_desc(s);
  std::mt19937_64 g(12);
  std::uniform_int_distribution<int32_t> xq(-512, 511);  // B_x = 10: the whole range, saturating sums too
  std::bernoulli_distribution syn(0.5);
  for (const int w : {64, 16, 7}) {
    const int n = 64, words = (2 * s.d_in + w - 1) / w;
    std::vector<uint64_t> cols(static_cast<size_t>(n) * static_cast<size_t>(words), 0);
    std::vector<int8_t> sign(static_cast<size_t>(n) * static_cast<size_t>(s.d_in));
    for (int r = 0; r < n; ++r) {
      std::vector<uint64_t> col(static_cast<size_t>(words), 0);
      for (int b = 0; b < 2 * s.d_in; ++b)
        if (syn(g))
          cols[static_cast<size_t>(r) * static_cast<size_t>(words) + static_cast<size_t>(b / w)] |= uint64_t{1}
                                                                                                    << (b % w);
      const std::vector<uint64_t> mine(cols.begin() + r * words, cols.begin() + (r + 1) * words);
      for (int i = 0; i < s.d_in; ++i)
        sign[static_cast<size_t>(r) * static_cast<size_t>(s.d_in) + static_cast<size_t>(i)] =
            static_cast<int8_t>(static_cast<int>(bit_of(mine, i, w)) - static_cast<int>(bit_of(mine, s.d_in + i, w)));
    }
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<int32_t> x(static_cast<size_t>(s.d_in));
      for (int32_t& v : x) v = trial == 0 ? 511 : trial == 1 ? -512 : xq(g);
      std::vector<int32_t> a(static_cast<size_t>(n)), b(static_cast<size_t>(n));
      stage.project(d, x.data(), cols.data(), words, w, n, a.data());
      stage.project_signs(d, x.data(), sign.data(), n, b.data());
      EXPECT_EQ(a, b) << "w " << w << " trial " << trial;
    }
  }
}

// the chip's widths (W = W_r = 16, C = 15) as constants, and the reference's AVX2 int16 LIF on a
// core's slice, against the same widths at run time, over states and differences that reach every
// saturation, on slices that start anywhere, end in a short block or straddle the E/I boundary
TEST(SystemcUnitForms, LifBlockFormsEqualRunTimeWidths) {
  ref::NetworkShape s;
  s.n_neurons = 256;
  const ref::NetworkDesc d = ref::make_network_desc(s);
  ASSERT_EQ(d.arith.state_bits, 16);
  ASSERT_EQ(d.arith.const_bits, 15);
  ASSERT_TRUE(ref::detail::lif_narrow_ok(d, s.n_neurons));
  const bool avx2 = ref::cpu_has_avx2();
  std::mt19937_64 g(13);
  std::uniform_int_distribution<int32_t> st(-32768, 32767);
  std::uniform_int_distribution<int64_t> small(-3, 3), large(-128, 128);
  int fired = 0, slices = 0;
  struct Slice {
    int first, n;
  };
  for (const Slice sl : {Slice{0, 256}, Slice{40, 37}, Slice{120, 16}, Slice{128, 64}, Slice{250, 6}})
    for (int trial = 0; trial < 60; ++trial) {
      const int n = sl.n;
      std::vector<ref::NeuronState> a(static_cast<size_t>(n)), b, c;
      std::vector<int64_t> df(static_cast<size_t>(n));
      std::vector<int32_t> in(static_cast<size_t>(n));
      for (int r = 0; r < n; ++r) {
        a[static_cast<size_t>(r)] = {st(g), st(g), st(g)};
        df[static_cast<size_t>(r)] = trial % 2 ? large(g) : small(g);  // large: |diff·R| saturates
        in[static_cast<size_t>(r)] = st(g);
      }
      b = a;
      c = a;
      std::vector<uint8_t> fa(static_cast<size_t>(n)), fb(static_cast<size_t>(n)), fc(static_cast<size_t>(n));
      ref::lif_update_block(d, sl.first, n, df.data(), in.data(), a.data(), fa.data());
      for (int r = 0; r < n; ++r)
        fb[static_cast<size_t>(r)] = ref::lif_update(d, df[static_cast<size_t>(r)], in[static_cast<size_t>(r)],
                                                     sl.first + r < s.n_exc, b[static_cast<size_t>(r)]);
      if (avx2) ref::detail::lif_narrow_avx2(d, sl.first, n, df.data(), in.data(), c.data(), fc.data());
      for (int r = 0; r < n; ++r) {
        const size_t k = static_cast<size_t>(r);
        ASSERT_EQ(fa[k], fb[k]);
        ASSERT_EQ(a[k].v, b[k].v);
        ASSERT_EQ(a[k].i_syn, b[k].i_syn);
        ASSERT_EQ(a[k].rate, b[k].rate);
        if (avx2) {
          ASSERT_EQ(fc[k], fb[k]) << "slice " << sl.first << "+" << n << " neuron " << r;
          ASSERT_EQ(c[k].v, b[k].v);
          ASSERT_EQ(c[k].i_syn, b[k].i_syn);
          ASSERT_EQ(c[k].rate, b[k].rate) << "slice " << sl.first << "+" << n << " neuron " << r;
        }
        fired += fb[k];
      }
      ++slices;
    }
  EXPECT_GT(fired, 0);
  EXPECT_EQ(slices, 300);
  if (!avx2) GTEST_SKIP() << "no AVX2 on this CPU: the int16 form was not run";
}
