// The AVX2 narrow kernel: the int16 datapath of kernels_avx512.cpp (W = W_r = 16, C <= 15) on
// 16 neurons per 256-bit vector, for CPUs without AVX-512. vpmulhrsw/vpaddsw/vpsubsw give the
// spec's round_shift and saturating adders exactly, as in the AVX-512 kernel. The recurrent input
// is exact in every form (network.h, Avx2Form): the spiking neurons' rows added 32 lanes at a
// time, from signed int8 rows or spread from bit rows (few spikes), or the scalar
// popcount_accumulate per neuron (many spikes).
#include <immintrin.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include "reference/network.h"
#include "reference/neuron.h"
#include "reference/popcount.h"

namespace ecsim::ref::detail {

#if defined(__x86_64__) && defined(__GNUC__)

#define ECSIM_AVX2 __attribute__((target("avx2,popcnt,bmi")))

// the event forms while at most N / kEventFraction neurons spike. Measured (BM_Avx2Recurrent*,
// docs/results.md): the event form is 2.6× to 21× faster at every firing rate a network reaches
// (up to 23 %), and the lines cross near 50 % (N = 1024, 4096) or later (N = 256)
constexpr int kEventFraction = 2;

namespace {

// 32 bits as 32 bytes: -1 where the bit is set, 0 elsewhere (bit l of m -> byte l)
ECSIM_AVX2 inline __m256i bits_to_bytes(uint32_t m) {
  const __m256i spread =
      _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
  const __m256i bit = _mm256_set1_epi64x(static_cast<int64_t>(0x8040201008040201ull));
  const __m256i bytes = _mm256_shuffle_epi8(_mm256_set1_epi32(static_cast<int32_t>(m)), spread);
  return _mm256_cmpeq_epi8(_mm256_and_si256(bytes, bit), bit);
}

// Lanes [t, t + 32·Q) of diff16 = Σ over spikes[g0, g1) of sign(i)·K_h[i][·], the spikes in index
// order (so the excitatory ones, i < n_exc, come first). Q 32-lane int8 accumulators stay in
// registers while every spike's row adds to them: from the int8 rows (kBytes, rec_pre8: one load
// and add per 32 lanes) or from the bit rows (rec_pre16: 32 bits broadcast, spread to bytes,
// compared into 0 / -1). int8 holds a sum of up to 127 rows exactly; `add` adds the widened sums
// to diff16 (a later group) instead of storing them.
template <int Q, bool kBytes>
ECSIM_AVX2 inline void add_tile(const CompiledNet& net, const int32_t* spikes, int g0, int g1, int t, bool add,
                                int16_t* diff16) {
  const int n_exc = net.desc().shape.n_exc;
  __m256i a[Q];
  for (__m256i& x : a) x = _mm256_setzero_si256();
  for (int k = g0; k < g1; ++k) {
    const int i = spikes[k];
    if constexpr (kBytes) {  // the rows carry the sign
      const int8_t* r = net.rec_pre8.data() + static_cast<size_t>(i) * static_cast<size_t>(net.rec_pre8_stride) + t;
      for (int q = 0; q < Q; ++q)
        a[q] = _mm256_add_epi8(a[q], _mm256_loadu_si256(reinterpret_cast<const __m256i*>(r + 32 * q)));
    } else {
      const uint16_t* r =
          net.rec_pre16.data() + static_cast<size_t>(i) * static_cast<size_t>(net.n_padded() / 16) + t / 16;
      const bool exc = i < n_exc;
      for (int q = 0; q < Q; ++q) {
        uint32_t m;
        std::memcpy(&m, r + 2 * q, sizeof m);  // lanes t + 32q .. + 31
        const __m256i sel = bits_to_bytes(m);  // -1 under a connection
        a[q] = exc ? _mm256_sub_epi8(a[q], sel) : _mm256_add_epi8(a[q], sel);
      }
    }
  }
  for (int q = 0; q < Q; ++q) {
    __m256i* p = reinterpret_cast<__m256i*>(diff16 + t + 32 * q);
    __m256i lo = _mm256_cvtepi8_epi16(_mm256_castsi256_si128(a[q]));
    __m256i hi = _mm256_cvtepi8_epi16(_mm256_extracti128_si256(a[q], 1));
    if (add) {  // |diff| <= N/2 fits int16: plain adds are exact
      lo = _mm256_add_epi16(lo, _mm256_loadu_si256(p));
      hi = _mm256_add_epi16(hi, _mm256_loadu_si256(p + 1));
    }
    _mm256_storeu_si256(p, lo);
    _mm256_storeu_si256(p + 1, hi);
  }
}

// diff16[0, span) from the listed spikes, in groups of 127, tiles of 256 lanes (the last tile of
// the bit rows may be 64, 128 or 192: N_pad is a multiple of 64)
template <bool kBytes>
ECSIM_AVX2 void add_rows(const CompiledNet& net, const int32_t* spikes, int n_spikes, int16_t* diff16) {
  constexpr int kGroup = 127;
  const int span = kBytes ? net.rec_pre8_stride : net.n_padded();
  for (int g0 = 0; g0 < n_spikes || g0 == 0; g0 += kGroup) {
    const int g1 = std::min(n_spikes, g0 + kGroup);
    for (int t = 0; t < span; t += 256) switch (std::min(8, (span - t) / 32)) {
        case 8:
          add_tile<8, kBytes>(net, spikes, g0, g1, t, g0 > 0, diff16);
          break;
        case 6:
          add_tile<6, kBytes>(net, spikes, g0, g1, t, g0 > 0, diff16);
          break;
        case 4:
          add_tile<4, kBytes>(net, spikes, g0, g1, t, g0 > 0, diff16);
          break;
        default:
          add_tile<2, kBytes>(net, spikes, g0, g1, t, g0 > 0, diff16);
      }
  }
}

// The int16 LIF of 16 neurons (spec §5.2 steps 2-7): one description for the whole-network
// kernel and for a chip core's slice (lif_narrow_avx2). Constants are pre-scaled so that
// vpmulhrsw shifts by C.
struct Lif16 {
  __m256i alpha_syn, beta_m, alpha_out, r_h, theta, gamma;
  ECSIM_AVX2 explicit Lif16(const NetworkDesc& d) {
    const FixedConstants& f = d.fixed;
    const int up = 15 - d.arith.const_bits;
    alpha_syn = _mm256_set1_epi16(static_cast<int16_t>(f.alpha_syn_q << up));
    beta_m = _mm256_set1_epi16(static_cast<int16_t>(f.beta_m_q << up));
    alpha_out = _mm256_set1_epi16(static_cast<int16_t>(f.alpha_out_q << up));
    r_h = _mm256_set1_epi16(static_cast<int16_t>(f.r_h_q));
    theta = _mm256_set1_epi16(static_cast<int16_t>(f.theta_q));
    gamma = _mm256_set1_epi16(static_cast<int16_t>(f.gamma_q));
  }
  // updates the 16 neurons' v, i_syn, rate (int16 lanes) in place; sign: +1 (excitatory) or −1
  // per lane; product_fits: |diff·R| <= 32767 in every lane. Returns the fired lanes (all ones).
  ECSIM_AVX2 __m256i step(__m256i diff, __m256i i_in, __m256i sign, bool product_fits, __m256i& v, __m256i& i_syn,
                          __m256i& rate) const {
    __m256i p;
    if (product_fits) {
      p = _mm256_mullo_epi16(diff, r_h);
    } else {  // sat16(diff·R) from the two halves of the 32-bit product
      const __m256i lo = _mm256_mullo_epi16(diff, r_h), hi = _mm256_mulhi_epi16(diff, r_h);
      const __m256i fits = _mm256_cmpeq_epi16(hi, _mm256_srai_epi16(lo, 15));
      const __m256i sat = _mm256_xor_si256(_mm256_srai_epi16(hi, 15), _mm256_set1_epi16(0x7fff));
      p = _mm256_blendv_epi8(sat, lo, fits);
    }
    i_syn = _mm256_adds_epi16(_mm256_mulhrs_epi16(i_syn, alpha_syn), p);
    const __m256i u = _mm256_adds_epi16(i_syn, i_in);
    const __m256i vv = _mm256_adds_epi16(v, _mm256_mulhrs_epi16(_mm256_subs_epi16(u, v), beta_m));
    const __m256i fired = _mm256_cmpgt_epi16(vv, theta);
    v = _mm256_andnot_si256(fired, vv);
    rate = _mm256_adds_epi16(_mm256_mulhrs_epi16(rate, alpha_out),
                             _mm256_and_si256(fired, _mm256_sign_epi16(gamma, sign)));
    return fired;
  }
  // the same on 16 neurons in memory
  ECSIM_AVX2 __m256i step(__m256i diff, __m256i i_in, __m256i sign, bool product_fits, int16_t* v, int16_t* i_syn,
                          int16_t* rate) const {
    __m256i vv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(v));
    __m256i is = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(i_syn));
    __m256i rr = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rate));
    const __m256i fired = step(diff, i_in, sign, product_fits, vv, is, rr);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(v), vv);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(i_syn), is);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(rate), rr);
    return fired;
  }
};

}  // namespace

