// Writes random rows for the Icarus testbench: vectors.hex (one word per line: last, syn, spk,
// exc) and expected.hex (one signed sum per row, as ACC_W-bit two's complement), from the
// reference model's popcount-accumulate.
#include <cstdio>
#include <random>

#include "reference/popcount.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: rtl_vectors VECTORS.hex EXPECTED.hex\n");
    return 2;
  }
  FILE* v = std::fopen(argv[1], "w");
  FILE* e = std::fopen(argv[2], "w");
  if (!v || !e) return 2;
  std::mt19937_64 g(11);
  int words = 0;
  for (int row = 0; row < 2000; ++row) {
    const int n = 1 + static_cast<int>(g() % 6);
    int64_t sum = 0;
    for (int k = 0; k < n; ++k) {
      const uint64_t syn = g(), spk = g() & g(), exc = (g() % 2) ? g() : ~uint64_t{0} << (g() % 64);
      sum += ecsim::ref::popcount_accumulate(&syn, &spk, &exc, 1);
      std::fprintf(v, "%d_%016llx_%016llx_%016llx\n", k + 1 == n, static_cast<unsigned long long>(syn),
                   static_cast<unsigned long long>(spk), static_cast<unsigned long long>(exc));
      ++words;
    }
    std::fprintf(e, "%04llx\n", static_cast<unsigned long long>(sum) & 0xFFFFULL);
  }
  std::fclose(v);
  std::fclose(e);
  std::printf("%d words in 2000 rows\n", words);
  return 0;
}
