// libFuzzer target: the observation trace of `ecsim simulate --trace` (host/io/csv.h with NaN
// allowed, reading only the obs_* columns and skipping the others' cells, then the obs_0, obs_1,
// ... columns read row by row as cmd_simulate does).
#include <cmath>

#include "fuzz_common.h"
#include "io/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = ecsim::fuzz::as_string(data, size);
  ecsim::fuzz::expect_clean([&] {
    const ecsim::io::NumericTable t = ecsim::io::parse_numeric_csv(
        text, "trace.csv", /*allow_nan=*/true, [](const std::string& c) { return c.rfind("obs_", 0) == 0; });
    const std::vector<size_t> cols = t.numbered_columns("obs_");
    double sum = 0;
    for (const auto& row : t.rows)
      for (size_t c : cols) sum += static_cast<float>(row.at(c));
    (void)sum;
    (void)ecsim::io::describe_columns(t.ignored);
  });
  return 0;
}
