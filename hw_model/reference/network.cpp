#include "reference/network.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "common/error.h"
#include "reference/neuron.h"
#include "reference/philox.h"
#include "reference/popcount.h"

namespace ecsim::ref {

bool cpu_has_avx512_wide() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vpopcntdq");
#else
  return false;
#endif
}

bool cpu_has_avx512_narrow() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bitalg");
#else
  return false;
#endif
}

bool cpu_has_avx512_vbmi2() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return cpu_has_avx512_narrow() && __builtin_cpu_supports("avx512vbmi2");
#else
  return false;
#endif
}

bool cpu_has_avx512() { return cpu_has_avx512_wide() || cpu_has_avx512_narrow(); }

bool cpu_has_avx2() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("bmi");
#else
  return false;
#endif
}

bool cpu_has_avx512_io() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vnni");
#else
  return false;
#endif
}

const char* kernel_name(Kernel k) {
  switch (k) {
    case Kernel::kAuto:
      return "auto";
    case Kernel::kPortable:
      return "portable";
    case Kernel::kAvx512Wide:
      return "avx512-wide";
    case Kernel::kAvx512Narrow:
      return "avx512-narrow";
    case Kernel::kAvx2Narrow:
      return "avx2-narrow";
  }
  return "?";
}

bool CompiledNet::allows(Kernel k) const {
  switch (k) {
    case Kernel::kPortable:
      return true;
    case Kernel::kAvx512Wide:
      return m_wide_ok;
    case Kernel::kAvx512Narrow:
    case Kernel::kAvx2Narrow:
      return m_narrow_ok;
    case Kernel::kAuto:
      return true;
  }
  return false;
}

Kernel CompiledNet::best_kernel() const {
  static const bool narrow = cpu_has_avx512_narrow(), wide = cpu_has_avx512_wide(), avx2 = cpu_has_avx2();
  if (m_narrow_ok && narrow) return Kernel::kAvx512Narrow;
  if (m_wide_ok && wide) return Kernel::kAvx512Wide;
  if (m_narrow_ok && avx2) return Kernel::kAvx2Narrow;
  return Kernel::kPortable;
}

static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// In-place transpose of a 64×64 bit matrix: row r, bit c  ->  row c, bit r (Hacker's Delight
// §7-3, six rounds of masked block swaps).
static void transpose64(uint64_t a[64]) {
  uint64_t m = 0x00000000FFFFFFFFULL;
  for (int j = 32; j != 0; j >>= 1, m ^= m << j)
    for (int k = 0; k < 64; k = (k + j + 1) & ~j) {
      const uint64_t t = ((a[k] >> j) ^ a[k + j]) & m;
      a[k] ^= t << j;
      a[k + j] ^= t;
    }
}

