// libFuzzer target: the θ bit file (host/io/network_files.h load_theta), read from a scratch file.
#include "fuzz_common.h"
#include "io/network_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = ecsim::fuzz::write_scratch("theta.bin", ecsim::fuzz::as_string(data, size));
  ecsim::fuzz::expect_clean([&] {
    ecsim::ref::NetworkShape shape;
    const ecsim::ref::Theta t = ecsim::io::load_theta(path, &shape);
    (void)t.get_global(shape, shape.total_synapses() - 1);
  });
  return 0;
}
