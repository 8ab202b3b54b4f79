// Fixed-point formats of the chip datapath (docs/spec.md §3) and the two primitives every level
// implements identically: round_shift (round half up) and saturate (two's complement clamp).
#pragma once

#include <cstdint>
#include <string>

namespace ecsim::ref {

// Widths are parameters because architects sweep them; defaults are the spec's (§3.1).
struct ArithConfig {
  int rho_bits = 10;      // q: ρ is quantized to ρ_q ∈ [0, 2^q]; θ = (u_q < ρ_q)
  int state_bits = 16;    // W: signed width of membrane v, synaptic current i_syn, input current i_in
  int frac_bits = 10;     // F: fractional bits of v, i_syn, i_in (V_th = 2^F)
  int rate_bits = 16;     // W_r: signed width of the output-rate trace
  int rate_frac_bits = 12;  // F_r
  int const_bits = 15;    // C: fractional bits of decay factors and scale constants
  int input_bits = 10;    // B_x: signed width of a quantized observation component
  int input_frac_bits = 6;  // F_x
  int action_frac_bits = 12;  // F_a: action = a_q / 2^F_a, a_q ∈ [-2^F_a, 2^F_a]
  int syn_word_bits = 64;   // synapse SRAM word width, used for the words-read counter

  // Throws ecsim::Error naming the first out-of-range field and its allowed range.
  void validate() const;
  std::string describe() const;  // one line, for reports
};

// round_shift(x, s) = floor((x + 2^(s-1)) / 2^s) for s >= 1, x for s == 0: round half up.
// (>> on negative signed values is arithmetic in C++20.)
constexpr int64_t round_shift(int64_t x, int s) {
  return s == 0 ? x : (x + (int64_t{1} << (s - 1))) >> s;
}

// two's complement range of a signed width-bit value
constexpr int64_t smax(int bits) { return (int64_t{1} << (bits - 1)) - 1; }
constexpr int64_t smin(int bits) { return -(int64_t{1} << (bits - 1)); }

constexpr int64_t saturate(int64_t x, int bits) {
  return x > smax(bits) ? smax(bits) : (x < smin(bits) ? smin(bits) : x);
}

}  // namespace ecsim::ref
