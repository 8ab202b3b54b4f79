// The readout of `--backend rtl`: every neuron core of the 1-bit SystemC chip streams its neurons
// of a READOUT command through the Verilated rtl/readout.sv instead of the C++ unit model, clock
// edge by clock edge, and takes the unit's raw sums acc_k (out_acc) as the core's partial sums
// (SUM_LO/SUM_HI; the firmware scales the total of all cores). The chip is still charged its
// documented formula (one cycle per neuron plus the K_out reads); the RTL's own cycles (n + 1)
// are measured into ReadoutUnit::measured() (docs/rtl.md, "Swap-in").
#pragma once

#include "systemc/unit_factories.h"

namespace ecsim::rtl {

// A factory for ChipSim that puts the Verilated readout into every neuron core. It is built for
// d_out = 3 and the default rate width (ReadoutParams, rtl/driver/readout_driver.h); mapping
// another network throws ecsim::Error naming the setting and the fix.
sc::ReadoutFactory rtl_readout_factory();

}  // namespace ecsim::rtl
