// Fixed-point primitives, saturation at every boundary, the input quantizer, popcount signs.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "common/error.h"
#include "test_util.h"

using namespace ecsim;
using namespace ecsim::ref;

TEST(Arith, RoundShiftIsRoundHalfUp) {
  EXPECT_EQ(round_shift(5, 0), 5);
  EXPECT_EQ(round_shift(3, 1), 2);    // 1.5 -> 2
  EXPECT_EQ(round_shift(-3, 1), -1);  // -1.5 -> -1 (half up, toward +inf)
  EXPECT_EQ(round_shift(-5, 2), -1);  // -1.25 -> -1
  EXPECT_EQ(round_shift(-6, 2), -1);  // -1.5 -> -1
  EXPECT_EQ(round_shift(-7, 2), -2);  // -1.75 -> -2
  EXPECT_EQ(round_shift(6, 2), 2);    // 1.5 -> 2
  for (int64_t x = -1000; x <= 1000; ++x)
    for (int s = 1; s < 6; ++s)
      EXPECT_EQ(round_shift(x, s), static_cast<int64_t>(std::floor((static_cast<double>(x) + std::ldexp(1.0, s - 1)) /
                                                                   std::ldexp(1.0, s))))
          << x << " >> " << s;
}

TEST(Arith, SaturateAtEveryBoundary) {
  for (int bits = 4; bits <= 32; ++bits) {
    const int64_t hi = smax(bits), lo = smin(bits);
    EXPECT_EQ(saturate(hi, bits), hi);
    EXPECT_EQ(saturate(hi + 1, bits), hi);
    EXPECT_EQ(saturate(hi - 1, bits), hi - 1);
    EXPECT_EQ(saturate(lo, bits), lo);
    EXPECT_EQ(saturate(lo - 1, bits), lo);
    EXPECT_EQ(saturate(lo + 1, bits), lo + 1);
  }
}

TEST(Arith, InputQuantizerRoundsAndSaturates) {
  ArithConfig a;  // B_x = 10, F_x = 6: range [-512, 511] = [-8, 7.984375]
  bool sat = false, nan = false;
  EXPECT_EQ(quantize_input(1.0f, a, &sat, &nan), 64);
  EXPECT_FALSE(sat);
  EXPECT_EQ(quantize_input(1.0f / 128.0f, a, &sat, &nan), 1);   // exactly half an LSB rounds up
  EXPECT_EQ(quantize_input(-1.0f / 128.0f, a, &sat, &nan), 0);  // -0.5 LSB rounds up to 0
  EXPECT_EQ(quantize_input(511.0f / 64.0f, a, &sat, &nan), 511);
  EXPECT_FALSE(sat);
  EXPECT_EQ(quantize_input(511.5f / 64.0f, a, &sat, &nan), 511);  // rounds to 512, saturates
  EXPECT_TRUE(sat);
  EXPECT_EQ(quantize_input(-8.0f, a, &sat, &nan), -512);
  EXPECT_FALSE(sat);
  EXPECT_EQ(quantize_input(-8.1f, a, &sat, &nan), -512);
  EXPECT_TRUE(sat);
  EXPECT_EQ(quantize_input(std::numeric_limits<float>::infinity(), a, &sat, &nan), 511);
  EXPECT_TRUE(sat);
  EXPECT_EQ(quantize_input(-std::numeric_limits<float>::infinity(), a, &sat, &nan), -512);
  EXPECT_EQ(quantize_input(std::nanf(""), a, &sat, &nan), 0);
  EXPECT_TRUE(nan);
}

TEST(Arith, BadWidthsAreRejectedWithTheirName) {
  ArithConfig a;
  a.frac_bits = 15;  // > state_bits - 2
  try {
    a.validate();
    FAIL() << "frac_bits = 15 with 16 state bits must be rejected";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("frac_bits"), std::string::npos) << e.what();
  }
  ArithConfig b;
  b.rho_bits = 17;
  EXPECT_THROW(b.validate(), Error);
  ArithConfig c;
  c.rate_bits = 4;  // γ = (1-α_out)/dt = 0.0975 rounds to 0 at F_r = 1
  c.rate_frac_bits = 1;
  EXPECT_THROW(test::desc_for(256, 128, 11, 3, 33, c), Error);
  EXPECT_THROW(test::desc_for(0, 0, 11, 3), Error);
  EXPECT_THROW(test::desc_for(256, 300, 11, 3), Error);
  EXPECT_THROW(test::desc_for(256, 128, 0, 3), Error);
}

// One presynaptic spike of each sign reaches neuron 0 through K_h; the synaptic current after the
// first inner step must be +R for an excitatory source and -R for an inhibitory one.
TEST(Arith, PopcountSignOfExcitatoryAndInhibitorySpikes) {
  for (int source : {1, 200}) {  // 1 is excitatory (< 128), 200 inhibitory
    const NetworkDesc d = test::desc_for(256, 128, 1, 1, 1);
    Theta t = Theta::zeros(d.shape);
    t.rec.set(source, 0, true);
    for (Kernel k : {Kernel::kPortable, Kernel::kAuto}) {
      const CompiledNet net(d, t);
      FixedState st;
      reset(net, st, 1);
      st.spikes[static_cast<size_t>(source / 64)] |= uint64_t{1} << (source % 64);
      std::fill(st.v.begin(), st.v.end(), 0);
      float obs = 0, act = 0;
      step(net, st, &obs, &act, nullptr, k);
      const int32_t want = (source < 128 ? 1 : -1) * static_cast<int32_t>(d.fixed.r_h_q);
      EXPECT_EQ(st.i_syn[0], want) << "source " << source << " kernel " << kernel_name(k);
      EXPECT_EQ(st.i_syn[1], 0);
      EXPECT_EQ(st.counters.rec_synops, 1u);
    }
  }
}

