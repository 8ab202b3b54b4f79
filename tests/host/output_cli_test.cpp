// What ecsim writes goes only where it is told, into regular files: an output path that is a
// directory or a FIFO is an error (rc 2), and nothing is created beside it.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <set>

#include "cli_util.h"

namespace fs = std::filesystem;

namespace ecsim {
namespace {

TEST(OutputCli, DirectoriesAndFifosAreNeverWrittenOver) {
  const test::ScratchDir d("output_cli");
  test::write_text(d / "trace.csv", "obs_0,obs_1\n0.1,0.2\n0.3,-0.1\n");
  fs::create_directories(d / "adir");
  ASSERT_EQ(::mkfifo((d / "afifo").c_str(), 0600), 0);
  const std::vector<std::string> base = {"simulate", "--trace", (d / "trace.csv").string(), "--rho-const", "0.5",
                                         "--d-out",  "2"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return test::run_ecsim(a);
  };
  const std::set<std::string> before = test::dir_entries(d.path());
  for (const auto& extra : std::vector<std::vector<std::string>>{
           {"--out", (d / "adir").string()},
           {"--out", (d / "afifo").string()},
           {"--out", (d / "o.csv").string(), "--backend", "systemc", "--vcd", (d / "adir").string()},
       }) {
    const auto r = with(extra);
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("fix:"), std::string::npos) << r.output;
  }
  EXPECT_EQ(test::dir_entries(d.path()), before);  // no adir.vcd beside the directory, no o.csv, no temporaries
  EXPECT_TRUE(fs::is_directory(d / "adir"));
  EXPECT_TRUE(fs::is_fifo(d / "afifo"));
}

}  // namespace
}  // namespace ecsim