ECSIM_AVX2 NarrowTally run_avx2_narrow(const CompiledNet& net, FixedState& st, int steps, SpikeRaster* raster,
                                       Avx2Form form) {
  const NetworkDesc& d = net.desc();
  const FixedConstants& f = d.fixed;
  const int N = net.n(), nb = N / 16, sw = net.spike_words();
  const Lif16 lif(d);
  const __m256i plus = _mm256_set1_epi16(1), minus = _mm256_set1_epi16(-1);
  int16_t* const i_syn16 = st.i_syn16.data();
  int16_t* const v16 = st.v16.data();
  int16_t* const rate16 = st.rate16.data();
  const int16_t* const i_in16 = st.i_in16.data();
  const bool int8_rows = !net.rec_pre8.empty() && (form == Avx2Form::kAuto || form == Avx2Form::kEvent);
  st.diff16.resize(static_cast<size_t>(std::max(net.n_padded(), net.rec_pre8_stride)));
  int16_t* const diff16 = st.diff16.data();
  st.spike_list.resize(static_cast<size_t>(N));
  int32_t* const spike_list = st.spike_list.data();
  const int32_t* const fanout = net.rec_fanout.data();

  NarrowTally tally;
  for (int t = 0; t < steps; ++t) {
    const uint64_t* s64 = st.spikes.data();
    int n_spikes = 0;
    for (int w = 0; w < sw; ++w)
      for (uint64_t bits = s64[w]; bits; bits &= bits - 1) {  // spec §7: fan-out of s(t-1) counts at t
        const int i = 64 * w + std::countr_zero(bits);
        tally.rec_synops += static_cast<uint64_t>(fanout[i]);
        spike_list[n_spikes++] = i;
      }
    // the popcount differences (exact integers, |diff| <= N/2 fits int16)
    if (form == Avx2Form::kEvent || (form != Avx2Form::kPopcount && n_spikes * kEventFraction <= N)) {
      if (int8_rows)
        add_rows<true>(net, spike_list, n_spikes, diff16);
      else
        add_rows<false>(net, spike_list, n_spikes, diff16);
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
      const bool exc = 16 * b < d.shape.n_exc;  // the E/I split lies on a block boundary (CompiledNet)
      const __m256i fired = lif.step(diff, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(i_in16 + o)),
                                     exc ? plus : minus, product_fits, v16 + o, i_syn16 + o, rate16 + o);
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

namespace {

static_assert(sizeof(NeuronState) == 12, "NeuronState is three int32: the AoS shuffles below rely on it");

// 8 NeuronStates (24 int32 at q: v0 i0 r0 v1 …) into 8 lanes each of v, i_syn and rate. Each
// field sits at lanes {0,3,6}, {1,4,7} or {2,5} of the three loads: two blends gather them and a
// permutation orders them.
ECSIM_AVX2 inline void load_states8(const int32_t* q, __m256i& v, __m256i& is, __m256i& rt) {
  const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
  const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 8));
  const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 16));
  v = _mm256_permutevar8x32_epi32(_mm256_blend_epi32(_mm256_blend_epi32(a, b, 0x92), c, 0x24),
                                  _mm256_setr_epi32(0, 3, 6, 1, 4, 7, 2, 5));
  is = _mm256_permutevar8x32_epi32(_mm256_blend_epi32(_mm256_blend_epi32(a, b, 0x24), c, 0x49),
                                   _mm256_setr_epi32(1, 4, 7, 2, 5, 0, 3, 6));
  rt = _mm256_permutevar8x32_epi32(_mm256_blend_epi32(_mm256_blend_epi32(a, b, 0x49), c, 0x92),
                                   _mm256_setr_epi32(2, 5, 0, 3, 6, 1, 4, 7));
}

