// A number as text that reads back as the same number: the shortest round-trip form
// (std::to_chars), for every file ecsim writes numbers to (CSV, plot data) and for messages.
#pragma once

#include <charconv>
#include <string>

namespace ecsim {

inline std::string exact_text(double v) {
  char b[32];
  const auto r = std::to_chars(b, b + sizeof b, v);
  return std::string(b, r.ec == std::errc() ? r.ptr : b);
}

}  // namespace ecsim
