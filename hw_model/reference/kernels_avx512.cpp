// The AVX-512 fixed-point recurrent step: the same integer arithmetic as the portable kernel in
// network.cpp (spec §5.2), on 16 neurons per int32 vector. Compiled with target attributes and
// chosen at run time, so the binary still runs on CPUs without AVX-512.
//
// Two ways to form the popcount difference, both exact, chosen per inner step by cost:
//  - popcount: for each nonzero 32-bit spike word k, popcount(row word ∧ s_k), ±;
//  - event:    for each spiking neuron i, add ±1 under the 16-bit mask of its row (few spikes).
// GCC 12 reports -Wmaybe-uninitialized inside its own avx512fintrin.h for _mm512_*_undefined
// operands of shift/mask intrinsics (a compiler false positive, not our code).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <bit>
#include <cstring>

#include "reference/network.h"

namespace ecsim::ref::detail {

#if defined(__x86_64__) && defined(__GNUC__)

#define ECSIM_AVX512 __attribute__((target("avx512f,avx512bw,avx512vpopcntdq")))

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
  is = clamp(_mm512_add_epi32(is, _mm512_mullo_epi32(diff, c.r_h)), c.smin, c.smax);
  _mm512_storeu_si512(i_syn, is);
  const __m512i u = clamp(_mm512_add_epi32(is, _mm512_loadu_si512(i_in)), c.smin, c.smax);
  __m512i vv = _mm512_loadu_si512(v);
  __m512i dv = _mm512_mullo_epi32(_mm512_sub_epi32(u, vv), c.beta_m);
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

ECSIM_AVX512 bool inner_step_avx512(const CompiledNet& net, FixedState& st) {
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
        pos = _mm512_add_epi32(pos, _mm512_popcnt_epi32(_mm512_and_si512(w, _mm512_set1_epi32(static_cast<int32_t>(nz_w[z])))));
      }
      for (; z < nnz; ++z) {
        const __m512i w = _mm512_loadu_si512(blk + nz_k[z] * 16);
        neg = _mm512_add_epi32(neg, _mm512_popcnt_epi32(_mm512_and_si512(w, _mm512_set1_epi32(static_cast<int32_t>(nz_w[z])))));
      }
      diff = _mm512_sub_epi32(pos, neg);
    }
    const size_t o = static_cast<size_t>(16 * b);
    const __mmask16 fired = lif_block(c, 16 * b < d.shape.n_exc ? gamma_e : gamma_i, diff, st.i_syn.data() + o,
                                      st.i_in.data() + o, st.v.data() + o, st.rate.data() + o);
    st.spikes_next[static_cast<size_t>(b >> 2)] |= static_cast<uint64_t>(fired) << (16 * (b & 3));
  }
  return true;
}

#else
bool inner_step_avx512(const CompiledNet&, FixedState&) { return false; }
#endif

}  // namespace ecsim::ref::detail