// Saturation inside the datapath: all 128 excitatory neurons fire into neuron 0, so diff·R =
// 128·256 = 32768 leaves the 16-bit range and must saturate, identically in every kernel.
TEST(Arith, RecurrentInputSaturatesIdenticallyInEveryKernel) {
  const NetworkDesc d = test::desc_for(256, 128, 1, 1, 1);
  Theta t = Theta::zeros(d.shape);
  for (int i = 0; i < 128; ++i) t.rec.set(i, 0, true);
  const CompiledNet net(d, t);
  for (Kernel k : {Kernel::kPortable, Kernel::kAuto}) {
    FixedState st;
    reset(net, st, 1);
    st.spikes[0] = st.spikes[1] = ~uint64_t{0};
    st.i_syn[0] = 30000;
    float obs = 0, act = 0;
    step(net, st, &obs, &act, nullptr, k);
    EXPECT_EQ(st.i_syn[0], 32767) << kernel_name(k);
  }
}

// Action saturation: every excitatory neuron feeds the output with a full rate trace, so the
// readout leaves [-1, 1] and must clamp to exactly ±2^F_a, counting each clamp.
TEST(Arith, ActionClampsAtPlusMinusOneAndCounts) {
  const NetworkDesc d = test::desc_for(64, 32, 1, 2, 1);
  Theta t = Theta::zeros(d.shape);
  for (int j = 0; j < 32; ++j) t.out.set(j, 0, true);   // excitatory -> output 0 (positive)
  for (int j = 32; j < 64; ++j) t.out.set(j, 1, true);  // inhibitory -> output 1 (negative)
  const CompiledNet net(d, t);
  for (Kernel k : {Kernel::kPortable, Kernel::kAuto}) {
    FixedState st;
    reset(net, st, 1);
    for (int j = 0; j < 32; ++j) st.rate[static_cast<size_t>(j)] = 8000;
    for (int j = 32; j < 64; ++j) st.rate[static_cast<size_t>(j)] = -8000;
    float obs = 0, act[2] = {0, 0};
    step(net, st, &obs, act, nullptr, k);
    EXPECT_EQ(st.a_q[0], 4096) << kernel_name(k);
    EXPECT_EQ(st.a_q[1], -4096) << kernel_name(k);
    EXPECT_EQ(act[0], 1.0f);
    EXPECT_EQ(act[1], -1.0f);
    EXPECT_EQ(st.counters.action_saturations, 2u);
  }
}

// validate() takes each field's static range from ECSIM_ARITH_FIELDS, and tightens three by another field
TEST(Arith, ValidateUsesTheListsRangesAndTheDependentOnes) {
  auto message = [](const ArithConfig& a) {
    try {
      a.validate();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(message(ArithConfig{}), "");
  ArithConfig::for_each_field([&](const fields::Info& info, auto m) {
    for (const int v : {static_cast<int>(info.lo) - 1, static_cast<int>(info.hi) + 1}) {
      ArithConfig a;
      a.*m = v;
      const std::string msg = message(a);
      EXPECT_NE(
          msg.find(std::string("arithmetic parameter ") + info.name + " = " + std::to_string(v) + " is out of range ["),
          std::string::npos)
          << msg;
      EXPECT_NE(msg.find(std::string("choose ") + info.name + " in that range ("), std::string::npos) << msg;
    }
  });
  ArithConfig a;
  a.frac_bits = 15;
  EXPECT_NE(message(a).find("frac_bits = 15 is out of range [1, 14]"), std::string::npos) << message(a);
  EXPECT_NE(message(a).find("V_th = 2^frac_bits must fit below the state maximum"), std::string::npos);
  ArithConfig r;
  r.rate_frac_bits = 14;
  EXPECT_NE(message(r).find("rate_frac_bits = 14 is out of range [1, 13]"), std::string::npos) << message(r);
  ArithConfig x;
  x.input_frac_bits = 10;
  EXPECT_NE(message(x).find("input_frac_bits = 10 is out of range [0, 9]"), std::string::npos) << message(x);
  ArithConfig q;
  q.rho_bits = 17;
  EXPECT_EQ(message(q),
            "arithmetic parameter rho_bits = 17 is out of range [1, 16]\n  fix: choose rho_bits in that range (the "
            "sampler draws 16-bit uniforms)");
  ArithConfig d;
  d.const_bits = 4;  // input_frac_bits + const_bits = 6 + 4 < frac_bits
  d.frac_bits = 11;
  EXPECT_NE(message(d).find("input_frac_bits + const_bits (10) must be >= frac_bits (11)"), std::string::npos)
      << message(d);
}
