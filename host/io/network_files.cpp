#include "io/network_files.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "common/binio.h"
#include "common/error.h"
#include "common/file.h"
#include "io/atomic_file.h"
#include "io/csv.h"

namespace ecsim::io {

static constexpr char kMagic[8] = {'E', 'C', 'S', 'I', 'M', 'T', 'H', '1'};
static constexpr uint32_t kVersion = 1;

// read_file, keeping the "cannot open" message of a missing file that scripts and tests match
static std::string read_network_file(const std::string& path, const std::string& what) {
  if (!std::filesystem::exists(path)) throw Error("cannot open " + what + " '" + path + "'", "check the path");
  return read_file(path, what);
}

void save_theta(const std::string& path, const ref::NetworkShape& s, const ref::Theta& theta) {
  BinWriter w;
  w.bytes(kMagic, sizeof(kMagic));
  w.put<uint32_t>(kVersion);
  for (int v : {s.n_neurons, s.n_exc, s.d_in, s.d_out}) w.put<int32_t>(v);
  const int64_t bits = s.total_synapses();
  w.put<uint64_t>(static_cast<uint64_t>(bits));
  std::string payload(static_cast<size_t>((bits + 7) / 8), '\0');
  for (int64_t g = 0; g < bits; ++g)
    if (theta.get_global(s, g)) payload[static_cast<size_t>(g >> 3)] |= static_cast<char>(1 << (g & 7));
  w.bytes(payload.data(), payload.size());
  write_file_atomic(path, w.finish_with_crc());
}

ref::Theta load_theta(const std::string& path, ref::NetworkShape* shape) {
  const std::string data = read_network_file(path, "θ file");
  const size_t header = sizeof(kMagic) + 4 + 16 + 8;
  if (data.size() < header + 4 || std::memcmp(data.data(), kMagic, sizeof(kMagic)) != 0)
    throw Error("'" + path + "' is not an ecsim θ file (bad magic or too short)",
                "give a file written by 'ecsim simulate --save-theta' or 'ecsim train'");
  BinReader in(data, "θ file '" + path + "'");
  in.pos = sizeof(kMagic);
  const uint32_t version = in.get<uint32_t>();
  if (version != kVersion)
    throw Error("θ file '" + path + "' has version " + std::to_string(version) + ", this ecsim reads " +
                    std::to_string(kVersion),
                "re-create the file with this version of ecsim");
  ref::NetworkShape s = *shape;
  s.n_neurons = in.get<int32_t>();
  s.n_exc = in.get<int32_t>();
  s.d_in = in.get<int32_t>();
  s.d_out = in.get<int32_t>();
  const uint64_t bits = in.get<uint64_t>();
  if (s.n_neurons < 2 || s.n_neurons > 65536 || s.n_exc < 0 || s.n_exc > s.n_neurons || s.d_in < 1 || s.d_in > 65536 ||
      s.d_out < 1 || s.d_out > 65536 || bits != static_cast<uint64_t>(s.total_synapses()))
    throw Error("θ file '" + path + "' has an inconsistent header", "the file is damaged; re-create it");
  const size_t payload = static_cast<size_t>((bits + 7) / 8);
  if (data.size() != header + payload + 4)
    throw Error("θ file '" + path + "' is truncated or has trailing bytes (" + std::to_string(data.size()) +
                    " bytes, expected " + std::to_string(header + payload + 4) + ")",
                "the file is damaged; re-create it");
  check_crc(data, "θ file '" + path + "'");
  ref::Theta t = ref::Theta::zeros(s);
  for (uint64_t g = 0; g < bits; ++g)
    if ((static_cast<unsigned char>(data[header + (g >> 3)]) >> (g & 7)) & 1u)
      t.set_global(s, static_cast<int64_t>(g), true);
  *shape = s;
  return t;
}

std::vector<float> load_rho_text(const std::string& path, int64_t expected_count) {
  const std::string text = read_network_file(path, "ρ file");
  std::istringstream in(text);
  std::string first;
  while (std::getline(in, first) && (first.empty() || first[0] == '#')) {
  }
  std::vector<float> rho;
  const bool has_header = first.find("rho") != std::string::npos;
  if (has_header) {
    NumericTable t = parse_numeric_csv(text, path);
    const size_t c = t.column("rho");
    for (const auto& row : t.rows) rho.push_back(static_cast<float>(row[c]));
  } else {
    std::istringstream again(text);
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
