// The AVX-512 fixed-point recurrent steps: the same integer arithmetic as the portable kernel in
// network.cpp (spec §5.2), compiled with target attributes and chosen at run time, so the binary
// still runs on CPUs without AVX-512.
//
// wide:   int32 lanes, 16 neurons per vector, any W with W + C <= 30. Two exact ways to form the
//         popcount difference, chosen per inner step by cost: popcount over nonzero 32-bit spike
//         words, or, for few spikes, ±1 under the 16-bit row mask of each spiking neuron.
// narrow: int16 lanes, 32 neurons per vector, for W = W_r = 16. The spec's operations are single
//         instructions there: vpaddsw/vpsubsw are the saturating W-bit adder and subtractor, and
//         vpmulhrsw(x, k·2^(15-C)) = floor((x·k + 2^(C-1)) / 2^C) is round_shift(x·k, C) exactly.
// GCC 12 reports -W(maybe-)uninitialized inside its own avx512fintrin.h for _mm512_*_undefined
// operands of shift/mask intrinsics (a compiler false positive, not our code).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <utility>

#include "reference/network.h"
#include "reference/neuron.h"

namespace ecsim::ref::detail {

#if defined(__x86_64__) && defined(__GNUC__)

#define ECSIM_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vpopcntdq")))
#define ECSIM_NARROW __attribute__((target("avx512f,avx512bw,avx512dq,avx512bitalg")))
#define ECSIM_IO __attribute__((target("avx512f,avx512bw,avx512dq,avx512vnni")))

namespace {

struct Consts {
  __m512i alpha_syn, beta_m, alpha_out, r_h, rnd, smax, smin, rmax, rmin, theta, zero;
  __m128i shift;
};

ECSIM_AVX512 inline __m512i clamp(__m512i x, __m512i lo, __m512i hi) {
  return _mm512_min_epi32(_mm512_max_epi32(x, lo), hi);
}

// spec §5.2 steps 2–6 for neurons [16b, 16b+16); returns the spike mask
ECSIM_AVX512 inline __mmask16 lif_block(const Consts& c, __m512i gamma, __m512i diff, int32_t* i_syn,
                                        const int32_t* i_in, int32_t* v, int32_t* rate) {
  __m512i is = _mm512_loadu_si512(i_syn);
  is = _mm512_sra_epi32(_mm512_add_epi32(_mm512_mullo_epi32(is, c.alpha_syn), c.rnd), c.shift);
  const __m512i p = clamp(_mm512_mullo_epi32(diff, c.r_h), c.smin, c.smax);
  is = clamp(_mm512_add_epi32(is, p), c.smin, c.smax);
  _mm512_storeu_si512(i_syn, is);
  const __m512i u = clamp(_mm512_add_epi32(is, _mm512_loadu_si512(i_in)), c.smin, c.smax);
  __m512i vv = _mm512_loadu_si512(v);
  __m512i dv = _mm512_mullo_epi32(clamp(_mm512_sub_epi32(u, vv), c.smin, c.smax), c.beta_m);
  dv = _mm512_sra_epi32(_mm512_add_epi32(dv, c.rnd), c.shift);
  vv = clamp(_mm512_add_epi32(vv, dv), c.smin, c.smax);
  const __mmask16 fired = _mm512_cmpgt_epi32_mask(vv, c.theta);
  vv = _mm512_mask_mov_epi32(vv, fired, c.zero);
  _mm512_storeu_si512(v, vv);
  __m512i r = _mm512_loadu_si512(rate);
  r = _mm512_sra_epi32(_mm512_add_epi32(_mm512_mullo_epi32(r, c.alpha_out), c.rnd), c.shift);
  r = clamp(_mm512_mask_add_epi32(r, fired, r, gamma), c.rmin, c.rmax);
  _mm512_storeu_si512(rate, r);
  return fired;
}

}  // namespace

ECSIM_AVX512 void inner_step_avx512_wide(const CompiledNet& net, FixedState& st) {
  const NetworkDesc& d = net.desc();
  const ArithConfig& a = d.arith;
  const FixedConstants& f = d.fixed;
  const int N = net.n(), nb = N / 16, nw32 = N / 32, nw_exc = d.shape.n_exc / 32;
  const int nb16 = net.n_padded() / 16;

  Consts c;
  c.alpha_syn = _mm512_set1_epi32(static_cast<int32_t>(f.alpha_syn_q));
  c.beta_m = _mm512_set1_epi32(static_cast<int32_t>(f.beta_m_q));
  c.alpha_out = _mm512_set1_epi32(static_cast<int32_t>(f.alpha_out_q));
  c.r_h = _mm512_set1_epi32(static_cast<int32_t>(f.r_h_q));
  c.rnd = _mm512_set1_epi32(1 << (a.const_bits - 1));
  c.smax = _mm512_set1_epi32(static_cast<int32_t>(smax(a.state_bits)));
  c.smin = _mm512_set1_epi32(static_cast<int32_t>(smin(a.state_bits)));
  c.rmax = _mm512_set1_epi32(static_cast<int32_t>(smax(a.rate_bits)));
  c.rmin = _mm512_set1_epi32(static_cast<int32_t>(smin(a.rate_bits)));
  c.theta = _mm512_set1_epi32(static_cast<int32_t>(f.theta_q));
  c.zero = _mm512_setzero_si512();
  c.shift = _mm_cvtsi32_si128(a.const_bits);
  const __m512i gamma_e = _mm512_set1_epi32(static_cast<int32_t>(f.gamma_q));
  const __m512i gamma_i = _mm512_set1_epi32(static_cast<int32_t>(-f.gamma_q));

  // nonzero 32-bit spike words, and the spike count
  int nz_k[2048];
  uint32_t nz_w[2048];
  int nnz = 0, n_spikes = 0, nnz_exc = 0;
  for (int k = 0; k < nw32; ++k) {
    const uint32_t w = static_cast<uint32_t>(st.spikes[static_cast<size_t>(k >> 1)] >> (32 * (k & 1)));
    if (!w) continue;
    nz_k[nnz] = k;
    nz_w[nnz] = w;
    n_spikes += std::popcount(w);
    nnz_exc += k < nw_exc;
    ++nnz;
  }

  std::fill(st.spikes_next.begin(), st.spikes_next.end(), 0);
  int32_t* diff_buf = st.diff.data();
  const bool event_path = 2 * n_spikes < 3 * nnz;
  if (event_path) {
    std::memset(diff_buf, 0, sizeof(int32_t) * static_cast<size_t>(N));
    const __m512i one = _mm512_set1_epi32(1);
    for (int z = 0; z < nnz; ++z) {
      for (uint32_t bits = nz_w[z]; bits; bits &= bits - 1) {
        const int i = nz_k[z] * 32 + std::countr_zero(bits);
        const uint16_t* chunks = net.rec_pre16.data() + static_cast<size_t>(i) * nb16;
        const bool exc = i < d.shape.n_exc;
        for (int b = 0; b < nb; ++b) {
          const __mmask16 m = chunks[b];
          if (!m) continue;
          __m512i dv = _mm512_loadu_si512(diff_buf + 16 * b);
          dv = exc ? _mm512_mask_add_epi32(dv, m, dv, one) : _mm512_mask_sub_epi32(dv, m, dv, one);
          _mm512_storeu_si512(diff_buf + 16 * b, dv);
        }
      }
    }
  }

  for (int b = 0; b < nb; ++b) {
    __m512i diff;
    if (event_path) {
      diff = _mm512_loadu_si512(diff_buf + 16 * b);
    } else {
      __m512i pos = _mm512_setzero_si512(), neg = _mm512_setzero_si512();
      const uint32_t* blk = net.rec_blk32.data() + static_cast<size_t>(b) * nw32 * 16;
      int z = 0;
      for (; z < nnz_exc; ++z) {
        const __m512i w = _mm512_loadu_si512(blk + nz_k[z] * 16);
        pos = _mm512_add_epi32(
            pos, _mm512_popcnt_epi32(_mm512_and_si512(w, _mm512_set1_epi32(static_cast<int32_t>(nz_w[z])))));
      }
      for (; z < nnz; ++z) {
        const __m512i w = _mm512_loadu_si512(blk + nz_k[z] * 16);
        neg = _mm512_add_epi32(
            neg, _mm512_popcnt_epi32(_mm512_and_si512(w, _mm512_set1_epi32(static_cast<int32_t>(nz_w[z])))));
      }
      diff = _mm512_sub_epi32(pos, neg);
    }
    const size_t o = static_cast<size_t>(16 * b);
    const __mmask16 fired = lif_block(c, 16 * b < d.shape.n_exc ? gamma_e : gamma_i, diff, st.i_syn.data() + o,
                                      st.i_in.data() + o, st.v.data() + o, st.rate.data() + o);
    st.spikes_next[static_cast<size_t>(b >> 2)] |= static_cast<uint64_t>(fired) << (16 * (b & 3));
  }
}

// sat16(a·b) of int16 lanes, from the high and low halves of the 32-bit products
ECSIM_NARROW static inline __m512i mul_sat16(__m512i a, __m512i b) {
  const __m512i lo = _mm512_mullo_epi16(a, b), hi = _mm512_mulhi_epi16(a, b);
  const __mmask32 fits = _mm512_cmpeq_epi16_mask(hi, _mm512_srai_epi16(lo, 15));
  const __m512i sat = _mm512_xor_si512(_mm512_srai_epi16(hi, 15), _mm512_set1_epi16(0x7fff));
  return _mm512_mask_blend_epi16(fits, sat, lo);
}

// the narrow kernels' broadcast constants (spec §5.2), multipliers pre-scaled by 2^(15-C) so that
// vpmulhrsw shifts by C
struct NarrowConsts {
  __m512i alpha_syn, beta_m, alpha_out, r_h, theta, gamma_e, gamma_i;
};
ECSIM_NARROW static inline NarrowConsts narrow_consts(const NetworkDesc& d) {
  const FixedConstants& f = d.fixed;
  const int up = 15 - d.arith.const_bits;
  return {_mm512_set1_epi16(static_cast<int16_t>(f.alpha_syn_q << up)),
          _mm512_set1_epi16(static_cast<int16_t>(f.beta_m_q << up)),
          _mm512_set1_epi16(static_cast<int16_t>(f.alpha_out_q << up)),
          _mm512_set1_epi16(static_cast<int16_t>(f.r_h_q)),
          _mm512_set1_epi16(static_cast<int16_t>(f.theta_q)),
          _mm512_set1_epi16(static_cast<int16_t>(f.gamma_q)),
          _mm512_set1_epi16(static_cast<int16_t>(-f.gamma_q))};
}

// T narrow inner steps over NB blocks of 32 neurons, with the spike tally fused in. NB > 0 is a
// compile-time block count whose accumulators stay in registers (N = 32·NB); NB = 0 handles any
// N block by block.
template <int NB>
ECSIM_NARROW static NarrowTally narrow_steps(const CompiledNet& net, FixedState& st, int steps, SpikeRaster* raster) {
  const NetworkDesc& d = net.desc();
  const FixedConstants& f = d.fixed;
  const int N = net.n(), nb = NB > 0 ? NB : N / 32, nw16 = N / 16, nw_exc = d.shape.n_exc / 16;
  const int nb_exc = d.shape.n_exc / 32;
  const NarrowConsts nc = narrow_consts(d);
  const __m512i alpha_syn = nc.alpha_syn, beta_m = nc.beta_m, alpha_out = nc.alpha_out, r_h = nc.r_h, theta = nc.theta,
                gamma_e = nc.gamma_e, gamma_i = nc.gamma_i, zero = _mm512_setzero_si512();

  int16_t* const i_syn16 = st.i_syn16.data();
  int16_t* const v16 = st.v16.data();
  int16_t* const rate16 = st.rate16.data();
  const int16_t* const i_in16 = st.i_in16.data();
  const uint16_t* const rec = net.rec_blk16.data();
  const int32_t* const fanout = net.rec_fanout.data();
  const size_t stride = static_cast<size_t>(nw16) * 32;  // elements between blocks
  const int sw = net.spike_words();
  int nz_k[4096];
  uint16_t nz_w[4096];

  NarrowTally tally;
  for (int t = 0; t < steps; ++t) {
    // nonzero 16-bit spike words (the rest contribute nothing). The spike vector is read as the
    // 64-bit words it was written as, so the loads forward from the previous step's stores.
    int nnz = 0, n_spikes = 0, nnz_exc = 0;
    const uint64_t* s64 = st.spikes.data();
    for (int w64 = 0; w64 < sw; ++w64) {
      const uint64_t word = s64[w64];
      if (!word) continue;
      n_spikes += std::popcount(word);
      for (uint64_t bits = word; bits; bits &= bits - 1)  // spec §7: fan-out of s(t-1) counts at t
        tally.rec_synops += static_cast<uint64_t>(fanout[64 * w64 + std::countr_zero(bits)]);
      for (int c = 0; c < 4; ++c) {
        const auto w = static_cast<uint16_t>(word >> (16 * c));
        if (!w) continue;
        const int k = 4 * w64 + c;
        nz_k[nnz] = k * 32;
        nz_w[nnz] = w;
        nnz_exc += k < nw_exc;
        ++nnz;
      }
    }
    // |diff| <= spikes this step, so diff·R cannot leave int16 unless n_spikes·R > 32767
    const bool product_fits = int64_t{n_spikes} * f.r_h_q <= 32767;
    uint64_t* const next64 = st.spikes_next.data();
    if (N % 64) next64[N / 64] = 0;  // a half-filled last word: its upper half stays 0

    // blocks come in pairs per 64-bit spike word; an odd last block ORs into its zeroed word
    auto put_spikes = [&](int b, __mmask32 fired) {
      if (b & 1)
        next64[b >> 1] |= static_cast<uint64_t>(fired) << 32;
      else
        next64[b >> 1] = fired;
    };
    auto lif = [&](int b, __m512i diff) ECSIM_NARROW {
      const __m512i p = product_fits ? _mm512_mullo_epi16(diff, r_h) : mul_sat16(diff, r_h);
      const size_t o = static_cast<size_t>(32 * b);
      const __m512i is = _mm512_adds_epi16(_mm512_mulhrs_epi16(_mm512_loadu_si512(i_syn16 + o), alpha_syn), p);
      _mm512_storeu_si512(i_syn16 + o, is);
      const __m512i u = _mm512_adds_epi16(is, _mm512_loadu_si512(i_in16 + o));
      __m512i vv = _mm512_loadu_si512(v16 + o);
      vv = _mm512_adds_epi16(vv, _mm512_mulhrs_epi16(_mm512_subs_epi16(u, vv), beta_m));
      const __mmask32 fired = _mm512_cmpgt_epi16_mask(vv, theta);
      _mm512_storeu_si512(v16 + o, _mm512_mask_mov_epi16(vv, fired, zero));
      const bool exc = b < nb_exc;
      __m512i r = _mm512_mulhrs_epi16(_mm512_loadu_si512(rate16 + o), alpha_out);
      r = _mm512_mask_adds_epi16(r, fired, r, exc ? gamma_e : gamma_i);
      _mm512_storeu_si512(rate16 + o, r);
      put_spikes(b, fired);
    };

    if constexpr (NB > 0) {
      // fully unrolled so that the NB accumulators are registers, not a zeroed stack array
      __m512i diff[NB];
#pragma GCC unroll 16
      for (int b = 0; b < NB; ++b) diff[b] = zero;
      for (int z = 0; z < nnz_exc; ++z) {
        const __m512i bc = _mm512_set1_epi16(static_cast<int16_t>(nz_w[z]));
        const uint16_t* col = rec + nz_k[z];
#pragma GCC unroll 16
        for (int b = 0; b < NB; ++b)
          diff[b] = _mm512_add_epi16(diff[b],
                                     _mm512_popcnt_epi16(_mm512_and_si512(_mm512_loadu_si512(col + b * stride), bc)));
      }
      for (int z = nnz_exc; z < nnz; ++z) {
        const __m512i bc = _mm512_set1_epi16(static_cast<int16_t>(nz_w[z]));
        const uint16_t* col = rec + nz_k[z];
#pragma GCC unroll 16
        for (int b = 0; b < NB; ++b)
          diff[b] = _mm512_sub_epi16(diff[b],
                                     _mm512_popcnt_epi16(_mm512_and_si512(_mm512_loadu_si512(col + b * stride), bc)));
      }
#pragma GCC unroll 16
      for (int b = 0; b < NB; ++b) lif(b, diff[b]);
    } else {
      for (int b = 0; b < nb; ++b) {
        __m512i diff = zero;
        const uint16_t* blk = rec + static_cast<size_t>(b) * stride;
        for (int z = 0; z < nnz; ++z) {
          const __m512i hit = _mm512_popcnt_epi16(
              _mm512_and_si512(_mm512_loadu_si512(blk + nz_k[z]), _mm512_set1_epi16(static_cast<int16_t>(nz_w[z]))));
          diff = z < nnz_exc ? _mm512_add_epi16(diff, hit) : _mm512_sub_epi16(diff, hit);
        }
        lif(b, diff);
      }
    }
    for (int w64 = 0; w64 < sw; ++w64) {
      tally.exc += static_cast<uint64_t>(std::popcount(next64[w64] & net.exc_mask[static_cast<size_t>(w64)]));
      tally.inh += static_cast<uint64_t>(std::popcount(next64[w64] & ~net.exc_mask[static_cast<size_t>(w64)]));
    }
    st.spikes.swap(st.spikes_next);
    if (raster) raster->insert(raster->end(), st.spikes.begin(), st.spikes.begin() + sw);
  }
  return tally;
}

// The event-driven narrow kernel for N = 32·NB (needs VBMI2 for vpcompressw). Same arithmetic as
// narrow_steps, with none of its data-dependent branches but the loop over this step's spikes:
// - each block's LIF update compresses the indices of its spiking lanes into the next step's spike
//   list (vpcompressw), so no scalar bit loop looks for them;
// - the recurrent input adds ±R_h (or ±1 when diff·R_h may leave int16) under each spiking
//   neuron's 32-bit row masks, so when the product fits the multiply is gone too: the partial sums
//   of ±R_h stay within ±n_spikes·R_h <= 32767 and equal diff·R_h exactly;
// - with many spikes (more than 3N/16, where the masked adds cost more than popcounts over every
//   16-bit spike word) the step takes the popcount form over all words instead.
#define ECSIM_EVENT __attribute__((target("avx512f,avx512bw,avx512dq,avx512bitalg,avx512vbmi2")))

template <int NB>
ECSIM_EVENT static NarrowTally narrow_event_steps(const CompiledNet& net, FixedState& st, int steps,
                                                  SpikeRaster* raster) {
  constexpr int N = 32 * NB, NW16 = N / 16, ROW = NB;  // ROW: 32-bit masks per presynaptic row
  static_assert(N % 64 == 0, "the spike vector is whole 64-bit words");
  const NetworkDesc& d = net.desc();
  const FixedConstants& f = d.fixed;
  const int n_exc = d.shape.n_exc, nb_exc = n_exc / 32;
  const NarrowConsts nc = narrow_consts(d);
  const __m512i alpha_syn = nc.alpha_syn, beta_m = nc.beta_m, alpha_out = nc.alpha_out, r_h = nc.r_h, theta = nc.theta,
                gamma_e = nc.gamma_e, gamma_i = nc.gamma_i, zero = _mm512_setzero_si512();
  // per-spike addends, indexed by "inhibitory": ±1 units, and ±R_h (the product, when it fits)
  const int16_t rh = static_cast<int16_t>(f.r_h_q);
  const int16_t unit_tab[2] = {1, -1}, rh_tab[2] = {rh, static_cast<int16_t>(-rh)};
  alignas(64) static constexpr int16_t kIota[32] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
                                                    16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31};
  const __m512i iota = _mm512_load_si512(kIota);

