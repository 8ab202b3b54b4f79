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

namespace detail {
// The widths W, W_r and C, at run time or as compile-time constants: one body of the LIF update
// serves both, and with constants the compiler turns the clamps and shifts into immediates.
struct RuntimeWidths {
  int state, rate, c;
};
template <int W, int WR, int C>
struct FixedWidths {
  static constexpr int state = W, rate = WR, c = C;
};

template <class Widths>
inline bool lif_update_with(const FixedConstants& f, const Widths& w, int64_t diff, int32_t i_in, bool excitatory,
                            NeuronState& s) {
  const int W = w.state, C = w.c;
  const int64_t i_syn = saturate(round_shift(int64_t{s.i_syn} * f.alpha_syn_q, C) + saturate(diff * f.r_h_q, W), W);
  const int64_t u = saturate(i_syn + i_in, W);
  int64_t v = saturate(s.v + round_shift(saturate(u - s.v, W) * f.beta_m_q, C), W);
  const bool fired = v > f.theta_q;
  if (fired) v = 0;
  const int64_t sgn = fired ? (excitatory ? 1 : -1) : 0;
  s.i_syn = static_cast<int32_t>(i_syn);
  s.v = static_cast<int32_t>(v);
  s.rate = static_cast<int32_t>(saturate(round_shift(int64_t{s.rate} * f.alpha_out_q, C) + sgn * f.gamma_q, w.rate));
  return fired;
}
}  // namespace detail

// spec §5.2 steps 2-7 for one neuron given its popcount difference; returns whether it fired.
// `excitatory`: the neuron's own spike sign (+1) or (-1).
inline bool lif_update(const NetworkDesc& d, int64_t diff, int32_t i_in, bool excitatory, NeuronState& s) {
  return detail::lif_update_with(d.fixed,
                                 detail::RuntimeWidths{d.arith.state_bits, d.arith.rate_bits, d.arith.const_bits}, diff,
                                 i_in, excitatory, s);
}

// lif_update over n neurons first.. back to back (the LIF unit's stream); the chip's default widths
// (W = W_r = 16, C = 15) run with constant widths.
inline void lif_update_block(const NetworkDesc& d, int first, int n, const int64_t* diff, const int32_t* i_in,
                             NeuronState* s, uint8_t* fired) {
  const auto run = [&](const auto& widths) {
    for (int r = 0; r < n; ++r)
      fired[r] = detail::lif_update_with(d.fixed, widths, diff[r], i_in[r], first + r < d.shape.n_exc, s[r]) ? 1 : 0;
  };
  if (d.arith.state_bits == 16 && d.arith.rate_bits == 16 && d.arith.const_bits == 15)
    run(detail::FixedWidths<16, 16, 15>{});
  else
    run(detail::RuntimeWidths{d.arith.state_bits, d.arith.rate_bits, d.arith.const_bits});
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
