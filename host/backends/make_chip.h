// The one place a chip backend's chip is built: the chip evaluator's process chip
// (backends/systemc_evaluator.h) and `ecsim simulate --backend systemc|rtl` both call make_chip.
#pragma once

#include <memory>
#include <string>

#include "systemc/chip.h"

namespace ecsim::backends {

// The chip of a backend whose BackendInfo::simulates_chip is set, from a chip config (empty path:
// configs/chip_default.json beside the binary), checked against what the backend builds (the RTL
// core's fixed timing for a backend with rtl_popcount_core) and with that backend's popcount unit.
// SystemC elaborates once per process: build at most one chip per process.
std::unique_ptr<sc::ChipSim> make_chip(const std::string& chip_path, const std::string& backend);

}  // namespace ecsim::backends