CompiledNet::CompiledNet(const NetworkDesc& desc, const Theta& theta) : m_desc(desc), m_theta(theta) {
  const NetworkShape& s = desc.shape;
  const int N = s.n_neurons;
  if (theta.in.rows() != 2 * s.d_in || theta.in.cols() != N || theta.rec.rows() != N || theta.rec.cols() != N ||
      theta.out.rows() != N || theta.out.cols() != s.d_out)
    throw Error("θ dimensions do not match the network (N=" + std::to_string(N) + ", d_in=" + std::to_string(s.d_in) +
                    ", d_out=" + std::to_string(s.d_out) + ")",
                "sample θ for this network shape, or load a θ file saved for it");
  m_npad = static_cast<int>(ceil_div(N, 64) * 64);
  const int sw = spike_words();

  // post-major recurrent rows (transpose of K_h), one 64×64 tile at a time
  rec_post.assign(static_cast<size_t>(N) * sw, 0);
  for (int bi = 0; bi < sw; ++bi)
    for (int bj = 0; bj < sw; ++bj) {
      uint64_t tile[64];
      for (int r = 0; r < 64; ++r) {
        const int i = 64 * bi + r;
        tile[r] = i < N ? theta.rec.row(i)[bj] : 0;
      }
      transpose64(tile);
      for (int r = 0; r < 64 && 64 * bj + r < N; ++r)
        rec_post[static_cast<size_t>(64 * bj + r) * sw + static_cast<size_t>(bi)] = tile[r];
    }

  // pre-major 16-bit chunks for the event paths (wide AVX-512, AVX2): the rows of K_h as they are
  const int nb16 = m_npad / 16;
  rec_pre16.assign(static_cast<size_t>(N) * nb16, 0);
  for (int i = 0; i < N; ++i) {
    const uint64_t* row = theta.rec.row(i);
    for (int c = 0; c < nb16; ++c)
      rec_pre16[static_cast<size_t>(i) * nb16 + c] = static_cast<uint16_t>(row[c >> 2] >> (16 * (c & 3)));
  }

  exc_mask.assign(static_cast<size_t>(sw), 0);
  for (int i = 0; i < s.n_exc; ++i) exc_mask[static_cast<size_t>(i >> 6)] |= uint64_t{1} << (i & 63);

  in_sign.assign(static_cast<size_t>(s.d_in) * N, 0);
  in_fanout.assign(static_cast<size_t>(s.d_in), 0);
  for (int i = 0; i < s.d_in; ++i) {
    for (int j = 0; j < N; ++j)
      in_sign[static_cast<size_t>(i) * N + j] =
          static_cast<int8_t>(int{theta.in.get(i, j)} - int{theta.in.get(s.d_in + i, j)});
    in_fanout[static_cast<size_t>(i)] = static_cast<int32_t>(theta.in.count_row(i) + theta.in.count_row(s.d_in + i));
  }
  rec_fanout.assign(static_cast<size_t>(m_npad), 0);  // padded: vector code reads whole blocks
  out_fanout.assign(static_cast<size_t>(m_npad), 0);
  out_bits.assign(static_cast<size_t>(s.d_out) * N, 0);
  for (int j = 0; j < N; ++j) {
    rec_fanout[static_cast<size_t>(j)] = static_cast<int32_t>(theta.rec.count_row(j));
    out_fanout[static_cast<size_t>(j)] = static_cast<int32_t>(theta.out.count_row(j));
    for (int k = 0; k < s.d_out; ++k) out_bits[static_cast<size_t>(k) * N + j] = theta.out.get(j, k);
  }

  const int pairs = (s.d_in + 1) / 2;
  in_pairs.assign(static_cast<size_t>(pairs) * m_npad, 0);
  for (int i = 0; i < s.d_in; ++i)
    for (int j = 0; j < N; ++j) {
      const auto sg = static_cast<uint16_t>(in_sign[static_cast<size_t>(i) * N + j]);
      in_pairs[static_cast<size_t>(i / 2) * m_npad + j] |= static_cast<int32_t>(uint32_t{sg} << (16 * (i % 2)));
    }
  vector_io_ok = desc.arith.input_bits <= 16 && s.d_in <= 65536 &&
                 static_cast<int64_t>(s.d_in) * (int64_t{1} << (desc.arith.input_bits - 1)) < (int64_t{1} << 31);
  out_mask16.assign(static_cast<size_t>(s.d_out) * (m_npad / 16), 0);
  for (int k = 0; k < s.d_out; ++k)
    for (int j = 0; j < N; ++j)
      if (theta.out.get(j, k))
        out_mask16[static_cast<size_t>(k) * (m_npad / 16) + j / 16] |= static_cast<uint16_t>(1u << (j % 16));

  const int64_t w = desc.arith.syn_word_bits;
  words_per_inner_step = static_cast<uint64_t>(N * ceil_div(N, w));
  words_per_env_step_io = static_cast<uint64_t>(N * ceil_div(2 * s.d_in, w) + N * ceil_div(s.d_out, w));

  // the AVX-512 kernels work on 16- or 32-neuron blocks with E/I split on a block boundary
  const ArithConfig& a = desc.arith;
  const FixedConstants& f = desc.fixed;
  const bool blocks_ok = N % 32 == 0 && s.n_exc % 32 == 0;
  m_wide_ok = blocks_ok && a.state_bits + a.const_bits <= 30 && a.rate_bits + a.const_bits <= 30 &&
              f.r_h_q * N < (int64_t{1} << 29);
  m_narrow_ok = blocks_ok && a.state_bits == 16 && a.rate_bits == 16 && a.const_bits <= 15 && N <= 16384 &&
                f.r_h_q <= 32767 && f.gamma_q <= 32767;
  if (m_wide_ok) {
    const int nw32 = N / 32;
    rec_blk32.assign(static_cast<size_t>(N) * nw32, 0);
    for (int j = 0; j < N; ++j)
      for (int k = 0; k < nw32; ++k)
        rec_blk32[(static_cast<size_t>(j / 16) * nw32 + k) * 16 + j % 16] =
            static_cast<uint32_t>(rec_post[static_cast<size_t>(j) * sw + (k >> 1)] >> (32 * (k & 1)));
  }
  if (m_narrow_ok && cpu_has_avx2() && (N <= 1024 || (N <= 2048 && best_kernel() == Kernel::kAvx2Narrow))) {
    rec_pre8_stride = static_cast<int>(ceil_div(N, 256) * 256);
    rec_pre8.assign(static_cast<size_t>(N) * static_cast<size_t>(rec_pre8_stride), 0);
    for (int i = 0; i < N; ++i) {
      const uint64_t* row = theta.rec.row(i);
      const int8_t sign = i < s.n_exc ? 1 : -1;
      int8_t* out = rec_pre8.data() + static_cast<size_t>(i) * static_cast<size_t>(rec_pre8_stride);
      for (int k = 0; k < sw; ++k)
        for (uint64_t bits = row[k]; bits; bits &= bits - 1) out[64 * k + std::countr_zero(bits)] = sign;
    }
  }
  if (m_narrow_ok) {
    const int nw16 = N / 16;
    rec_blk16.assign(static_cast<size_t>(N) * nw16, 0);
    for (int j = 0; j < N; ++j)
      for (int k = 0; k < nw16; ++k)
        rec_blk16[(static_cast<size_t>(j / 32) * nw16 + k) * 32 + j % 32] =
            static_cast<uint16_t>(rec_post[static_cast<size_t>(j) * sw + (k >> 2)] >> (16 * (k & 3)));
  }
}

