// The LIF unit of `--backend rtl`: every neuron core of the SystemC chip streams its neurons of a
// STEP through the Verilated rtl/lif_unit.sv instead of the C++ unit model, clock edge by clock
// edge, and takes the unit's new states, spikes and measured cycle count (docs/rtl.md, "Swap-in").
#pragma once

#include <string>

#include "chip/chip_config.h"
#include "systemc/unit_factories.h"

namespace ecsim::rtl {

// The unit's fixed timing (docs/rtl.md): one neuron per cycle, latency 4.
constexpr int kRtlLifNeuronsPerCycle = 1;
constexpr int kRtlLifLatencyCycles = 4;

// Throws ecsim::Error, naming the setting and the fix, if the chip config's units.lif is not the
// RTL unit's timing.
void check_rtl_lif_chip_config(const chip::ChipConfig& cfg, const std::string& where);

// A factory for ChipSim that puts the Verilated LIF unit into every neuron core. The parameter
// set is picked, when a network is mapped, by its state width (W16/F10 or W14/F8, docs/rtl.md);
// the constants are the network's (LifDriver::Config::from).
sc::LifFactory rtl_lif_factory();

}  // namespace ecsim::rtl