// the inverse of load_states8
ECSIM_AVX2 inline void store_states8(int32_t* q, __m256i v, __m256i is, __m256i rt) {
  const __m256i tv = _mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(0, 3, 6, 1, 4, 7, 2, 5));
  const __m256i ti = _mm256_permutevar8x32_epi32(is, _mm256_setr_epi32(5, 0, 3, 6, 1, 4, 7, 2));
  const __m256i tr = _mm256_permutevar8x32_epi32(rt, _mm256_setr_epi32(2, 5, 0, 3, 6, 1, 4, 7));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(q), _mm256_blend_epi32(_mm256_blend_epi32(tv, ti, 0x92), tr, 0x24));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(q + 8),
                      _mm256_blend_epi32(_mm256_blend_epi32(tv, ti, 0x24), tr, 0x49));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(q + 16),
                      _mm256_blend_epi32(_mm256_blend_epi32(tv, ti, 0x49), tr, 0x92));
}

// two vectors of 8 int32 that fit int16 as one of 16 int16, in order
ECSIM_AVX2 inline __m256i pack16(__m256i lo, __m256i hi) {
  return _mm256_permute4x64_epi64(_mm256_packs_epi32(lo, hi), 0xD8);
}
ECSIM_AVX2 inline __m256i widen_lo(__m256i x) { return _mm256_cvtepi16_epi32(_mm256_castsi256_si128(x)); }
ECSIM_AVX2 inline __m256i widen_hi(__m256i x) { return _mm256_cvtepi16_epi32(_mm256_extracti128_si256(x, 1)); }

