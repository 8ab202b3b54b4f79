// Atomic file writes: content goes to a temporary file beside the target, is flushed and
// fsync'ed, then renamed over the target. A killed run leaves either the old or the new file.
#pragma once

#include <string>

namespace ecsim::io {

void write_file_atomic(const std::string& path, const std::string& content);

}  // namespace ecsim::io
