// The AVX2 narrow kernel: the int16 datapath of kernels_avx512.cpp (W = W_r = 16, C <= 15) on
// 16 neurons per 256-bit vector, for CPUs without AVX-512. vpmulhrsw/vpaddsw/vpsubsw give the
// spec's round_shift and saturating adders exactly, as in the AVX-512 kernel. The recurrent input
// is exact either way: ±1 under each spiking neuron's 16-bit row chunks (few spikes), or the
// scalar popcount_accumulate per neuron (many spikes).
#include <immintrin.h>

#include <bit>
#include <cstring>

#include "reference/network.h"
#include "reference/popcount.h"

namespace ecsim::ref::detail {

#if defined(__x86_64__) && defined(__GNUC__)

#define ECSIM_AVX2 __attribute__((target("avx2,popcnt,bmi")))

ECSIM_AVX2 NarrowTally run_avx2_narrow(const CompiledNet& net, FixedState& st, int steps, SpikeRaster* raster) {
  const NetworkDesc& d = net.desc();
  const ArithConfig& a = d.arith;
  const FixedConstants& f = d.fixed;
  const int N = net.n(), nb = N / 16, sw = net.spike_words(), nb16 = net.n_padded() / 16;
  const int up = 15 - a.const_bits;  // constants pre-scaled so that vpmulhrsw shifts by C
  const __m256i alpha_syn = _mm256_set1_epi16(static_cast<int16_t>(f.alpha_syn_q << up));
  const __m256i beta_m = _mm256_set1_epi16(static_cast<int16_t>(f.beta_m_q << up));
  const __m256i alpha_out = _mm256_set1_epi16(static_cast<int16_t>(f.alpha_out_q << up));
  const __m256i r_h = _mm256_set1_epi16(static_cast<int16_t>(f.r_h_q));
  const __m256i theta = _mm256_set1_epi16(static_cast<int16_t>(f.theta_q));
  const __m256i gamma_e = _mm256_set1_epi16(static_cast<int16_t>(f.gamma_q));
  const __m256i gamma_i = _mm256_set1_epi16(static_cast<int16_t>(-f.gamma_q));
  const __m256i lane_bit = _mm256_setr_epi16(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192,
                                             static_cast<int16_t>(16384), static_cast<int16_t>(-32768));
  int16_t* const i_syn16 = st.i_syn16.data();
  int16_t* const v16 = st.v16.data();
  int16_t* const rate16 = st.rate16.data();
  const int16_t* const i_in16 = st.i_in16.data();
  st.diff16.resize(static_cast<size_t>(net.n_padded()));
  int16_t* const diff16 = st.diff16.data();
  const int32_t* const fanout = net.rec_fanout.data();

  NarrowTally tally;
  for (int t = 0; t < steps; ++t) {
    const uint64_t* s64 = st.spikes.data();
    int n_spikes = 0;
    for (int w = 0; w < sw; ++w) {
      n_spikes += std::popcount(s64[w]);
      for (uint64_t bits = s64[w]; bits; bits &= bits - 1)  // spec §7: fan-out of s(t-1) counts at t
        tally.rec_synops += static_cast<uint64_t>(fanout[64 * w + std::countr_zero(bits)]);
    }
    // the popcount differences (exact integers, |diff| <= N/2 fits int16)
    if (n_spikes * 8 <= N) {
      std::memset(diff16, 0, sizeof(int16_t) * static_cast<size_t>(N));
      for (int w = 0; w < sw; ++w)
        for (uint64_t bits = s64[w]; bits; bits &= bits - 1) {
          const int i = 64 * w + std::countr_zero(bits);
          const uint16_t* chunks = net.rec_pre16.data() + static_cast<size_t>(i) * static_cast<size_t>(nb16);
          const bool exc = i < d.shape.n_exc;
          for (int b = 0; b < nb; ++b) {
            if (!chunks[b]) continue;
            const __m256i sel = _mm256_cmpeq_epi16(
                _mm256_and_si256(_mm256_set1_epi16(static_cast<int16_t>(chunks[b])), lane_bit), lane_bit);
            __m256i* p = reinterpret_cast<__m256i*>(diff16 + 16 * b);
            const __m256i dv = _mm256_loadu_si256(p);  // sel lanes are -1: subtracting adds one
            _mm256_storeu_si256(p, exc ? _mm256_sub_epi16(dv, sel) : _mm256_add_epi16(dv, sel));
          }
        }
    } else {
      for (int j = 0; j < N; ++j)
        diff16[j] = static_cast<int16_t>(popcount_accumulate(
            net.rec_post.data() + static_cast<size_t>(j) * static_cast<size_t>(sw), s64, net.exc_mask.data(), sw));
    }
    const bool product_fits = int64_t{n_spikes} * f.r_h_q <= 32767;
    uint64_t* const next64 = st.spikes_next.data();
    std::memset(next64, 0, sizeof(uint64_t) * static_cast<size_t>(sw));
    for (int b = 0; b < nb; ++b) {
      const size_t o = static_cast<size_t>(16 * b);
      const __m256i diff = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(diff16 + o));
      __m256i p;
      if (product_fits) {
        p = _mm256_mullo_epi16(diff, r_h);
      } else {  // sat16(diff·R) from the two halves of the 32-bit product
        const __m256i lo = _mm256_mullo_epi16(diff, r_h), hi = _mm256_mulhi_epi16(diff, r_h);
        const __m256i fits = _mm256_cmpeq_epi16(hi, _mm256_srai_epi16(lo, 15));
        const __m256i sat = _mm256_xor_si256(_mm256_srai_epi16(hi, 15), _mm256_set1_epi16(0x7fff));
        p = _mm256_blendv_epi8(sat, lo, fits);
      }
      const __m256i is = _mm256_adds_epi16(
          _mm256_mulhrs_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(i_syn16 + o)), alpha_syn), p);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(i_syn16 + o), is);
      const __m256i u = _mm256_adds_epi16(is, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(i_in16 + o)));
      __m256i vv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(v16 + o));
      vv = _mm256_adds_epi16(vv, _mm256_mulhrs_epi16(_mm256_subs_epi16(u, vv), beta_m));
      const __m256i fired = _mm256_cmpgt_epi16(vv, theta);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(v16 + o), _mm256_andnot_si256(fired, vv));
      const bool exc = 16 * b < d.shape.n_exc;
      __m256i r = _mm256_mulhrs_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(rate16 + o)), alpha_out);
      r = _mm256_adds_epi16(r, _mm256_and_si256(fired, exc ? gamma_e : gamma_i));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(rate16 + o), r);
      const auto mask = static_cast<uint32_t>(
          _mm_movemask_epi8(_mm_packs_epi16(_mm256_castsi256_si128(fired), _mm256_extracti128_si256(fired, 1))));
      next64[b >> 2] |= static_cast<uint64_t>(mask) << (16 * (b & 3));
      (exc ? tally.exc : tally.inh) += static_cast<uint64_t>(std::popcount(mask));
    }
    st.spikes.swap(st.spikes_next);
    if (raster) raster->insert(raster->end(), st.spikes.begin(), st.spikes.begin() + sw);
  }
  return tally;
}

#else
NarrowTally run_avx2_narrow(const CompiledNet&, FixedState&, int, SpikeRaster*) { return {}; }
#endif

}  // namespace ecsim::ref::detail
