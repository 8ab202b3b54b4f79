// The plot runner (host/io/plot.h): gnuplot from an argument vector, never a shell, so that a
// path with quotes, semicolons or $(...) is only a path; nothing is left beside the PNG.
#include <gtest/gtest.h>

#include <filesystem>

#include "io/plot.h"

namespace fs = std::filesystem;

namespace ecsim::io {
namespace {

TEST(HostPlot, HostileNamesAreOnlyNamesAndNothingIsLeftBeside) {
  const fs::path dir = fs::temp_directory_path() / "ecsim plot test 'x'; touch PWNED; $(touch PWNED2) é";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path png = dir / "bob's \"curve\"; $(rm -rf x).png";
  const std::string script =
      "set terminal pngcairo size 200,150\nset output \"plot.png\"\nplot \"data.dat\" using 1:2 with lines notitle\n";
  const std::string why = plot_png(png.string(), script, {{"data.dat", "0 0\n1 1\n2 4\n"}});
  if (why.find("not installed") != std::string::npos) GTEST_SKIP() << why;
  ASSERT_EQ(why, "");
  EXPECT_TRUE(fs::is_regular_file(png));
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1u);  // the PNG alone: no .dat, .gp or temporaries
  EXPECT_FALSE(fs::exists("PWNED"));
  EXPECT_FALSE(fs::exists("PWNED2"));
  EXPECT_FALSE(fs::exists(dir / "PWNED"));
  // a failing script is reported with gnuplot's message, and writes nothing
  const fs::path bad = dir / "bad.png";
  const std::string err = plot_png(bad.string(), "plot \"missing.dat\"\n", {});
  EXPECT_NE(err.find("gnuplot failed"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(bad));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ecsim::io