uint32_t initial_membrane_word(uint64_t init_seed, int neuron) {
  return philox_block(init_seed, PhiloxStream::kInitialMembrane,
                      static_cast<uint64_t>(neuron) >> 2)[static_cast<size_t>(neuron & 3)];
}

template <typename T>
static void size_vec(std::vector<T>& v, size_t n) {
  v.assign(n, T{});
}

void reset(const CompiledNet& net, FixedState& st, uint64_t init_seed) {
  const size_t np = static_cast<size_t>(net.n_padded());
  for (auto* vec : {&st.v, &st.i_syn, &st.i_in, &st.rate, &st.diff}) size_vec(*vec, np);
  size_vec(st.spikes, static_cast<size_t>(net.spike_words()));
  size_vec(st.spikes_next, static_cast<size_t>(net.spike_words()));
  size_vec(st.x_q, static_cast<size_t>(net.desc().shape.d_in));
  size_vec(st.acc_in, np);
  size_vec(st.a_q, static_cast<size_t>(net.desc().shape.d_out));
  const int F = net.desc().arith.frac_bits;
  for (int j = 0; j < net.n(); ++j)
    st.v[static_cast<size_t>(j)] = static_cast<int32_t>(initial_membrane_word(init_seed, j) >> (32 - F));
}

void reset(const CompiledNet& net, FloatState& st, uint64_t init_seed) {
  const size_t np = static_cast<size_t>(net.n_padded());
  for (auto* vec : {&st.v, &st.i_syn, &st.i_in, &st.rate}) size_vec(*vec, np);
  size_vec(st.diff, np);
  size_vec(st.spikes, static_cast<size_t>(net.spike_words()));
  size_vec(st.spikes_next, static_cast<size_t>(net.spike_words()));
  for (int j = 0; j < net.n(); ++j)
    st.v[static_cast<size_t>(j)] = std::ldexp(static_cast<float>(initial_membrane_word(init_seed, j) >> 8), -24);
}

int32_t quantize_input(float x, const ArithConfig& a, bool* saturated, bool* nonfinite) {
  *saturated = false;
  *nonfinite = std::isnan(x);
  if (*nonfinite) return 0;
  // y = x·2^F_x + 1/2 is exact in double for every value that does not saturate (|y| < 2^24)
  const double y = static_cast<double>(x) * static_cast<double>(int64_t{1} << a.input_frac_bits) + 0.5;
  const int64_t hi = smax(a.input_bits), lo = smin(a.input_bits);
  if (!(y < static_cast<double>(hi + 1)) || y < static_cast<double>(lo)) {  // ±inf land here too
    *saturated = true;
    return static_cast<int32_t>(y > 0 ? hi : lo);
  }
  int64_t q = static_cast<int64_t>(y);  // truncates toward zero; make it floor
  if (static_cast<double>(q) > y) --q;
  return static_cast<int32_t>(q);
}

