// The one way tests run the ecsim binary (ECSIM_BINARY) and other programs, never through a shell:
// capture the exit code and the output (stdout and stderr together), plus scratch directories and
// small file helpers.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace ecsim::test {

struct CliResult {
  int code = -1;       // the exit code; -1 if it did not exit normally
  int signal = 0;      // the signal that ended it, or 0
  std::string output;  // stdout and stderr together
};

// What run_program sets up for the child besides its arguments.
struct ChildSetup {
  std::vector<std::pair<std::string, std::string>> env;  // variables set for it (NAME, value)
  std::vector<std::pair<int, rlim_t>> limits;            // soft resource limits (RLIMIT_*, value)
  double kill_after_s = -1;                              // >= 0: SIGKILL after this many seconds
  std::string cwd;                                       // non-empty: its working directory
};

// Runs a program (argv[0] is its path) with these arguments, each one argument as it is: no
// shell ever sees them. The setup applies to the child only, between fork and exec.
inline CliResult run_program(std::vector<std::string> argv_s, const ChildSetup& setup = {}) {
  CliResult r;
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
    for (const auto& [name, value] : setup.env) ::setenv(name.c_str(), value.c_str(), 1);
    for (const auto& [resource, value] : setup.limits) {
      rlimit l{};
      ::getrlimit(resource, &l);
      l.rlim_cur = l.rlim_max == RLIM_INFINITY ? value : std::min(value, l.rlim_max);
      if (::setrlimit(resource, &l) != 0) ::_exit(126);
    }
    if (!setup.cwd.empty() && ::chdir(setup.cwd.c_str()) != 0) ::_exit(125);
    ::dup2(fd[1], 1);
    ::dup2(fd[1], 2);
    ::close(fd[0]);
    ::close(fd[1]);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fd[1]);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(setup.kill_after_s);
  bool kill_pending = setup.kill_after_s >= 0;
  std::array<char, 4096> buf{};
  for (;;) {
    if (kill_pending) {  // wait for output until the deadline, then kill and read to the end
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{fd[0], POLLIN, 0};
      const int ready = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) {
        ::kill(pid, SIGKILL);
        kill_pending = false;
        continue;
      }
    }
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
  r.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  return r;
}

// Runs ecsim with these arguments, each one argument as it is (no shell sees them).
inline CliResult run_ecsim(const std::vector<std::string>& args) {
  std::vector<std::string> argv{ECSIM_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(std::move(argv));
}

// Splits a command line into arguments as a shell would split words, and no more: blanks
// separate, '...' and "..." quote, a backslash escapes the next character. Nothing is expanded
// or run, so a test can write its arguments as one line without a shell ever starting.
inline std::vector<std::string> split_args(const std::string& line) {
  std::vector<std::string> args;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote) {
      if (c == quote)
        quote = 0;
      else if (c == '\\' && quote == '"' && i + 1 < line.size())
        cur += line[++i];
      else
        cur += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < line.size()) {
      cur += line[++i];
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) args.push_back(cur);
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (in_word) args.push_back(cur);
  return args;
}

// Runs `ecsim <args>`, the arguments written as one line (split by split_args, never by a shell).
inline CliResult run_ecsim(const std::string& args) { return run_ecsim(split_args(args)); }

// The path of a program on PATH, or "" (what `command -v` does, without a shell).
inline std::string find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string d; std::getline(dirs, d, ':');) {
    const std::string p = (d.empty() ? std::string(".") : d) + "/" + name;
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

// a python3 with h5py and numpy (Debian's /usr/bin/python3: a pyenv or conda python3 first on PATH
// may have neither), or "" when there is none
inline std::string python_with_h5py() {
  for (const std::string& p : {find_program("python3"), std::string("/usr/bin/python3")}) {
    if (p.empty()) continue;
    if (run_program({p, "-c", "import h5py, numpy"}).code == 0) return p;
  }
  return "";
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

// An observation trace for `ecsim simulate --trace`: the header obs_0 .. obs_<d_in - 1>, then
// `rows` rows whose entry i of row r is value(r, i), called row by row.
template <class F>
std::string observation_trace(int rows, int d_in, F value) {
  std::string s;
  for (int i = 0; i < d_in; ++i) s += (i ? ",obs_" : "obs_") + std::to_string(i);
  s += "\n";
  for (int r = 0; r < rows; ++r) {
    for (int i = 0; i < d_in; ++i) {
      if (i) s += ',';
      s += std::to_string(value(r, i));
    }
    s += "\n";
  }
  return s;
}

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
