// The NES controller math: sampling equals the chip's sampler, centered ranks, the EC estimator
// against its exact expectation on an enumerable 3-bit problem, a synthetic 1024-bit problem,
// and thread invariance of the gradient.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "eval/agent.h"
#include "nes/nes.h"
#include "reference/theta.h"

using namespace ecsim;

TEST(TrainNes, SampleBitsEqualsChipSampler) {
  ref::NetworkShape s;
  s.n_neurons = 64;
  s.n_exc = 32;
  s.d_in = 5;
  s.d_out = 3;
  const int q = 10;
  std::mt19937 rng(7);
  std::vector<float> rho(static_cast<size_t>(s.total_synapses()));
  for (auto& r : rho) r = std::uniform_real_distribution<float>(0, 1)(rng);
  const auto rq = ref::quantize_rho(rho, q);
  for (uint64_t seed : {1ull, 42ull, 0xdeadbeefcafeull}) {
    const ref::Theta t = ref::sample_theta(s, q, rq, seed);
    const auto bits = nes::sample_bits(rq, q, seed);
    for (int64_t g = 0; g < s.total_synapses(); ++g)
      ASSERT_EQ(t.get_global(s, g), ((bits[static_cast<size_t>(g / 64)] >> (g % 64)) & 1) != 0) << g;
    EXPECT_EQ(eval::theta_from_bits(s, bits), t);
  }
}

TEST(TrainNes, CenteredRanksTiesByIndex) {
  const auto w = nes::centered_ranks({3.0, 1.0, 3.0, 2.0, 1.0});
  // order: 1(idx1) 1(idx4) 2(idx3) 3(idx0) 3(idx2) -> ranks idx1=0 idx4=1 idx3=2 idx0=3 idx2=4
  EXPECT_DOUBLE_EQ(w[1], -0.5);
  EXPECT_DOUBLE_EQ(w[4], -0.25);
  EXPECT_DOUBLE_EQ(w[3], 0.0);
  EXPECT_DOUBLE_EQ(w[0], 0.25);
  EXPECT_DOUBLE_EQ(w[2], 0.5);
  EXPECT_EQ(nes::centered_ranks({5.0}), std::vector<double>{0.0});
}

namespace {
double f3(int b0, int b1, int b2) { return 3.0 * b0 - 2.0 * b1 + 1.5 * b0 * b2 + 0.5 * b2; }
int bit(const std::vector<uint64_t>& w, int j) { return static_cast<int>((w[0] >> j) & 1); }
}  // namespace

// E[g] of the rank-shaped estimator for a population of 3, enumerated over all 8^3 outcomes,
// against the average of the implementation over many seeded generations.
TEST(TrainNes, EstimatorMatchesExactExpectationOn3Bits) {
  const int q = 10;
  const std::vector<float> rho = {0.3f, 0.5f, 0.8f};
  const auto rq = ref::quantize_rho(rho, q);
  double p[3];
  for (int j = 0; j < 3; ++j) p[j] = rq[static_cast<size_t>(j)] / 1024.0;
  const int n = 3;
  // exact: ranked estimator and raw-fitness estimator
  double exact_rank[3] = {0, 0, 0}, exact_raw[3] = {0, 0, 0};
  for (int joint = 0; joint < 512; ++joint) {
    int th[3][3];
    double prob = 1;
    std::vector<double> f(n);
    for (int i = 0; i < n; ++i) {
      const int code = (joint >> (3 * i)) & 7;
      for (int j = 0; j < 3; ++j) {
        th[i][j] = (code >> j) & 1;
        prob *= th[i][j] ? p[j] : 1 - p[j];
      }
      f[static_cast<size_t>(i)] = f3(th[i][0], th[i][1], th[i][2]);
    }
    const auto w = nes::centered_ranks(f);
    for (int j = 0; j < 3; ++j) {
      double gr = 0, gf = 0;
      for (int i = 0; i < n; ++i) {
        gr += w[static_cast<size_t>(i)] * (th[i][j] - p[j]);
        gf += f[static_cast<size_t>(i)] * (th[i][j] - p[j]);
      }
      exact_rank[j] += prob * (-gr / n);
      exact_raw[j] += prob * (-gf / n);
    }
  }
  // the raw-fitness estimator is the natural gradient: -p(1-p) dE[f]/dp
  const double dE[3] = {3.0 + 1.5 * p[2], -2.0, 1.5 * p[0] + 0.5};
  for (int j = 0; j < 3; ++j) EXPECT_NEAR(exact_raw[j], -p[j] * (1 - p[j]) * dE[j], 1e-12);

  // Monte Carlo through the implementation
  const int gens = 40000;
  double mc_rank[3] = {0, 0, 0}, mc_raw[3] = {0, 0, 0}, sq[3] = {0, 0, 0};
  for (int g = 1; g <= gens; ++g) {
    std::vector<uint64_t> seeds;
    std::vector<std::vector<uint64_t>> bits;
    std::vector<double> f;
    for (int i = 0; i < n; ++i) {
      seeds.push_back(nes::individual_seed(99, static_cast<uint64_t>(g), static_cast<uint64_t>(i)));
      bits.push_back(nes::sample_bits(rq, q, seeds.back()));
      f.push_back(f3(bit(bits.back(), 0), bit(bits.back(), 1), bit(bits.back(), 2)));
    }
    const auto gr = nes::ec_gradient(rq, q, seeds, nes::centered_ranks(f));
    const auto gf = nes::ec_gradient_from_bits(rq, q, bits, f);
    for (int j = 0; j < 3; ++j) {
      mc_rank[j] += gr[static_cast<size_t>(j)] / gens;
      mc_raw[j] += gf[static_cast<size_t>(j)] / gens;
      sq[j] += gr[static_cast<size_t>(j)] * gr[static_cast<size_t>(j)] / gens;
    }
  }
  for (int j = 0; j < 3; ++j) {
    const double se = std::sqrt((sq[j] - mc_rank[j] * mc_rank[j]) / gens);
    EXPECT_NEAR(mc_rank[j], exact_rank[j], 5 * se + 1e-6) << "synapse " << j;
    EXPECT_NEAR(mc_raw[j], exact_raw[j], 0.02) << "synapse " << j;
  }
  // the signs point where f grows (descent direction: negative = increase ρ)
  EXPECT_LT(exact_rank[0], 0);
  EXPECT_GT(exact_rank[1], 0);
  EXPECT_LT(exact_rank[2], 0);
}

