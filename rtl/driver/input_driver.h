// The one driver of the Verilated input stage (rtl/input_stage.sv): it owns a model of the built
// parameter set (for the mutation check, one with a known bug) and clocks it a cycle at a time.
// The verification campaign (verify/input_campaign.cpp) drives the unit through it; the Verilated
// types stay inside its .cpp.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

namespace ecsim::rtl {

// The one built parameter set of rtl/input_stage.sv (rtl/CMakeLists.txt): the default arithmetic
// of hw_model/reference/arith.h with d_in = 11.
struct InputStageParams {
  static constexpr int kInputs = 11;     // D = d_in
  static constexpr int kInputBits = 10;  // B_x
  static constexpr int kStateBits = 16;  // W
  static constexpr int kScaleBits = 20;  // bits of R_in,q
  static constexpr int kShift = 11;      // s_in = F_x + C - F
};

// the mutants built into this binary, ECSIM_INPUT_MUTANT of rtl/input_stage.sv
inline constexpr int kInputMutants[] = {1, 2};

class InputDriver {
 public:
  // One neuron j: x_q, its input columns (bit i of pos = K_in[i][j], of neg = K_in[d_in+i][j])
  // and the scale R_in,q.
  struct Beat {
    std::array<int32_t, InputStageParams::kInputs> x{};
    uint32_t pos = 0, neg = 0;
    uint32_t r_in = 0;
  };
  struct Inputs {
    bool in_valid = false, out_ready = false;
    Beat beat;  // read only when in_valid
  };
  // The handshakes that completed at this cycle's rising edge.
  struct Fired {
    bool in = false;   // the unit took the beat
    bool out = false;  // the unit handed on i_in
    int32_t i_in = 0;
    bool saturated = false;
  };

  // Throws ecsim::Error when no model of `mutant` is built. vcd_path: a waveform (empty: none).
  explicit InputDriver(int mutant = 0, const std::string& vcd_path = {});
  ~InputDriver();
  InputDriver(const InputDriver&) = delete;
  InputDriver& operator=(const InputDriver&) = delete;

  int mutant() const { return m_mutant; }
  uint64_t cycles() const;

  // two cycles with rst_n low, nothing offered and nothing taken
  void reset();
  // one clock cycle: drives the inputs, samples the handshakes, then the rising edge
  Fired cycle(const Inputs& in);

  class Model;

 private:
  int m_mutant = 0;
  std::unique_ptr<Model> m_model;
};

}  // namespace ecsim::rtl