  int16_t* const i_syn16 = st.i_syn16.data();
  int16_t* const v16 = st.v16.data();
  int16_t* const rate16 = st.rate16.data();
  const int16_t* const i_in16 = st.i_in16.data();
  const uint16_t* const pre = net.rec_pre16.data();  // row i: NB 32-bit masks over the post blocks
  const uint16_t* const rec = net.rec_blk16.data();
  const int32_t* const fanout = net.rec_fanout.data();
  const int stride = NW16 * 32;  // rec_blk16 elements between blocks

  // the spike list of s(t-1), in two buffers (the one read, the one being written), with room for
  // the last block's full-width compressed store
  alignas(64) int16_t lists[2][N + 32];
  int16_t* list = lists[0];
  int16_t* next = lists[1];
  int cnt = 0;
  uint64_t words[N / 64];
  for (int w = 0; w < N / 64; ++w) {
    words[w] = st.spikes[static_cast<size_t>(w)];
    for (uint64_t bits = words[w]; bits; bits &= bits - 1)
      list[cnt++] = static_cast<int16_t>(64 * w + std::countr_zero(bits));
  }

  __m512i IS[NB], V[NB];
#pragma GCC unroll 16
  for (int b = 0; b < NB; ++b) {
    IS[b] = _mm512_loadu_si512(i_syn16 + 32 * b);
    V[b] = _mm512_loadu_si512(v16 + 32 * b);
  }