// 32 int16 sums (lo: rows 0-15, hi: 16-31) as int64 at out
ECSIM_AVX2 inline void store_sums32(__m256i lo, __m256i hi, int64_t* out) {
  for (int h = 0; h < 2; ++h) {
    const __m256i x = h ? hi : lo;
    const __m256i a = _mm256_cvtepi16_epi32(_mm256_castsi256_si128(x)),
                  b = _mm256_cvtepi16_epi32(_mm256_extracti128_si256(x, 1));
    int64_t* o = out + 16 * h;
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o), _mm256_cvtepi32_epi64(_mm256_castsi256_si128(a)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + 4), _mm256_cvtepi32_epi64(_mm256_extracti128_si256(a, 1)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + 8), _mm256_cvtepi32_epi64(_mm256_castsi256_si128(b)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + 12), _mm256_cvtepi32_epi64(_mm256_extracti128_si256(b, 1)));
  }
}

// 8 int64 that fit int32 (at p) as 8 int32
ECSIM_AVX2 inline __m256i narrow64(const int64_t* p) {
  const __m256i even = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
  const __m256i a = _mm256_permutevar8x32_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), even);
  const __m256i b = _mm256_permutevar8x32_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 4)), even);
  return _mm256_inserti128_si256(a, _mm256_castsi256_si128(b), 1);
}

}  // namespace

