// The verification campaign of the RTL neuron core (rtl/neuron_core.sv, docs/rtl.md "The neuron
// core"): random networks and seeds through whole commands (SAMPLE, RESET, INPUT, T × STEP,
// READOUT) against the reference model (hw_model/reference): every θ bit in the synapse SRAM,
// v(0), i_in, every inner step's spikes and v, i_syn, rate, and the partial readout sums; plus
// the cycles of every command next to the SystemC NeuronCore's formulas.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reference/network.h"
#include "reference/theta.h"

namespace ecsim::rtl {

// The reference side of the campaign, also used by the Icarus vector generator:
// the ρ SRAM words of core [lo, lo + n): its synapses in the order SAMPLE walks them (K_in rows,
// K_h rows, K_out, each restricted to the core's neurons), 5 ρ_q of 11 bits per word
std::vector<uint64_t> core_rho_words(const ref::NetworkShape& s, const std::vector<uint32_t>& rho_q, int lo, int n);
// neuron j's synapse SRAM words in the SystemC layout (recurrent row, input column, output row)
std::vector<uint64_t> core_synapse_words(const ref::Theta& th, const ref::NetworkShape& s, int j);
// one inner step of the whole network from the reference model's functions (spec §5.2)
void core_inner_step(const ref::CompiledNet& net, ref::FixedState& st);

struct CoreCampaignConfig {
  int networks = 6;     // shapes in turn: N = 64 (one core), N = 256 (core k % 4 of 4), N = 128 (core 1 of 2)
  int env_steps = 2;    // environment steps per network (INPUT, T × STEP, READOUT each)
  int inner_steps = 8;  // T
  uint64_t seed = 1;
  int mutant = 0;  // 0: the real core; 1: the mutant (-DECSIM_CORE_MUTANT=1)
};

// the cycles of one command on one shape: measured on the RTL (CMD written to STATUS clear) and
// the SystemC NeuronCore's formula (docs/microarchitecture.md) for the default chip
struct CoreCommandCycles {
  std::string command;
  uint64_t rtl = 0, systemc = 0;
};
struct CoreShapeCycles {
  std::string shape;  // "N=64 core 0 of 1"
  std::vector<CoreCommandCycles> commands;
};

struct CoreCampaignReport {
  int networks = 0;
  uint64_t env_steps = 0, inner_steps = 0, cycles = 0;
  // what was compared
  uint64_t theta_bits = 0;    // synapse SRAM bits after SAMPLE
  uint64_t state_values = 0;  // v(0), i_in, v, i_syn, rate values
  uint64_t spike_bits = 0;    // spike bits of the core's neurons, one per neuron and inner step
  uint64_t spikes = 0;        // of which 1
  uint64_t partial_sums = 0;  // SUM_LO/HI pairs
  uint64_t mismatches = 0;
  // the reference loop the campaign runs per inner step against ref::step (must be 0)
  uint64_t reference_mismatches = 0;
  std::string first_mismatch;
  std::vector<CoreShapeCycles> cycles_by_shape;  // the first network of each shape
};

CoreCampaignReport run_core_campaign(const CoreCampaignConfig& cfg);

// The SystemC NeuronCore's cycles of a command (hw_model/systemc/neuron_core.cpp, sampler.cpp) on
// the default chip (configs/chip_default.json) for a network of N neurons and a core of n.
// command: 1 SAMPLE .. 5 READOUT (regs::CoreCommand).
uint64_t systemc_core_cycles(int command, int n_neurons, int n_local);

}  // namespace ecsim::rtl
