// Fixed-point formats of the chip datapath (docs/spec.md §3) and the two primitives every level
// implements identically: round_shift (round half up) and saturate (two's complement clamp).
#pragma once

#include <cstdint>
#include <string>

#include "common/fields.h"

namespace ecsim::ref {

// Widths are parameters because architects sweep them; defaults are the spec's (§3.1). The fields
// are listed once: the members, the JSON of chip configs and policy images, the CLI width flags and
// ecsim sweep's axes come from this list. X(type, member, default, doc, key, lo, hi): key is the
// JSON key and flag stem ("word_bits", --word-bits); [lo, hi] the static range (validate() adds
// the ranges that depend on other fields).
#define ECSIM_ARITH_FIELDS(X)                                                                           \
  X(int, rho_bits, 10, "q, bits of quantized ρ", "rho_bits", 1, 16)                                     \
  X(int, state_bits, 16, "W, width of v, i_syn, i_in (bits)", "state_bits", 4, 32)                      \
  X(int, frac_bits, 10, "F, fraction bits of v, i_syn, i_in (V_th = 2^F)", "frac_bits", 1, 30)          \
  X(int, rate_bits, 16, "W_r, width of the rate trace (bits)", "rate_bits", 4, 32)                      \
  X(int, rate_frac_bits, 12, "F_r, fraction bits of the rate trace", "rate_frac_bits", 1, 29)           \
  X(int, const_bits, 15, "C, fraction bits of decay factors and scale constants", "const_bits", 4, 24)  \
  X(int, input_bits, 10, "B_x, width of a quantized observation (bits)", "input_bits", 2, 24)           \
  X(int, input_frac_bits, 6, "F_x, fraction bits of a quantized observation", "input_frac_bits", 0, 23) \
  X(int, action_frac_bits, 12, "F_a, action = a_q / 2^F_a", "action_frac_bits", 1, 24)                  \
  X(int, syn_word_bits, 64, "synapse SRAM word width (bits), for the words-read counter", "word_bits", 1, 4096)

struct ArithConfig {
  ECSIM_DESCRIBE(ArithConfig, ECSIM_ARITH_FIELDS)
  bool operator==(const ArithConfig&) const = default;

  // Throws ecsim::Error naming the first out-of-range field and its allowed range.
  void validate() const;
  std::string describe() const;  // one line, for reports
};

// round_shift(x, s) = floor((x + 2^(s-1)) / 2^s) for s >= 1, x for s == 0: round half up.
// (>> on negative signed values is arithmetic in C++20.)
constexpr int64_t round_shift(int64_t x, int s) { return s == 0 ? x : (x + (int64_t{1} << (s - 1))) >> s; }

// two's complement range of a signed width-bit value
constexpr int64_t smax(int bits) { return (int64_t{1} << (bits - 1)) - 1; }
constexpr int64_t smin(int bits) { return -(int64_t{1} << (bits - 1)); }

constexpr int64_t saturate(int64_t x, int bits) {
  return x > smax(bits) ? smax(bits) : (x < smin(bits) ? smin(bits) : x);
}

}  // namespace ecsim::ref