  NarrowTally tally;
  for (int t = 0; t < steps; ++t) {
    const bool product_fits = int64_t{cnt} * f.r_h_q <= 32767;  // |diff| <= cnt
    __m512i P[NB];                                              // diff·R_h (fits) or diff (does not)
#pragma GCC unroll 16
    for (int b = 0; b < NB; ++b) P[b] = zero;
    if (cnt <= 3 * N / 16) {
      const int16_t* tab = product_fits ? rh_tab : unit_tab;
      for (int k = 0; k < cnt; ++k) {
        const int i = list[k];
        tally.rec_synops += static_cast<uint64_t>(fanout[i]);  // spec §7: fan-out of s(t-1) counts at t
        const __m512i add = _mm512_set1_epi16(tab[i >= n_exc]);
        const uint16_t* row = pre + static_cast<size_t>(i) * (2 * ROW);
#pragma GCC unroll 16
        for (int b = 0; b < NB; ++b) {
          uint32_t m;
          std::memcpy(&m, row + 2 * b, sizeof m);
          P[b] = _mm512_mask_add_epi16(P[b], _cvtu32_mask32(m), P[b], add);
        }
      }
    } else {
      for (int k = 0; k < cnt; ++k) tally.rec_synops += static_cast<uint64_t>(fanout[list[k]]);
      for (int k = 0; k < NW16; ++k) {
        const __m512i bc = _mm512_set1_epi16(static_cast<int16_t>(words[k >> 2] >> (16 * (k & 3))));
        const bool exc = 16 * k < n_exc;
#pragma GCC unroll 16
        for (int b = 0; b < NB; ++b) {
          const __m512i hit = _mm512_popcnt_epi16(_mm512_and_si512(_mm512_loadu_si512(rec + b * stride + 32 * k), bc));
          P[b] = exc ? _mm512_add_epi16(P[b], hit) : _mm512_sub_epi16(P[b], hit);
        }
      }
      if (product_fits) {
#pragma GCC unroll 16
        for (int b = 0; b < NB; ++b) P[b] = _mm512_mullo_epi16(P[b], r_h);
      }
    }
    if (!product_fits) {  // P holds diff in ±1 units: saturate the product as the spec's multiplier does
#pragma GCC unroll 16
      for (int b = 0; b < NB; ++b) P[b] = mul_sat16(P[b], r_h);
    }

    int n_next = 0;
    uint32_t fired_bits[NB];
#pragma GCC unroll 16
    for (int b = 0; b < NB; ++b) {
      const int o = 32 * b;
      IS[b] = _mm512_adds_epi16(_mm512_mulhrs_epi16(IS[b], alpha_syn), P[b]);
      const __m512i u = _mm512_adds_epi16(IS[b], _mm512_loadu_si512(i_in16 + o));
      V[b] = _mm512_adds_epi16(V[b], _mm512_mulhrs_epi16(_mm512_subs_epi16(u, V[b]), beta_m));
      const __mmask32 fired = _mm512_cmpgt_epi16_mask(V[b], theta);
      V[b] = _mm512_mask_mov_epi16(V[b], fired, zero);
      __m512i r = _mm512_mulhrs_epi16(_mm512_loadu_si512(rate16 + o), alpha_out);
      r = _mm512_mask_adds_epi16(r, fired, r, b < nb_exc ? gamma_e : gamma_i);
      _mm512_storeu_si512(rate16 + o, r);
      _mm512_storeu_si512(
          next + n_next,
          _mm512_maskz_compress_epi16(fired, _mm512_add_epi16(iota, _mm512_set1_epi16(static_cast<int16_t>(o)))));
      fired_bits[b] = _cvtmask32_u32(fired);
      const int pc = std::popcount(fired_bits[b]);
      n_next += pc;
      (b < nb_exc ? tally.exc : tally.inh) += static_cast<uint64_t>(pc);
    }
#pragma GCC unroll 16
    for (int w = 0; w < N / 64; ++w) words[w] = fired_bits[2 * w] | (uint64_t{fired_bits[2 * w + 1]} << 32);
    if (raster) raster->insert(raster->end(), words, words + N / 64);
    std::swap(list, next);
    cnt = n_next;
  }

#pragma GCC unroll 16
  for (int b = 0; b < NB; ++b) {
    _mm512_storeu_si512(i_syn16 + 32 * b, IS[b]);
    _mm512_storeu_si512(v16 + 32 * b, V[b]);
  }
  std::copy(words, words + N / 64, st.spikes.begin());
  return tally;
}

