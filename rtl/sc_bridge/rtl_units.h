// Which units `--backend rtl` swaps into the SystemC chip's neuron cores (`--rtl-units LIST`,
// docs/rtl.md "Swap-in"): the Verilated popcount core, LIF unit, Philox sampler, input stage and
// readout, each through its wrapper in rtl/sc_bridge/.
#pragma once

#include <string>

#include "chip/chip_config.h"
#include "systemc/unit_factories.h"

namespace ecsim::rtl {

struct RtlUnits {
  bool popcount = true, lif = true, sampler = true, input = true, readout = true;
  std::string list() const;  // "popcount,lif,sampler,input,readout" (those set, in this order)
  bool operator==(const RtlUnits&) const = default;
};

// "popcount, lif, sampler, input, readout": the names --rtl-units takes (besides "all")
std::string rtl_unit_names();
// A comma list of unit names, or "all" (or empty: all). Throws ecsim::Error naming the bad unit
// and the valid names.
RtlUnits parse_rtl_units(const std::string& list);

// Throws ecsim::Error, naming the setting and the fix, if the chip config describes a unit the
// selected RTL is not (the float32-weight chip; a popcount, LIF or sampler timing the RTL does
// not have; a synapse word width the popcount core is not built for). Shapes and arithmetic are
// checked when a network is mapped (each wrapper's configure()).
void check_rtl_units_chip_config(const chip::ChipConfig& cfg, const std::string& where, const RtlUnits& units);

// The factories of the selected units (the others empty: the unit models).
sc::UnitFactories rtl_unit_factories(const RtlUnits& units);

namespace detail {
// Call before destroying a Verilated model of this process: Verilator 5.006 unregisters a model's
// scopes from the thread's current context, which a model destroyed before may have left
// dangling; this makes it a context that lives as long as the process (docs/rtl.md).
void before_model_destroyed();
}  // namespace detail

}  // namespace ecsim::rtl
