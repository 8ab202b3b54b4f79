// The popcount-accumulate of docs/spec.md §5.2 step 1, as one function: the portable kernel uses
// it, and the RTL popcount core (rtl/popcount_core.sv) is verified against it.
#pragma once

#include <bit>
#include <cstdint>

namespace ecsim::ref {

// Σ_k popcount(syn_k ∧ spk_k ∧ exc_k) − popcount(syn_k ∧ spk_k ∧ ¬exc_k) over `words` words
// (words narrower than 64 bits are held in the low bits).
// The two halves of it: excitatory and inhibitory hits (synapse present and presynaptic spike).
struct PopcountSplit {
  int64_t exc = 0, inh = 0;
};

inline PopcountSplit popcount_split(const uint64_t* syn, const uint64_t* spk, const uint64_t* exc, int words) {
  PopcountSplit p;
  for (int k = 0; k < words; ++k) {
    const uint64_t hit = syn[k] & spk[k];
    p.exc += std::popcount(hit & exc[k]);
    p.inh += std::popcount(hit & ~exc[k]);
  }
  return p;
}

inline int64_t popcount_accumulate(const uint64_t* syn, const uint64_t* spk, const uint64_t* exc, int words) {
  const PopcountSplit p = popcount_split(syn, spk, exc, words);
  return p.exc - p.inh;
}

}  // namespace ecsim::ref
