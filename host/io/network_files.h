// Files that carry a network: θ bit files (docs/spec.md §10) and ρ text files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reference/theta.h"

namespace ecsim::io {

// Binary θ file, little-endian: magic "ECSIMTH1", u32 version (1), i32 N, N_E, d_in, d_out,
// u64 bit count, the bits in canonical order (bit g at byte g/8, bit g%8), u32 CRC-32 of all
// preceding bytes. Written atomically.
void save_theta(const std::string& path, const ref::NetworkShape& s, const ref::Theta& theta);
// Loads and verifies (magic, version, sizes, CRC); fills the shape's N, N_E, d_in, d_out.
ref::Theta load_theta(const std::string& path, ref::NetworkShape* shape);

// ρ as text: one value per line, or a CSV whose header has a 'rho' column; canonical order.
// Values must be finite and in [0, 1]; the count must equal expected_count.
std::vector<float> load_rho_text(const std::string& path, int64_t expected_count);

}  // namespace ecsim::io
