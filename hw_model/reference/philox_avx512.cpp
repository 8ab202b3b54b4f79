// Philox4x32-10 on 16 blocks at once (AVX-512 F): the same rounds as Random123's philox4x32
// (docs/spec.md §6.1). The 32×32 -> 64 products come from vpmuludq on the even and odd lanes.
// GCC 12 reports -W(maybe-)uninitialized inside its own avx512fintrin.h (a false positive)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

#include "reference/network.h"
#include "reference/philox.h"

namespace ecsim::ref::detail {

#if defined(__x86_64__) && defined(__GNUC__)

#define ECSIM_PHILOX __attribute__((target("avx512f")))

namespace {

ECSIM_PHILOX inline __m512i mulhi32(__m512i a, __m512i m) {
  const __m512i even = _mm512_srli_epi64(_mm512_mul_epu32(a, m), 32);  // hi of lanes 0,2,..
  const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);   // hi of lanes 1,3,.. in place
  return _mm512_mask_blend_epi32(0xAAAA, even, odd);
}

ECSIM_PHILOX void philox16(uint64_t seed, uint32_t stream, uint64_t first, uint32_t* out) {
  const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  // counter = (index lo, index hi, stream, 0) with index = first + lane (no carry within 16 if
  // first's low 32 bits do not wrap; the caller splits at such a boundary)
  __m512i c0 = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int32_t>(static_cast<uint32_t>(first))), lane);
  __m512i c1 = _mm512_set1_epi32(static_cast<int32_t>(static_cast<uint32_t>(first >> 32)));
  __m512i c2 = _mm512_set1_epi32(static_cast<int32_t>(stream));
  __m512i c3 = _mm512_setzero_si512();
  uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  const __m512i m0 = _mm512_set1_epi32(static_cast<int32_t>(0xD2511F53u));
  const __m512i m1 = _mm512_set1_epi32(static_cast<int32_t>(0xCD9E8D57u));
  for (int r = 0; r < 10; ++r) {
    if (r) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    const __m512i lo0 = _mm512_mullo_epi32(c0, m0), hi0 = mulhi32(c0, m0);
    const __m512i lo1 = _mm512_mullo_epi32(c2, m1), hi1 = mulhi32(c2, m1);
    c0 = _mm512_xor_si512(_mm512_xor_si512(hi1, c1), _mm512_set1_epi32(static_cast<int32_t>(k0)));
    c1 = lo1;
    c2 = _mm512_xor_si512(_mm512_xor_si512(hi0, c3), _mm512_set1_epi32(static_cast<int32_t>(k1)));
    c3 = lo0;
  }
  // interleave to block-major: out[4·i + w] = word w of block i
  alignas(64) uint32_t w[4][16];
  _mm512_store_si512(w[0], c0);
  _mm512_store_si512(w[1], c1);
  _mm512_store_si512(w[2], c2);
  _mm512_store_si512(w[3], c3);
  for (int i = 0; i < 16; ++i)
    for (int k = 0; k < 4; ++k) out[4 * i + k] = w[k][i];
}

}  // namespace

void philox_blocks(uint64_t seed, PhiloxStream stream, uint64_t first, size_t count, uint32_t* out) {
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  size_t i = 0;
  if (avx512)
    for (; i + 16 <= count; i += 16) {
      const uint64_t idx = first + i;
      if (static_cast<uint32_t>(idx) > 0xFFFFFFFFu - 15u) break;  // the low word would wrap
      philox16(seed, static_cast<uint32_t>(stream), idx, out + 4 * i);
    }
  for (; i < count; ++i) {
    const auto b = philox_block(seed, stream, first + i);
    for (int k = 0; k < 4; ++k) out[4 * i + static_cast<size_t>(k)] = b[static_cast<size_t>(k)];
  }
}

// bits of θ for n synapses: (u16 >> drop) < rho_q, 16 synapses per step. The Philox words,
// read as consecutive 16-bit values, are lanes 0..7 of each block in order (little endian).
ECSIM_PHILOX static void bernoulli16(const uint32_t* words, const uint32_t* rho_q, int drop, uint8_t* bits) {
  const __m512i u = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(words)));
  const __m512i shifted = _mm512_srl_epi32(u, _mm_cvtsi32_si128(drop));
  const __mmask16 m = _mm512_cmplt_epu32_mask(shifted, _mm512_loadu_si512(rho_q));
  bits[0] = static_cast<uint8_t>(m);
  bits[1] = static_cast<uint8_t>(m >> 8);
}

void bernoulli_bytes(const uint32_t* words, const uint32_t* rho_q, int drop, size_t blocks, size_t synapses,
                     uint8_t* bits) {
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  size_t b = 0;
  if (avx512)
    for (; b + 2 <= blocks && 8 * (b + 2) <= synapses; b += 2)
      bernoulli16(words + 4 * b, rho_q + 8 * b, drop, bits + b);
  for (; b < blocks; ++b) {
    unsigned byte = 0;
    for (size_t l = 0; l < 8 && 8 * b + l < synapses; ++l)
      byte |= unsigned{((words[4 * b + l / 2] >> (16 * (l & 1))) & 0xFFFFu) >> drop < rho_q[8 * b + l]} << l;
    bits[b] = static_cast<uint8_t>(byte);
  }
}

#else
void bernoulli_bytes(const uint32_t* words, const uint32_t* rho_q, int drop, size_t blocks, size_t synapses,
                     uint8_t* bits) {
  for (size_t b = 0; b < blocks; ++b) {
    unsigned byte = 0;
    for (size_t l = 0; l < 8 && 8 * b + l < synapses; ++l)
      byte |= unsigned{((words[4 * b + l / 2] >> (16 * (l & 1))) & 0xFFFFu) >> drop < rho_q[8 * b + l]} << l;
    bits[b] = static_cast<uint8_t>(byte);
  }
}

void philox_blocks(uint64_t seed, PhiloxStream stream, uint64_t first, size_t count, uint32_t* out) {
  for (size_t i = 0; i < count; ++i) {
    const auto b = philox_block(seed, stream, first + i);
    for (int k = 0; k < 4; ++k) out[4 * i + static_cast<size_t>(k)] = b[static_cast<size_t>(k)];
  }
}
#endif

}  // namespace ecsim::ref::detail
