// Atomic writes (docs/guarantees.md): a file goes to a temporary beside the target, is flushed and
// fsync'ed, then renamed over the target; a directory (the deploy image) is staged beside its
// target and swapped in with one rename. A killed run leaves the old version or the new one,
// never a mix. Only a regular file (or nothing) is ever replaced by a file.
//
// Every rename is a commit point. Two environment variables expose them to the kill tests:
// ECSIM_TEST_TRACE_WRITES=1 prints "ecsim: commit K PATH" on stderr before the K-th rename, and
// ECSIM_TEST_KILL_AT_WRITE=K sends the process SIGKILL just before it, as a power cut or `kill -9`
// at that moment would.
#pragma once

#include <string>

namespace ecsim::io {

// Throws ecsim::Error when path exists and is not a regular file: a directory, a device, a pipe
// or a socket is never renamed over.
void check_output_path(const std::string& path);

// check_output_path, then the write.
void write_file_atomic(const std::string& path, const std::string& content);

// The temporary name of path written by this process: PATH.tmp.PID (removed on the next start
// when PID no longer runs).
std::string temporary_name(const std::string& path);

// Throws ecsim::Error when dir exists and is not a directory (it would not be replaced).
void check_output_directory(const std::string& dir);

// Replaces the directory dir by staged (a complete directory beside it, e.g. temporary_name(dir))
// in one step: rename when dir is absent, otherwise an exchange of the two names
// (renameat2 RENAME_EXCHANGE) after which the old version, now at staged, is removed (where the
// file system has no exchange, two renames). Throws ecsim::Error when dir exists and is not a
// directory.
void publish_directory(const std::string& staged, const std::string& dir);

}  // namespace ecsim::io
