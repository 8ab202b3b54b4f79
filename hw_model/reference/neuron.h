// The per-neuron arithmetic of docs/spec.md as functions: the portable kernel is built from them,
// and so is the SystemC chip's LIF unit, input stage and readout, so both compute the same bits
// by construction rather than by a second copy.
#pragma once

#include <cstdint>

#include "reference/arith.h"
#include "reference/network_desc.h"

namespace ecsim::ref {

struct NeuronState {
  int32_t v = 0, i_syn = 0, rate = 0;  // Q.F, Q.F, Q.F_r
};

// spec §5.2 steps 2-7 for one neuron given its popcount difference; returns whether it fired.
// `excitatory`: the neuron's own spike sign (+1) or (-1).
inline bool lif_update(const NetworkDesc& d, int64_t diff, int32_t i_in, bool excitatory, NeuronState& s) {
  const ArithConfig& a = d.arith;
  const FixedConstants& f = d.fixed;
  const int W = a.state_bits, C = a.const_bits;
  const int64_t i_syn = saturate(round_shift(int64_t{s.i_syn} * f.alpha_syn_q, C) + saturate(diff * f.r_h_q, W), W);
  const int64_t u = saturate(i_syn + i_in, W);
  int64_t v = saturate(s.v + round_shift(saturate(u - s.v, W) * f.beta_m_q, C), W);
  const bool fired = v > f.theta_q;
  if (fired) v = 0;
  const int64_t sgn = fired ? (excitatory ? 1 : -1) : 0;
  s.i_syn = static_cast<int32_t>(i_syn);
  s.v = static_cast<int32_t>(v);
  s.rate =
      static_cast<int32_t>(saturate(round_shift(int64_t{s.rate} * f.alpha_out_q, C) + sgn * f.gamma_q, a.rate_bits));
  return fired;
}

// spec §4.2: i_in from the neuron's signed input sum acc = Σ x_q[i]·(K_in[i][j] - K_in[d+i][j])
inline int32_t input_current(const NetworkDesc& d, int64_t acc) {
  return static_cast<int32_t>(saturate(round_shift(acc * d.fixed.r_in_q, d.fixed.in_shift), d.arith.state_bits));
}

// spec §4.3: a_q from an output's rate sum acc = Σ r_j·K_out[j][k]; *saturated set if clamped
inline int32_t action_from_sum(const NetworkDesc& d, int64_t acc, bool* saturated) {
  const int64_t one = int64_t{1} << d.arith.action_frac_bits;
  int64_t aq = round_shift(acc * d.fixed.r_out_q, d.fixed.out_shift);
  *saturated = aq > one || aq < -one;
  if (*saturated) aq = aq > one ? one : -one;
  return static_cast<int32_t>(aq);
}

}  // namespace ecsim::ref
