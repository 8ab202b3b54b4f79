#include "nes/nes.h"
#include "reference/theta.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>
#include <thread>

#include "common/thread_group.h"
#include "reference/philox.h"

namespace ecsim::nes {

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t individual_seed(uint64_t run_seed, uint64_t generation, uint64_t index) {
  return splitmix64(splitmix64(splitmix64(run_seed) ^ generation) ^ index);
}

uint64_t eval_seed(uint64_t run_seed, uint64_t k) { return individual_seed(run_seed, ~uint64_t{0}, k); }

void sample_bits_range(const std::vector<uint32_t>& rho_q, int q, uint64_t seed, size_t word_begin, size_t word_end,
                       uint64_t* words) {
  // the chip's sampler itself (docs/spec.md §6.2; AVX-512 Philox where available)
  ref::sample_canonical_words(rho_q, q, seed, word_begin, word_end, words + word_begin);
}

std::vector<uint64_t> sample_bits(const std::vector<uint32_t>& rho_q, int q, uint64_t seed) {
  std::vector<uint64_t> words((rho_q.size() + 63) / 64, 0);
  sample_bits_range(rho_q, q, seed, 0, words.size(), words.data());
  return words;
}

std::vector<double> centered_ranks(const std::vector<double>& f) {
  const size_t n = f.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  // ascending fitness, ties by index; NaN sorts lowest
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const double fa = std::isnan(f[a]) ? -INFINITY : f[a], fb = std::isnan(f[b]) ? -INFINITY : f[b];
    return fa < fb;
  });
  std::vector<double> w(n, 0.0);
  if (n < 2) return w;
  for (size_t r = 0; r < n; ++r) w[order[r]] = static_cast<double>(r) / static_cast<double>(n - 1) - 0.5;
  return w;
}

namespace {
std::vector<float> finish_ec(const std::vector<uint32_t>& rho_q, int q, const std::vector<double>& acc,
                             const std::vector<double>& w) {
  double wsum = 0;
  for (double x : w) wsum += x;
  const double inv_n = 1.0 / static_cast<double>(w.size());
  const double scale = std::ldexp(1.0, -q);
  std::vector<float> g(rho_q.size());
  for (size_t j = 0; j < g.size(); ++j) {
    const double p = static_cast<double>(rho_q[j]) * scale;
    g[j] = static_cast<float>(-(acc[j] - p * wsum) * inv_n);
  }
  return g;
}
void accumulate_bits(const std::vector<uint64_t>& bits, double wi, std::vector<double>& acc) {
  for (size_t k = 0; k < bits.size(); ++k) {
    uint64_t word = bits[k];
    while (word) {
      const int b = std::countr_zero(word);
      word &= word - 1;
      acc[k * 64 + static_cast<size_t>(b)] += wi;
    }
  }
}
}  // namespace

std::vector<float> ec_gradient(const std::vector<uint32_t>& rho_q, int q, const std::vector<uint64_t>& seeds,
                               const std::vector<double>& w, int threads) {
  std::vector<double> acc(rho_q.size(), 0.0);
  const size_t nwords = (rho_q.size() + 63) / 64;
  // threads split the synapses (never the individuals): every sum runs over i in order
  auto part = [&](size_t w0, size_t w1) {
    std::vector<uint64_t> words(nwords);
    for (size_t i = 0; i < seeds.size(); ++i) {
      sample_bits_range(rho_q, q, seeds[i], w0, w1, words.data());
      const double wi = w[i];
      for (size_t k = w0; k < w1; ++k) {
        uint64_t word = words[k];
        while (word) {
          const int b = std::countr_zero(word);
          word &= word - 1;
          acc[k * 64 + static_cast<size_t>(b)] += wi;
        }
      }
    }
  };
  const size_t nt = std::clamp<size_t>(static_cast<size_t>(std::max(threads, 1)), 1, std::max<size_t>(nwords, 1));
  {
    ThreadGroup pool;  // joins the parts already started when a start (or part 0) fails
    for (size_t t = 1; t < nt; ++t) pool.start(part, nwords * t / nt, nwords * (t + 1) / nt);
    part(0, nwords / nt);
  }
  return finish_ec(rho_q, q, acc, w);
}

std::vector<float> ec_gradient_from_bits(const std::vector<uint32_t>& rho_q, int q,
                                         const std::vector<std::vector<uint64_t>>& bits, const std::vector<double>& w) {
  std::vector<double> acc(rho_q.size(), 0.0);
  for (size_t i = 0; i < bits.size(); ++i) accumulate_bits(bits[i], w[i], acc);
  return finish_ec(rho_q, q, acc, w);
}

void normal_noise(uint64_t seed, size_t n, float* out) {
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  for (size_t b = 0; b * 4 < n; ++b) {
    const auto blk = ref::philox_block(seed, static_cast<ref::PhiloxStream>(kEsNoiseStream), b);
    for (int h = 0; h < 2; ++h) {
      const double u1 = (static_cast<double>(blk[static_cast<size_t>(2 * h)]) + 1.0) * 0x1p-32;
      const double u2 = static_cast<double>(blk[static_cast<size_t>(2 * h + 1)]) * 0x1p-32;
      const double r = std::sqrt(-2.0 * std::log(u1));
      const size_t i = b * 4 + static_cast<size_t>(2 * h);
      if (i < n) out[i] = static_cast<float>(r * std::cos(kTwoPi * u2));
      if (i + 1 < n) out[i + 1] = static_cast<float>(r * std::sin(kTwoPi * u2));
    }
  }
}

std::vector<float> es_gradient(size_t dim, const std::vector<uint64_t>& pair_seeds, const std::vector<double>& w) {
  std::vector<double> acc(dim, 0.0);
  std::vector<float> eps(dim);
  for (size_t p = 0; p < pair_seeds.size(); ++p) {
    const double wp = w[2 * p] - w[2 * p + 1];
    normal_noise(pair_seeds[p], dim, eps.data());
    for (size_t j = 0; j < dim; ++j) acc[j] += wp * static_cast<double>(eps[j]);
  }
  std::vector<float> g(dim);
  const double inv = pair_seeds.empty() ? 0.0 : 1.0 / static_cast<double>(pair_seeds.size());
  for (size_t j = 0; j < dim; ++j) g[j] = static_cast<float>(-acc[j] * inv);
  return g;
}

void adam_step(std::vector<float>& x, const std::vector<float>& g, AdamState& s, const AdamConfig& c) {
  if (s.m.size() != x.size()) s.m.assign(x.size(), 0.0f);
  if (s.v.size() != x.size()) s.v.assign(x.size(), 0.0f);
  ++s.t;
  const double bc1 = 1.0 - std::pow(c.beta1, static_cast<double>(s.t));
  const double bc2 = 1.0 - std::pow(c.beta2, static_cast<double>(s.t));
  for (size_t j = 0; j < x.size(); ++j) {
    const double gj = g[j];
    const float m = static_cast<float>(c.beta1 * s.m[j] + (1.0 - c.beta1) * gj);
    const float v = static_cast<float>(c.beta2 * s.v[j] + (1.0 - c.beta2) * gj * gj);
    s.m[j] = m;
    s.v[j] = v;
    double u = (m / bc1) / (std::sqrt(v / bc2) + c.eps);
    if (c.weight_decay != 0.0) u += c.weight_decay * x[j];
    x[j] = static_cast<float>(x[j] - c.lr * u);
  }
}

void clip(std::vector<float>& x, float lo, float hi) {
  for (float& v : x) v = std::clamp(v, lo, hi);
}

}  // namespace ecsim::nes
