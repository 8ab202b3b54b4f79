// How the neuron cores get their units: one factory per unit, called during elaboration with the
// core as parent. An empty factory builds the unit model (the SystemC class itself); `--backend
// rtl` fills them with the Verilated RTL wrappers of rtl/sc_bridge/ (rtl::rtl_unit_factories).
// The hardware and event counters are counted by the core and the unit base classes, never by an
// implementation, so every counter is the same whichever units are swapped in.
#pragma once

#include <functional>
#include <memory>

#include "chip/chip_config.h"
#include "chip/hw_counters.h"
#include "systemc/input_stage.h"
#include "systemc/lif_unit.h"
#include "systemc/popcount_unit.h"
#include "systemc/readout_unit.h"
#include "systemc/sampler.h"

namespace ecsim::sc {

using LifFactory =
    std::function<std::unique_ptr<LifUnit>(const sc_core::sc_module_name&, const chip::UnitTiming&, HwCounters&)>;
using SamplerFactory =
    std::function<std::unique_ptr<Sampler>(const sc_core::sc_module_name&, const chip::UnitTiming&, HwCounters&)>;
using InputStageFactory = std::function<std::unique_ptr<InputStage>(const sc_core::sc_module_name&, HwCounters&)>;
using ReadoutFactory = std::function<std::unique_ptr<ReadoutUnit>(const sc_core::sc_module_name&, HwCounters&)>;

struct UnitFactories {
  PopcountFactory popcount;
  LifFactory lif;
  SamplerFactory sampler;
  InputStageFactory input;
  ReadoutFactory readout;
};

}  // namespace ecsim::sc
