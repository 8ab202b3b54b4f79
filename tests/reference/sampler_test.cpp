// θ sampling from quantized ρ: statistics, exact endpoints, determinism.
#include <gtest/gtest.h>

#include <cmath>

#include "common/error.h"
#include "test_util.h"

using namespace ecsim;
using namespace ecsim::ref;

TEST(Sampler, QuantizeRhoEndpointsAndRounding) {
  const auto q = quantize_rho({0.0f, 1.0f, 0.5f, 0.001f, 0.999f, 1.0f / 2048.0f, 0.3f}, 10);
  EXPECT_EQ(q[0], 0u);
  EXPECT_EQ(q[1], 1024u);
  EXPECT_EQ(q[2], 512u);
  EXPECT_EQ(q[3], 1u);  // ε = 1e-3 stays explorable at q = 10
  EXPECT_EQ(q[4], 1023u);
  EXPECT_EQ(q[5], 1u);  // exactly half an LSB rounds up
  EXPECT_EQ(q[6], 307u);
  EXPECT_THROW(quantize_rho({std::nanf("")}, 10), Error);
}

TEST(Sampler, QuantizedEndpointsAreHonoured) {
  const NetworkDesc d = test::desc_for(64, 32, 4, 2);
  for (uint64_t seed : {1ULL, 2ULL, 99ULL}) {
    EXPECT_EQ(test::sampled_theta(d, 0.0f, seed).count_ones(), 0);
    EXPECT_EQ(test::sampled_theta(d, 1.0f, seed).count_ones(), d.shape.total_synapses());
  }
  // ρ_q = 1 of 1024: a connection is present only where the top 10 bits of its draw are 0
  std::vector<uint32_t> one(static_cast<size_t>(d.shape.total_synapses()), 1);
  const Theta t = sample_theta(d.shape, 10, one, 5);
  EXPECT_LT(t.count_ones(), 30);
}

TEST(Sampler, MeanMatchesRhoWithinBinomialBounds) {
  const NetworkDesc d = test::desc_for(128, 64, 8, 4);
  const int64_t n = d.shape.total_synapses();
  for (float rho : {0.001f, 0.05f, 0.3f, 0.5f, 0.77f, 0.999f}) {
    const double p = quantize_rho({rho}, d.arith.rho_bits)[0] / 1024.0;
    int64_t ones = 0;
    const int seeds = 20;
    for (int s = 0; s < seeds; ++s) ones += test::sampled_theta(d, rho, 1000 + static_cast<uint64_t>(s)).count_ones();
    const double trials = static_cast<double>(n) * seeds;
    const double sd = std::sqrt(trials * p * (1 - p));
    EXPECT_NEAR(static_cast<double>(ones), trials * p, 5.0 * sd + 1.0) << "ρ = " << rho << " (p = " << p << ")";
  }
}

TEST(Sampler, EachSynapseUsesItsOwnDraw) {
  // per-synapse ρ: alternate 0 and 1; the result must be exactly the pattern
  const NetworkDesc d = test::desc_for(32, 16, 3, 2);
  std::vector<float> rho(static_cast<size_t>(d.shape.total_synapses()));
  for (size_t g = 0; g < rho.size(); ++g) rho[g] = (g % 3 == 0) ? 1.0f : 0.0f;
  const Theta t = sample_theta(d.shape, 10, quantize_rho(rho, 10), 3);
  for (int64_t g = 0; g < d.shape.total_synapses(); ++g) ASSERT_EQ(t.get_global(d.shape, g), g % 3 == 0) << g;
}

TEST(Sampler, SameSeedSameBitsOtherSeedOtherBits) {
  const NetworkDesc d = test::desc_for(256, 128, 11, 3);
  const Theta a = test::sampled_theta(d, 0.5f, 42), b = test::sampled_theta(d, 0.5f, 42),
              c = test::sampled_theta(d, 0.5f, 43);
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a == c);
  FixedState s1, s2;
  const CompiledNet net(d, a);
  reset(net, s1, 9);
  reset(net, s2, 9);
  EXPECT_EQ(s1.v, s2.v);
  for (int j = 0; j < 256; ++j) {
    EXPECT_GE(s1.v[static_cast<size_t>(j)], 0);
    EXPECT_LT(s1.v[static_cast<size_t>(j)], 1024);  // v(0) ∈ [0, V_th)
  }
}

TEST(Sampler, RhoBitsChangeTheQuantizationOnly) {
  // q = 16 keeps the same Philox lanes, using all 16 bits of each
  ArithConfig a;
  a.rho_bits = 16;
  const NetworkDesc d = test::desc_for(64, 32, 2, 2, 33, a);
  const Theta t = test::sampled_theta(d, 0.5f, 8);
  const NetworkDesc d10 = test::desc_for(64, 32, 2, 2);
  EXPECT_EQ(t, test::sampled_theta(d10, 0.5f, 8));  // at ρ = 1/2 only the top bit decides
}

TEST(Sampler, WordRangesComposeToTheWholeVector) {
  const NetworkDesc d = test::desc_for(100, 50, 5, 3);  // total not a multiple of 64
  std::vector<float> rho(static_cast<size_t>(d.shape.total_synapses()));
  for (size_t g = 0; g < rho.size(); ++g) rho[g] = static_cast<float>(g % 97) / 96.0f;
  const auto rq = quantize_rho(rho, 10);
  const size_t nw = static_cast<size_t>((d.shape.total_synapses() + 63) / 64);
  std::vector<uint64_t> whole(nw), parts(nw);
  sample_canonical_words(rq, 10, 77, 0, nw, whole.data());
  for (size_t w = 0; w < nw; w += 7) sample_canonical_words(rq, 10, 77, w, std::min(nw, w + 7), parts.data() + w);
  EXPECT_EQ(whole, parts);
  const Theta t = sample_theta(d.shape, 10, rq, 77);
  EXPECT_EQ(theta_from_canonical_words(d.shape, whole.data()), t);
  for (int64_t g = 0; g < d.shape.total_synapses(); ++g)
    ASSERT_EQ((whole[static_cast<size_t>(g / 64)] >> (g % 64)) & 1u, t.get_global(d.shape, g) ? 1u : 0u) << g;
  EXPECT_EQ(whole.back() >> (d.shape.total_synapses() % 64), 0u) << "bits past the last synapse are 0";
}
