// The sampler of `--backend rtl`: every neuron core of the SystemC chip draws θ (SAMPLE) and v(0)
// (RESET) through the Verilated rtl/philox_sampler.sv instead of the C++ unit model, clock edge by
// clock edge, and takes the sampler's θ bits, v(0) and measured cycle count (docs/rtl.md,
// "Swap-in").
#pragma once

#include <string>

#include "chip/chip_config.h"
#include "systemc/unit_factories.h"

namespace ecsim::rtl {

// The sampler's fixed timing (docs/rtl.md): one Philox block per cycle, latency 10.
constexpr int kRtlSamplerBlocksPerCycle = 1;
constexpr int kRtlSamplerLatencyCycles = 10;

// Throws ecsim::Error, naming the setting and the fix, if the chip config's units.sampler is not
// the RTL sampler's timing, or its cores do not start on a v(0) block (neurons_per_core a
// multiple of 4).
void check_rtl_sampler_chip_config(const chip::ChipConfig& cfg, const std::string& where);

// A factory for ChipSim that puts the Verilated sampler into every neuron core: θ through the
// model built for the network's ρ bits q, v(0) through the one built for its fraction bits F
// (the sets q:F = 10:10 and 16:30, docs/rtl.md).
sc::SamplerFactory rtl_sampler_factory();

}  // namespace ecsim::rtl
