// Writes beats for the Icarus testbench of the readout (d_out = 3, W_r = 16, R_out,q of 20 bits,
// F_a = 12, shift 15): the vectors file (one neuron beat per line in binary: first, last, rate, the
// output row, R_out,q) and the expected file (one line per step, binary: a_q,2 a_q,1 a_q,0 of 14 bits), from
// the reference model's readout. Directed scales (exact, ties, 0, the largest, the network's own),
// the extreme and zero rates and the ±1 bounds come with random rates.
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "reference/network.h"
#include "reference/theta.h"

namespace {

constexpr int kDo = 3, kRb = 20;

std::string bits(uint64_t v, int n) {
  std::string s;
  for (int b = n - 1; b >= 0; --b) s += ((v >> b) & 1u) ? '1' : '0';
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ecsim::ref;
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s VECTORS EXPECTED\n", argv[0]);
    return 2;
  }
  FILE* v = std::fopen(argv[1], "w");
  FILE* e = std::fopen(argv[2], "w");
  if (!v || !e) return 1;
  std::mt19937_64 rng(13);
  std::bernoulli_distribution bit(0.5);
  int steps = 0;
  for (int n : {2, 16, 64}) {
    NetworkShape s;
    s.n_neurons = n;
    s.n_exc = n / 2;
    s.d_in = 2;
    s.d_out = kDo;
    const int64_t r_default = make_network_desc(s).fixed.r_out_q;
    for (int64_t r : {r_default, int64_t{1} << 15, int64_t{1} << 14, int64_t{0}, (int64_t{1} << kRb) - 1})
      for (int pattern = 0; pattern < 7; ++pattern) {
        NetworkDesc d = make_network_desc(s);
        d.fixed.r_out_q = r;
        Theta th = Theta::zeros(s);
        for (int j = 0; j < n; ++j)
          for (int k = 0; k < kDo; ++k) th.out.set(j, k, j == 0 || (j > 1 && bit(rng)));
        const CompiledNet net(d, th);
        FixedState st;
        reset(net, st, 1);
        const int32_t span = pattern == 3 ? 32767 : pattern == 4 ? 2048 : pattern == 5 ? 64 : 3;
        std::uniform_int_distribution<int32_t> rr(-span, span);
        for (int j = 0; j < n; ++j) {
          int32_t x = pattern == 0 ? 32767 : pattern == 1 ? -32768 : pattern == 2 ? 0 : rr(rng);
          if (pattern == 6) x = j == 0 ? (r == (int64_t{1} << 15) ? 4096 : 4097) : 0;  // on and past +1
          st.rate[static_cast<size_t>(j)] = x;
        }
        std::vector<float> action(kDo);
        detail::readout_reference(net, st, action.data());
        for (int j = 0; j < n; ++j) {
          uint32_t row = 0;
          for (int k = 0; k < kDo; ++k) row |= uint32_t{th.out.get(j, k)} << k;
          std::fprintf(v, "%d%d%s%s%s\n", j == 0, j == n - 1,
                       bits(static_cast<uint32_t>(st.rate[static_cast<size_t>(j)]), 16).c_str(), bits(row, kDo).c_str(),
                       bits(static_cast<uint64_t>(r), kRb).c_str());
        }
        std::string line;
        for (int k = kDo - 1; k >= 0; --k) line += bits(static_cast<uint32_t>(st.a_q[static_cast<size_t>(k)]), 14);
        std::fprintf(e, "%s\n", line.c_str());
        ++steps;
      }
  }
  std::fclose(v);
  std::fclose(e);
  std::printf("%d steps\n", steps);
  return 0;
}
