#include "systemc/sampler.h"

#include <bit>

#include "reference/philox.h"

namespace ecsim::sc {

void Sampler::draw(const ChipContext& ctx, uint64_t seed, int64_t g0, int64_t g1, std::vector<uint8_t>& out) {
  out.assign(static_cast<size_t>(g1 - g0), 0);
  if (g1 <= g0) return;
  const int64_t total = static_cast<int64_t>(ctx.rho_q.size());
  const int64_t b0 = g0 / 8, b1 = (g1 + 7) / 8;
  std::vector<uint32_t> words(static_cast<size_t>(4 * (b1 - b0)));
  std::vector<uint8_t> bytes(static_cast<size_t>(b1 - b0));
  ref::detail::philox_blocks(seed, ref::PhiloxStream::kSynapses, static_cast<uint64_t>(b0),
                             static_cast<size_t>(b1 - b0), words.data());
  ref::detail::bernoulli_bytes(words.data(), ctx.rho_q.data() + 8 * b0, 16 - ctx.desc.arith.rho_bits,
                               static_cast<size_t>(b1 - b0), static_cast<size_t>(total - 8 * b0), bytes.data());
  m_counters.philox_blocks += static_cast<uint64_t>(b1 - b0);
  for (int64_t g = g0; g < g1; ++g)
    out[static_cast<size_t>(g - g0)] = (bytes[static_cast<size_t>(g / 8 - b0)] >> (g % 8)) & 1u;
}

uint64_t Sampler::sample(const ChipContext& ctx, uint64_t seed, int lo, int hi, Sram& syn, Sram& rho) {
  const ref::NetworkShape& s = ctx.desc.shape;
  const int N = s.n_neurons, n = hi - lo, w = syn.word_bits();
  const uint64_t blocks_before = m_counters.philox_blocks;
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
  std::vector<uint8_t> bits;
  int64_t synapses = 0;
  for (int r = 0; r < 2 * s.d_in; ++r) {  // K_in[r][j]: the input column of neuron j
    draw(ctx, seed, int64_t{r} * N + lo, int64_t{r} * N + hi, bits);
    for (int l = 0; l < n; ++l)
      if (bits[static_cast<size_t>(l)]) set_bit(l, ctx.words_rec, r);
    synapses += n;
  }
  const int64_t off_rec = s.in_synapses(), off_out = s.in_synapses() + s.rec_synapses();
  for (int i = 0; i < N; ++i) {  // K_h[i][j]: the recurrent row of neuron j
    draw(ctx, seed, off_rec + int64_t{i} * N + lo, off_rec + int64_t{i} * N + hi, bits);
    for (int l = 0; l < n; ++l)
      if (bits[static_cast<size_t>(l)]) set_weight(l, 0, i, i >= s.n_exc);
    synapses += n;
  }
  draw(ctx, seed, off_out + int64_t{lo} * s.d_out, off_out + int64_t{hi} * s.d_out, bits);  // K_out[j][k]
  for (int l = 0; l < n; ++l)
    for (int k = 0; k < s.d_out; ++k)
      if (bits[static_cast<size_t>(l * s.d_out + k)]) set_bit(l, ctx.words_rec + ctx.words_in, k);
  synapses += int64_t{n} * s.d_out;
  // ρ comes from the ρ SRAM, (q+1) bits each, ⌊w/(q+1)⌋ per word
  const int64_t rho_per_word = rho.word_bits() / (ctx.desc.arith.rho_bits + 1);
  const int64_t rho_words = (synapses + rho_per_word - 1) / rho_per_word;
  rho.count_reads(static_cast<uint64_t>(rho_words));
  for (size_t k = 0; k < words.size(); ++k) syn.write(static_cast<int64_t>(k), words[k]);
  m_counters.synapses_present += present;
  m_counters.synapses_drawn += static_cast<uint64_t>(synapses);
  const uint64_t blocks = m_counters.philox_blocks - blocks_before;
  const uint64_t per = static_cast<uint64_t>(m_timing.per_cycle);
  return (blocks + per - 1) / per + static_cast<uint64_t>(m_timing.latency_cycles) + syn.write_cycles(words.size());
}

}  // namespace ecsim::sc
