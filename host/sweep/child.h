// A child process of the sweep: started from an argument vector (no shell, so no path or name
// becomes a command), its stdout and stderr captured to a log file.
#pragma once

#include <string>
#include <vector>

namespace ecsim::sweep {

struct ChildExit {
  int code = -1;        // the exit code; -1 when it did not exit (a signal, or it could not start)
  std::string failure;  // empty when it exited 0, else "exit code 2", "killed by signal 9", ...
};

// Runs argv (argv[0]: the program's path), output to log_path (replaced); waits for it.
ChildExit run_logged(const std::vector<std::string>& argv, const std::string& log_path);

// the log's first line that mentions "error", else its last non-empty line
std::string first_error_line(const std::string& log_path);

}  // namespace ecsim::sweep
