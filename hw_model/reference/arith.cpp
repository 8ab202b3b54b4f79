#include "reference/arith.h"

#include <sstream>

#include "common/error.h"

namespace ecsim::ref {

static void check_range(const char* name, int value, int lo, int hi, const char* why) {
  if (value < lo || value > hi)
    throw Error(std::string("arithmetic parameter ") + name + " = " + std::to_string(value) +
                    " is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]",
                std::string("choose ") + name + " in that range (" + why + ")");
}

void ArithConfig::validate() const {
  check_range("rho_bits", rho_bits, 1, 16, "the sampler draws 16-bit uniforms");
  check_range("state_bits", state_bits, 4, 32, "states are signed and at most 32 bits");
  check_range("frac_bits", frac_bits, 1, state_bits - 2,
              "V_th = 2^frac_bits must fit below the state maximum");
  check_range("rate_bits", rate_bits, 4, 32, "the rate trace is signed and at most 32 bits");
  check_range("rate_frac_bits", rate_frac_bits, 1, rate_bits - 3,
              "the rate trace reaches ±2 spikes/ms at dt = 0.5 ms, so it needs 2 integer bits");
  check_range("const_bits", const_bits, 4, 24, "decay factors are unsigned fractions");
  check_range("input_bits", input_bits, 2, 24, "quantized observations are signed");
  check_range("input_frac_bits", input_frac_bits, 0, input_bits - 1, "needs a sign bit");
  check_range("action_frac_bits", action_frac_bits, 1, 24, "actions are fractions of 1");
  check_range("syn_word_bits", syn_word_bits, 1, 4096, "an SRAM word width in bits");
  if (input_frac_bits + const_bits < frac_bits)
    throw Error("input_frac_bits + const_bits (" + std::to_string(input_frac_bits + const_bits) +
                    ") must be >= frac_bits (" + std::to_string(frac_bits) + ")",
                "the input projection shifts right by F_x + C - F; raise const_bits or lower frac_bits");
  if (rate_frac_bits + const_bits < action_frac_bits)
    throw Error("rate_frac_bits + const_bits must be >= action_frac_bits",
                "the readout shifts right by F_r + C - F_a; raise const_bits or lower action_frac_bits");
}

std::string ArithConfig::describe() const {
  std::ostringstream os;
  os << "q=" << rho_bits << " state=Q" << state_bits - frac_bits << "." << frac_bits << "(" << state_bits
     << "b) rate=Q" << rate_bits - rate_frac_bits << "." << rate_frac_bits << " const=" << const_bits
     << "b input=Q" << input_bits - input_frac_bits << "." << input_frac_bits << " action=2^-"
     << action_frac_bits << " word=" << syn_word_bits << "b";
  return os.str();
}

}  // namespace ecsim::ref
