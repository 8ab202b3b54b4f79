// libFuzzer target: the action file of `ecsim rollout --actions` (host/io/csv.h without NaN,
// then the act_0, act_1, ... columns read row by row as cmd_rollout does).
#include "fuzz_common.h"
#include "io/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = ecsim::fuzz::as_string(data, size);
  ecsim::fuzz::expect_clean([&] {
    const ecsim::io::NumericTable t = ecsim::io::parse_numeric_csv(text, "actions.csv");
    const std::vector<size_t> cols = t.numbered_columns("act_");
    double sum = 0;
    for (const auto& row : t.rows)
      for (size_t c : cols) sum += row.at(c);
    (void)sum;
  });
  return 0;
}
