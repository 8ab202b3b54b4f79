// lif_unit: the integer LIF update of docs/spec.md §5.2 steps 2-7 (ref::lif_update, the same
// function the reference model runs). Timing: neurons / neurons_per_cycle + latency.
#pragma once

#include <systemc>

#include "chip/chip_config.h"
#include "chip/hw_counters.h"
#include "reference/neuron.h"

namespace ecsim::sc {

class LifUnit : public sc_core::sc_module {
 public:
  LifUnit(const sc_core::sc_module_name& name, const chip::UnitTiming& timing, HwCounters& counters)
      : sc_module(name), m_timing(timing), m_counters(counters) {}

  bool update(const ref::NetworkDesc& d, int64_t diff, int32_t i_in, bool excitatory, ref::NeuronState& s) {
    ++m_counters.lif_updates;
    m_counters.lif_multiplies += 4;
    m_counters.lif_adds += 5;
    ++m_counters.lif_compares;
    return ref::lif_update(d, diff, i_in, excitatory, s);
  }
  uint64_t cycles(uint64_t neurons) const {
    const uint64_t per = static_cast<uint64_t>(m_timing.per_cycle);
    return neurons == 0 ? 0 : (neurons + per - 1) / per + static_cast<uint64_t>(m_timing.latency_cycles);
  }

 private:
  const chip::UnitTiming m_timing;
  HwCounters& m_counters;
};

}  // namespace ecsim::sc
