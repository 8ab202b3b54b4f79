#include "sweep/child.h"

#include <sys/wait.h>

#include <boost/process.hpp>
#include <sstream>

#include "common/file.h"

namespace bp = boost::process;

namespace ecsim::sweep {

ChildExit run_logged(const std::vector<std::string>& argv, const std::string& log_path) {
  ChildExit r;
  if (argv.empty()) {
    r.failure = "no program to run";
    return r;
  }
  try {
    const std::vector<std::string> args(argv.begin() + 1, argv.end());
    bp::child c(bp::exe = argv.front(), bp::args = args, bp::std_in<bp::null, (bp::std_out & bp::std_err)> log_path);
    c.wait();
    const int status = c.native_exit_code();
    if (WIFEXITED(status)) {
      r.code = WEXITSTATUS(status);
      if (r.code != 0) r.failure = "exit code " + std::to_string(r.code);
    } else if (WIFSIGNALED(status)) {
      r.failure = "killed by signal " + std::to_string(WTERMSIG(status));
    } else {
      r.failure = "exit code -1";
    }
  } catch (const std::exception& e) {
    r.failure = std::string("cannot start ") + argv.front() + ": " + e.what();
  }
  return r;
}

std::string first_error_line(const std::string& log_path) {
  std::string text;
  try {
    text = read_file(log_path, "log");
  } catch (const std::exception&) {
    return {};
  }
  std::istringstream in(text);
  std::string line, found;
  while (std::getline(in, line))
    if (line.find("error") != std::string::npos)
      return line;
    else if (!line.empty())
      found = line;
  return found;
}

}  // namespace ecsim::sweep
