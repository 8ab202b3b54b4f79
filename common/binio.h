// Little-endian binary writer/reader with bounds checks, and CRC-32: the one codec under
// checkpoints, deploy images, θ files and MPI messages.
#pragma once

#include <boost/crc.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "common/error.h"

namespace ecsim {

inline uint32_t crc32(const char* data, size_t n) {
  boost::crc_32_type crc;
  crc.process_bytes(data, n);
  return crc.checksum();
}

class BinWriter {
 public:
  template <class T>
  void put(T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));  // x86-64 and aarch64 are little-endian (static_assert below)
    s.append(b, sizeof(T));
  }
  void bytes(const void* p, size_t n) { s.append(static_cast<const char*>(p), n); }
  template <class T>
  void vec(const std::vector<T>& v) {
    put<uint64_t>(v.size());
    bytes(v.data(), v.size() * sizeof(T));
  }
  void str(const std::string& v) {
    put<uint64_t>(v.size());
    s += v;
  }
  std::string finish_with_crc() {
    put<uint32_t>(crc32(s.data(), s.size()));
    return s;
  }
  std::string s;
};

class BinReader {
 public:
  BinReader(const std::string& data, std::string what) : d(data), what_(std::move(what)) {}
  template <class T>
  T get() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, d.data() + pos, sizeof(T));
    pos += sizeof(T);
    return v;
  }
  template <class T>
  std::vector<T> vec(uint64_t expected) {
    const uint64_t n = get<uint64_t>();
    if (n != expected)
      throw Error(
          what_ + ": holds " + std::to_string(n) + " values where " + std::to_string(expected) + " were expected",
          "it belongs to a different configuration; start a new run or resume the matching one");
    need(n * sizeof(T));
    std::vector<T> v(n);
    std::memcpy(v.data(), d.data() + pos, n * sizeof(T));
    pos += n * sizeof(T);
    return v;
  }
  std::string str() {
    const uint64_t n = get<uint64_t>();
    need(n);
    std::string v = d.substr(pos, n);
    pos += n;
    return v;
  }
  void need(uint64_t n) const {
    if (n > d.size() || pos + n > d.size())
      throw Error(what_ + " is truncated (" + std::to_string(d.size()) + " bytes)",
                  "the file is damaged; restore it or start over");
  }
  const std::string& what() const { return what_; }
  bool at_end() const { return pos == d.size(); }
  size_t pos = 0;

 private:
  const std::string& d;
  std::string what_;
};

// checks the trailing CRC-32 of a blob; throws ecsim::Error naming `what` when it does not match
inline void check_crc(const std::string& data, const std::string& what) {
  if (data.size() < 4)
    throw Error(what + " is truncated (" + std::to_string(data.size()) + " bytes)", "the file is damaged");
  uint32_t stored;
  std::memcpy(&stored, data.data() + data.size() - 4, 4);
  if (stored != crc32(data.data(), data.size() - 4))
    throw Error(what + " is corrupt (CRC-32 mismatch)", "the file was damaged or modified; restore it or start over");
}

}  // namespace ecsim
