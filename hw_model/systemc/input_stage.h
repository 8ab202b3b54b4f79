// input_stage: the 1-bit chip's input projection (docs/spec.md §4.2) for a neuron core's neurons,
// i_in_j = sat_W(round_shift(Σ_i x_q[i]·(K_in[i][j] − K_in[d_in+i][j])·R_in,q, s_in)).
//
// This class is the unit model (ref::input_current on the exact sum). The chip charges INPUT with
// the documented serial formula (one add per input and neuron, in NeuronCore::do_input) whatever
// the unit; `--backend rtl` replaces the unit, through an InputStageFactory
// (systemc/unit_factories.h), with a wrapper that clocks the Verilated rtl/input_stage.sv
// (rtl/sc_bridge/rtl_input_stage.h), whose i_in drive the chip and whose cycles it measures
// (measured(): d_in adders in parallel, n + 1 cycles; docs/rtl.md). The float32-weight chip keeps
// its multiply-accumulate path in the core.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <systemc>

#include "chip/hw_counters.h"
#include "reference/network_desc.h"
#include "reference/neuron.h"
#include "systemc/measured_cycles.h"

namespace ecsim::sc {

class InputStage : public sc_core::sc_module {
 public:
  InputStage(const sc_core::sc_module_name& name, HwCounters& counters) : sc_module(name), m_counters(counters) {}
  ~InputStage() override = default;

  // Called when a network is mapped; an implementation that is not built for its shape or
  // arithmetic throws ecsim::Error naming the setting and the fix.
  virtual void configure(const ref::NetworkDesc& /*d*/) {}

  // i_in of n neurons back to back from the quantized observation x (d_in values): neuron r's
  // input column is cols + r·stride, words of w bits, bit i = K_in[i][j] (sees +x_q[i]) and bit
  // d_in + i = K_in[d_in+i][j] (sees −x_q[i]). Returns the unit's own cycles (the model's serial
  // n·d_in; the RTL's measured ones), which the core does not charge: it charges the formula.
  uint64_t project(const ref::NetworkDesc& d, const int32_t* x, const uint64_t* cols, int64_t stride, int w, int n,
                   int32_t* i_in) {
    return stream_neurons(d, x, cols, stride, w, n, i_in);
  }

  // Whether the unit takes the input columns bit by bit (an RTL unit: project). The unit model
  // projects from each neuron's d_in signs K_in[i][j] − K_in[d_in+i][j] (project_signs).
  virtual bool streams_columns() const { return false; }

  // project from the signs: neuron r's are sign + r·d_in. The same i_in as project.
  void project_signs(const ref::NetworkDesc& d, const int32_t* x, const int8_t* sign, int n, int32_t* i_in) const {
    const int d_in = d.shape.d_in;
    for (int r = 0; r < n; ++r) {
      int64_t acc = 0;
      for (int i = 0; i < d_in; ++i) acc += int64_t{x[i]} * sign[r * d_in + i];
      i_in[r] = ref::input_current(d, acc);
    }
  }

  virtual std::string describe() const { return "unit model (ref::input_current, documented timing)"; }
  const MeasuredCycles& measured() const { return m_measured; }  // the RTL's (the model measures nothing)

  // bit b of a column of w-bit words
  static bool bit(const uint64_t* col, int b, int w) { return (col[b / w] >> (b % w)) & 1u; }

 protected:
  virtual uint64_t stream_neurons(const ref::NetworkDesc& d, const int32_t* x, const uint64_t* cols, int64_t stride,
                                  int w, int n, int32_t* i_in) {
    const int d_in = d.shape.d_in;
    for (int r = 0; r < n; ++r) {
      const uint64_t* col = cols + r * stride;
      int64_t acc = 0;
      for (int i = 0; i < d_in; ++i) {
        const bool plus = bit(col, i, w), minus = bit(col, d_in + i, w);
        if (plus != minus) acc += plus ? int64_t{x[i]} : -int64_t{x[i]};
      }
      i_in[r] = ref::input_current(d, acc);
    }
    return static_cast<uint64_t>(n) * static_cast<uint64_t>(d_in);
  }
  MeasuredCycles m_measured;
  HwCounters& m_counters;
};

}  // namespace ecsim::sc