// One pass over a spike vector: excitatory and inhibitory spike counts, and Σ fan-out[i] over
// the spiking neurons i (the recurrent accumulates these spikes cause in the next inner step).
struct SpikeTally {
  uint64_t exc = 0, inh = 0, fanout = 0;
};

static SpikeTally tally(const CompiledNet& net, const std::vector<uint64_t>& spikes) {
  SpikeTally t;
  for (size_t w = 0; w < spikes.size(); ++w) {
    const uint64_t bits = spikes[w];
    if (!bits) continue;
    t.exc += static_cast<uint64_t>(std::popcount(bits & net.exc_mask[w]));
    t.inh += static_cast<uint64_t>(std::popcount(bits & ~net.exc_mask[w]));
    for (uint64_t b = bits; b; b &= b - 1)
      t.fanout += static_cast<uint64_t>(net.rec_fanout[w * 64 + static_cast<size_t>(std::countr_zero(b))]);
  }
  return t;
}

static uint64_t spike_fanout_sum(const CompiledNet& net, const std::vector<uint64_t>& spikes) {
  return tally(net, spikes).fanout;
}

static void count_spikes(const CompiledNet& net, const std::vector<uint64_t>& spikes, EventCounters& c) {
  const SpikeTally t = tally(net, spikes);
  c.spikes_exc += t.exc;
  c.spikes_inh += t.inh;
}

// spec §5.1–5.2, one neuron at a time, 64-bit intermediates: the portable kernel
static void inner_step_portable(const CompiledNet& net, FixedState& st) {
  const NetworkDesc& d = net.desc();
  const int N = net.n(), sw = net.spike_words();
  std::fill(st.spikes_next.begin(), st.spikes_next.end(), 0);
  for (int j = 0; j < N; ++j) {
    const int64_t diff = popcount_accumulate(net.rec_post.data() + static_cast<size_t>(j) * sw, st.spikes.data(),
                                             net.exc_mask.data(), sw);
    const size_t J = static_cast<size_t>(j);
    NeuronState ns{st.v[J], st.i_syn[J], st.rate[J]};
    if (lif_update(d, diff, st.i_in[J], j < d.shape.n_exc, ns)) st.spikes_next[J >> 6] |= uint64_t{1} << (j & 63);
    st.v[J] = ns.v;
    st.i_syn[J] = ns.i_syn;
    st.rate[J] = ns.rate;
  }
}

// int32 state <-> int16 copies for the AVX2 narrow kernel (the AVX-512 one has vector versions)
static void narrow_pack_portable(const CompiledNet& net, FixedState& st) {
  const size_t np = static_cast<size_t>(net.n_padded());
  for (auto* v16 : {&st.v16, &st.i_syn16, &st.i_in16, &st.rate16}) v16->resize(np);
  for (size_t j = 0; j < np; ++j) {
    st.v16[j] = static_cast<int16_t>(st.v[j]);
    st.i_syn16[j] = static_cast<int16_t>(st.i_syn[j]);
    st.i_in16[j] = static_cast<int16_t>(st.i_in[j]);
    st.rate16[j] = static_cast<int16_t>(st.rate[j]);
  }
}

static void narrow_unpack_portable(const CompiledNet& net, FixedState& st) {
  for (size_t j = 0; j < static_cast<size_t>(net.n_padded()); ++j) {
    st.v[j] = st.v16[j];
    st.i_syn[j] = st.i_syn16[j];
    st.rate[j] = st.rate16[j];
  }
}

