#include "reference/theta.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "common/error.h"
#include "reference/philox.h"

namespace ecsim::ref {

BitMatrix::BitMatrix(int rows, int cols)
    : m_rows(rows),
      m_cols(cols),
      m_wpr((cols + 63) / 64),
      m_words(static_cast<size_t>(rows) * static_cast<size_t>((cols + 63) / 64), 0) {}

void BitMatrix::set(int r, int c, bool v) {
  uint64_t& w = m_words[static_cast<size_t>(r) * m_wpr + (c >> 6)];
  const uint64_t bit = uint64_t{1} << (c & 63);
  w = v ? (w | bit) : (w & ~bit);
}

int64_t BitMatrix::count_ones() const {
  int64_t n = 0;
  for (uint64_t w : m_words) n += std::popcount(w);
  return n;
}

int64_t BitMatrix::count_row(int r) const {
  int64_t n = 0;
  for (int k = 0; k < m_wpr; ++k) n += std::popcount(row(r)[k]);
  return n;
}

Theta Theta::zeros(const NetworkShape& s) {
  return Theta{BitMatrix(2 * s.d_in, s.n_neurons), BitMatrix(s.n_neurons, s.n_neurons),
               BitMatrix(s.n_neurons, s.d_out)};
}

// canonical order: K_in row-major, then K_h row-major, then K_out row-major
template <typename F>
static auto with_global(const NetworkShape& s, int64_t g, F&& f) {
  const int64_t n_in = s.in_synapses(), n_rec = s.rec_synapses();
  if (g < n_in) return f(0, static_cast<int>(g / s.n_neurons), static_cast<int>(g % s.n_neurons));
  g -= n_in;
  if (g < n_rec) return f(1, static_cast<int>(g / s.n_neurons), static_cast<int>(g % s.n_neurons));
  g -= n_rec;
  return f(2, static_cast<int>(g / s.d_out), static_cast<int>(g % s.d_out));
}

bool Theta::get_global(const NetworkShape& s, int64_t g) const {
  return with_global(s, g, [&](int m, int r, int c) { return (m == 0 ? in : m == 1 ? rec : out).get(r, c); });
}

void Theta::set_global(const NetworkShape& s, int64_t g, bool v) {
  with_global(s, g, [&](int m, int r, int c) { (m == 0 ? in : m == 1 ? rec : out).set(r, c, v); });
}

std::vector<uint32_t> quantize_rho(const std::vector<float>& rho, int rho_bits) {
  const double scale = std::ldexp(1.0, rho_bits);
  const auto top = static_cast<uint32_t>(uint32_t{1} << rho_bits);
  std::vector<uint32_t> q(rho.size());
  for (size_t i = 0; i < rho.size(); ++i) {
    const double r = rho[i];
    if (!std::isfinite(r))
      throw Error("connection probability ρ[" + std::to_string(i) + "] is not finite",
                  "every ρ must be a number in [0, 1]");
    const double v = std::floor(r * scale + 0.5);
    q[i] = v <= 0 ? 0u : (v >= scale ? top : static_cast<uint32_t>(v));
  }
  return q;
}

// Copies bits [g0, g0 + m.rows()·m.cols()) of a canonical bit array into a row-major matrix.
static void unpack_canonical(const std::vector<uint8_t>& bits, int64_t g0, BitMatrix& m) {
  const int cols = m.cols();
  for (int r = 0; r < m.rows(); ++r) {
    uint64_t* row = m.mutable_row(r);
    const int64_t start = g0 + static_cast<int64_t>(r) * cols;
    if ((start & 7) == 0 && (cols & 63) == 0) {  // byte-aligned whole words: a straight copy
      std::memcpy(row, bits.data() + (start >> 3), static_cast<size_t>(cols) / 8);
      continue;
    }
    for (int c = 0; c < cols; ++c) {
      const int64_t g = start + c;
      if ((bits[static_cast<size_t>(g >> 3)] >> (g & 7)) & 1u) row[c >> 6] |= uint64_t{1} << (c & 63);
    }
  }
}

void sample_canonical_words(const std::vector<uint32_t>& rho_q, int rho_bits, uint64_t seed, size_t word_begin,
                            size_t word_end, uint64_t* words) {
  // one Philox block decides 8 consecutive synapses: one byte of the canonical bit array
  const int64_t total = static_cast<int64_t>(rho_q.size());
  const int drop = 16 - rho_bits;
  constexpr int64_t kBatch = 256;  // Philox blocks generated at a time (32 words)
  uint32_t philox[4 * kBatch];
  uint8_t bytes[kBatch];
  const int64_t first = static_cast<int64_t>(word_begin) * 8,
                last = std::min<int64_t>(static_cast<int64_t>(word_end) * 8, (total + 7) / 8);
  std::memset(words, 0, (word_end - word_begin) * sizeof(uint64_t));
  auto* out = reinterpret_cast<unsigned char*>(words);
  for (int64_t b0 = first; b0 < last; b0 += kBatch) {
    const int64_t nblk = std::min(kBatch, last - b0);
    detail::philox_blocks(seed, PhiloxStream::kSynapses, static_cast<uint64_t>(b0), static_cast<size_t>(nblk), philox);
    detail::bernoulli_bytes(philox, rho_q.data() + 8 * b0, drop, static_cast<size_t>(nblk),
                            static_cast<size_t>(total - 8 * b0), bytes);
    std::memcpy(out + (b0 - first), bytes, static_cast<size_t>(nblk));  // little endian: bytes in word order
  }
}

Theta theta_from_canonical_words(const NetworkShape& s, const uint64_t* words) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(words);
  const std::vector<uint8_t> bits(bytes, bytes + (s.total_synapses() + 7) / 8);
  Theta t = Theta::zeros(s);
  unpack_canonical(bits, 0, t.in);
  unpack_canonical(bits, s.in_synapses(), t.rec);
  unpack_canonical(bits, s.in_synapses() + s.rec_synapses(), t.out);
  return t;
}

Theta sample_theta(const NetworkShape& s, int rho_bits, const std::vector<uint32_t>& rho_q, uint64_t seed) {
  const int64_t total = s.total_synapses();
  if (static_cast<int64_t>(rho_q.size()) != total)
    throw Error(
        "ρ has " + std::to_string(rho_q.size()) + " entries but the network has " + std::to_string(total) + " synapses",
        "give one probability per synapse in the canonical order of docs/spec.md §6.2");
  std::vector<uint64_t> words(static_cast<size_t>((total + 63) / 64));
  sample_canonical_words(rho_q, rho_bits, seed, 0, words.size(), words.data());
  return theta_from_canonical_words(s, words.data());
}

Theta threshold_theta(const NetworkShape& s, const std::vector<float>& rho) {
  if (static_cast<int64_t>(rho.size()) != s.total_synapses())
    throw Error("ρ has " + std::to_string(rho.size()) + " entries but the network has " +
                    std::to_string(s.total_synapses()) + " synapses",
                "give one probability per synapse in the canonical order");
  Theta t = Theta::zeros(s);
  for (int64_t g = 0; g < s.total_synapses(); ++g)
    if (rho[static_cast<size_t>(g)] > 0.5f) t.set_global(s, g, true);
  return t;
}

}  // namespace ecsim::ref
