#include "systemc/sampler.h"

#include "reference/network.h"
#include "reference/philox.h"
#include "systemc/chip_context.h"

namespace ecsim::sc {

uint64_t Sampler::theta_blocks(uint64_t seed, const std::vector<BlockRange>& ranges, const uint32_t* rho_q,
                               int64_t synapses, int rho_bits, uint8_t* bytes) {
  uint64_t blocks = 0;
  for (const BlockRange& r : ranges) {
    if (r.count == 0) continue;
    m_words.resize(static_cast<size_t>(4 * r.count));
    ref::detail::philox_blocks(seed, ref::PhiloxStream::kSynapses, static_cast<uint64_t>(r.first),
                               static_cast<size_t>(r.count), m_words.data());
    ref::detail::bernoulli_bytes(m_words.data(), rho_q + 8 * r.first, 16 - rho_bits, static_cast<size_t>(r.count),
                                 static_cast<size_t>(synapses - 8 * r.first), bytes);
    bytes += r.count;
    blocks += static_cast<uint64_t>(r.count);
  }
  const uint64_t per = static_cast<uint64_t>(m_timing.per_cycle);
  return (blocks + per - 1) / per + static_cast<uint64_t>(m_timing.latency_cycles);
}

uint64_t Sampler::membrane_blocks(uint64_t seed, int lo, int hi, int frac_bits, int32_t* v) {
  for (int j = lo; j < hi; ++j)
    v[j - lo] = static_cast<int32_t>(ref::initial_membrane_word(seed, j) >> (32 - frac_bits));
  return static_cast<uint64_t>(hi - lo + 3) / 4 + static_cast<uint64_t>(m_timing.latency_cycles);
}

uint64_t Sampler::draw_theta(uint64_t seed, const std::vector<BlockRange>& ranges, const uint32_t* rho_q,
                             int64_t synapses, int rho_bits, uint8_t* bytes) {
  for (const BlockRange& r : ranges) m_counters.philox_blocks += static_cast<uint64_t>(r.count);
  return theta_blocks(seed, ranges, rho_q, synapses, rho_bits, bytes);
}

uint64_t Sampler::initial_membranes(const ref::NetworkDesc& d, uint64_t seed, int lo, int hi, int32_t* v) {
  // v(0): word j%4 of Philox block j/4 on stream 1 (spec §6.3); the core draws its own blocks
  m_counters.philox_blocks += static_cast<uint64_t>((hi + 3) / 4 - lo / 4);
  return membrane_blocks(seed, lo, hi, d.arith.frac_bits, v);
}

uint64_t Sampler::sample(const ChipContext& ctx, uint64_t seed, int lo, int hi, Sram& syn, Sram& rho) {
  const ref::NetworkShape& s = ctx.desc.shape;
  const int N = s.n_neurons, n = hi - lo, w = syn.word_bits();
  // the synapse ranges [g0, g1) the core draws, in the order the sampler streams them: the rows
  // of K_in and K_h (the core's columns), then its rows of K_out; each is ⌈⌉ whole blocks of 8
  std::vector<int64_t> starts;
  m_ranges.clear();
  auto add_range = [&](int64_t g0, int64_t g1) {
    starts.push_back(g0);
    m_ranges.push_back(g1 <= g0 ? BlockRange{g0 / 8, 0} : BlockRange{g0 / 8, (g1 + 7) / 8 - g0 / 8});
  };
  for (int r = 0; r < 2 * s.d_in; ++r) add_range(int64_t{r} * N + lo, int64_t{r} * N + hi);  // K_in[r][j]
  const int64_t off_rec = s.in_synapses(), off_out = s.in_synapses() + s.rec_synapses();
  for (int i = 0; i < N; ++i) add_range(off_rec + int64_t{i} * N + lo, off_rec + int64_t{i} * N + hi);  // K_h[i][j]
  add_range(off_out + int64_t{lo} * s.d_out, off_out + int64_t{hi} * s.d_out);                          // K_out[j][k]
  uint64_t blocks = 0;
  for (const BlockRange& r : m_ranges) blocks += static_cast<uint64_t>(r.count);
  m_bytes.assign(static_cast<size_t>(blocks), 0);
  const uint64_t draw_cycles = draw_theta(seed, m_ranges, ctx.rho_q.data(), static_cast<int64_t>(ctx.rho_q.size()),
                                          ctx.desc.arith.rho_bits, m_bytes.data());

  // per local neuron: its words, assembled from the canonical rows of K_in, K_h and K_out
  std::vector<uint64_t> words(static_cast<size_t>(n) * static_cast<size_t>(ctx.words_per_neuron()), 0);
  // a present connection: bit 1 on the 1-bit chip; a float32 weight on the float32 chip, +1.0 or,
  // for the recurrent row of an inhibitory presynaptic neuron, −1.0 (Dale's law in the weight)
  const int b = ctx.config.weight_bits;
  uint64_t present = 0;
  auto set_weight = [&](int local, int word_offset, int index, bool negative) {
    const int64_t at = int64_t{index} * b;
    const uint64_t value = b == 1 ? 1u : (negative ? 0xbf800000u : 0x3f800000u);
    words[static_cast<size_t>(local * ctx.words_per_neuron() + word_offset + at / w)] |= value << (at % w);
    ++present;
  };
  auto set_bit = [&](int local, int word_offset, int index) { set_weight(local, word_offset, index, false); };
  // θ_g of range k, g in [starts[k], starts[k] + count)
  size_t range = 0, at = 0;
  auto next_range = [&]() {
    const uint8_t* bytes = m_bytes.data() + at;
    const int64_t g0 = starts[range], b0 = g0 / 8;
    at += static_cast<size_t>(m_ranges[range].count);
    ++range;
    return [bytes, g0, b0](int64_t k) {
      const int64_t g = g0 + k;
      return (bytes[static_cast<size_t>(g / 8 - b0)] >> (g % 8)) & 1u;
    };
  };
  int64_t synapses = 0;
  for (int r = 0; r < 2 * s.d_in; ++r) {  // K_in[r][j]: the input column of neuron j
    const auto bit = next_range();
    for (int l = 0; l < n; ++l)
      if (bit(l)) set_bit(l, ctx.words_rec, r);
    synapses += n;
  }
  for (int i = 0; i < N; ++i) {  // K_h[i][j]: the recurrent row of neuron j
    const auto bit = next_range();
    for (int l = 0; l < n; ++l)
      if (bit(l)) set_weight(l, 0, i, i >= s.n_exc);
    synapses += n;
  }
  {
    const auto bit = next_range();  // K_out[j][k]
    for (int l = 0; l < n; ++l)
      for (int k = 0; k < s.d_out; ++k)
        if (bit(int64_t{l} * s.d_out + k)) set_bit(l, ctx.words_rec + ctx.words_in, k);
    synapses += int64_t{n} * s.d_out;
  }
  // ρ comes from the ρ SRAM, (q+1) bits each, ⌊w/(q+1)⌋ per word
  const int64_t rho_per_word = rho.word_bits() / (ctx.desc.arith.rho_bits + 1);
  const int64_t rho_words = (synapses + rho_per_word - 1) / rho_per_word;
  rho.count_reads(static_cast<uint64_t>(rho_words));
  for (size_t k = 0; k < words.size(); ++k) syn.write(static_cast<int64_t>(k), words[k]);
  m_counters.synapses_present += present;
  m_counters.synapses_drawn += static_cast<uint64_t>(synapses);
  return draw_cycles + syn.write_cycles(words.size());
}

}  // namespace ecsim::sc
