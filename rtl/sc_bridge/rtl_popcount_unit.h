// The popcount unit of `--backend rtl`: every neuron core of the SystemC chip streams its rows
// through the Verilated RTL core (rtl/popcount_core.sv) instead of the C++ unit model, clock edge
// by clock edge, and takes the core's sums and its measured cycle count (docs/rtl.md, "Swap-in").
#pragma once

#include <string>

#include "chip/chip_config.h"
#include "systemc/popcount_unit.h"

namespace ecsim::rtl {

// The core's fixed timing (docs/rtl.md): one word per cycle, latency 2.
constexpr int kRtlWordsPerCycle = 1;
constexpr int kRtlLatencyCycles = 2;

// Throws ecsim::Error, naming the setting and the fix, if the chip config describes a popcount
// unit the built RTL core is not: its word width (64 or 32), 1 word per cycle, latency 2.
void check_rtl_chip_config(const chip::ChipConfig& cfg, const std::string& where);

// A factory for ChipSim that puts the Verilated core into every neuron core.
sc::PopcountFactory rtl_popcount_factory();

}  // namespace ecsim::rtl