// int32 state <-> the narrow kernel's int16 copies (values fit: W = W_r = 16)
ECSIM_IO void narrow_pack(const CompiledNet& net, FixedState& st) {
  const size_t np = static_cast<size_t>(net.n_padded());
  for (auto* v16 : {&st.v16, &st.i_syn16, &st.i_in16, &st.rate16}) v16->resize(np);
  const std::pair<const std::vector<int32_t>*, std::vector<int16_t>*> pairs[] = {
      {&st.v, &st.v16}, {&st.i_syn, &st.i_syn16}, {&st.i_in, &st.i_in16}, {&st.rate, &st.rate16}};
  for (auto [from, to] : pairs)
    for (size_t j = 0; j < np; j += 16)
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(to->data() + j),
                          _mm512_cvtepi32_epi16(_mm512_loadu_si512(from->data() + j)));
}

ECSIM_IO void narrow_unpack(const CompiledNet& net, FixedState& st) {
  const size_t np = static_cast<size_t>(net.n_padded());
  const std::pair<const std::vector<int16_t>*, std::vector<int32_t>*> pairs[] = {
      {&st.v16, &st.v}, {&st.i_syn16, &st.i_syn}, {&st.rate16, &st.rate}};
  for (auto [from, to] : pairs)
    for (size_t j = 0; j < np; j += 16)
      _mm512_storeu_si512(to->data() + j, _mm512_cvtepi16_epi32(
                                              _mm256_loadu_si256(reinterpret_cast<const __m256i*>(from->data() + j))));
}

