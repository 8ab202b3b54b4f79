// sampler: the on-chip Bernoulli sampler (docs/spec.md §6). From a 64-bit seed and the core's ρ
// it draws θ for the core's own synapses, by their global canonical indices, with the spec's
// Philox4x32-10 (one block per 8 synapses), and writes them into the synapse SRAM (SAMPLE); and
// it draws v(0) of the core's neurons (one block per 4 neurons, RESET).
//
// This class is the unit model (the reference Philox and Bernoulli bits, the documented timing
// ⌈blocks / P_s⌉ + L_s); `--backend rtl` replaces it, through a SamplerFactory
// (systemc/unit_factories.h), with a wrapper that clocks the Verilated rtl/philox_sampler.sv
// (rtl/sc_bridge/rtl_sampler.h) and measures the cycles.
#pragma once

#include <cstdint>
#include <string>
#include <systemc>
#include <vector>

#include "chip/chip_config.h"
#include "chip/hw_counters.h"
#include "systemc/measured_cycles.h"
#include "systemc/sram.h"

namespace ecsim::ref {
struct NetworkDesc;
}

namespace ecsim::sc {

struct ChipContext;

// Philox blocks [first, first + count) of one θ draw
struct BlockRange {
  int64_t first = 0, count = 0;
};

class Sampler : public sc_core::sc_module {
 public:
  Sampler(const sc_core::sc_module_name& name, const chip::UnitTiming& timing, HwCounters& counters)
      : sc_module(name), m_timing(timing), m_counters(counters) {}
  ~Sampler() override = default;

  // Called when a network is mapped. An implementation that cannot draw for its arithmetic (or
  // this core's neuron range) throws ecsim::Error naming the setting and the fix.
  virtual void configure(const ref::NetworkDesc& /*d*/, int /*lo*/, int /*hi*/) {}

  // θ of neurons [lo, hi) into `syn` (layout of ChipContext); returns the cycles it took
  uint64_t sample(const ChipContext& ctx, uint64_t seed, int lo, int hi, Sram& syn, Sram& rho);
  // θ bytes of the blocks of every range, back to back in range order, into bytes (one per block;
  // bit l: synapse 8·block + l; ρ_q of synapse g is rho_q[g], 0 beyond `synapses`). Returns the
  // cycles from the first block requested to the last result handed on. The blocks are counted
  // here, for every implementation.
  uint64_t draw_theta(uint64_t seed, const std::vector<BlockRange>& ranges, const uint32_t* rho_q, int64_t synapses,
                      int rho_bits, uint8_t* bytes);
  // v(0) of neurons [lo, hi) into v (hi − lo values, Q.F); returns the sampler's cycles
  uint64_t initial_membranes(const ref::NetworkDesc& d, uint64_t seed, int lo, int hi, int32_t* v);

  virtual std::string describe() const { return "unit model (reference Philox, documented timing)"; }
  const MeasuredCycles& measured() const { return m_measured; }  // the RTL's (the model measures nothing)

 protected:
  // the implementations of draw_theta and initial_membranes (the unit model: the reference)
  virtual uint64_t theta_blocks(uint64_t seed, const std::vector<BlockRange>& ranges, const uint32_t* rho_q,
                                int64_t synapses, int rho_bits, uint8_t* bytes);
  // v(0) of neuron j: word j % 4 of block j / 4 on stream 1, >> (32 − F); the blocks lo / 4 ..
  // (hi + 3) / 4 − 1
  virtual uint64_t membrane_blocks(uint64_t seed, int lo, int hi, int frac_bits, int32_t* v);

  MeasuredCycles m_measured;
  const chip::UnitTiming m_timing;
  HwCounters& m_counters;

 private:
  std::vector<BlockRange> m_ranges;
  std::vector<uint8_t> m_bytes;
  std::vector<uint32_t> m_words;
};

}  // namespace ecsim::sc
