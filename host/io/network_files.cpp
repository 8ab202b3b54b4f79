#include "io/network_files.h"

#include <boost/crc.hpp>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

#include "common/error.h"
#include "io/atomic_file.h"
#include "io/csv.h"

namespace ecsim::io {

static constexpr char kMagic[8] = {'E', 'C', 'S', 'I', 'M', 'T', 'H', '1'};
static constexpr uint32_t kVersion = 1;

template <typename T>
static void put(std::string& out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out.append(b, sizeof(T));
}

template <typename T>
static T get(const std::string& in, size_t& pos) {
  T v;
  std::memcpy(&v, in.data() + pos, sizeof(T));
  pos += sizeof(T);
  return v;
}

static uint32_t crc32(const char* data, size_t n) {
  boost::crc_32_type crc;
  crc.process_bytes(data, n);
  return crc.checksum();
}

void save_theta(const std::string& path, const ref::NetworkShape& s, const ref::Theta& theta) {
  std::string out(kMagic, sizeof(kMagic));
  put<uint32_t>(out, kVersion);
  for (int v : {s.n_neurons, s.n_exc, s.d_in, s.d_out}) put<int32_t>(out, v);
  const int64_t bits = s.total_synapses();
  put<uint64_t>(out, static_cast<uint64_t>(bits));
  std::string payload(static_cast<size_t>((bits + 7) / 8), '\0');
  for (int64_t g = 0; g < bits; ++g)
    if (theta.get_global(s, g)) payload[static_cast<size_t>(g >> 3)] |= static_cast<char>(1 << (g & 7));
  out += payload;
  put<uint32_t>(out, crc32(out.data(), out.size()));
  write_file_atomic(path, out);
}

ref::Theta load_theta(const std::string& path, ref::NetworkShape* shape) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open θ file '" + path + "'", "check the path");
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t header = sizeof(kMagic) + 4 + 16 + 8;
  if (data.size() < header + 4 || std::memcmp(data.data(), kMagic, sizeof(kMagic)) != 0)
    throw Error("'" + path + "' is not an ecsim θ file (bad magic or too short)",
                "give a file written by 'ecsim simulate --save-theta' or 'ecsim train'");
  size_t pos = sizeof(kMagic);
  const uint32_t version = get<uint32_t>(data, pos);
  if (version != kVersion)
    throw Error("θ file '" + path + "' has version " + std::to_string(version) + ", this ecsim reads " +
                    std::to_string(kVersion),
                "re-create the file with this version of ecsim");
  ref::NetworkShape s = *shape;
  s.n_neurons = get<int32_t>(data, pos);
  s.n_exc = get<int32_t>(data, pos);
  s.d_in = get<int32_t>(data, pos);
  s.d_out = get<int32_t>(data, pos);
  const uint64_t bits = get<uint64_t>(data, pos);
  if (s.n_neurons < 2 || s.n_neurons > 65536 || s.n_exc < 0 || s.n_exc > s.n_neurons || s.d_in < 1 ||
      s.d_in > 65536 || s.d_out < 1 || s.d_out > 65536 || bits != static_cast<uint64_t>(s.total_synapses()))
    throw Error("θ file '" + path + "' has an inconsistent header", "the file is damaged; re-create it");
  const size_t payload = static_cast<size_t>((bits + 7) / 8);
  if (data.size() != header + payload + 4)
    throw Error("θ file '" + path + "' is truncated or has trailing bytes (" + std::to_string(data.size()) +
                    " bytes, expected " + std::to_string(header + payload + 4) + ")",
                "the file is damaged; re-create it");
  size_t crc_pos = header + payload;
  if (get<uint32_t>(data, crc_pos) != crc32(data.data(), header + payload))
    throw Error("θ file '" + path + "' fails its CRC-32 check", "the file is damaged; re-create it");
  ref::Theta t = ref::Theta::zeros(s);
  for (uint64_t g = 0; g < bits; ++g)
    if ((static_cast<unsigned char>(data[header + (g >> 3)]) >> (g & 7)) & 1u)
      t.set_global(s, static_cast<int64_t>(g), true);
  *shape = s;
  return t;
}

std::vector<float> load_rho_text(const std::string& path, int64_t expected_count) {
  std::ifstream in(path);
  if (!in) throw Error("cannot open ρ file '" + path + "'", "check the path");
  std::string first;
  while (std::getline(in, first) && (first.empty() || first[0] == '#')) {
  }
  in.close();
  std::vector<float> rho;
  const bool has_header = first.find("rho") != std::string::npos;
  if (has_header) {
    NumericTable t = read_numeric_csv(path);
    const size_t c = t.column("rho");
    for (const auto& row : t.rows) rho.push_back(static_cast<float>(row[c]));
  } else {
    std::ifstream again(path);
    std::string line;
    size_t lineno = 0;
    while (std::getline(again, line)) {
      ++lineno;
      if (line.empty() || line[0] == '#') continue;
      char* end = nullptr;
      const double v = std::strtod(line.c_str(), &end);
      while (end && (*end == ' ' || *end == '\r' || *end == '\t')) ++end;
      if (end == line.c_str() || (end && *end != '\0'))
        throw Error(path + ":" + std::to_string(lineno) + ": '" + line + "' is not a number",
                    "write one probability per line");
      rho.push_back(static_cast<float>(v));
    }
  }
  for (size_t i = 0; i < rho.size(); ++i)
    if (!(rho[i] >= 0.0f && rho[i] <= 1.0f))
      throw Error(path + ": ρ[" + std::to_string(i) + "] = " + std::to_string(rho[i]) + " is not in [0, 1]",
                  "connection probabilities must lie in [0, 1]");
  if (static_cast<int64_t>(rho.size()) != expected_count)
    throw Error(path + " has " + std::to_string(rho.size()) + " probabilities but the network has " +
                    std::to_string(expected_count) + " synapses",
                "give one value per synapse: 2·d_in·N + N·N + N·d_out, in the order of docs/spec.md §6.2");
  return rho;
}

}  // namespace ecsim::io
