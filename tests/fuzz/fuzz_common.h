// Shared by the libFuzzer targets: running a parser so that ecsim::Error (the expected answer
// to bad input) is caught and anything else escapes to libFuzzer as a finding, and scratch files
// for the parsers that read a path.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/binio.h"
#include "common/error.h"

namespace ecsim::fuzz {

inline std::string as_string(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// a scratch directory of this process, removed at exit
inline const std::string& scratch_dir() {
  struct Scratch {
    std::string path;
    ~Scratch() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  };
  static const Scratch dir{[] {
    const std::filesystem::path p =
        std::filesystem::temp_directory_path() / ("ecsim_fuzz." + std::to_string(::getpid()));
    std::filesystem::create_directories(p);
    return p.string();
  }()};
  return dir.path;
}

// writes bytes to scratch_dir()/name and returns its path
inline std::string write_scratch(const std::string& name, const std::string& bytes) {
  const std::string path = scratch_dir() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) std::abort();  // the fuzzer cannot work without its scratch file
  return path;
}

// the bytes with their last 4 replaced by the CRC-32 of the rest (binio's trailer), so that the
// fuzzer reaches what a file's checksum guards; inputs shorter than 5 bytes stay as they are
inline std::string with_crc(std::string bytes) {
  if (bytes.size() < 5) return bytes;
  const uint32_t crc = ecsim::crc32(bytes.data(), bytes.size() - 4);
  std::memcpy(bytes.data() + bytes.size() - 4, &crc, 4);
  return bytes;
}

// runs f(); a clear ecsim::Error is the expected outcome for bad input, every other exception
// escapes (std::terminate: libFuzzer reports it as a crash)
template <class F>
void expect_clean(F&& f) {
  try {
    f();
  } catch (const ecsim::Error&) {
  }
}

}  // namespace ecsim::fuzz
