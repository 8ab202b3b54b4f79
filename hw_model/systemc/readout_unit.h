// readout_unit: the 1-bit chip's readout accumulation (docs/spec.md §4.3) over a neuron core's
// neurons, the partial sums Σ_j r_j·K_out[j][k] the controller reads (SUM_LO/SUM_HI) and scales
// once over all cores.
//
// This class is the unit model. The chip charges READOUT with the documented formula (one cycle
// per neuron plus the SRAM reads, in NeuronCore::do_readout) whatever the unit; `--backend rtl`
// replaces the unit, through a ReadoutFactory (systemc/unit_factories.h), with a wrapper that
// clocks the Verilated rtl/readout.sv (rtl/sc_bridge/rtl_readout.h), whose partial sums drive
// the chip and whose cycles it measures (measured(): n + 1; docs/rtl.md). The float32-weight chip
// keeps its multiply-accumulate path in the core.
#pragma once

#include <cstdint>
#include <string>
#include <systemc>

#include "chip/hw_counters.h"
#include "reference/network_desc.h"
#include "systemc/measured_cycles.h"

namespace ecsim::sc {

class ReadoutUnit : public sc_core::sc_module {
 public:
  ReadoutUnit(const sc_core::sc_module_name& name, HwCounters& counters) : sc_module(name), m_counters(counters) {}
  ~ReadoutUnit() override = default;

  // Called when a network is mapped; an implementation that is not built for its shape or
  // arithmetic throws ecsim::Error naming the setting and the fix.
  virtual void configure(const ref::NetworkDesc& /*d*/) {}

  // The partial sums of n neurons back to back: neuron r has the rate rate[r] and the output row
  // rows + r·stride (words of w bits, bit k = K_out[j][k]); partial[k] = Σ_r rate[r]·K_out[r][k]
  // for k < d_out. Returns the unit's own cycles (the model's n; the RTL's measured ones), which
  // the core does not charge: it charges the formula.
  uint64_t accumulate(const ref::NetworkDesc& d, const int32_t* rate, const uint64_t* rows, int64_t stride, int w,
                      int n, int64_t* partial) {
    return stream_neurons(d, rate, rows, stride, w, n, partial);
  }

  virtual std::string describe() const { return "unit model (exact sums, documented timing)"; }
  const MeasuredCycles& measured() const { return m_measured; }  // the RTL's (the model measures nothing)

 protected:
  virtual uint64_t stream_neurons(const ref::NetworkDesc& d, const int32_t* rate, const uint64_t* rows, int64_t stride,
                                  int w, int n, int64_t* partial) {
    for (int k = 0; k < d.shape.d_out; ++k) {
      const int word = k / w, at = k % w;
      int64_t sum = 0;
      for (int r = 0; r < n; ++r)
        if ((rows[r * stride + word] >> at) & 1u) sum += rate[r];
      partial[k] = sum;
    }
    return static_cast<uint64_t>(n);
  }
  MeasuredCycles m_measured;
  HwCounters& m_counters;
};

}  // namespace ecsim::sc
