// Writes requests for the Icarus testbench of the Philox sampler (q = 10, F = 10): vectors.hex (one
// request per line: mode, seed, stream, index, the 8 ρ_q of 11 bits) and expected.hex (one result
// per line: the 4 words, θ, the 4 v(0) of 10 bits), from the reference model. Directed requests
// (index 0, the counter carry, all-ones seeds, ρ_q = 0 and 2^q, ties) come first, then random ones.
#include <cstdio>
#include <initializer_list>
#include <random>
#include <vector>

#include "reference/network.h"
#include "reference/philox.h"
#include "reference/theta.h"

namespace {

constexpr int kQ = 10, kF = 10;

struct Req {
  unsigned mode = 0;
  uint64_t seed = 0;
  uint32_t stream = 0;
  uint64_t index = 0;
  uint32_t rho[8] = {};
};

std::array<uint32_t, 4> block_of(const Req& r) {
  const uint32_t stream = r.mode == 1 ? 0u : r.mode == 2 ? 1u : r.stream;
  return ecsim::ref::philox_block(r.seed, static_cast<ecsim::ref::PhiloxStream>(stream), r.index);
}

void write(FILE* v, FILE* e, const Req& r) {
  // ρ: 88 bits, lane l at [11·l +: 11], as a high and a low half
  uint64_t rho_lo = 0, rho_hi = 0;
  for (int l = 0; l < 8; ++l)
    for (int b = 0; b < 11; ++b)
      if ((r.rho[l] >> b) & 1u) {
        const int bit = 11 * l + b;
        (bit < 64 ? rho_lo : rho_hi) |= uint64_t{1} << (bit & 63);
      }
  std::fprintf(v, "%x_%016llx_%08x_%016llx_%06llx%016llx\n", r.mode, static_cast<unsigned long long>(r.seed), r.stream,
               static_cast<unsigned long long>(r.index), static_cast<unsigned long long>(rho_hi),
               static_cast<unsigned long long>(rho_lo));
  const std::array<uint32_t, 4> w = block_of(r);
  uint8_t theta = 0;
  if (r.mode == 1) ecsim::ref::detail::bernoulli_bytes(w.data(), r.rho, 16 - kQ, 1, 8, &theta);
  uint64_t vv = 0;
  if (r.mode == 2)
    for (int k = 0; k < 4; ++k)
      vv |= uint64_t{ecsim::ref::initial_membrane_word(r.seed, static_cast<int>(4 * r.index) + k) >> (32 - kF)}
            << (kF * k);
  std::fprintf(e, "%08x%08x%08x%08x_%02x_%010llx\n", w[3], w[2], w[1], w[0], theta,
               static_cast<unsigned long long>(vv));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: philox_vectors VECTORS.hex EXPECTED.hex\n");
    return 2;
  }
  FILE* v = std::fopen(argv[1], "w");
  FILE* e = std::fopen(argv[2], "w");
  if (!v || !e) return 2;
  std::mt19937_64 g(13);
  std::vector<Req> reqs;
  auto add = [&](unsigned mode, uint64_t seed, uint64_t index, uint32_t stream, int rho_kind) {
    Req r;
    r.mode = mode;
    r.seed = seed;
    r.index = mode == 2 ? index % (uint64_t{1} << 28) : index;  // v(0): an int neuron index
    r.stream = stream;
    if (mode == 1) {
      const std::array<uint32_t, 4> w = block_of(r);
      for (int l = 0; l < 8; ++l) {
        const uint32_t u = ecsim::ref::philox_lane16(w, l) >> (16 - kQ);
        const int kind = rho_kind >= 0 ? rho_kind : static_cast<int>(g() % 6);
        const uint32_t choice[5] = {0u, 1u << kQ, u, u + 1, static_cast<uint32_t>(g() % ((1u << kQ) + 1))};
        r.rho[l] = choice[kind > 4 ? 4 : kind];
      }
    }
    reqs.push_back(r);
  };
  for (unsigned m = 0; m < 3; ++m) {
    for (uint64_t seed : std::initializer_list<uint64_t>{0, ~uint64_t{0}, 0x00000000FFFFFFFFull, 0xFFFFFFFF00000000ull})
      for (uint64_t index :
           std::initializer_list<uint64_t>{0, 0xFFFFFFFEull, 0xFFFFFFFFull, 0x100000000ull, ~uint64_t{0}})
        add(m, seed, index, 0xFFFFFFFFu, -1);
  }
  for (int kind = 0; kind < 4; ++kind)
    for (int i = 0; i < 16; ++i) add(1, g(), g() % 4096, 0, kind);  // ρ_q = 0, 2^q, ties u and u + 1
  for (int i = 0; i < 2000; ++i) add(static_cast<unsigned>(g() % 3), g(), g(), static_cast<uint32_t>(g()), -1);
  for (const Req& r : reqs) write(v, e, r);
  std::fclose(v);
  std::fclose(e);
  std::printf("%zu requests\n", reqs.size());
  return 0;
}
