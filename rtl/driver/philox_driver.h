// The one driver of the Verilated Philox sampler (rtl/philox_sampler.sv): it owns a model of one
// built parameter set (ρ bits q, fraction bits F, and for the mutation check a known bug) and
// clocks it a cycle at a time. The verification campaign (verify/philox_campaign.cpp) drives the
// sampler through it; the Verilated types stay inside its .cpp.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "philox_parameter_sets.h"  // generated from rtl/CMakeLists.txt's ECSIM_RTL_PHILOX_SETS

namespace ecsim::rtl {

// the built model of (q, mutant); nullptr when there is none
const PhiloxParameterSet* find_philox_set(int rho_bits, int mutant = 0);
// the built q of the real (unmutated) models, for messages: "10 or 16"
std::string built_rho_bits(const std::string& joiner);

// in_mode of the sampler
enum class PhiloxMode : uint8_t { kRaw = 0, kTheta = 1, kVinit = 2 };

class PhiloxDriver {
 public:
  // One request: the block (seed, stream, index); the stream is read in kRaw only (kTheta draws
  // on stream 0, kVinit on stream 1), rho (ρ_q of the block's 8 synapses, ≤ 2^q) in kTheta only.
  struct Request {
    PhiloxMode mode = PhiloxMode::kRaw;
    uint64_t seed = 0;
    uint32_t stream = 0;
    uint64_t index = 0;
    std::array<uint32_t, 8> rho{};
  };
  // What the testbench drives in one cycle.
  struct Inputs {
    bool in_valid = false, out_ready = false;
    Request req;  // read only when in_valid
  };
  // One result, as the sampler presents it.
  struct Result {
    PhiloxMode mode = PhiloxMode::kRaw;
    std::array<uint32_t, 4> words{};  // the block
    uint8_t theta = 0;                // kTheta: bit l = θ of synapse 8·index + l
    std::array<uint32_t, 4> v{};      // kVinit: v(0) of neuron 4·index + k
  };
  // The handshakes that completed at this cycle's rising edge.
  struct Fired {
    bool in = false;   // the sampler took the request
    bool out = false;  // the sampler handed on `result`
    Result result;
  };

  // Throws ecsim::Error when no model of (rho_bits, mutant) is built. vcd_path: a waveform of
  // every cycle (empty: none).
  explicit PhiloxDriver(int rho_bits, int mutant = 0, const std::string& vcd_path = {});
  ~PhiloxDriver();
  PhiloxDriver(const PhiloxDriver&) = delete;
  PhiloxDriver& operator=(const PhiloxDriver&) = delete;

  int rho_bits() const { return m_set.rho_bits; }
  int frac_bits() const { return m_set.frac_bits; }
  int mutant() const { return m_set.mutant; }
  uint64_t cycles() const;  // rising edges so far, resets included

  // two cycles with rst_n low, nothing offered and nothing taken: the requests in flight are dropped
  void reset();
  // one clock cycle: drives the inputs, samples the handshakes, then the rising edge
  Fired cycle(const Inputs& in);

  class Model;  // a Verilated model of one parameter set (philox_driver.cpp)

 private:
  PhiloxParameterSet m_set;
  std::unique_ptr<Model> m_model;
};

}  // namespace ecsim::rtl
