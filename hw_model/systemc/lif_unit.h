// lif_unit: the integer LIF update of docs/spec.md §5.2 steps 2-7, computed by the reference
// model's own code: its AVX2 int16 LIF where the widths allow it, else ref::lif_update.
// Timing: neurons / neurons_per_cycle + latency.
//
// A neuron core streams all its neurons through the unit back to back in one STEP. This class is
// the unit model; `--backend rtl` replaces it, through a LifFactory (systemc/unit_factories.h),
// with a wrapper that clocks the Verilated rtl/lif_unit.sv (rtl/sc_bridge/rtl_lif_unit.h) and
// measures the cycles instead of computing them.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <systemc>

#include "chip/chip_config.h"
#include "chip/hw_counters.h"
#include "reference/network.h"
#include "reference/network_desc.h"
#include "reference/neuron.h"
#include "systemc/measured_cycles.h"

namespace ecsim::sc {

class LifUnit : public sc_core::sc_module {
 public:
  LifUnit(const sc_core::sc_module_name& name, const chip::UnitTiming& timing, HwCounters& counters)
      : sc_module(name), m_timing(timing), m_counters(counters) {}
  ~LifUnit() override = default;

  // Called when a network is mapped. An implementation that cannot run its arithmetic throws
  // ecsim::Error naming the setting and the fix.
  virtual void configure(const ref::NetworkDesc& d, int /*word_bits*/) {
    m_narrow = ref::cpu_has_avx2() && ref::detail::lif_narrow_ok(d, d.shape.n_neurons);
  }

  // Updates n neurons back to back: neuron r (global index first + r, excitatory if below n_exc)
  // from its popcount difference diff[r], its input current i_in[r] and its state s[r], which it
  // overwrites; fired[r] = 1 if it spiked. Returns the cycles from the first neuron taken to the
  // last state handed on. The unit's operations are counted here, for every implementation.
  uint64_t update_neurons(const ref::NetworkDesc& d, int first, int n, const int64_t* diff, const int32_t* i_in,
                          ref::NeuronState* s, uint8_t* fired) {
    const auto un = static_cast<uint64_t>(n);
    m_counters.lif_updates += un;
    m_counters.lif_multiplies += 4 * un;
    m_counters.lif_adds += 5 * un;
    m_counters.lif_compares += un;
    return stream_neurons(d, first, n, diff, i_in, s, fired);
  }

  uint64_t cycles(uint64_t neurons) const {
    const uint64_t per = static_cast<uint64_t>(m_timing.per_cycle);
    return neurons == 0 ? 0 : (neurons + per - 1) / per + static_cast<uint64_t>(m_timing.latency_cycles);
  }
  virtual std::string describe() const { return "unit model (ref::lif_update, documented timing)"; }
  const MeasuredCycles& measured() const { return m_measured; }  // the RTL's (the model measures nothing)

 protected:
  // the implementation of update_neurons (the unit model: the reference's LIF and the formula)
  virtual uint64_t stream_neurons(const ref::NetworkDesc& d, int first, int n, const int64_t* diff, const int32_t* i_in,
                                  ref::NeuronState* s, uint8_t* fired) {
    if (m_narrow)  // the reference's AVX2 int16 datapath: the same bits
      ref::detail::lif_narrow_avx2(d, first, n, diff, i_in, s, fired);
    else
      ref::lif_update_block(d, first, n, diff, i_in, s, fired);
    return cycles(static_cast<uint64_t>(n));
  }
  MeasuredCycles m_measured;
  bool m_narrow = false;  // the model runs the AVX2 int16 LIF (set by configure)
  const chip::UnitTiming m_timing;
  HwCounters& m_counters;
};

}  // namespace ecsim::sc