// the per-environment-step parts in plain C++, compiled once more for AVX2 (chosen by ifunc):
// integer code, so every clone gives the same bits
__attribute__((target_clones("avx2", "default"))) static void input_projection_portable(const CompiledNet& net,
                                                                                        FixedState& st) {
  const NetworkDesc& d = net.desc();
  const int N = d.shape.n_neurons;
  // |acc| <= d_in·2^(B_x−1): int32 lanes hold it exactly for every shape the chip takes, and
  // vectorize where int64 products do not
  if ((int64_t{d.shape.d_in} << (d.arith.input_bits - 1)) < (int64_t{1} << 31)) {
    int32_t* acc = st.i_in.data();  // the sums, then i_in in place
    std::fill(acc, acc + N, 0);
    for (int i = 0; i < d.shape.d_in; ++i) {
      const int32_t x = st.x_q[static_cast<size_t>(i)];
      if (x == 0) continue;
      const int8_t* sign = net.in_sign.data() + static_cast<size_t>(i) * N;
      for (int j = 0; j < N; ++j) acc[j] += x * sign[j];
    }
    for (int j = 0; j < N; ++j) acc[j] = input_current(d, acc[j]);
    return;
  }
  int64_t* acc = st.acc_in.data();
  std::fill(st.acc_in.begin(), st.acc_in.end(), 0);
  for (int i = 0; i < d.shape.d_in; ++i) {
    const int64_t x = st.x_q[static_cast<size_t>(i)];
    if (x == 0) continue;
    const int8_t* sign = net.in_sign.data() + static_cast<size_t>(i) * N;
    for (int j = 0; j < N; ++j) acc[j] += x * sign[j];
  }
  for (int j = 0; j < N; ++j) st.i_in[static_cast<size_t>(j)] = input_current(d, acc[j]);
}

__attribute__((target_clones("avx2", "default"))) static void readout_portable(const CompiledNet& net, FixedState& st,
                                                                               float* action) {
  const NetworkDesc& d = net.desc();
  const int N = d.shape.n_neurons;
  EventCounters& c = st.counters;
  for (int j = 0; j < N; ++j)
    if (st.rate[static_cast<size_t>(j)] != 0)
      c.out_synops += static_cast<uint64_t>(net.out_fanout[static_cast<size_t>(j)]);
  // |sum| <= N·2^(W_r−1): int32 holds it exactly for the widths the chip takes (and vectorizes)
  const bool sum32 = (int64_t{N} << (d.arith.rate_bits - 1)) < (int64_t{1} << 31);
  const int32_t* rate = st.rate.data();
  for (int k = 0; k < d.shape.d_out; ++k) {
    int64_t sum = 0;
    const uint8_t* bits = net.out_bits.data() + static_cast<size_t>(k) * N;
    if (sum32) {
      int32_t s32 = 0;
      for (int j = 0; j < N; ++j) s32 += bits[j] ? rate[j] : 0;
      sum = s32;
    } else {
      for (int j = 0; j < N; ++j) sum += bits[j] ? rate[j] : 0;
    }
    bool sat = false;
    const int32_t aq = action_from_sum(d, sum, &sat);
    c.action_saturations += sat;
    st.a_q[static_cast<size_t>(k)] = aq;
    action[k] = static_cast<float>(aq) * (1.0f / static_cast<float>(int64_t{1} << d.arith.action_frac_bits));
  }
}

namespace detail {
void input_projection_reference(const CompiledNet& net, FixedState& st) { input_projection_portable(net, st); }
void readout_reference(const CompiledNet& net, FixedState& st, float* action) { readout_portable(net, st, action); }
}  // namespace detail