NarrowTally run_avx512_narrow(const CompiledNet& net, FixedState& st, int steps, SpikeRaster* raster, NarrowForm form) {
  static const bool vbmi2 = cpu_has_avx512_vbmi2();
  const bool event = form != NarrowForm::kPopcount && vbmi2;
  switch (net.n()) {
    case 256:
      return event ? narrow_event_steps<8>(net, st, steps, raster) : narrow_steps<8>(net, st, steps, raster);
    case 512:
      return event ? narrow_event_steps<16>(net, st, steps, raster) : narrow_steps<16>(net, st, steps, raster);
    default:
      return narrow_steps<0>(net, st, steps, raster);
  }
}

// spec §4.2: vpdpwssd sums pairs (x_2p, x_2p+1)·(sign_2p,j, sign_2p+1,j) into int32 lanes, exact
// because |Σ x·sign| <= d_in·2^(B_x-1) < 2^31 (checked when the net is compiled); then the scale
// in 64-bit lanes, 8 neurons at a time.
ECSIM_IO void input_projection_avx512(const CompiledNet& net, FixedState& st) {
  const NetworkDesc& d = net.desc();
  const int np = net.n_padded(), pairs = (d.shape.d_in + 1) / 2;
  const int sh = d.fixed.in_shift;
  const __m512i r_in = _mm512_set1_epi64(d.fixed.r_in_q);
  const __m512i rnd = _mm512_set1_epi64(sh ? int64_t{1} << (sh - 1) : 0);
  const __m512i lo = _mm512_set1_epi64(smin(d.arith.state_bits)), hi = _mm512_set1_epi64(smax(d.arith.state_bits));
  const __m128i shift = _mm_cvtsi32_si128(sh);
  uint32_t xp[32768];
  for (int p = 0; p < pairs; ++p) {
    const auto x0 = static_cast<uint16_t>(st.x_q[static_cast<size_t>(2 * p)]);
    const auto x1 =
        2 * p + 1 < d.shape.d_in ? static_cast<uint16_t>(st.x_q[static_cast<size_t>(2 * p + 1)]) : uint16_t{0};
    xp[p] = x0 | (uint32_t{x1} << 16);
  }
  const int32_t* sign = net.in_pairs.data();
  for (int j = 0; j < np; j += 16) {
    __m512i acc = _mm512_setzero_si512();
    for (int p = 0; p < pairs; ++p)
      if (xp[p])
        acc = _mm512_dpwssd_epi32(acc, _mm512_set1_epi32(static_cast<int32_t>(xp[p])),
                                  _mm512_loadu_si512(sign + static_cast<size_t>(p) * np + j));
    for (int h = 0; h < 2; ++h) {
      const __m512i a64 = _mm512_cvtepi32_epi64(h ? _mm512_extracti64x4_epi64(acc, 1) : _mm512_castsi512_si256(acc));
      __m512i y = _mm512_sra_epi64(_mm512_add_epi64(_mm512_mullo_epi64(a64, r_in), rnd), shift);
      y = _mm512_min_epi64(_mm512_max_epi64(y, lo), hi);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(st.i_in.data() + j + 8 * h), _mm512_cvtepi64_epi32(y));
    }
  }
}

