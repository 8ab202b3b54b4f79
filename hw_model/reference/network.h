// The golden reference model of the chip (docs/spec.md): a compiled, immutable network
// (description + θ in the layouts the datapath reads) and per-run states for the two
// arithmetics: `fixed` (the chip, bit-exact) and `float` (the paper's float32 equations).
#pragma once

#include <cstdint>
#include <vector>

#include "reference/counters.h"
#include "reference/network_desc.h"
#include "reference/neuron.h"
#include "reference/theta.h"

namespace ecsim::ref {

enum class Arith { kFixed, kFloat };

// How the fixed-point recurrent step is computed. All kernels give identical bits (tested);
// kAuto picks the fastest one this CPU and these widths allow.
//  - kPortable: plain C++, 64-bit intermediates, any widths, any CPU;
//  - kAvx512Wide: int32 lanes (16 neurons per vector), needs W + C <= 30, W_r + C <= 30;
//  - kAvx512Narrow: int16 lanes (32 neurons per vector), needs W = W_r = 16 and C <= 15, where
//    the chip's saturating adders and round-half-up scaling are single instructions;
//  - kAvx2Narrow: the same int16 datapath on 16 neurons per AVX2 vector, for CPUs without AVX-512.
enum class Kernel { kAuto, kPortable, kAvx512Wide, kAvx512Narrow, kAvx2Narrow };
const char* kernel_name(Kernel k);

bool cpu_has_avx512_wide();    // AVX-512 F + BW + DQ + VPOPCNTDQ at run time
bool cpu_has_avx512_narrow();  // AVX-512 F + BW + DQ + BITALG at run time
bool cpu_has_avx512();         // either
bool cpu_has_avx512_vbmi2();   // the narrow kernel's CPU features + VBMI2: its event-driven form for N = 256, 512
bool cpu_has_avx2();           // AVX2 + POPCNT + BMI at run time (the AVX2 narrow kernel)
bool cpu_has_avx512_io();      // AVX-512 F + BW + DQ + VNNI: the vector input projection and readout

// Static: built once from (desc, θ), shared read-only by any number of states and threads.
class CompiledNet {
 public:
  CompiledNet(const NetworkDesc& desc, const Theta& theta);

  const NetworkDesc& desc() const { return m_desc; }
  const Theta& theta() const { return m_theta; }
  int n() const { return m_desc.shape.n_neurons; }
  int n_padded() const { return m_npad; }          // N rounded up to 64
  int spike_words() const { return m_npad / 64; }  // 64-bit words of a spike vector
  // whether N and the widths allow a kernel (CPU support is checked separately)
  bool allows(Kernel k) const;
  // the kernel kAuto resolves to on this CPU
  Kernel best_kernel() const;

  // recurrent matrix, post-major: row j = presynaptic bits of post j (N × spike_words)
  std::vector<uint64_t> rec_post;
  // recurrent, wide AVX-512 layout: [block b of 16 post][32-bit word k][lane l] (empty if unusable)
  std::vector<uint32_t> rec_blk32;
  // recurrent, narrow AVX-512 layout: [block b of 32 post][16-bit word k][lane l] (empty if unusable)
  std::vector<uint16_t> rec_blk16;
  // recurrent, pre-major in 16-bit chunks: row i (pre) bits over post, for the wide event path
  std::vector<uint16_t> rec_pre16;
  // recurrent, pre-major as signed bytes: row i (pre) holds +1 (i excitatory) or −1 under its
  // connections, 0 elsewhere, rec_pre8_stride bytes per row (N rounded up to 256). The AVX2
  // kernel adds the rows of the spiking neurons 32 lanes at a time. N² bytes: built for N <= 1024
  // on every AVX2 CPU (so every machine tests it) and up to N = 2048 where the AVX2 kernel is the
  // one kAuto picks; empty otherwise (larger tables leave the last-level cache, and the bit rows
  // are faster: docs/results.md).
  std::vector<int8_t> rec_pre8;
  int rec_pre8_stride = 0;
  std::vector<uint64_t> exc_mask;      // spike-vector mask of excitatory neurons
  std::vector<int8_t> in_sign;         // (d_in × N): K_in[i][j] - K_in[d_in+i][j] ∈ {-1,0,1}
  std::vector<int32_t> in_fanout;      // (d_in): ones in rows i and d_in+i of K_in
  std::vector<int32_t> rec_fanout;     // (N_pad): ones in row i of K_h (0 in the padding)
  std::vector<uint8_t> out_bits;       // (d_out × N): K_out[j][k] stored output-major
  std::vector<int32_t> out_fanout;     // (N_pad): ones in row j of K_out (0 in the padding)
  std::vector<int32_t> in_pairs;       // (ceil(d_in/2) × N_pad): int16 signs of inputs 2p, 2p+1
  bool vector_io_ok = false;           // the AVX-512 VNNI projection is exact for these widths
  std::vector<uint16_t> out_mask16;    // (d_out × N_pad/16): K_out column k as 16-bit masks
  uint64_t words_per_inner_step = 0;   // spec §7: N·ceil(N/w)
  uint64_t words_per_env_step_io = 0;  // spec §7: N·ceil(2·d_in/w) + N·ceil(d_out/w)