void step(const CompiledNet& net, FixedState& st, const float* obs, float* action, SpikeRaster* raster, Kernel kernel) {
  const NetworkDesc& d = net.desc();
  const NetworkShape& s = d.shape;
  const ArithConfig& a = d.arith;
  const int N = s.n_neurons;
  EventCounters& c = st.counters;

  if (kernel == Kernel::kAuto) kernel = net.best_kernel();
  if (!net.allows(kernel) || (kernel == Kernel::kAvx512Wide && !cpu_has_avx512_wide()) ||
      (kernel == Kernel::kAvx512Narrow && !cpu_has_avx512_narrow()) ||
      (kernel == Kernel::kAvx2Narrow && !cpu_has_avx2()))
    throw Error(
        std::string("the ") + kernel_name(kernel) + " kernel cannot run this network on this CPU",
        "use --kernel auto or portable (avx512-wide needs N, N_E multiples of 32 and W + C <= 30; "
        "avx512-narrow and avx2-narrow need W = W_r = 16 and C <= 15; each needs its instruction set in the CPU)");

  // input projection (spec §4.2): integer sum of ±x_q, scaled once per environment step
  for (int i = 0; i < s.d_in; ++i) {
    bool sat = false, nonfinite = false;
    st.x_q[static_cast<size_t>(i)] = quantize_input(obs[i], a, &sat, &nonfinite);
    c.input_saturations += sat;
    c.input_nonfinite += nonfinite;
    if (st.x_q[static_cast<size_t>(i)] != 0)
      c.in_synops += static_cast<uint64_t>(net.in_fanout[static_cast<size_t>(i)]);
  }
  static const bool io_cpu = cpu_has_avx512_io();
  const bool vector_io = kernel != Kernel::kPortable && kernel != Kernel::kAvx2Narrow && io_cpu && net.vector_io_ok;
  if (vector_io)
    detail::input_projection_avx512(net, st);
  else
    input_projection_portable(net, st);

  // T inner steps (spec §5.2); the narrow kernel works on int16 copies of the state
  const bool narrow = kernel == Kernel::kAvx512Narrow || kernel == Kernel::kAvx2Narrow;
  if (kernel == Kernel::kAvx512Narrow)
    detail::narrow_pack(net, st);
  else if (narrow)
    narrow_pack_portable(net, st);
  // each inner step accumulates the previous step's spikes: the fan-out of s(t-1) counts at t
  if (narrow) {
    const detail::NarrowTally tl = kernel == Kernel::kAvx512Narrow
                                       ? detail::run_avx512_narrow(net, st, s.inner_steps, raster)
                                       : detail::run_avx2_narrow(net, st, s.inner_steps, raster);
    c.spikes_exc += tl.exc;
    c.spikes_inh += tl.inh;
    c.rec_synops += tl.rec_synops;
  } else {
    uint64_t spikes_exc = 0, spikes_inh = 0, rec_synops = spike_fanout_sum(net, st.spikes);
    for (int t = 0; t < s.inner_steps; ++t) {
      if (kernel == Kernel::kAvx512Wide)
        detail::inner_step_avx512_wide(net, st);
      else
        inner_step_portable(net, st);
      st.spikes.swap(st.spikes_next);
      const SpikeTally tl = tally(net, st.spikes);
      spikes_exc += tl.exc;
      spikes_inh += tl.inh;
      if (t + 1 < s.inner_steps) rec_synops += tl.fanout;
      if (raster) raster->insert(raster->end(), st.spikes.begin(), st.spikes.end());
    }
    c.spikes_exc += spikes_exc;
    c.spikes_inh += spikes_inh;
    c.rec_synops += rec_synops;
  }
  if (kernel == Kernel::kAvx512Narrow)
    detail::narrow_unpack(net, st);
  else if (narrow)
    narrow_unpack_portable(net, st);
  c.inner_steps += static_cast<uint64_t>(s.inner_steps);
  c.neuron_updates += static_cast<uint64_t>(s.inner_steps) * static_cast<uint64_t>(N);
  c.syn_words_read += static_cast<uint64_t>(s.inner_steps) * net.words_per_inner_step + net.words_per_env_step_io;

  // readout (spec §4.3): signed rates through K_out, scaled, clamped to [-1, 1]
  if (vector_io)
    detail::readout_avx512(net, st, action);
  else
    readout_portable(net, st, action);
  ++c.env_steps;
}

// The popcount difference of every neuron in event form: ±1 for each connection out of each
// neuron that spiked. It is the same integer as popcount(row & exc) - popcount(row & inh), at a
// cost proportional to the spikes rather than to N².
namespace detail {
void recurrent_diff_portable(const CompiledNet& net, const uint64_t* spikes, int32_t* diff) {
  const int sw = net.spike_words(), n_exc = net.desc().shape.n_exc;
  std::fill(diff, diff + net.n_padded(), 0);
  for (int w = 0; w < sw; ++w)
    for (uint64_t bits = spikes[w]; bits; bits &= bits - 1) {
      const int i = 64 * w + std::countr_zero(bits);
      const int32_t sign = i < n_exc ? 1 : -1;
      const uint64_t* row = net.theta().rec.row(i);
      for (int q = 0; q < sw; ++q)
        for (uint64_t post = row[q]; post; post &= post - 1) diff[64 * q + std::countr_zero(post)] += sign;
    }
}
}  // namespace detail

// the paper's float LIF (spec §8) for neurons [from, N): each product and sum rounded to float32
// on its own (no FMA), the order the AVX-512 version keeps lane by lane
static void float_lif_portable(const CompiledNet& net, const detail::FloatLif& k, FloatState& st, int from) {
  const int N = net.n(), n_exc = net.desc().shape.n_exc;
  for (int j = from; j < N; ++j) {
    const size_t J = static_cast<size_t>(j);
    st.i_syn[J] = k.a_syn * st.i_syn[J] + k.r_h * static_cast<float>(st.diff[J]);
    float v = k.a_m * st.v[J] + k.b_m * (st.i_syn[J] + st.i_in[J]);
    const bool fired = v > 1.0f;
    if (fired) v = 0.0f;
    st.v[J] = v;
    const float sgn = fired ? (j < n_exc ? 1.0f : -1.0f) : 0.0f;
    st.rate[J] = k.a_out * st.rate[J] + k.g_out * sgn;
    if (fired) st.spikes_next[J >> 6] |= uint64_t{1} << (j & 63);
  }
}