// spec §4.3: masked 64-bit sums of the signed rates, then the scalar scale and clamp
ECSIM_IO void readout_avx512(const CompiledNet& net, FixedState& st, float* action) {
  const NetworkDesc& d = net.desc();
  const int nb = net.n_padded() / 16;
  EventCounters& c = st.counters;
  __m512i fan = _mm512_setzero_si512();
  for (int b = 0; b < nb; ++b) {
    const __m512i r = _mm512_loadu_si512(st.rate.data() + 16 * b);
    const __mmask16 nz = _mm512_test_epi32_mask(r, r);
    fan = _mm512_mask_add_epi32(fan, nz, fan, _mm512_loadu_si512(net.out_fanout.data() + 16 * b));
  }
  c.out_synops += static_cast<uint64_t>(_mm512_reduce_add_epi32(fan));
  for (int k = 0; k < d.shape.d_out; ++k) {
    const uint16_t* mask = net.out_mask16.data() + static_cast<size_t>(k) * static_cast<size_t>(nb);
    __m512i sum = _mm512_setzero_si512();
    for (int b = 0; b < nb; ++b) {
      const __m512i r = _mm512_loadu_si512(st.rate.data() + 16 * b);
      sum = _mm512_mask_add_epi64(sum, static_cast<__mmask8>(mask[b]), sum,
                                  _mm512_cvtepi32_epi64(_mm512_castsi512_si256(r)));
      sum = _mm512_mask_add_epi64(sum, static_cast<__mmask8>(mask[b] >> 8), sum,
                                  _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(r, 1)));
    }
    bool sat = false;
    const int32_t aq = action_from_sum(d, _mm512_reduce_add_epi64(sum), &sat);
    c.action_saturations += sat;
    st.a_q[static_cast<size_t>(k)] = aq;
    action[k] = static_cast<float>(aq) * (1.0f / static_cast<float>(int64_t{1} << d.arith.action_frac_bits));
  }
}

