// Reading a whole file: the one reader every loader uses (configs, tables, traces, θ and ρ files,
// checkpoints, images). Only a regular file is read, and only up to a size limit, so that a
// directory or a device given as a file is a clear error, never an endless read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

#include "common/error.h"

namespace ecsim {

// the largest file ecsim reads (a θ file of 8192 neurons is 8 MiB; checkpoints are smaller)
inline constexpr uintmax_t kMaxFileBytes = uintmax_t{1} << 30;

// what: the file as messages name it ("chip config"); throws ecsim::Error naming what and path
inline std::string read_file(const std::string& path, const std::string& what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) throw Error(what + " '" + path + "' cannot be read", "check the path");
  if (fs::is_directory(st)) throw Error(what + " '" + path + "' is a directory", "give the path of a file");
  if (!fs::is_regular_file(st)) throw Error(what + " '" + path + "' is not a regular file", "give the path of a file");
  const uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxFileBytes)
    throw Error(what + " '" + path + "' is " + std::to_string(size) + " bytes, more than ecsim reads (" +
                    std::to_string(kMaxFileBytes) + ")",
                "give the right file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(what + " '" + path + "' cannot be read", "check the path");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace ecsim
