// Helpers for the task tests: temporary files, patched MJCF models; the ecsim binary is run by
// tests/common/cli.h.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "../common/cli.h"

namespace ecsim::tasks::test {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// a fresh directory under the system temp dir, removed at scope exit
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ecsim_tasks_XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    m_path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const std::string& name) const { return (m_path / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(file(name)) << text;
    return file(name);
  }

 private:
  std::filesystem::path m_path;
};

// the project's model text with each `from` replaced by its `to` (every occurrence; throws if a
// `from` is absent)
inline std::string patched_model(const std::string& model_file,
                                 std::initializer_list<std::pair<std::string, std::string>> edits) {
  std::string text = read_text(std::string(ECSIM_SOURCE_DIR) + "/models/" + model_file);
  for (const auto& [from, to] : edits) {
    size_t pos = text.find(from);
    if (pos == std::string::npos) throw std::runtime_error("'" + from + "' not in " + model_file);
    for (; pos != std::string::npos; pos = text.find(from, pos + to.size())) text.replace(pos, from.size(), to);
  }
  return text;
}

// the hopper with gravity switched off: from a noise-free start it floats, healthy, forever
inline std::string floating_hopper() {
  return patched_model("hopper.xml", {{"<option timestep=\"0.002\"", "<option gravity=\"0 0 0\" timestep=\"0.002\""}});
}

// `ecsim <args>` through the one CLI helper (tests/common/cli.h), under the name these tests use
struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

inline RunResult run_ecsim(const std::string& args) {
  ecsim::test::CliResult r = ecsim::test::run_ecsim(args);
  return {r.code, std::move(r.output)};
}

}  // namespace ecsim::tasks::test
