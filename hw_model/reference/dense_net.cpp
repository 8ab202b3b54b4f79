#include "reference/dense_net.h"

#include <algorithm>
#include <cmath>

#include "reference/network.h"

namespace ecsim::ref {

DenseFloatNet DenseFloatNet::from_theta(const NetworkDesc& d, const Theta& t) {
  const NetworkShape& s = d.shape;
  DenseFloatNet n;
  n.n = s.n_neurons;
  n.d_in = s.d_in;
  n.d_out = s.d_out;
  n.inner_steps = s.inner_steps;
  n.alpha_syn = static_cast<float>(d.consts.alpha_syn());
  n.alpha_m = static_cast<float>(d.consts.alpha_m());
  n.alpha_out = static_cast<float>(d.consts.alpha_out());
  n.gamma = static_cast<float>((1.0 - d.consts.alpha_out()) / d.consts.dt_ms);
  const float r_in = static_cast<float>(d.consts.r_in(s.d_in)), r_h = static_cast<float>(d.consts.r_h(s.n_neurons)),
              r_out = static_cast<float>(d.consts.r_out(s.n_neurons));
  const size_t N = static_cast<size_t>(s.n_neurons);
  n.w_in.assign(static_cast<size_t>(s.d_in) * N, 0.0f);
  for (int i = 0; i < s.d_in; ++i)
    for (int j = 0; j < s.n_neurons; ++j)
      n.w_in[static_cast<size_t>(i) * N + static_cast<size_t>(j)] =
          r_in * static_cast<float>(int{t.in.get(i, j)} - int{t.in.get(s.d_in + i, j)});
  n.w_h.assign(N * N, 0.0f);
  n.w_out.assign(N * static_cast<size_t>(s.d_out), 0.0f);
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
  st.active.reserve(N);
  st.spikes = 0;
  for (int j = 0; j < net.n; ++j)
    st.v[static_cast<size_t>(j)] = std::ldexp(static_cast<float>(initial_membrane_word(init_seed, j) >> 8), -24);
}

// i_spike = s @ W_h over every row (dense). Written so GCC vectorizes the inner loop fully;
// compiled for AVX-512 with a run-time check, as the 1-bit kernel is.
__attribute__((target("avx512f,fma"))) static void matvec_dense_avx512(const float* __restrict w, const float* __restrict s,
                                                                     float* __restrict out, int n) {
  for (int j = 0; j < n; ++j) out[j] = 0.0f;
  for (int i = 0; i < n; ++i) {
    const float si = s[i];
    const float* row = w + static_cast<size_t>(i) * static_cast<size_t>(n);
#pragma GCC ivdep
    for (int j = 0; j < n; ++j) out[j] += si * row[j];
  }
}

static void matvec_dense_portable(const float* __restrict w, const float* __restrict s, float* __restrict out, int n) {
  for (int j = 0; j < n; ++j) out[j] = 0.0f;
  for (int i = 0; i < n; ++i) {
    const float si = s[i];
    const float* row = w + static_cast<size_t>(i) * static_cast<size_t>(n);
    for (int j = 0; j < n; ++j) out[j] += si * row[j];
  }
}

__attribute__((target("avx512f"))) static void add_rows_avx512(const float* __restrict w, const int* idx, int count,
                                                               float* __restrict out, int n) {
  for (int j = 0; j < n; ++j) out[j] = 0.0f;
  for (int a = 0; a < count; ++a) {
    const float* row = w + static_cast<size_t>(idx[a]) * static_cast<size_t>(n);
#pragma GCC ivdep
    for (int j = 0; j < n; ++j) out[j] += row[j];
  }
}

static void add_rows_portable(const float* __restrict w, const int* idx, int count, float* __restrict out, int n) {
  for (int j = 0; j < n; ++j) out[j] = 0.0f;
  for (int a = 0; a < count; ++a) {
    const float* row = w + static_cast<size_t>(idx[a]) * static_cast<size_t>(n);
    for (int j = 0; j < n; ++j) out[j] += row[j];
  }
}

void step(const DenseFloatNet& net, DenseFloatState& st, const float* obs, float* action, DenseMode mode) {
  static const bool avx512 = cpu_has_avx512();
  const int N = net.n;
  for (int j = 0; j < N; ++j) st.i_in[static_cast<size_t>(j)] = 0.0f;
  for (int i = 0; i < net.d_in; ++i)
    for (int j = 0; j < N; ++j)
      st.i_in[static_cast<size_t>(j)] += obs[i] * net.w_in[static_cast<size_t>(i) * static_cast<size_t>(N) + static_cast<size_t>(j)];
  for (int t = 0; t < net.inner_steps; ++t) {
    if (mode == DenseMode::kDense) {
      (avx512 ? matvec_dense_avx512 : matvec_dense_portable)(net.w_h.data(), st.s.data(), st.i_spike.data(), N);
    } else {
      st.active.clear();
      for (int i = 0; i < N; ++i)
        if (st.s[static_cast<size_t>(i)] != 0.0f) st.active.push_back(i);
      (avx512 ? add_rows_avx512 : add_rows_portable)(net.w_h.data(), st.active.data(),
                                                      static_cast<int>(st.active.size()), st.i_spike.data(), N);
    }
    for (int j = 0; j < N; ++j) {
      const size_t J = static_cast<size_t>(j);
      st.i_syn[J] = net.alpha_syn * st.i_syn[J] + st.i_spike[J];
      float v = net.alpha_m * st.v[J] + (1.0f - net.alpha_m) * (st.i_syn[J] + st.i_in[J]);
      const bool fired = v > 1.0f;
      st.v[J] = fired ? 0.0f : v;
      st.s[J] = fired ? 1.0f : 0.0f;
      st.spikes += fired;
      st.rate[J] = net.alpha_out * st.rate[J] + net.gamma * st.s[J];
    }
  }
  for (int k = 0; k < net.d_out; ++k) {
    float acc = 0.0f;
    for (int j = 0; j < N; ++j)
      acc += st.rate[static_cast<size_t>(j)] * net.w_out[static_cast<size_t>(j) * static_cast<size_t>(net.d_out) + static_cast<size_t>(k)];
    action[k] = std::clamp(acc, -1.0f, 1.0f);
  }
}

}  // namespace ecsim::ref
