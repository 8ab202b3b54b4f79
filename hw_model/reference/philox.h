// The chip's PRNG (docs/spec.md §6.1): Philox4x32-10 (Salmon et al., SC'11), used as a
// counter-based generator. Random123 (Debian librandom123-dev) provides the rounds.
#pragma once

#include <Random123/philox.h>

#include <array>
#include <cstdint>

namespace ecsim::ref {

// Streams partition the counter space so that every consumer of a seed draws independent bits.
enum class PhiloxStream : uint32_t {
  kSynapses = 0,         // θ sampling (spec §6.2)
  kInitialMembrane = 1,  // v(0) (spec §6.3)
  kEnvReset = 2,         // host: environment reset noise (docs/tasks.md)
};

// One Philox4x32-10 block: key = (seed lo, seed hi), counter = (index lo, index hi, stream, 0).
inline std::array<uint32_t, 4> philox_block(uint64_t seed, PhiloxStream stream, uint64_t index) {
  using G = r123::Philox4x32;
  G::ctr_type ctr = {
      {static_cast<uint32_t>(index), static_cast<uint32_t>(index >> 32), static_cast<uint32_t>(stream), 0u}};
  G::key_type key = {{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)}};
  G::ctr_type r = G()(ctr, key);
  return {r[0], r[1], r[2], r[3]};
}

// Lane l ∈ [0, 8) of a block as a 16-bit uniform: lane 2m is the low half of word m.
inline uint32_t philox_lane16(const std::array<uint32_t, 4>& b, int lane) {
  return (b[static_cast<size_t>(lane >> 1)] >> (16 * (lane & 1))) & 0xFFFFu;
}

namespace detail {
// count consecutive blocks(seed, stream, first + i) into out[4·i .. 4·i+3], 16 at a time with
// AVX-512 where the CPU has it (philox_avx512.cpp); the same words as philox_block (tested)
void philox_blocks(uint64_t seed, PhiloxStream stream, uint64_t first, size_t count, uint32_t* out);
// θ bits of spec §6.2 for `blocks` consecutive blocks (8 synapses each, the last possibly partial:
// `synapses` counts from the first): bit l of bits[b] = (lane_l(words[b]) >> drop) < rho_q[8b + l]
void bernoulli_bytes(const uint32_t* words, const uint32_t* rho_q, int drop, size_t blocks, size_t synapses,
                     uint8_t* bits);
}  // namespace detail

}  // namespace ecsim::ref