// ±1 under each spiking neuron's 16-bit row chunks, no branch on empty chunks (they add nothing)
ECSIM_AVX512 void recurrent_diff_avx512(const CompiledNet& net, const uint64_t* spikes, int32_t* diff) {
  const int np = net.n_padded(), nb16 = np / 16, sw = np / 64, n_exc = net.desc().shape.n_exc;
  std::memset(diff, 0, sizeof(int32_t) * static_cast<size_t>(np));
  const __m512i one = _mm512_set1_epi32(1), minus_one = _mm512_set1_epi32(-1);
  for (int w = 0; w < sw; ++w)
    for (uint64_t bits = spikes[w]; bits; bits &= bits - 1) {
      const int i = 64 * w + std::countr_zero(bits);
      const uint16_t* chunks = net.rec_pre16.data() + static_cast<size_t>(i) * static_cast<size_t>(nb16);
      const __m512i sign = i < n_exc ? one : minus_one;
      for (int b = 0; b < nb16; ++b) {
        const __m512i dv = _mm512_loadu_si512(diff + 16 * b);
        _mm512_storeu_si512(diff + 16 * b, _mm512_mask_add_epi32(dv, chunks[b], dv, sign));
      }
    }
}

// 16 neurons per vector, the terms bit·(±x_i) formed and added exactly as the portable loop does
// (0·x is a signed zero, and NaN·0 is NaN, in both)
ECSIM_AVX512 void float_input_avx512(const CompiledNet& net, const float* obs, float r_in, float* i_in) {
  const int N = net.n(), d_in = net.desc().shape.d_in, n16 = N / 16 * 16;
  const Theta& th = net.theta();
  const __m512 one = _mm512_set1_ps(1.0f), r = _mm512_set1_ps(r_in);
  for (int j = 0; j < n16; j += 16) {
    __m512 acc = _mm512_setzero_ps();
    for (int i = 0; i < 2 * d_in; ++i) {
      const auto m = static_cast<__mmask16>(th.in.row(i)[j >> 6] >> (j & 63));
      const float x = i < d_in ? obs[i] : -obs[i - d_in];
      acc = _mm512_add_ps(acc, _mm512_mul_ps(_mm512_maskz_mov_ps(m, one), _mm512_set1_ps(x)));
    }
    _mm512_storeu_ps(i_in + j, _mm512_mul_ps(r, acc));
  }
  float_input_portable(net, obs, r_in, i_in, n16);
}