namespace detail {
void float_input_portable(const CompiledNet& net, const float* obs, float r_in, float* i_in, int from) {
  const int N = net.n(), d_in = net.desc().shape.d_in;
  for (int j = from; j < N; ++j) {
    float acc = 0.0f;
    for (int i = 0; i < d_in; ++i) acc += static_cast<float>(net.theta().in.get(i, j)) * obs[i];
    for (int i = 0; i < d_in; ++i) acc += static_cast<float>(net.theta().in.get(d_in + i, j)) * -obs[i];
    i_in[j] = r_in * acc;
  }
}

void float_lif_tail(const CompiledNet& net, const FloatLif& k, FloatState& st, int from) {
  float_lif_portable(net, k, st, from);
}
}  // namespace detail

void step(const CompiledNet& net, FloatState& st, const float* obs, float* action, SpikeRaster* raster) {
  const NetworkDesc& d = net.desc();
  const NetworkShape& s = d.shape;
  const NetworkConstants& k = d.consts;
  const int N = s.n_neurons;
  EventCounters& c = st.counters;
  const float r_in = static_cast<float>(k.r_in(s.d_in)), r_h = static_cast<float>(k.r_h(N)),
              r_out = static_cast<float>(k.r_out(N));
  const float a_syn = static_cast<float>(k.alpha_syn()), a_m = static_cast<float>(k.alpha_m()),
              a_out = static_cast<float>(k.alpha_out());
  const float g_out = static_cast<float>((1.0 - k.alpha_out()) / k.dt_ms);

  // i_in = R_in · ([x, -x] @ K_in), accumulated in row order
  for (int i = 0; i < s.d_in; ++i)
    if (obs[i] != 0.0f) c.in_synops += static_cast<uint64_t>(net.in_fanout[static_cast<size_t>(i)]);
  static const bool avx512 = cpu_has_avx512();
  if (avx512)
    detail::float_input_avx512(net, obs, r_in, st.i_in.data());
  else
    detail::float_input_portable(net, obs, r_in, st.i_in.data(), 0);
  const detail::FloatLif lif{a_syn, r_h, a_m, 1.0f - a_m, a_out, g_out};
  for (int t = 0; t < s.inner_steps; ++t) {
    c.rec_synops += spike_fanout_sum(net, st.spikes);
    (avx512 ? detail::recurrent_diff_avx512 : detail::recurrent_diff_portable)(net, st.spikes.data(), st.diff.data());
    std::fill(st.spikes_next.begin(), st.spikes_next.end(), 0);
    if (avx512)
      detail::float_lif_avx512(net, lif, st);
    else
      float_lif_portable(net, lif, st, 0);
    st.spikes.swap(st.spikes_next);
    count_spikes(net, st.spikes, c);
    if (raster) raster->insert(raster->end(), st.spikes.begin(), st.spikes.end());
  }
  c.inner_steps += static_cast<uint64_t>(s.inner_steps);
  c.neuron_updates += static_cast<uint64_t>(s.inner_steps) * static_cast<uint64_t>(N);
  c.syn_words_read += static_cast<uint64_t>(s.inner_steps) * net.words_per_inner_step + net.words_per_env_step_io;
  for (int j = 0; j < N; ++j)
    if (st.rate[static_cast<size_t>(j)] != 0.0f)
      c.out_synops += static_cast<uint64_t>(net.out_fanout[static_cast<size_t>(j)]);
  for (int o = 0; o < s.d_out; ++o) {
    float acc = 0.0f;
    for (int j = 0; j < N; ++j)
      if (net.out_bits[static_cast<size_t>(o) * N + j]) acc += st.rate[static_cast<size_t>(j)];
    const float y = r_out * acc;
    const float clipped = std::clamp(y, -1.0f, 1.0f);
    c.action_saturations += clipped != y;
    action[o] = clipped;
  }
  ++c.env_steps;
}

}  // namespace ecsim::ref
