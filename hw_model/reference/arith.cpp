#include "reference/arith.h"

#include <algorithm>
#include <sstream>
#include <string_view>
#include <type_traits>

#include "common/error.h"

namespace ecsim::ref {

namespace {

// Why each width has its range. The static range is the field list's; `bound` tightens the upper
// end by another field (frac_bits <= state_bits - 2, ...).
struct RangeRule {
  const char* field;
  const char* why;
  int ArithConfig::*bound = nullptr;
  int offset = 0;
};
constexpr RangeRule kRangeRules[] = {
    {"rho_bits", "the sampler draws 16-bit uniforms"},
    {"state_bits", "states are signed and at most 32 bits"},
    {"frac_bits", "V_th = 2^frac_bits must fit below the state maximum", &ArithConfig::state_bits, -2},
    {"rate_bits", "the rate trace is signed and at most 32 bits"},
    {"rate_frac_bits", "the rate trace reaches ±2 spikes/ms at dt = 0.5 ms, so it needs 2 integer bits",
     &ArithConfig::rate_bits, -3},
    {"const_bits", "decay factors are unsigned fractions"},
    {"input_bits", "quantized observations are signed"},
    {"input_frac_bits", "needs a sign bit", &ArithConfig::input_bits, -1},
    {"action_frac_bits", "actions are fractions of 1"},
    {"syn_word_bits", "an SRAM word width in bits"},
};

constexpr bool every_field_has_a_rule() {
  bool all = true;
  ArithConfig::for_each_field([&](const fields::Info& info, auto) {
    bool found = false;
    for (const RangeRule& r : kRangeRules) found = found || std::string_view(info.name) == r.field;
    all = all && found;
  });
  return all;
}
static_assert(every_field_has_a_rule(), "a field of ECSIM_ARITH_FIELDS needs its RangeRule");

const RangeRule& rule_for(std::string_view field) {
  for (const RangeRule& r : kRangeRules)
    if (field == r.field) return r;
  throw Error("internal: ArithConfig field " + std::string(field) + " has no range rule",
              "this is a bug; please report it");
}

void check_range(const char* name, int value, int lo, int hi, const char* why) {
  if (value < lo || value > hi)
    throw Error(std::string("arithmetic parameter ") + name + " = " + std::to_string(value) + " is out of range [" +
                    std::to_string(lo) + ", " + std::to_string(hi) + "]",
                std::string("choose ") + name + " in that range (" + why + ")");
}

}  // namespace

void ArithConfig::validate() const {
  // in list order, so that a field's bound (an earlier field) is already in range
  for_each_field([&](const fields::Info& info, auto m) {
    static_assert(std::is_same_v<decltype(m), int ArithConfig::*>, "ArithConfig's widths are ints");
    const RangeRule& r = rule_for(info.name);
    int hi = static_cast<int>(info.hi);
    if (r.bound) hi = std::min(hi, this->*r.bound + r.offset);
    check_range(info.name, this->*m, static_cast<int>(info.lo), hi, r.why);
  });
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
  os << "q=" << rho_bits << " state=Q" << state_bits - frac_bits << "." << frac_bits << "(" << state_bits << "b) rate=Q"
     << rate_bits - rate_frac_bits << "." << rate_frac_bits << " const=" << const_bits << "b input=Q"
     << input_bits - input_frac_bits << "." << input_frac_bits << " action=2^-" << action_frac_bits
     << " word=" << syn_word_bits << "b";
  return os.str();
}

}  // namespace ecsim::ref
