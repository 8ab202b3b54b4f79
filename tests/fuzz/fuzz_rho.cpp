// libFuzzer target: the ρ text file (host/io/network_files.h load_rho_text), read from a scratch
// file. The expected count is the synapse count of the seeds' network (N = 16, d_in = 11,
// d_out = 3: 2·11·16 + 16·16 + 16·3), so that a well-formed seed loads completely.
#include "fuzz_common.h"
#include "io/network_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = ecsim::fuzz::write_scratch("rho.txt", ecsim::fuzz::as_string(data, size));
  ecsim::fuzz::expect_clean([&] { (void)ecsim::io::load_rho_text(path, 2 * 11 * 16 + 16 * 16 + 16 * 3); });
  return 0;
}
