// What a unit measured: the RTL wrappers of `--backend rtl` (rtl/sc_bridge/) count the clock
// edges of every command they stream; the unit models measure nothing (all zero). The units whose
// RTL timing differs from the chip's formula (input stage, readout) are charged the formula, so
// this record is where their RTL cycles can be read (docs/rtl.md, "Swap-in").
#pragma once

#include <cstdint>

namespace ecsim::sc {

struct MeasuredCycles {
  uint64_t commands = 0;  // commands streamed through the RTL
  uint64_t cycles = 0;    // their clock edges, summed
  uint64_t last = 0;      // those of the most recent one

  void add(uint64_t c) {
    ++commands;
    cycles += c;
    last = c;
  }
};

}  // namespace ecsim::sc