// NES with Adam on ρ finds a hidden 1024-bit target through fitness alone.
TEST(TrainNes, SolvesHiddenBitstring) {
  const size_t D = 1024;
  const int q = 10, pop = 32;
  std::mt19937_64 rng(3);
  std::vector<int> target(D);
  for (auto& t : target) t = static_cast<int>(rng() & 1);
  std::vector<float> rho(D, 0.5f);
  nes::AdamState adam;
  nes::AdamConfig ac;  // lr 0.15
  double match = 0;
  int gen = 0;
  for (gen = 1; gen <= 300; ++gen) {
    const auto rq = ref::quantize_rho(rho, q);
    std::vector<uint64_t> seeds;
    std::vector<double> f;
    for (int i = 0; i < pop; ++i) {
      seeds.push_back(nes::individual_seed(5, static_cast<uint64_t>(gen), static_cast<uint64_t>(i)));
      const auto b = nes::sample_bits(rq, q, seeds.back());
      int m = 0;
      for (size_t j = 0; j < D; ++j) m += static_cast<int>((b[j / 64] >> (j % 64)) & 1) == target[j];
      f.push_back(m);
    }
    nes::adam_step(rho, nes::ec_gradient(rq, q, seeds, nes::centered_ranks(f)), adam, ac);
    nes::clip(rho, 1e-3f, 1 - 1e-3f);
    int m = 0;
    for (size_t j = 0; j < D; ++j) m += (rho[j] > 0.5f) == (target[j] == 1);
    match = static_cast<double>(m) / D;
    if (match >= 0.99) break;
  }
  EXPECT_GE(match, 0.99) << "after " << gen << " generations";
  RecordProperty("generations", gen);
  std::printf("hidden 1024-bit target: θ* matches %.4f after %d generations (pop %d)\n", match, gen, pop);
}

TEST(TrainNes, GradientIndependentOfThreads) {
  std::vector<float> rho(5000);
  for (size_t i = 0; i < rho.size(); ++i) rho[i] = static_cast<float>(static_cast<double>(i * 37 % 101) / 100.0);
  const auto rq = ref::quantize_rho(rho, 10);
  std::vector<uint64_t> seeds;
  std::vector<double> f;
  for (int i = 0; i < 17; ++i) {
    seeds.push_back(nes::individual_seed(1, 1, static_cast<uint64_t>(i)));
    f.push_back(std::sin(i * 1.7));
  }
  const auto w = nes::centered_ranks(f);
  const auto g1 = nes::ec_gradient(rq, 10, seeds, w, 1);
  for (int t : {2, 3, 8}) EXPECT_EQ(nes::ec_gradient(rq, 10, seeds, w, t), g1) << t << " threads";
}

TEST(TrainNes, EsGradientPointsUphill) {
  // f(x) = -|x - c|^2 around μ = 0: the ES estimate correlates with -(c) (descent direction)
  const size_t D = 200;
  std::vector<float> c(D), eps(D);
  for (size_t j = 0; j < D; ++j) c[j] = static_cast<float>(std::cos(static_cast<double>(j)));
  std::vector<uint64_t> pairs;
  std::vector<double> f;
  const float sigma = 0.3f;
  for (int p = 0; p < 200; ++p) {
    pairs.push_back(nes::individual_seed(2, 1, static_cast<uint64_t>(p)));
    nes::normal_noise(pairs.back(), D, eps.data());
    for (int sgn : {1, -1}) {
      double v = 0;
      for (size_t j = 0; j < D; ++j)
        v -= std::pow(static_cast<double>(static_cast<float>(sgn) * sigma * eps[j] - c[j]), 2);
      f.push_back(v);
    }
  }
  const auto g = nes::es_gradient(D, pairs, nes::centered_ranks(f));
  double dot = 0, ng = 0, nc = 0;
  for (size_t j = 0; j < D; ++j) {
    dot += -g[j] * c[j];
    ng += g[j] * g[j];
    nc += c[j] * c[j];
  }
  EXPECT_GT(dot / std::sqrt(ng * nc), 0.5);
}

TEST(TrainNes, NormalNoiseMoments) {
  std::vector<float> z(100001);
  nes::normal_noise(11, z.size(), z.data());
  double m = 0, v = 0;
  for (float x : z) m += x / static_cast<double>(z.size());
  for (float x : z) v += (x - m) * (x - m) / static_cast<double>(z.size());
  EXPECT_NEAR(m, 0, 0.02);
  EXPECT_NEAR(v, 1, 0.02);
}
