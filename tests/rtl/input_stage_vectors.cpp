// Writes beats for the Icarus testbench of the input stage (D = 11, B_x = 10, W = 16, R_in,q of 20
// bits, shift 11): the vectors file (one beat per line in binary: x_q[10] .. x_q[0] of 10 bits, pos,
// neg, R_in,q) and expected.hex (i_in of 16 bits), from the reference model's input projection.
// Directed networks (both saturation bounds, exact, tie and largest scales; all-ones and all-zero
// rows; the extreme x_q) come with random ones.
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "reference/network.h"
#include "reference/theta.h"

namespace {

constexpr int kD = 11, kBx = 10, kN = 64, kRb = 20;

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
  NetworkShape s;
  s.n_neurons = kN;
  s.n_exc = kN / 2;
  s.d_in = kD;
  s.d_out = 3;
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int32_t> xr(-512, 511);
  std::bernoulli_distribution bit(0.5);
  const int64_t r_default = make_network_desc(s).fixed.r_in_q;
  const std::vector<int64_t> scales = {r_default, 1 << 10, (1 << kRb) - 1, 7 << 11, 8 << 11, 0};
  int beats = 0;
  for (int64_t r : scales)
    for (int pattern = 0; pattern < 4; ++pattern) {
      NetworkDesc d = make_network_desc(s);
      d.fixed.r_in_q = r;
      Theta th = Theta::zeros(s);
      for (int j = 0; j < kN; ++j)
        for (int i = 0; i < kD; ++i) {
          th.in.set(i, j, j == 0 || j == 3 || (j > 3 && bit(rng)));
          th.in.set(kD + i, j, j == 1 || j == 3 || (j > 3 && bit(rng)));
        }
      const CompiledNet net(d, th);
      FixedState st;
      reset(net, st, 1);
      for (int i = 0; i < kD; ++i) st.x_q[static_cast<size_t>(i)] = pattern == 0 ? 511 : pattern == 1 ? -512 : xr(rng);
      if (pattern == 3 && r == (7 << 11)) {  // neuron 0 exactly on +32767
        for (int i = 0; i < 9; ++i) st.x_q[static_cast<size_t>(i)] = 511;
        st.x_q[9] = 4681 - 9 * 511;
        st.x_q[10] = 0;
      }
      detail::input_projection_reference(net, st);
      for (int j = 0; j < kN; ++j) {
        std::string line;
        uint32_t pos = 0, neg = 0;
        for (int i = kD - 1; i >= 0; --i) line += bits(static_cast<uint32_t>(st.x_q[static_cast<size_t>(i)]), kBx);
        for (int i = 0; i < kD; ++i) {
          pos |= uint32_t{th.in.get(i, j)} << i;
          neg |= uint32_t{th.in.get(kD + i, j)} << i;
        }
        std::fprintf(v, "%s%s%s%s\n", line.c_str(), bits(pos, kD).c_str(), bits(neg, kD).c_str(),
                     bits(static_cast<uint64_t>(r), kRb).c_str());
        std::fprintf(e, "%04x\n", static_cast<unsigned>(st.i_in[static_cast<size_t>(j)]) & 0xffffu);
        ++beats;
      }
    }
  std::fclose(v);
  std::fclose(e);
  std::printf("%d beats\n", beats);
  return 0;
}
