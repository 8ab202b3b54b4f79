// The one way tests run the ecsim binary (ECSIM_BINARY): capture its exit code and its output
// (stdout and stderr together), plus scratch directories and small file helpers.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace ecsim::test {

struct CliResult {
  int code = -1;       // the exit code; -1 if it did not exit normally
  std::string output;  // stdout and stderr together
};

// Runs ecsim with these arguments, each one argument as it is (no shell sees them).
inline CliResult run_ecsim(const std::vector<std::string>& args) {
  CliResult r;
  std::vector<std::string> argv_s{ECSIM_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  int fd[2];
  if (::pipe(fd) != 0) return r;
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fd[0]);
    ::close(fd[1]);
    return r;
  }
  if (pid == 0) {
    ::dup2(fd[1], 1);
    ::dup2(fd[1], 2);
    ::close(fd[0]);
    ::close(fd[1]);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fd[1]);
  std::array<char, 4096> buf{};
  for (;;) {
    const ssize_t n = ::read(fd[0], buf.data(), buf.size());
    if (n > 0)
      r.output.append(buf.data(), static_cast<size_t>(n));
    else if (n == 0 || errno != EINTR)
      break;
  }
  ::close(fd[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Runs `ecsim <args>`, the arguments split by the shell (so a test can write them as one line).
inline CliResult run_ecsim(const std::string& args) {
  CliResult r;
  const std::string cmd = std::string("'") + ECSIM_BINARY + "' " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// A fresh directory: one left behind by an earlier process with the same pid is emptied first.
inline std::filesystem::path scratch_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("ecsim_test_" + name + "_" + std::to_string(::getpid()));
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir);
  return dir;
}

// Like scratch_dir, but removed with everything in it when it goes out of scope (also when an
// ASSERT ends the test early).
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name) : m_path(scratch_dir(name)) {}
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::filesystem::path operator/(const std::string& leaf) const { return m_path / leaf; }
  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

inline void write_text(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

// the file's text; empty if it cannot be read
inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// the names in a directory (not recursive)
inline std::set<std::string> dir_entries(const std::filesystem::path& dir) {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

}  // namespace ecsim::test
