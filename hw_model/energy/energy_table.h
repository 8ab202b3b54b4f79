// The energy reference table: energy per hardware action and static power per unit, for
// one technology, as data (configs/energy_*.json), in the manner of Accelergy's energy reference
// tables. Every default value and its source is listed in docs/energy.md.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ecsim::energy {

struct SramPoint {
  double kbytes = 0;  // macro capacity
  double pj = 0;      // energy of one 64-bit read
};

struct EnergyTable {
  std::string path, technology, description;
  std::vector<SramPoint> sram_read_64b;               // by macro size, increasing
  double sram_write_over_read = 1.0;                  // a write costs this times a read of the same width
  std::map<int, double> add_pj, mult_pj, compare_pj;  // integer, by operand width in bits
  std::map<int, double> fp_add_pj, fp_mult_pj;        // floating point, by width (the float32 chip's MAC)
  double popcount_64b_word_pj = 0;                    // AND, two 64-bit popcounts (E, I), subtract, accumulate
  double philox_block_pj = 0;                         // one Philox4x32-10 block (10 rounds)
  double register_access_pj = 0;                      // one firmware register access (bus and register)
  double noc_router_flit_pj = 0;                      // one 64-bit flit through one router
  double noc_link_flit_pj = 0;                        // one 64-bit flit over one link (one hop)
  double host_link_byte_pj = 0;                       // one byte over the host link
  // static power
  double sram_leakage_pw_per_bit = 0;
  double core_logic_leakage_uw = 0;  // per neuron core, without its SRAMs
  double router_leakage_uw = 0;      // per NoC router
  double controller_leakage_uw = 0;

  // energy of one access of `bits` bits to an SRAM macro of `macro_bits` bits: the 64-bit read
  // energy interpolated log-log in the macro size (clamped to the table's ends), scaled by bits/64
  double sram_read_pj(double macro_bits, int bits) const;
  double sram_write_pj(double macro_bits, int bits) const {
    return sram_write_over_read * sram_read_pj(macro_bits, bits);
  }
  // the entry for the smallest tabulated width >= bits; throws ecsim::Error if there is none
  double op_pj(const std::map<int, double>& by_width, int bits, const char* op) const;
};

// Reads and validates an energy table; every error names the file, the key and the fix.
EnergyTable load_energy_table(const std::string& path);
EnergyTable parse_energy_table(const std::string& json_text, const std::string& label);
// configs/energy_45nm.json beside the binary (like the default chip config)
std::string default_energy_table_path();

}  // namespace ecsim::energy
