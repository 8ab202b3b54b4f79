// Writes neurons for the Icarus testbench of the LIF unit at the default chip's widths
// (configs/chip_default.json, N = 256): config.hex (α_syn, β_m, α_out, γ, R, one a line),
// vectors.hex (one neuron a line: exc, diff, i_in, v, i_syn, rate) and expected.hex (v, i_syn,
// rate, fired), from the reference model's ref::lif_update. Half the fields are at or next to a
// bound or the threshold.
#include <algorithm>
#include <cstdio>
#include <random>

#include "reference/network_desc.h"
#include "reference/neuron.h"

namespace {

unsigned hex16(int64_t x) { return static_cast<unsigned>(x) & 0xFFFFu; }

int64_t field(std::mt19937_64& g, int64_t lo, int64_t hi, int64_t theta) {
  if (g() % 2) {
    const int64_t pool[] = {lo, lo + 1, -theta, -1, 0, 1, theta - 1, theta, theta + 1, hi - 1, hi};
    return pool[g() % std::size(pool)];
  }
  return lo + static_cast<int64_t>(g() % static_cast<uint64_t>(hi - lo + 1));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: rtl_lif_vectors VECTORS.hex EXPECTED.hex (config.hex beside them)\n");
    return 2;
  }
  const ecsim::ref::NetworkDesc d = ecsim::ref::make_network_desc(ecsim::ref::NetworkShape{});
  const ecsim::ref::FixedConstants& f = d.fixed;
  if (d.arith.state_bits != 16 || d.arith.rate_bits != 16 || d.arith.const_bits != 15) return 2;  // the tb's widths
  FILE* c = std::fopen("config.hex", "w");
  FILE* v = std::fopen(argv[1], "w");
  FILE* e = std::fopen(argv[2], "w");
  if (!c || !v || !e) return 2;
  std::fprintf(c, "%04x\n%04x\n%04x\n%04x\n%04x\n", hex16(f.alpha_syn_q), hex16(f.beta_m_q), hex16(f.alpha_out_q),
               hex16(f.gamma_q), hex16(std::min<int64_t>(f.r_h_q, 1 << 15)));
  std::mt19937_64 g(13);
  const int n = 4000;
  int fired = 0;
  for (int k = 0; k < n; ++k) {
    const int64_t diff = field(g, -32768, 32767, f.theta_q), i_in = field(g, -32768, 32767, f.theta_q);
    const bool exc = g() % 2;
    ecsim::ref::NeuronState s{static_cast<int32_t>(field(g, -32768, 32767, f.theta_q)),
                              static_cast<int32_t>(field(g, -32768, 32767, f.theta_q)),
                              static_cast<int32_t>(field(g, -32768, 32767, f.theta_q))};
    std::fprintf(v, "%x_%04x_%04x_%04x_%04x_%04x\n", exc ? 1u : 0u, hex16(diff), hex16(i_in), hex16(s.v),
                 hex16(s.i_syn), hex16(s.rate));
    const bool spike = ecsim::ref::lif_update(d, diff, static_cast<int32_t>(i_in), exc, s);
    fired += spike;
    std::fprintf(e, "%04x_%04x_%04x_%x\n", hex16(s.v), hex16(s.i_syn), hex16(s.rate), spike ? 1u : 0u);
  }
  std::fclose(c);
  std::fclose(v);
  std::fclose(e);
  std::printf("%d neurons, %d fire\n", n, fired);
  return 0;
}
