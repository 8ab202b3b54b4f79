// sampler: the on-chip Bernoulli sampler (docs/spec.md §6). From a 64-bit seed and the core's ρ
// it draws θ for the core's own synapses, by their global canonical indices, with the spec's
// Philox4x32-10 (one block per 8 synapses), and writes them into the synapse SRAM.
#pragma once

#include <systemc>

#include "systemc/chip_context.h"
#include "systemc/sram.h"

namespace ecsim::sc {

class Sampler : public sc_core::sc_module {
 public:
  Sampler(const sc_core::sc_module_name& name, const chip::UnitTiming& timing, HwCounters& counters)
      : sc_module(name), m_timing(timing), m_counters(counters) {}

  // θ of neurons [lo, hi) into `syn` (layout of ChipContext); returns the cycles it took
  uint64_t sample(const ChipContext& ctx, uint64_t seed, int lo, int hi, Sram& syn, Sram& rho);

 private:
  // θ_g for g in [g0, g1), one byte per bit; counts the Philox blocks it draws
  void draw(const ChipContext& ctx, uint64_t seed, int64_t g0, int64_t g1, std::vector<uint8_t>& out);

  const chip::UnitTiming m_timing;
  HwCounters& m_counters;
};

}  // namespace ecsim::sc
