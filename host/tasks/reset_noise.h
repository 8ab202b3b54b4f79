// The reset-noise generator: uniform draws in [-s, s) from Philox4x32-10 (Random123).
//
//   key     = (seed & 0xffffffff, seed >> 32)
//   counter = (i / 4, 0, 2, 0)     word 2 = stream id; stream 2 is reserved for environment reset
//   u_i     = output word (i % 4) of that block, a 32-bit unsigned integer
//   draw i  = s * (u_i * 2^-31 - 1)  exact in double, in [-s, s)
//
// Env::reset uses draws 0..nq-1 for qpos and nq..nq+nv-1 for qvel. The values depend only on
// the seed and the index, never on thread, call order or platform.
#pragma once

#include <Random123/philox.h>

#include <cstdint>

namespace ecsim::tasks {

inline constexpr uint32_t kResetStream = 2;

class ResetNoise {
 public:
  ResetNoise(uint64_t seed, double scale) : m_scale(scale) {
    m_key = {{static_cast<uint32_t>(seed & 0xffffffffu), static_cast<uint32_t>(seed >> 32)}};
  }

  // the 32-bit word i of the stream
  uint32_t word(uint64_t i) {
    const uint64_t block = i / 4;
    if (block != m_block) {
      r123::Philox4x32::ctr_type ctr = {{static_cast<uint32_t>(block), 0u, kResetStream, 0u}};
      m_out = r123::Philox4x32()(ctr, m_key);
      m_block = block;
    }
    return m_out.v[i % 4];
  }

  // draw i, uniform in [-scale, scale)
  double draw(uint64_t i) { return m_scale * (static_cast<double>(word(i)) * 0x1p-31 - 1.0); }

 private:
  double m_scale;
  r123::Philox4x32::key_type m_key;
  r123::Philox4x32::ctr_type m_out{};
  uint64_t m_block = UINT64_MAX;
};

}  // namespace ecsim::tasks
