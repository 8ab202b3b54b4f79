// The network's 1-bit connections θ (docs/spec.md §2.2, §6): three bit matrices with rows =
// presynaptic, columns = postsynaptic, plus ρ quantization and the seeded Bernoulli sampler.
// (File formats live in host/io/network_files.h.)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reference/network_desc.h"

namespace ecsim::ref {

// rows × cols bits, row-major, every row padded to whole 64-bit words (padding bits are 0).
// Writers through mutable_row() must keep the padding bits 0.
class BitMatrix {
 public:
  BitMatrix() = default;
  BitMatrix(int rows, int cols);

  int rows() const { return m_rows; }
  int cols() const { return m_cols; }
  int words_per_row() const { return m_wpr; }
  bool get(int r, int c) const { return (m_words[static_cast<size_t>(r) * m_wpr + (c >> 6)] >> (c & 63)) & 1u; }
  void set(int r, int c, bool v);
  const uint64_t* row(int r) const { return m_words.data() + static_cast<size_t>(r) * m_wpr; }
  uint64_t* mutable_row(int r) { return m_words.data() + static_cast<size_t>(r) * m_wpr; }
  int64_t count_ones() const;
  int64_t count_row(int r) const;
  bool operator==(const BitMatrix&) const = default;

 private:
  int m_rows = 0, m_cols = 0, m_wpr = 0;
  std::vector<uint64_t> m_words;
};

struct Theta {
  BitMatrix in;   // (2·d_in × N): rows [0, d_in) see +x, rows [d_in, 2·d_in) see -x
  BitMatrix rec;  // (N × N)
  BitMatrix out;  // (N × d_out)

  static Theta zeros(const NetworkShape& s);
  // the bit of global synapse index g in the canonical order of spec §6.2
  bool get_global(const NetworkShape& s, int64_t g) const;
  void set_global(const NetworkShape& s, int64_t g, bool v);
  int64_t count_ones() const { return in.count_ones() + rec.count_ones() + out.count_ones(); }
  bool operator==(const Theta&) const = default;
};

// ρ_q = clamp(floor(ρ·2^q + 1/2), 0, 2^q) in double arithmetic (spec §6.2); ρ must be finite.
std::vector<uint32_t> quantize_rho(const std::vector<float>& rho, int rho_bits);

// θ_g = (lane16_g >> (16 - q)) < ρ_q[g], lane g%8 of Philox block g/8 on stream kSynapses.
Theta sample_theta(const NetworkShape& s, int rho_bits, const std::vector<uint32_t>& rho_q, uint64_t seed);

// The same bits in canonical order (bit g%64 of word g/64 is θ_g), for words [word_begin,
// word_end) only, so that the host can split the regeneration of θ over threads. Bits past the
// last synapse are 0.
void sample_canonical_words(const std::vector<uint32_t>& rho_q, int rho_bits, uint64_t seed, size_t word_begin,
                            size_t word_end, uint64_t* words);
// θ from canonical words (total_synapses() bits)
Theta theta_from_canonical_words(const NetworkShape& s, const uint64_t* words);

// θ* = (ρ > 0.5), the deterministic network of EC (the authors' ec.py, final network extraction).
Theta threshold_theta(const NetworkShape& s, const std::vector<float>& rho);

}  // namespace ecsim::ref
