// The popcount-accumulate of docs/spec.md §5.2 step 1, as one function: the portable kernel uses
// it, and the RTL popcount core (rtl/popcount_core.sv) is verified against it.
#pragma once

#include <bit>
#include <cstdint>

namespace ecsim::ref {

// Σ_k popcount(syn_k ∧ spk_k ∧ exc_k) − popcount(syn_k ∧ spk_k ∧ ¬exc_k) over `words` words
// (words narrower than 64 bits are held in the low bits).
inline int64_t popcount_accumulate(const uint64_t* syn, const uint64_t* spk, const uint64_t* exc, int words) {
  int64_t sum = 0;
  for (int k = 0; k < words; ++k) {
    const uint64_t hit = syn[k] & spk[k];
    sum += std::popcount(hit & exc[k]) - std::popcount(hit & ~exc[k]);
  }
  return sum;
}

}  // namespace ecsim::ref
