// The plot runner (host/io/plot.h): gnuplot from an argument vector, never a shell, so that a
// path with quotes, semicolons or $(...) is only a path; nothing is left beside the PNG.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <tuple>
#include <vector>

#include "common/error.h"
#include "io/atomic_file.h"
#include "io/energy_plot.h"
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

// An output path that is a directory or a device is refused, never renamed over (as root,
// renaming over /dev/null would replace it; a FIFO stands in for the device here).
TEST(HostOutput, OnlyRegularFilesAreReplaced) {
  const fs::path dir = fs::temp_directory_path() / ("ecsim_output_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "a_dir");
  const fs::path fifo = dir / "a_fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_THROW(write_file_atomic((dir / "a_dir").string(), "x"), Error);
  EXPECT_TRUE(fs::is_directory(dir / "a_dir"));
  EXPECT_THROW(write_file_atomic(fifo.string(), "x"), Error);
  EXPECT_TRUE(fs::is_fifo(fifo));
  write_file_atomic((dir / "plain.txt").string(), "one");
  write_file_atomic((dir / "plain.txt").string(), "two");  // a regular file is replaced
  EXPECT_EQ(fs::file_size(dir / "plain.txt"), 3u);
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  EXPECT_EQ(names, (std::set<std::string>{"a_dir", "a_fifo", "plain.txt"}));  // no temporaries left
  fs::remove_all(dir);
}

// A directory is replaced whole: by an exchange of names, or by two renames where the file system
// has no exchange (ECSIM_TEST_NO_RENAME_EXCHANGE stands in for one); nothing staged is left, and a
// file in the directory's place is refused and kept.
TEST(HostOutput, DirectoriesArePublishedWhole) {
  for (const bool exchange : {true, false}) {
    const fs::path dir = fs::temp_directory_path() / ("ecsim_publish_test_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    if (!exchange) ::setenv("ECSIM_TEST_NO_RENAME_EXCHANGE", "1", 1);
    const std::string target = (dir / "image").string();
    for (const std::string content : {"first", "second"}) {
      const std::string staged = temporary_name(target);
      fs::create_directories(staged);
      write_file_atomic(staged + "/a.txt", content);
      if (content == "first") write_file_atomic(staged + "/only_first.txt", "x");
      publish_directory(staged, target);
    }
    std::set<std::string> names, inside;
    for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
    for (const auto& e : fs::directory_iterator(target)) inside.insert(e.path().filename().string());
    EXPECT_EQ(names, std::set<std::string>{"image"}) << exchange;
    EXPECT_EQ(inside, std::set<std::string>{"a.txt"}) << exchange;  // the second image only
    EXPECT_EQ(fs::file_size(fs::path(target) / "a.txt"), 6u);
    write_file_atomic((dir / "file").string(), "mine");
    EXPECT_THROW(check_output_directory((dir / "file").string()), Error);
    EXPECT_EQ(fs::file_size(dir / "file"), 4u);
    ::unsetenv("ECSIM_TEST_NO_RENAME_EXCHANGE");
    fs::remove_all(dir);
  }
}

// energy.png: one bar per unit and action that cost anything (the image grows 24 px per bar),
// nothing beside it; an empty report is an error, not an empty chart.
TEST(HostPlot, EnergyChartHasOneBarPerNonzeroLine) {
  if (plot_png((fs::temp_directory_path() / "ecsim_probe.png").string(), "", {}).find("not installed") !=
      std::string::npos)
    GTEST_SKIP() << "gnuplot is not installed";
  const fs::path dir = fs::temp_directory_path() / ("ecsim_energy_plot_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  energy::EnergyReport r;
  r.technology = "45nm";
  r.chip = "test";
  for (const auto& [unit, action, pj] :
       std::vector<std::tuple<std::string, std::string, double>>{{"synapse SRAM", "read", 3.5e10},
                                                                 {"readout", "add", 12.0},
                                                                 {"NoC", "leakage", 0.0},
                                                                 {"LIF unit", "add", 4e5}}) {
    energy::EnergyLine l;
    l.unit = unit;
    l.action = action;
    l.pj = pj;
    r.lines.push_back(l);
    r.total_pj += pj;
  }
  const fs::path png = dir / "e.png";
  energy::write_energy_plot(r, png.string(), "a test");
  const std::string data = [&] {
    std::ifstream in(png, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  ASSERT_GT(data.size(), 24u);
  const auto be32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(data[at + i]);
    return v;
  };
  EXPECT_EQ(be32(16), 1000u);
  EXPECT_EQ(be32(20), 130u + 24u * 3u);  // the zero leakage line has no bar
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  EXPECT_EQ(names, std::set<std::string>{"e.png"});
  energy::EnergyReport empty;
  EXPECT_THROW(energy::write_energy_plot(empty, (dir / "none.png").string()), Error);
  EXPECT_FALSE(fs::exists(dir / "none.png"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ecsim::io
