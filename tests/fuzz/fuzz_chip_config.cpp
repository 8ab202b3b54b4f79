// libFuzzer target: the chip config loader (hw_model/chip/chip_config.h, configs/chip_*.json).
#include "chip/chip_config.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = ecsim::fuzz::as_string(data, size);
  ecsim::fuzz::expect_clean([&] { (void)ecsim::chip::parse_chip_config(text, "fuzz chip config"); });
  return 0;
}
