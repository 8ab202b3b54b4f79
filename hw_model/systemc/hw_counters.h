// Hardware activity of the SystemC chip: every access and operation, per unit, and cycles per
// phase. Issue 6 turns these into energy, so each is an exact count of a hardware action.
#pragma once

#include <cstdint>

namespace ecsim::sc {

struct MemoryCounters {
  uint64_t words_read = 0, words_written = 0, bits_read = 0, bits_written = 0;
};

struct HwCounters {
  MemoryCounters synapse_sram, rho_sram, state_sram;
  uint64_t popcount_words = 0;      // words through the popcount-accumulate unit
  uint64_t lif_updates = 0;         // neuron updates of the LIF unit
  uint64_t lif_multiplies = 0;      // constant multiplies (4 per update: α_syn, R, β_m, α_out)
  uint64_t lif_adds = 0;            // adds/subtracts (5 per update) incl. the rate increment
  uint64_t lif_compares = 0;        // threshold compares (1 per update)
  uint64_t input_adds = 0;          // signed adds of x_q in the input stage
  uint64_t readout_adds = 0;        // rate adds in the readout
  uint64_t philox_blocks = 0;       // PRNG draws: Philox4x32-10 blocks (8 synapses or 4 v(0) each)
  uint64_t noc_packets = 0, noc_flits = 0, noc_flit_hops = 0;
  uint64_t host_bytes_in = 0, host_bytes_out = 0;  // over the host link (into / out of the chip)
  uint64_t register_accesses = 0;   // firmware reads and writes through the register bus
  // cycles (of the chip clock)
  uint64_t cycles_sample = 0, cycles_reset = 0, cycles_input = 0, cycles_inner = 0, cycles_readout = 0;
  uint64_t cycles_host_link = 0;    // commands and ρ crossing the host link (latency + bytes / bandwidth)
  uint64_t cycles_total = 0;
  uint64_t core_busy_cycles = 0;    // Σ over cores of cycles spent on commands
  uint64_t core_idle_cycles = 0;    // Σ over cores of cycles waiting in phases they took part in
};

}  // namespace ecsim::sc
