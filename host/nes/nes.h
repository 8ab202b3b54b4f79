// The host-side NES controller math (docs/training.md): seeds, Bernoulli sampling of the
// population, centered-rank fitness shaping, the EC natural-gradient estimator, the ES
// (antithetic Gaussian) estimator and Adam/AdamW. Nothing here knows about networks or MuJoCo:
// parameters are a flat vector in the canonical synapse order (docs/spec.md §6.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ecsim::nes {

// ---- seeds -------------------------------------------------------------------------------------
// splitmix64's output function (Steele, Lea, Flood 2014): a bijective 64-bit mixer.
uint64_t splitmix64(uint64_t x);
// seed of individual `index` of generation `generation` (1-based) of a run:
//   splitmix64(splitmix64(splitmix64(run_seed) ^ generation) ^ index)
// It keys θ sampling (Philox stream 0), v(0) (stream 1) and the env reset (stream 2).
uint64_t individual_seed(uint64_t run_seed, uint64_t generation, uint64_t index);
// the k-th start used to evaluate θ* (the same starts every generation): generation 2^64-1
uint64_t eval_seed(uint64_t run_seed, uint64_t k);

// ---- Bernoulli sampling --------------------------------------------------------------------------
// θ_g = (lane16_g >> (16 - q)) < ρ_q[g], lane g%8 of Philox block g/8 on stream 0: the chip's
// sampler (spec §6.2) over a flat vector, packed 64 bits per word (bit g in word g/64, bit g%64).
// Bit-identical to ref::sample_theta in canonical order.
std::vector<uint64_t> sample_bits(const std::vector<uint32_t>& rho_q, int q, uint64_t seed);
// words [word_begin, word_end) of the same (synapses 64·word_begin ...), into words[word_begin...]
void sample_bits_range(const std::vector<uint32_t>& rho_q, int q, uint64_t seed, size_t word_begin, size_t word_end,
                       uint64_t* words);

// ---- fitness shaping -----------------------------------------------------------------------------
// centered ranks: rank r_i ∈ [0, n) of f_i (ascending; ties broken by index, lower index = lower
// rank), w_i = r_i/(n-1) - 0.5 ∈ [-0.5, 0.5]. n == 1 gives 0.
std::vector<double> centered_ranks(const std::vector<double>& f);

// ---- EC estimator --------------------------------------------------------------------------------
// The descent direction of Bernoulli NES (the authors' ec.py, one generation, step 8):
//   g_j = -(1/n) Σ_i w_i (θ_ij - p_j),   p_j = ρ_q[j] / 2^q  (the exact sampling probability)
// θ_i is regenerated from seeds[i] with sample_bits; the evaluator never sends θ.
// `threads` split the synapse range; the result does not depend on it.
std::vector<float> ec_gradient(const std::vector<uint32_t>& rho_q, int q, const std::vector<uint64_t>& seeds,
                               const std::vector<double>& w, int threads = 1);
// the same from explicit samples (packed as sample_bits returns them); for tests and tools
std::vector<float> ec_gradient_from_bits(const std::vector<uint32_t>& rho_q, int q,
                                         const std::vector<std::vector<uint64_t>>& bits, const std::vector<double>& w);

// ---- ES estimator --------------------------------------------------------------------------------
inline constexpr uint32_t kEsNoiseStream = 3;  // Philox stream of ES Gaussian noise
// n standard normal float32 values from seed: Box–Muller on Philox4x32-10 (stream 3). Block k
// (counter k) gives values 4k..4k+3: words (a, b) = (0, 1) then (2, 3), u1 = (a + 1)·2^-32 ∈ (0, 1],
// u2 = b·2^-32, r = sqrt(-2 ln u1), values r·cos(2π u2), r·sin(2π u2), in double, rounded to float.
void normal_noise(uint64_t seed, size_t n, float* out);
// antithetic pairs: individual 2p = μ + σ ε_p, 2p+1 = μ - σ ε_p, ε_p = normal_noise(pair_seeds[p]).
// g = -(1/P) Σ_p (w_{2p} - w_{2p+1}) ε_p (no 1/σ: Adam is scale-free, es_dense.py:229-232).
std::vector<float> es_gradient(size_t dim, const std::vector<uint64_t>& pair_seeds, const std::vector<double>& w);

// ---- optimizer -----------------------------------------------------------------------------------
struct AdamConfig {
  double lr = 0.15;
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  double weight_decay = 0.0;  // decoupled (AdamW): u += wd·x
};
struct AdamState {
  uint64_t t = 0;
  std::vector<float> m, v;  // float32 moments (optax mu_dtype float32)
};
// optax scale_by_adam (bias-corrected) [+ add_decayed_weights] + scale(-lr), in float32 storage
// with the update computed in double per element.
void adam_step(std::vector<float>& x, const std::vector<float>& g, AdamState& s, const AdamConfig& c);
void clip(std::vector<float>& x, float lo, float hi);

}  // namespace ecsim::nes
