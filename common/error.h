// ecsim::Error: the one exception type for problems a user can fix (bad config, file, flag).
// The message names what is wrong; the hint says how to fix it. Programming errors stay asserts.
#pragma once

#include <stdexcept>
#include <string>

namespace ecsim {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what, const std::string& fix = {})
      : std::runtime_error(fix.empty() ? what : what + "\n  fix: " + fix) {}
};

}  // namespace ecsim
