// The one driver of the Verilated neuron core (rtl/neuron_core.sv): it owns a model (the real
// core or the mutant), clocks it a cycle at a time, and performs register reads and writes and
// whole commands, counting the cycles of each. The verification campaign
// (verify/core_campaign.cpp) drives the core through it; the Verilated types stay in its .cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "firmware/register_map.h"

namespace ecsim::rtl {

// The built parameter set (rtl/CMakeLists.txt, ECSIM_RTL_CORE_PARAMS): the default chip
// (configs/chip_default.json) with d_in = 11, d_out = 3.
struct CoreParams {
  static constexpr int kNeuronsPerCore = 64;  // NPC
  static constexpr int kMaxNeurons = 256;     // NMAX
  static constexpr int kInputs = 11;          // D_IN
  static constexpr int kOutputs = 3;          // D_OUT
  static constexpr int kRhoBits = 10;         // Q
  static constexpr int kRhoPerWord = 5;       // ⌊64 / (Q + 1)⌋
  static constexpr int kSynWords = 2048, kRhoWords = 16384, kStateWords = 256;
  static constexpr int kReadCycles = 1;  // read latency of every SRAM
};

class NeuronCoreDriver {
 public:
  // the configuration inputs (held while a command runs)
  struct Config {
    int n = 64, n_exc = 32, lo = 0, n_local = 64;
    int64_t alpha_syn = 0, beta_m = 0, alpha_out = 0, gamma = 0, r_h = 0, r_in = 0, r_out = 0;
  };

  // mutant 0: the real core; 1: built with -DECSIM_CORE_MUTANT=1. vcd_path: a waveform of
  // every cycle (empty: none). Throws ecsim::Error for a mutant that is not built.
  explicit NeuronCoreDriver(int mutant = 0, const std::string& vcd_path = {});
  ~NeuronCoreDriver();
  NeuronCoreDriver(const NeuronCoreDriver&) = delete;
  NeuronCoreDriver& operator=(const NeuronCoreDriver&) = delete;

  uint64_t cycles() const;  // rising edges so far
  void reset();             // two cycles with rst_n low
  void set_config(const Config& c);
  void write_reg(regs::CoreReg r, uint32_t value, uint32_t index = 0);  // one cycle; index: INPUT_BASE + 4·index
  uint32_t read_reg(regs::CoreReg r);  // one cycle: reg_re, then reg_rvalid and the data in the next
  // writes CMD and clocks until STATUS clears (busy low); returns the cycles from the edge that
  // takes the CMD write to the edge at which STATUS clears, both included; confirms STATUS = 0
  // with a read. Throws ecsim::Error if the command does not end within max_cycles.
  uint64_t run(regs::CoreCommand c, uint64_t max_cycles = 1'000'000);
  // the NoC: every word of a spike vector (bit i = neuron i), one word per cycle
  void write_spikes(const std::vector<uint64_t>& words);
  uint64_t spikes_out() const;  // bit l = neuron lo + l, after the last STEP
  // the host link: one ρ SRAM word per cycle through the backdoor
  void write_rho(const std::vector<uint64_t>& words);
  // backdoors (no cycle): SRAM words as the core holds them
  uint64_t synapse_word(int addr) const;
  uint64_t state_word(int addr) const;

  class Model;  // a Verilated model (neuron_core_driver.cpp)

 private:
  std::unique_ptr<Model> m_model;
};

}  // namespace ecsim::rtl
