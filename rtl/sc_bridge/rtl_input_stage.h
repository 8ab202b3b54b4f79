// The input stage of `--backend rtl`: every neuron core of the 1-bit SystemC chip streams its
// neurons of an INPUT command through the Verilated rtl/input_stage.sv instead of the C++ unit
// model, clock edge by clock edge, and takes the unit's i_in. The chip is still charged its
// documented serial formula (n·d_in adds); the RTL's own cycles (n + 1: d_in adders in parallel)
// are measured into InputStage::measured() (docs/rtl.md, "Swap-in").
#pragma once

#include "systemc/unit_factories.h"

namespace ecsim::rtl {

// A factory for ChipSim that puts the Verilated input stage into every neuron core. It is built
// for d_in = 11 and the default arithmetic (InputStageParams, rtl/driver/input_driver.h); mapping
// another network throws ecsim::Error naming the setting and the fix.
sc::InputStageFactory rtl_input_stage_factory();

}  // namespace ecsim::rtl
