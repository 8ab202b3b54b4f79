// The chip as data: a JSON file describes the whole chip: neuron cores, the SRAMs of
// each core, unit timings, the network-on-chip, the clock and the host link, and the datapath
// arithmetic of docs/spec.md §3. It is loaded once, validated, and never changed afterwards
// (like mjModel); simulations keep their own state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reference/network_desc.h"

namespace ecsim::chip {

struct SramConfig {
  int word_bits = 64;     // bits per word (one access)
  int64_t words = 0;      // words per core
  int read_cycles = 1;    // cycles per word read
  int write_cycles = 1;   // cycles per word write
  int64_t bits() const { return int64_t{word_bits} * words; }
};

struct UnitTiming {
  int per_cycle = 1;       // items per cycle (words, neurons, Philox blocks)
  int latency_cycles = 1;  // pipeline latency
};

struct NocConfig {
  std::string topology = "mesh";  // only a 2-D mesh with XY routing for now
  int columns = 2, rows = 2;      // columns · rows = cores
  int flit_bits = 64;
  int router_latency_cycles = 2;  // per hop
  int link_latency_cycles = 1;    // per hop
  int barrier_cycles = 4;         // end-of-inner-step barrier (Loihi-style)
};

struct HostLinkConfig {
  double bytes_per_second = 1.0e9;
  double latency_ns = 500.0;
};

struct ChipConfig {
  std::string path;  // where it was loaded from (for messages)
  std::string name;
  double clock_hz = 200.0e6;
  int cores = 4;
  int neurons_per_core = 64;
  ref::ArithConfig arith;
  SramConfig synapse_sram, rho_sram, state_sram;
  UnitTiming popcount, lif, sampler;
  int controller_cycles_per_access = 2;  // one register access of the firmware
  // bits per connection in the synapse SRAM: 1 (EC's 1-bit θ, popcount datapath) or 32 (the
  // ES-RSNN chip: float32 weights, multiply-accumulate datapath). Config key "synapse_weights".
  int weight_bits = 1;
  bool float_weights() const { return weight_bits == 32; }
  NocConfig noc;
  HostLinkConfig host_link;

  int capacity_neurons() const { return cores * neurons_per_core; }
};

// Reads and validates a chip config. Every error names the file, the key and the fix.
ChipConfig load_chip_config(const std::string& path);
ChipConfig parse_chip_config(const std::string& json_text, const std::string& label);
// the configs shipped in configs/ (chip_default.json and others), found like the MJCF models
std::string default_chip_config_path();

// How a network is laid out on the chip (neurons of core c: [c·npc, (c+1)·npc)).
struct Mapping {
  int cores_used = 0;
  int neurons_per_core = 0;
  int64_t synapse_bits_per_core = 0;  // recurrent rows + input columns + output rows of its neurons
  int64_t rho_bits_per_core = 0;      // (q + 1) bits per synapse it samples
  int64_t state_bits_per_core = 0;    // v, i_syn, i_in (W each), rate (W_r), spike (1) per neuron
};

// Throws ecsim::Error if a network built with arithmetic `a` (from the width flags) is not what the
// chip computes: the evaluators run the chip config's arithmetic.
void check_network_arith(const ChipConfig& chip, const ref::ArithConfig& a);

// Checks that the network fits; throws ecsim::Error saying what does not fit and by how much.
Mapping map_network(const ChipConfig& chip, const ref::NetworkShape& shape);

std::string describe(const ChipConfig& chip);

}  // namespace ecsim::chip
