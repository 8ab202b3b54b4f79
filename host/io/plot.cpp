#include "io/plot.h"

#include <boost/process.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <system_error>

#include "common/error.h"
#include "common/file.h"
#include "io/atomic_file.h"

namespace bp = boost::process;
namespace fs = std::filesystem;

namespace ecsim::io {

namespace {

// a directory of our own under the system's temporary directory (removed by the destructor)
struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    for (int attempt = 0; attempt < 100; ++attempt) {
      const fs::path p = fs::temp_directory_path() / ("ecsim-plot-" + std::to_string(rd()) + std::to_string(rd()));
      std::error_code ec;
      if (fs::create_directory(p, ec)) {
        path = p;
        return;
      }
    }
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

}  // namespace

std::string gnuplot_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c == '\n' ? ' ' : c;
  }
  return out + "'";
}

std::string plot_png(const std::string& png_path, const std::string& script,
                     const std::vector<std::pair<std::string, std::string>>& data_files) {
  const fs::path gnuplot = bp::search_path("gnuplot").string();
  if (gnuplot.empty()) return "gnuplot is not installed (Debian package gnuplot-nox)";
  TempDir tmp;
  if (tmp.path.empty()) return "cannot create a temporary directory for the plot";
  try {
    for (const auto& [name, content] : data_files) std::ofstream(tmp.path / name, std::ios::binary) << content;
    // tests read what a picture was drawn from (ECSIM_TEST_PLOT_DATA_DIR: a directory to copy it to)
    if (const char* keep = std::getenv("ECSIM_TEST_PLOT_DATA_DIR"))
      for (const auto& [name, content] : data_files) std::ofstream(fs::path(keep) / name, std::ios::binary) << content;
    std::ofstream(tmp.path / "plot.gp", std::ios::binary) << script;
    const fs::path err_path = tmp.path / "gnuplot.err";
    bp::child c(gnuplot.string(), "plot.gp", bp::start_dir(tmp.path.string()),
                bp::std_in<bp::null, bp::std_out> bp::null, bp::std_err > err_path.string());
    c.wait();
    const fs::path out = tmp.path / kPlotOutput;
    if (c.exit_code() != 0 || !fs::exists(out)) {
      std::string msg;
      try {
        msg = read_file(err_path.string(), "gnuplot's messages");
      } catch (const Error&) {
      }
      while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
      return "gnuplot failed" + (msg.empty() ? std::string() : ": " + msg);
    }
    write_file_atomic(png_path, read_file(out.string(), "the plot"));
  } catch (const std::exception& e) {
    return std::string("cannot draw the plot: ") + e.what();
  }
  return {};
}

}  // namespace ecsim::io
