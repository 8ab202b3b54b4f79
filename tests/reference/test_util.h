// Small helpers shared by the reference-model tests.
#pragma once

#include <random>
#include <vector>

#include "reference/network.h"

namespace ecsim::test {

inline ref::NetworkDesc desc_for(int n, int n_exc, int d_in, int d_out, int inner = 33, ref::ArithConfig a = {}) {
  ref::NetworkShape s;
  s.n_neurons = n;
  s.n_exc = n_exc;
  s.d_in = d_in;
  s.d_out = d_out;
  s.inner_steps = inner;
  return ref::make_network_desc(s, a);
}

inline ref::Theta sampled_theta(const ref::NetworkDesc& d, float rho, uint64_t seed) {
  std::vector<float> r(static_cast<size_t>(d.shape.total_synapses()), rho);
  return ref::sample_theta(d.shape, d.arith.rho_bits, ref::quantize_rho(r, d.arith.rho_bits), seed);
}

inline std::vector<float> normal_obs(int count, uint64_t seed, float scale = 1.0f) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<float> nd(0.0f, scale);
  std::vector<float> v(static_cast<size_t>(count));
  for (float& x : v) x = nd(gen);
  return v;
}

}  // namespace ecsim::test
