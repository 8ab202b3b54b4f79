// The one driver of the Verilated readout (rtl/readout.sv): it owns a model of the built parameter
// set (for the mutation check, one with a known bug) and clocks it a cycle at a time. The
// verification campaign (verify/readout_campaign.cpp) drives the unit through it; the Verilated
// types stay inside its .cpp.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

namespace ecsim::rtl {

// The one built parameter set of rtl/readout.sv (rtl/CMakeLists.txt): the default arithmetic of
// hw_model/reference/arith.h with d_out = 3.
struct ReadoutParams {
  static constexpr int kOutputs = 3;      // DO = d_out
  static constexpr int kRateBits = 16;    // W_r
  static constexpr int kNeuronBits = 16;  // NB: up to 2^16 neurons
  static constexpr int kScaleBits = 20;   // bits of R_out,q
  static constexpr int kActionFrac = 12;  // F_a
  static constexpr int kShift = 15;       // s_out = F_r + C - F_a
};

// the mutants built into this binary, ECSIM_READOUT_MUTANT of rtl/readout.sv
inline constexpr int kReadoutMutants[] = {1, 2};

class ReadoutDriver {
 public:
  // One neuron j of a step: its rate, its output row (bit k = K_out[j][k]) and R_out,q.
  struct Beat {
    bool first = false, last = false;
    int32_t rate = 0;
    uint32_t bits = 0;
    uint32_t r_out = 0;
  };
  struct Inputs {
    bool in_valid = false, out_ready = false;
    Beat beat;
  };
  struct Fired {
    bool in = false, out = false;
    std::array<int32_t, ReadoutParams::kOutputs> a{};    // a_q,k
    uint32_t saturated = 0;                              // bit k: a_q,k clamped
    std::array<int64_t, ReadoutParams::kOutputs> acc{};  // acc_k, the raw (partial) sums
  };

  explicit ReadoutDriver(int mutant = 0, const std::string& vcd_path = {});
  ~ReadoutDriver();
  ReadoutDriver(const ReadoutDriver&) = delete;
  ReadoutDriver& operator=(const ReadoutDriver&) = delete;

  int mutant() const { return m_mutant; }
  uint64_t cycles() const;
  void reset();
  Fired cycle(const Inputs& in);

  class Model;

 private:
  int m_mutant = 0;
  std::unique_ptr<Model> m_model;
};

}  // namespace ecsim::rtl
