// Atomic file writes: content goes to a temporary file beside the target, is flushed and
// fsync'ed, then renamed over the target. A killed run leaves either the old or the new file.
// Only a regular file (or nothing) is ever replaced.
#pragma once

#include <string>

namespace ecsim::io {

// Throws ecsim::Error when path exists and is not a regular file: a directory, a device, a pipe
// or a socket is never renamed over.
void check_output_path(const std::string& path);

// check_output_path, then the write.
void write_file_atomic(const std::string& path, const std::string& content);

}  // namespace ecsim::io
