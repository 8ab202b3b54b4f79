// libFuzzer target: the θ bit file (host/io/network_files.h load_theta), read from a scratch file.
#include "fuzz_common.h"
#include "io/network_files.h"

namespace {

void load(const std::string& bytes) {
  const std::string path = ecsim::fuzz::write_scratch("theta.bin", bytes);
  ecsim::fuzz::expect_clean([&] {
    ecsim::ref::NetworkShape shape;
    const ecsim::ref::Theta t = ecsim::io::load_theta(path, &shape);
    (void)t.get_global(shape, shape.total_synapses() - 1);
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // with the checksum made right: it would reject nearly every mutation (its own check is a
  // comparison, covered by the unit tests); one file write per input keeps the target fast
  load(ecsim::fuzz::with_crc(ecsim::fuzz::as_string(data, size)));
  return 0;
}