 private:
  NetworkDesc m_desc;
  Theta m_theta;
  int m_npad = 0;
  bool m_wide_ok = false, m_narrow_ok = false;
};

// Per-run state of the fixed-point chip (like mjData). Vectors are padded to n_padded().
struct FixedState {
  std::vector<int32_t> v, i_syn, i_in, rate;          // Q.F, Q.F, Q.F, Q.F_r
  std::vector<int32_t> diff;                          // scratch: popcount difference of the current step
  std::vector<int64_t> acc_in;                        // scratch: input projection sums
  std::vector<int16_t> v16, i_syn16, i_in16, rate16;  // narrow-kernel copies during a step
  std::vector<int16_t> diff16;                        // scratch of the AVX2 narrow kernel
  std::vector<int32_t> spike_list;                    // scratch: the spiking neurons' indices
  std::vector<uint64_t> spikes;                       // spikes of the last inner step (bit j = neuron j)
  std::vector<uint64_t> spikes_next;                  // scratch
  std::vector<int32_t> x_q;                           // last quantized observation (d_in)
  std::vector<int32_t> a_q;                           // last action, Q.F_a (d_out)
  EventCounters counters;
};

struct FloatState {
  std::vector<float> v, i_syn, i_in, rate;
  std::vector<int32_t> diff;  // scratch: popcount difference of the current step
  std::vector<uint64_t> spikes, spikes_next;
  EventCounters counters;
};

// Spike raster: spike_words() words per inner step, appended in time order.
using SpikeRaster = std::vector<uint64_t>;

// reset (spec §5): v(0) from the seed (stream kInitialMembrane), i_syn = rate = spikes = 0.
// Counters are kept; clear them explicitly if wanted.
void reset(const CompiledNet& net, FixedState& st, uint64_t init_seed);
void reset(const CompiledNet& net, FloatState& st, uint64_t init_seed);

// observation quantizer (spec §4.1): x_q = sat_{B_x}(floor(x·2^F_x + 1/2)); NaN → 0
int32_t quantize_input(float x, const ArithConfig& a, bool* saturated, bool* nonfinite);

// One environment step: T inner steps, then the readout (spec §4–5). obs has d_in normalized
// components, action receives d_out floats in [-1, 1]. If raster is given, spikes are appended.
void step(const CompiledNet& net, FixedState& st, const float* obs, float* action, SpikeRaster* raster = nullptr,
          Kernel kernel = Kernel::kAuto);
void step(const CompiledNet& net, FloatState& st, const float* obs, float* action, SpikeRaster* raster = nullptr);

// v(0) draws shared by both arithmetics: 32-bit word j%4 of Philox block j/4 on stream 1.
uint32_t initial_membrane_word(uint64_t init_seed, int neuron);

namespace detail {
// the AVX-512 recurrent steps (kernels_avx512.cpp)
void inner_step_avx512_wide(const CompiledNet& net, FixedState& st);
// T narrow inner steps in one call; returns the spike tally of spec §7 (spikes of the T steps,
// recurrent accumulates of the T steps = fan-out of the spikes entering each step)
struct NarrowTally {
  uint64_t exc = 0, inh = 0, rec_synops = 0;
};
// kAuto: the event-driven form where it exists (N = 256, 512 on a CPU with VBMI2), else the
// popcount form; kPopcount forces the popcount form (the kernel test compares the two)
enum class NarrowForm { kAuto, kPopcount };
NarrowTally run_avx512_narrow(const CompiledNet& net, FixedState& st, int steps, SpikeRaster* raster,
                              NarrowForm form = NarrowForm::kAuto);
// The AVX2 kernel's recurrent input, by form. kAuto: while few neurons fire, their rows are added
// 32 lanes at a time, from the int8 rows (CompiledNet::rec_pre8) where they are built, else spread
// from the bit rows (rec_pre16); with many spikes, the popcount form. kMask: the bit rows even
// where int8 rows exist. kPopcount: the popcount form always. kEvent: the event form (int8 rows
// where built) at any firing rate, to measure the crossover. All are exact.
enum class Avx2Form { kAuto, kMask, kPopcount, kEvent };
NarrowTally run_avx2_narrow(const CompiledNet& net, FixedState& st, int steps, SpikeRaster* raster,
                            Avx2Form form = Avx2Form::kAuto);
// The same int16 LIF over a chip core's neurons first .. first + n - 1 (the SystemC LIF unit
// model runs it): the bits of lif_update. Needs lif_narrow_ok(d, N) and cpu_has_avx2().
void lif_narrow_avx2(const NetworkDesc& d, int first, int n, const int64_t* diff, const int32_t* i_in, NeuronState* s,
                     uint8_t* fired);
// sums[r] = Σ_k cols[spikes[k]·stride + r] for r < rows, with entries in {−1, 0, 1} and
// n_spikes <= 32767 (a chip core's recurrent input from its spiking neurons' columns); AVX2
void add_columns_avx2(const int8_t* cols, int64_t stride, const int32_t* spikes, int n_spikes, int rows, int64_t* sums);
// the same from bit columns: bit r of the words at cols + i·words_per_col is set where neuron i
// connects to row r; it adds +1 for i < n_exc and −1 above
void add_bit_columns_avx2(const uint64_t* cols, int64_t words_per_col, const int32_t* spikes, int n_spikes, int n_exc,
                          int rows, int64_t* sums);
// the widths and constants of the int16 datapath, with |diff| <= N fitting int16
inline bool lif_narrow_ok(const NetworkDesc& d, int n_neurons) {
  const ArithConfig& a = d.arith;
  return a.state_bits == 16 && a.rate_bits == 16 && a.const_bits <= 15 && d.fixed.r_h_q <= 32767 &&
         d.fixed.gamma_q <= 32767 && n_neurons <= 32767;
}
void narrow_pack(const CompiledNet& net, FixedState& st);    // int32 state -> int16 copies
void narrow_unpack(const CompiledNet& net, FixedState& st);  // int16 copies -> int32 state
// per-environment-step parts (spec §4.2, §5.3) for CPUs with AVX-512; same results as portable
void input_projection_avx512(const CompiledNet& net, FixedState& st);
void readout_avx512(const CompiledNet& net, FixedState& st, float* action);
// the float LIF of one inner step (spec §8) over st.diff, writing st.spikes_next; the AVX-512
// version hands a partial last vector to float_lif_tail (portable), and both give the same bits
struct FloatLif {
  float a_syn, r_h, a_m, b_m, a_out, g_out;  // b_m = 1 - a_m
};
void float_lif_avx512(const CompiledNet& net, const FloatLif& k, FloatState& st);
// the float input current (spec §8): i_in[j] = R_in·(Σ_i K_in[i][j]·x_i + Σ_i K_in[d_in+i][j]·(-x_i)),
// each term bit·x rounded and added in row order; the portable form covers neurons [from, N)
void float_input_portable(const CompiledNet& net, const float* obs, float r_in, float* i_in, int from);
void float_input_avx512(const CompiledNet& net, const float* obs, float r_in, float* i_in);
// diff = popcount(row & exc) - popcount(row & inh) for every neuron (N_pad entries), in event
// form: ±1 per connection out of each spiking neuron, so the cost follows the spikes, not N²
void recurrent_diff_portable(const CompiledNet& net, const uint64_t* spikes, int32_t* diff);
void recurrent_diff_avx512(const CompiledNet& net, const uint64_t* spikes, int32_t* diff);
void float_lif_tail(const CompiledNet& net, const FloatLif& k, FloatState& st, int from);
// the portable input projection (spec §4.2) and readout (§4.3) that step() runs, for the RTL
// units' verification campaigns (rtl/verify/)
void input_projection_reference(const CompiledNet& net, FixedState& st);
void readout_reference(const CompiledNet& net, FixedState& st, float* action);
}  // namespace detail

}  // namespace ecsim::ref
