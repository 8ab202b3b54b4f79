// libFuzzer target: the energy table loader (hw_model/energy/energy_table.h, configs/energy_*.json).
#include "energy/energy_table.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = ecsim::fuzz::as_string(data, size);
  ecsim::fuzz::expect_clean([&] { (void)ecsim::energy::parse_energy_table(text, "fuzz energy table"); });
  return 0;
}
