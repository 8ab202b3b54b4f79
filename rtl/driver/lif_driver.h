// The one driver of the Verilated LIF unit (rtl/lif_unit.sv): it owns a model of one built
// parameter set and clocks it a cycle at a time. The verification campaign
// (verify/lif_campaign.cpp) drives the unit through it; the Verilated types stay inside its .cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "rtl_lif_parameter_sets.h"  // generated from rtl/CMakeLists.txt's ECSIM_RTL_LIF_PARAMETER_SETS

namespace ecsim::rtl {

// the built LIF parameter set of a state width; nullptr when there is none
const LifParameterSet* find_lif_parameter_set(int state_bits);
// the built state widths for messages, "16 and 14" (joiner "and") or "16 or 14"
std::string built_lif_state_widths(const std::string& joiner);

class LifDriver {
 public:
  // The configuration inputs, held while neurons are in flight (docs/rtl.md). from() takes the
  // reference model's constants (ref::FixedConstants) and narrows R_q to the port:
  // min(R_q, 2^(W-1)) gives the same sat_W(diff·R) for every integer diff.
  struct Config {
    int64_t alpha_syn = 0, beta_m = 0, alpha_out = 0, gamma = 0, r_h = 0;
    static Config from(int64_t alpha_syn_q, int64_t beta_m_q, int64_t alpha_out_q, int64_t gamma_q, int64_t r_h_q,
                       int state_bits);
  };
  // What the testbench drives in one cycle; the values are masked to the unit's widths.
  struct Inputs {
    bool in_valid = false, out_ready = false;
    int64_t diff = 0;  // read only when in_valid, like everything below
    int32_t i_in = 0;
    bool exc = false;
    int32_t v = 0, i_syn = 0, rate = 0;
  };
  // The handshakes that completed at this cycle's rising edge, and the output (sign-extended).
  struct Fired {
    bool in = false;   // the unit took the neuron
    bool out = false;  // the unit handed on the state below
    int32_t v = 0, i_syn = 0, rate = 0;
    bool fired = false;
  };

  // Throws ecsim::Error when no parameter set of this state width is built. vcd_path: a
  // waveform of every cycle (empty: none).
  explicit LifDriver(int state_bits, const std::string& vcd_path = {});
  ~LifDriver();
  LifDriver(const LifDriver&) = delete;
  LifDriver& operator=(const LifDriver&) = delete;

  const LifParameterSet& parameters() const { return m_set; }
  uint64_t cycles() const;  // rising edges so far, resets included

  // drives the configuration inputs from now on (change it only while nothing is in flight)
  void set_config(const Config& c);
  // two cycles with rst_n low, nothing offered and nothing taken: the neurons in flight are dropped
  void reset();
  // one clock cycle: drives the inputs, samples the handshakes, then the rising edge
  Fired cycle(const Inputs& in);

  class Model;  // a Verilated model of one parameter set (lif_driver.cpp)

 private:
  LifParameterSet m_set;
  std::unique_ptr<Model> m_model;
};

}  // namespace ecsim::rtl
