// libFuzzer target: the observation normalizer of a policy image, normalizer.json
// (host/tasks/normalizer.h RunningNormalizer::from_json).
#include "fuzz_common.h"
#include "tasks/normalizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = ecsim::fuzz::as_string(data, size);
  ecsim::fuzz::expect_clean([&] {
    const ecsim::tasks::RunningNormalizer n = ecsim::tasks::RunningNormalizer::from_json(text);
    for (size_t i = 0; i < n.size(); ++i) (void)n.std(i);
  });
  return 0;
}
