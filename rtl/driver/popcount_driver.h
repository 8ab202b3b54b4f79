// The one driver of the Verilated popcount core (rtl/popcount_core.sv): it owns a model of one
// built parameter set and clocks it a cycle at a time. The verification campaign
// (verify/popcount_campaign.cpp) and the chip's swap-in (sc_bridge/rtl_popcount_unit.cpp) both
// drive the core through it; the Verilated types stay inside its .cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "rtl_parameter_sets.h"  // generated from rtl/CMakeLists.txt's ECSIM_RTL_PARAMETER_SETS

namespace ecsim::rtl {

// the built parameter set of a word width; nullptr when there is none
const ParameterSet* find_parameter_set(int width);
// the built word widths for messages, "64 and 32" (joiner "and") or "64 or 32"
std::string built_widths(const std::string& joiner);

class PopcountDriver {
 public:
  // What the testbench drives in one cycle. The words are masked to the core's width.
  struct Inputs {
    bool in_valid = false, in_last = false, out_ready = false;
    uint64_t syn = 0, spk = 0, exc = 0;  // read only when in_valid
  };
  // The handshakes that completed at this cycle's rising edge.
  struct Fired {
    bool in = false;   // the core took the word
    bool out = false;  // the core handed on `sum`
    int64_t sum = 0;   // out_sum, sign-extended from ACC_W bits
  };

  // Throws ecsim::Error when no parameter set of this width is built. vcd_path: a waveform of
  // every cycle (empty: none).
  explicit PopcountDriver(int width, const std::string& vcd_path = {});
  ~PopcountDriver();
  PopcountDriver(const PopcountDriver&) = delete;
  PopcountDriver& operator=(const PopcountDriver&) = delete;

  int width() const { return m_set.width; }
  int acc_width() const { return m_set.acc_width; }
  uint64_t cycles() const;  // rising edges so far, resets included

  // two cycles with rst_n low, nothing offered and nothing taken: the row in flight is dropped
  void reset();
  // one clock cycle: drives the inputs, samples the handshakes, then the rising edge
  Fired cycle(const Inputs& in);

  class Model;  // a Verilated model of one parameter set (popcount_driver.cpp)

 private:
  ParameterSet m_set;
  std::unique_ptr<Model> m_model;
};

}  // namespace ecsim::rtl
