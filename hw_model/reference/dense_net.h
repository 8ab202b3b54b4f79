// A float32 RSNN with real-valued weights: the datapath of the paper's ES-RSNN baseline
// (the authors' es_dense.py models): same LIF equations as the float ConnSNN, dense weight matrices.
// Used by ES training and by the 1-bit vs float benchmarks. Weights carry the presynaptic
// sign, spikes are 0/1 (no E/I split unless the weights encode one).
#pragma once

#include <cstdint>
#include <vector>

#include "reference/network_desc.h"
#include "reference/theta.h"

namespace ecsim::ref {

struct DenseFloatNet {
  int n = 0, d_in = 0, d_out = 0, inner_steps = 33;
  float alpha_syn = 0, alpha_m = 0, alpha_out = 0, gamma = 0;  // gamma = (1-α_out)/dt
  std::vector<float> w_in;                                     // (d_in × N), scale folded in
  std::vector<float> w_h;                                      // (N × N) pre-major, scale folded in
  std::vector<float> w_out;                                    // (N × d_out), scale folded in

  // Sets the dynamics of desc (sizes, decays, rate increment); the weights are left as they are.
  void set_dynamics(const NetworkDesc& desc);
  // The same network as the 1-bit ConnSNN: W = R·(±θ) with the Dale sign of the presynaptic
  // neuron, and the [x, -x] input folded into W_in = R_in·(K_in[i] - K_in[d+i]).
  static DenseFloatNet from_theta(const NetworkDesc& desc, const Theta& theta);
};

struct DenseFloatState {
  std::vector<float> v, i_syn, i_in, rate, s, i_spike;  // s: spikes of the last step, 0/1
  std::vector<int> active;  // (N) indices of the neurons that spiked in the last step: [0, n_active)
  int n_active = 0;
  uint64_t spikes = 0;
};

void reset(const DenseFloatNet& net, DenseFloatState& st, uint64_t init_seed);

// Dense: i_spike = s @ W_h as a full matrix-vector product every inner step (GPU-style).
// Event: only the rows of neurons that spiked are visited. Both give the same float results
// up to summation order; the event form sums rows in ascending neuron order.
enum class DenseMode { kDense, kEvent };
void step(const DenseFloatNet& net, DenseFloatState& st, const float* obs, float* action, DenseMode mode);

}  // namespace ecsim::ref