// spec §8 lane by lane: the same float32 operations in the same order as float_lif_portable
// (the library is compiled with -ffp-contract=off, so no multiply-add is fused)
ECSIM_AVX512 void float_lif_avx512(const CompiledNet& net, const FloatLif& k, FloatState& st) {
  const int N = net.n(), n_exc = net.desc().shape.n_exc, n16 = N / 16 * 16;
  const __m512 a_syn = _mm512_set1_ps(k.a_syn), r_h = _mm512_set1_ps(k.r_h), a_m = _mm512_set1_ps(k.a_m),
               b_m = _mm512_set1_ps(k.b_m), a_out = _mm512_set1_ps(k.a_out), g_out = _mm512_set1_ps(k.g_out);
  const __m512 one = _mm512_set1_ps(1.0f), minus_one = _mm512_set1_ps(-1.0f), zero = _mm512_setzero_ps();
  for (int j = 0; j < n16; j += 16) {
    const size_t J = static_cast<size_t>(j);
    const __m512 is = _mm512_add_ps(_mm512_mul_ps(a_syn, _mm512_loadu_ps(&st.i_syn[J])),
                                    _mm512_mul_ps(r_h, _mm512_cvtepi32_ps(_mm512_loadu_si512(&st.diff[J]))));
    _mm512_storeu_ps(&st.i_syn[J], is);
    const __m512 v = _mm512_add_ps(_mm512_mul_ps(a_m, _mm512_loadu_ps(&st.v[J])),
                                   _mm512_mul_ps(b_m, _mm512_add_ps(is, _mm512_loadu_ps(&st.i_in[J]))));
    const __mmask16 fired = _mm512_cmp_ps_mask(v, one, _CMP_GT_OQ);
    _mm512_storeu_ps(&st.v[J], _mm512_mask_mov_ps(v, fired, zero));
    const int exc_lanes = std::clamp(n_exc - j, 0, 16);
    const __mmask16 exc = static_cast<__mmask16>((1u << exc_lanes) - 1u);
    const __m512 sgn = _mm512_maskz_mov_ps(fired, _mm512_mask_mov_ps(minus_one, exc, one));
    _mm512_storeu_ps(&st.rate[J],
                     _mm512_add_ps(_mm512_mul_ps(a_out, _mm512_loadu_ps(&st.rate[J])), _mm512_mul_ps(g_out, sgn)));
    st.spikes_next[J >> 6] |= static_cast<uint64_t>(fired) << (j & 63);
  }
  float_lif_tail(net, k, st, n16);
}

#else
void float_input_avx512(const CompiledNet& net, const float* obs, float r_in, float* i_in) {
  float_input_portable(net, obs, r_in, i_in, 0);
}
void float_lif_avx512(const CompiledNet& net, const FloatLif& k, FloatState& st) { float_lif_tail(net, k, st, 0); }
void recurrent_diff_avx512(const CompiledNet& net, const uint64_t* spikes, int32_t* diff) {
  recurrent_diff_portable(net, spikes, diff);
}
void narrow_pack(const CompiledNet&, FixedState&) {}
void narrow_unpack(const CompiledNet&, FixedState&) {}
void input_projection_avx512(const CompiledNet&, FixedState&) {}
void readout_avx512(const CompiledNet&, FixedState&, float*) {}
void inner_step_avx512_wide(const CompiledNet&, FixedState&) {}
NarrowTally run_avx512_narrow(const CompiledNet&, FixedState&, int, SpikeRaster*, NarrowForm) { return {}; }
#endif

}  // namespace ecsim::ref::detail
