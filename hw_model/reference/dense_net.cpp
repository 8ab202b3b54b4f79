#include "reference/dense_net.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>

#include "reference/network.h"

namespace ecsim::ref {

void DenseFloatNet::set_dynamics(const NetworkDesc& d) {
  n = d.shape.n_neurons;
  d_in = d.shape.d_in;
  d_out = d.shape.d_out;
  inner_steps = d.shape.inner_steps;
  alpha_syn = static_cast<float>(d.consts.alpha_syn());
  alpha_m = static_cast<float>(d.consts.alpha_m());
  alpha_out = static_cast<float>(d.consts.alpha_out());
  gamma = static_cast<float>((1.0 - d.consts.alpha_out()) / d.consts.dt_ms);
}

DenseFloatNet DenseFloatNet::from_theta(const NetworkDesc& d, const Theta& t) {
  const NetworkShape& s = d.shape;
  DenseFloatNet n;
  n.set_dynamics(d);
  const float r_in = static_cast<float>(d.consts.r_in(s.d_in)), r_h = static_cast<float>(d.consts.r_h(s.n_neurons)),
              r_out = static_cast<float>(d.consts.r_out(s.n_neurons));
  const size_t N = static_cast<size_t>(s.n_neurons);
  n.w_in.assign(static_cast<size_t>(s.d_in) * N, 0.0f);
  n.w_h.assign(N * N, 0.0f);
  n.w_out.assign(N * static_cast<size_t>(s.d_out), 0.0f);
  for (int i = 0; i < s.d_in; ++i)
    for (int j = 0; j < s.n_neurons; ++j)
      n.w_in[static_cast<size_t>(i) * N + static_cast<size_t>(j)] =
          r_in * static_cast<float>(int{t.in.get(i, j)} - int{t.in.get(s.d_in + i, j)});
  for (int i = 0; i < s.n_neurons; ++i) {
    const float sign = i < s.n_exc ? 1.0f : -1.0f;
    for (int j = 0; j < s.n_neurons; ++j)
      n.w_h[static_cast<size_t>(i) * N + static_cast<size_t>(j)] = t.rec.get(i, j) ? sign * r_h : 0.0f;
    for (int k = 0; k < s.d_out; ++k)
      n.w_out[static_cast<size_t>(i) * static_cast<size_t>(s.d_out) + static_cast<size_t>(k)] =
          t.out.get(i, k) ? sign * r_out : 0.0f;
  }
  return n;
}

void reset(const DenseFloatNet& net, DenseFloatState& st, uint64_t init_seed) {
  const size_t N = static_cast<size_t>(net.n);
  for (auto* v : {&st.v, &st.i_syn, &st.i_in, &st.rate, &st.s, &st.i_spike}) v->assign(N, 0.0f);
  st.active.assign(N, 0);
  st.n_active = 0;
  st.spikes = 0;
  for (int j = 0; j < net.n; ++j)
    st.v[static_cast<size_t>(j)] = std::ldexp(static_cast<float>(initial_membrane_word(init_seed, j) >> 8), -24);
}

// i_spike = s @ W_h over every row (dense), and the event form over the rows of spiking neurons
// only. The AVX-512 versions keep a tile of 16 vectors (256 outputs) in registers while they
// stream the rows, so each FMA/add costs one load: as carefully vectorized as the 1-bit kernel.
#define ECSIM_F512 __attribute__((target("avx512f,fma")))

template <bool kDense>
ECSIM_F512 static void rows_avx512(const float* __restrict w, const float* __restrict s, const int* idx, int count,
                                   float* __restrict out, int n) {
  constexpr int kTile = 16;  // vectors per register tile
  int j0 = 0;
  for (; j0 + 16 * kTile <= n; j0 += 16 * kTile) {
    __m512 acc[kTile];
#pragma GCC unroll 16
    for (int t = 0; t < kTile; ++t) acc[t] = _mm512_setzero_ps();
    for (int a = 0; a < count; ++a) {
      const int i = kDense ? a : idx[a];
      const float* row = w + static_cast<size_t>(i) * static_cast<size_t>(n) + j0;
      if constexpr (kDense) {
        const __m512 si = _mm512_set1_ps(s[i]);
#pragma GCC unroll 16
        for (int t = 0; t < kTile; ++t) acc[t] = _mm512_fmadd_ps(si, _mm512_loadu_ps(row + 16 * t), acc[t]);
      } else {
#pragma GCC unroll 16
        for (int t = 0; t < kTile; ++t) acc[t] = _mm512_add_ps(acc[t], _mm512_loadu_ps(row + 16 * t));
      }
    }
#pragma GCC unroll 16
    for (int t = 0; t < kTile; ++t) _mm512_storeu_ps(out + j0 + 16 * t, acc[t]);
  }
  for (int j = j0; j < n; ++j) {  // a partial last tile
    float acc = 0.0f;
    for (int a = 0; a < count; ++a) {
      const int i = kDense ? a : idx[a];
      acc += kDense ? s[i] * w[static_cast<size_t>(i) * static_cast<size_t>(n) + static_cast<size_t>(j)]
                    : w[static_cast<size_t>(i) * static_cast<size_t>(n) + static_cast<size_t>(j)];
    }
    out[j] = acc;
  }
}

static void matvec_dense_avx512(const float* w, const float* s, float* out, int n) {
  rows_avx512<true>(w, s, nullptr, n, out, n);
}

static void add_rows_avx512(const float* w, const int* idx, int count, float* out, int n) {
  rows_avx512<false>(w, nullptr, idx, count, out, n);
}

static void matvec_dense_portable(const float* __restrict w, const float* __restrict s, float* __restrict out, int n) {
  for (int j = 0; j < n; ++j) out[j] = 0.0f;
  for (int i = 0; i < n; ++i) {
    const float si = s[i];
    const float* row = w + static_cast<size_t>(i) * static_cast<size_t>(n);
    for (int j = 0; j < n; ++j) out[j] += si * row[j];
  }
}

static void add_rows_portable(const float* __restrict w, const int* idx, int count, float* __restrict out, int n) {
  for (int j = 0; j < n; ++j) out[j] = 0.0f;
  for (int a = 0; a < count; ++a) {
    const float* row = w + static_cast<size_t>(idx[a]) * static_cast<size_t>(n);
    for (int j = 0; j < n; ++j) out[j] += row[j];
  }
}

// the LIF update of one neuron, float32, mul then add (no FMA) so both versions round the same;
// returns whether it fired and records it in the active list
static bool lif_one(const DenseFloatNet& net, DenseFloatState& st, size_t j) {
  st.i_syn[j] = net.alpha_syn * st.i_syn[j] + st.i_spike[j];
  const float v = net.alpha_m * st.v[j] + (1.0f - net.alpha_m) * (st.i_syn[j] + st.i_in[j]);
  const bool fired = v > 1.0f;
  st.v[j] = fired ? 0.0f : v;
  st.s[j] = fired ? 1.0f : 0.0f;
  if (fired) st.active[static_cast<size_t>(st.n_active++)] = static_cast<int>(j);
  st.rate[j] = net.alpha_out * st.rate[j] + net.gamma * st.s[j];
  return fired;
}

static uint64_t lif_portable(const DenseFloatNet& net, DenseFloatState& st) {
  uint64_t spikes = 0;
  for (size_t j = 0; j < static_cast<size_t>(net.n); ++j) spikes += lif_one(net, st, j);
  return spikes;
}

ECSIM_F512 static uint64_t lif_avx512(const DenseFloatNet& net, DenseFloatState& st) {
  const __m512 a_syn = _mm512_set1_ps(net.alpha_syn), a_m = _mm512_set1_ps(net.alpha_m),
               b_m = _mm512_set1_ps(1.0f - net.alpha_m), a_out = _mm512_set1_ps(net.alpha_out),
               gamma = _mm512_set1_ps(net.gamma), one = _mm512_set1_ps(1.0f), zero = _mm512_setzero_ps();
  uint64_t spikes = 0;
  int* const active = st.active.data();  // no push_back: a call here would spill the constants
  int n_active = 0;
  const int n16 = net.n / 16 * 16;
  for (int j = 0; j < n16; j += 16) {
    const __m512 is = _mm512_add_ps(_mm512_mul_ps(a_syn, _mm512_loadu_ps(&st.i_syn[static_cast<size_t>(j)])),
                                    _mm512_loadu_ps(&st.i_spike[static_cast<size_t>(j)]));
    _mm512_storeu_ps(&st.i_syn[static_cast<size_t>(j)], is);
    const __m512 v =
        _mm512_add_ps(_mm512_mul_ps(a_m, _mm512_loadu_ps(&st.v[static_cast<size_t>(j)])),
                      _mm512_mul_ps(b_m, _mm512_add_ps(is, _mm512_loadu_ps(&st.i_in[static_cast<size_t>(j)]))));
    const __mmask16 fired = _mm512_cmp_ps_mask(v, one, _CMP_GT_OQ);
    _mm512_storeu_ps(&st.v[static_cast<size_t>(j)], _mm512_mask_mov_ps(v, fired, zero));
    const __m512 sp = _mm512_maskz_mov_ps(fired, one);
    _mm512_storeu_ps(&st.s[static_cast<size_t>(j)], sp);
    _mm512_storeu_ps(&st.rate[static_cast<size_t>(j)],
                     _mm512_add_ps(_mm512_mul_ps(a_out, _mm512_loadu_ps(&st.rate[static_cast<size_t>(j)])),
                                   _mm512_mul_ps(gamma, sp)));
    spikes += static_cast<uint64_t>(__builtin_popcount(fired));
    for (unsigned m = fired; m; m &= m - 1) active[n_active++] = j + __builtin_ctz(m);
  }
  st.n_active = n_active;
  for (size_t j = static_cast<size_t>(n16); j < static_cast<size_t>(net.n); ++j) spikes += lif_one(net, st, j);
  return spikes;
}

void step(const DenseFloatNet& net, DenseFloatState& st, const float* obs, float* action, DenseMode mode) {
  static const bool avx512 = cpu_has_avx512();
  const int N = net.n;
  // i_in = obs @ W_in: the same row-streaming product over the d_in input rows
  if (avx512) {
    rows_avx512<true>(net.w_in.data(), obs, nullptr, net.d_in, st.i_in.data(), N);
  } else {
    for (int j = 0; j < N; ++j) st.i_in[static_cast<size_t>(j)] = 0.0f;
    for (int i = 0; i < net.d_in; ++i)
      for (int j = 0; j < N; ++j)
        st.i_in[static_cast<size_t>(j)] +=
            obs[i] * net.w_in[static_cast<size_t>(i) * static_cast<size_t>(N) + static_cast<size_t>(j)];
  }
  for (int t = 0; t < net.inner_steps; ++t) {
    if (mode == DenseMode::kDense) {
      (avx512 ? matvec_dense_avx512 : matvec_dense_portable)(net.w_h.data(), st.s.data(), st.i_spike.data(), N);
    } else {
      // st.active holds the neurons that spiked in the previous inner step (written by the LIF)
      (avx512 ? add_rows_avx512 : add_rows_portable)(net.w_h.data(), st.active.data(), st.n_active, st.i_spike.data(),
                                                     N);
    }
    st.n_active = 0;
    st.spikes += (avx512 ? lif_avx512 : lif_portable)(net, st);
  }
  for (int k = 0; k < net.d_out; ++k) {
    float acc = 0.0f;
    for (int j = 0; j < N; ++j)
      acc += st.rate[static_cast<size_t>(j)] *
             net.w_out[static_cast<size_t>(j) * static_cast<size_t>(net.d_out) + static_cast<size_t>(k)];
    action[k] = std::clamp(acc, -1.0f, 1.0f);
  }
}

}  // namespace ecsim::ref