ECSIM_AVX2 void lif_narrow_avx2(const NetworkDesc& d, int first, int n, const int64_t* diff, const int32_t* i_in,
                                NeuronState* s, uint8_t* fired) {
  const Lif16 lif(d);
  const int16_t diff_lim = static_cast<int16_t>(d.fixed.r_h_q > 0 ? 32767 / d.fixed.r_h_q : 32767);
  const __m256i lim = _mm256_set1_epi16(diff_lim),
                lane = _mm256_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const int n_exc = d.shape.n_exc;
  alignas(32) int16_t df[16], in[16], v[16], is[16], rt[16], sg[16];
  int b = 0;
  for (; b + 16 <= n; b += 16) {  // whole blocks: the AoS state shuffled into int16 lanes and back
    int32_t* q = reinterpret_cast<int32_t*>(s + b);
    __m256i v0, i0, r0, v1, i1, r1;
    load_states8(q, v0, i0, r0);
    load_states8(q + 24, v1, i1, r1);
    __m256i vv = pack16(v0, v1), ss = pack16(i0, i1), rr = pack16(r0, r1);
    const __m256i dd = pack16(narrow64(diff + b), narrow64(diff + b + 8));
    const __m256i ii = pack16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(i_in + b)),
                              _mm256_loadu_si256(reinterpret_cast<const __m256i*>(i_in + b + 8)));
    const bool product_fits = _mm256_movemask_epi8(_mm256_cmpgt_epi16(_mm256_abs_epi16(dd), lim)) == 0;
    // +1 for lanes below n_exc, −1 from it on (the lanes greater than the last excitatory one)
    const __m256i last_exc = _mm256_set1_epi16(static_cast<int16_t>(std::clamp(n_exc - first - b, 0, 16) - 1));
    const __m256i sign = _mm256_or_si256(_mm256_cmpgt_epi16(lane, last_exc), _mm256_set1_epi16(1));
    const __m256i f = lif.step(dd, ii, sign, product_fits, vv, ss, rr);
    store_states8(q, widen_lo(vv), widen_lo(ss), widen_lo(rr));
    store_states8(q + 24, widen_hi(vv), widen_hi(ss), widen_hi(rr));
    // the fired lanes as bytes 0 / 1
    const __m256i bytes = _mm256_permute4x64_epi64(_mm256_packs_epi16(f, f), 0xD8);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(fired + b),
                     _mm_and_si128(_mm256_castsi256_si128(bytes), _mm_set1_epi8(1)));
  }
  if (b < n) {  // a short last block runs zero lanes and keeps n − b of them
    const int m = n - b;
    bool product_fits = true;
    for (int l = 0; l < 16; ++l) {
      const bool live = l < m;
      const NeuronState z{};
      const NeuronState& x = live ? s[b + l] : z;
      const int64_t dl = live ? diff[b + l] : 0;
      product_fits = product_fits && (dl < 0 ? -dl : dl) * d.fixed.r_h_q <= 32767;
      df[l] = static_cast<int16_t>(dl);
      in[l] = static_cast<int16_t>(live ? i_in[b + l] : 0);
      v[l] = static_cast<int16_t>(x.v);
      is[l] = static_cast<int16_t>(x.i_syn);
      rt[l] = static_cast<int16_t>(x.rate);
      sg[l] = first + b + l < n_exc ? int16_t{1} : int16_t{-1};
    }
    const __m256i f = lif.step(_mm256_load_si256(reinterpret_cast<const __m256i*>(df)),
                               _mm256_load_si256(reinterpret_cast<const __m256i*>(in)),
                               _mm256_load_si256(reinterpret_cast<const __m256i*>(sg)), product_fits, v, is, rt);
    const auto mask = static_cast<uint32_t>(_mm256_movemask_epi8(f));  // two bits per lane
    for (int l = 0; l < m; ++l) {
      s[b + l] = NeuronState{v[l], is[l], rt[l]};
      fired[b + l] = static_cast<uint8_t>((mask >> (2 * l)) & 1u);
    }
  }
}

