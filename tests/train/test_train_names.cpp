// Run directories are only names: `ecsim train --out` with quotes, semicolons, $(...), spaces and
// non-ASCII writes every output file there and nothing anywhere else (no shell ever sees it).
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "../common/cli.h"

namespace fs = std::filesystem;

namespace ecsim {
namespace {

std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

TEST(TrainNames, HostileOutNamesAreOnlyNames) {
  const test::ScratchDir d("train_names");
  for (const std::string name :
       {"bob's run", "x'; touch PWNED; echo '", "a \"b\" $(touch PWNED2) `touch PWNED3` é ü"}) {
    const fs::path out = d / name;
    const auto r = test::run_ecsim({"train", "--task", "hopper", "--neurons", "32", "--pop", "8", "--generations", "2",
                                    "--max-steps", "30", "--eval-episodes", "1", "--progress", "never", "--threads",
                                    "1", "--out", out.string()});
    ASSERT_EQ(r.code, 0) << name << "\n" << r.output;
    std::set<std::string> files = entries(out);
    files.erase("curve.png");  // drawn when gnuplot is installed
    EXPECT_EQ(files, (std::set<std::string>{"checkpoint.ckpt", "config.json", "metrics.csv", "policy"})) << name;
    if (!fs::exists(out / "curve.png")) {
      EXPECT_NE(r.output.find("gnuplot"), std::string::npos) << r.output;
    }
  }
  // nothing else was created: not in the scratch directory, not in the working directory
  EXPECT_EQ(entries(d.path()).size(), 3u);
  for (const char* p : {"PWNED", "PWNED2", "PWNED3"}) {
    EXPECT_FALSE(fs::exists(p)) << p;
    EXPECT_FALSE(fs::exists(d / p)) << p;
  }
}

}  // namespace
}  // namespace ecsim
