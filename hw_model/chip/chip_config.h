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

// A ChipConfig{} is configs/chip_default.json (tests/chip checks that they agree): the loader
// requires every key, so the in-code values only serve code that builds a config by hand. Members
// that differ per SRAM or unit (words, latency_cycles) get their values in ChipConfig.
struct SramConfig {
  int word_bits = 64;    // bits per word (one access)
  int64_t words = 0;     // words per core
  int read_cycles = 1;   // cycles per word read
  int write_cycles = 1;  // cycles per word write
  int64_t bits() const { return int64_t{word_bits} * words; }
  bool operator==(const SramConfig&) const = default;
};

struct UnitTiming {
  int per_cycle = 1;       // items per cycle (words, neurons, Philox blocks)
  int latency_cycles = 1;  // pipeline latency
  bool operator==(const UnitTiming&) const = default;
};

struct NocConfig {
  std::string topology = "mesh";  // only a 2-D mesh with XY routing for now
  int columns = 2, rows = 2;      // columns · rows = cores
  int flit_bits = 64;
  int router_latency_cycles = 2;  // per hop
  int link_latency_cycles = 1;    // per hop
  int barrier_cycles = 4;         // end-of-inner-step barrier (Loihi-style)
  bool operator==(const NocConfig&) const = default;
};

struct HostLinkConfig {
  double bytes_per_second = 1.0e9;
  double latency_ns = 1000.0;
  bool operator==(const HostLinkConfig&) const = default;
};

// Config keys spell the fields ("weight_bits", "arith.rho_bits", "noc.flit_bits"), in sections
// (cores, memories, units). Two leaves name what they count instead, because a section holds
// them: cores.count (the field cores) and units.<unit>.<items>_per_cycle (UnitTiming::per_cycle:
// words, neurons or Philox blocks per cycle, by unit).
struct ChipConfig {
  std::string path;  // where it was loaded from (for messages)
  std::string name = "ecsim-4core-256";
  double clock_hz = 200.0e6;
  int cores = 4;
  int neurons_per_core = 64;
  ref::ArithConfig arith;  // syn_word_bits = synapse_sram.word_bits
  SramConfig synapse_sram{64, 2048, 1, 1}, rho_sram{64, 16384, 1, 1}, state_sram{64, 256, 1, 1};
  UnitTiming popcount{1, 2}, lif{1, 4}, sampler{1, 10};
  int cycles_per_register_access = 2;  // one register access of the firmware
  // bits per connection in the synapse SRAM: 1 (EC's 1-bit θ, popcount datapath) or 32 (the
  // ES-RSNN chip: float32 weights, multiply-accumulate datapath)
  int weight_bits = 1;
  bool float_weights() const { return weight_bits == 32; }
  NocConfig noc;
  HostLinkConfig host_link;

  int capacity_neurons() const { return cores * neurons_per_core; }
  bool operator==(const ChipConfig&) const = default;
};

// Reads and validates a chip config. Every error names the file, the key and the fix. A relative
// path that does not exist from the working directory is looked up among the shipped configs
// (find_config_file).
ChipConfig load_chip_config(const std::string& path);
// path if it exists; else, for a relative path, the same name in the shipped configs' folders
// ($ECSIM_CONFIG_DIR, beside the binary, PREFIX/share/ecsim/configs; "configs/x.json" is x.json
// there). Throws ecsim::Error "cannot open WHAT 'path' (looked in: ...)" when none exists.
std::string find_config_file(const std::string& path, const std::string& what);
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

// The widths a chip fixes: every ArithConfig field but syn_word_bits, which the chip derives from
// memories.synapse_sram.word_bits. These are the keys of a chip config's arith section.
constexpr bool chip_fixes(int ref::ArithConfig::*field) { return field != &ref::ArithConfig::syn_word_bits; }

// The one arithmetic-compatibility check: throws ecsim::Error unless the network's arithmetic
// equals the chip's in every field the chip fixes; the error names each differing field with both
// values. The chip runs its own arithmetic, so a network built with other widths is not what it computes.
void check_network_arith(const ChipConfig& chip, const ref::ArithConfig& network);
// The same check for a command that takes the chip's widths unless width flags set them:
// `flags_given` lists the fields (fields::Info::name) the user set by flag. A differing field that
// was given is named as its flag with the value given ("--state-bits 15 (the chip's: 16)"), and
// the fix says to drop those flags; the others are named as above.
void check_network_arith(const ChipConfig& chip, const ref::ArithConfig& network,
                         const std::vector<std::string>& flags_given);

// Checks that the network fits; throws ecsim::Error saying what does not fit and by how much.
Mapping map_network(const ChipConfig& chip, const ref::NetworkShape& shape);

std::string describe(const ChipConfig& chip);

}  // namespace ecsim::chip
