// What every block of the chip reads about the loaded network: the chip config, the network's
// description (docs/spec.md constants), the quantized ρ in canonical order and the layout.
#pragma once

#include <cstdint>
#include <systemc>
#include <vector>

#include "chip/chip_config.h"
#include "reference/network_desc.h"
#include "systemc/trace_probe.h"
#include "systemc/unit_factories.h"

namespace ecsim::sc {

// cycle_time of the last count asked for: a command or a barrier repeats its count every inner
// step, and converting a count to sc_time costs more than the rest of a register access
class CycleTimeMemo {
 public:
  template <class Context>
  const sc_core::sc_time& get(const Context& ctx, uint64_t cycles) {
    if (cycles != m_cycles) {
      m_time = ctx.cycle_time(cycles);
      m_cycles = cycles;
    }
    return m_time;
  }

 private:
  uint64_t m_cycles = ~uint64_t{0};
  sc_core::sc_time m_time;
};

struct ChipContext {
  chip::ChipConfig config;
  ref::NetworkDesc desc;
  chip::Mapping mapping;
  std::vector<uint32_t> rho_q;     // canonical order (docs/spec.md §6.2), loaded over the host link
  std::vector<uint64_t> exc_mask;  // spike-vector words: bit i set if neuron i is excitatory
  int spike_words = 0;             // 64-bit words of a spike vector
  // synapse SRAM layout of one neuron: recurrent row, input column, output row (words of w bits)
  int words_rec = 0, words_in = 0, words_out = 0;
  int words_per_neuron() const { return words_rec + words_in + words_out; }
  double period_s = 0;  // one clock cycle
  // the time of `cycles` clock cycles, rounded to the SystemC resolution as every wait has been
  sc_core::sc_time cycle_time(uint64_t cycles) const {
    return sc_core::sc_time(static_cast<double>(cycles) * period_s, sc_core::SC_SEC);
  }
  mutable TraceProbe probe;  // what a VCD waveform shows (written by the blocks)
  // ChipSim::step with a raster: each core ORs its neurons' spikes of inner step t into words
  // [t·spike_words, (t+1)·spike_words) (a backdoor like the probe: no time, no counts)
  mutable std::vector<uint64_t>* raster = nullptr;
  // ChipSim::step with a membrane trace: each core writes v of the traced neurons it holds after
  // inner step t to [t·membrane_neurons.size() + k] (the same kind of backdoor)
  mutable std::vector<int32_t>* membrane = nullptr;
  std::vector<int> membrane_neurons;
  UnitFactories units;  // each empty: the unit model
  // Lockstep: every register access, command and barrier waits for its time in the SystemC
  // kernel, so a VCD shows each signal change at its cycle. Otherwise (no waveform) the controller
  // runs ahead of SystemC time with a quantum keeper and a core computes a command when it is
  // written and records when it will be done: the same times and counts, and a few kernel
  // context switches per host command instead of one per access (docs/microarchitecture.md).
  bool lockstep() const { return probe.enabled; }
};

}  // namespace ecsim::sc