namespace {

// A chip core's columns, as the spike-column adder reads them: tile(k, t) the signed int8 entries
// of rows t .. t + 31 in the column of spikes[k], entry(k, t) the one of row t.
struct ByteColumns {
  const int8_t* cols;
  int64_t stride;
  const int32_t* spikes;
  ECSIM_AVX2 __m256i tile(int k, int t) const {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(cols + spikes[k] * stride + t));
  }
  int entry(int k, int t) const { return cols[spikes[k] * stride + t]; }
};
struct BitColumns {
  const uint64_t* cols;
  int64_t words_per_col;
  const int32_t* spikes;
  int n_exc;
  ECSIM_AVX2 __m256i tile(int k, int t) const {
    const int i = spikes[k];
    const __m256i sel = bits_to_bytes(static_cast<uint32_t>(cols[i * words_per_col + t / 64] >> (t % 64)));
    return i < n_exc ? _mm256_sub_epi8(_mm256_setzero_si256(), sel) : sel;  // +1 or −1 under a connection
  }
  int entry(int k, int t) const {
    const int i = spikes[k];
    return (cols[i * words_per_col + t / 64] >> (t % 64)) & 1u ? (i < n_exc ? 1 : -1) : 0;
  }
};

// sums[r] = Σ_k entry(k, r): 32 rows at a time in int8 groups of 127 (exact), widened to int16
// (|sum| <= n_spikes <= 32767), then int64; the rows past the last whole tile one by one
template <class Columns>
ECSIM_AVX2 void add_spike_columns(const Columns& c, int n_spikes, int rows, int64_t* sums) {
  constexpr int kGroup = 127;
  int t = 0;
  for (; t + 32 <= rows; t += 32) {
    __m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
    for (int g0 = 0; g0 < n_spikes; g0 += kGroup) {
      __m256i a = _mm256_setzero_si256();
      for (int k = g0; k < std::min(n_spikes, g0 + kGroup); ++k) a = _mm256_add_epi8(a, c.tile(k, t));
      lo = _mm256_add_epi16(lo, _mm256_cvtepi8_epi16(_mm256_castsi256_si128(a)));
      hi = _mm256_add_epi16(hi, _mm256_cvtepi8_epi16(_mm256_extracti128_si256(a, 1)));
    }
    store_sums32(lo, hi, sums + t);
  }
  for (; t < rows; ++t) {
    int64_t sum = 0;
    for (int k = 0; k < n_spikes; ++k) sum += c.entry(k, t);
    sums[t] = sum;
  }
}

}  // namespace

ECSIM_AVX2 void add_columns_avx2(const int8_t* cols, int64_t stride, const int32_t* spikes, int n_spikes, int rows,
                                 int64_t* sums) {
  add_spike_columns(ByteColumns{cols, stride, spikes}, n_spikes, rows, sums);
}

ECSIM_AVX2 void add_bit_columns_avx2(const uint64_t* cols, int64_t words_per_col, const int32_t* spikes, int n_spikes,
                                     int n_exc, int rows, int64_t* sums) {
  add_spike_columns(BitColumns{cols, words_per_col, spikes, n_exc}, n_spikes, rows, sums);
}

#else
NarrowTally run_avx2_narrow(const CompiledNet&, FixedState&, int, SpikeRaster*, Avx2Form) { return {}; }
void lif_narrow_avx2(const NetworkDesc&, int, int, const int64_t*, const int32_t*, NeuronState*, uint8_t*) {}
void add_columns_avx2(const int8_t*, int64_t, const int32_t*, int, int, int64_t*) {}
void add_bit_columns_avx2(const uint64_t*, int64_t, const int32_t*, int, int, int, int64_t*) {}
#endif

}  // namespace ecsim::ref::detail
