// The one place a chip backend's chip is built: the chip evaluator's process chip
// (backends/systemc_evaluator.h) and `ecsim simulate --backend systemc|rtl` both call make_chip.
#pragma once

#include <memory>
#include <string>

#include "systemc/chip.h"

namespace ecsim::backends {

// The chip of a backend whose BackendInfo::simulates_chip is set, from a chip config (empty path:
// configs/chip_default.json beside the binary), checked against what the backend builds (the RTL
// units' fixed timing for a backend with uses_rtl_units) and with that backend's units: on
// `--backend rtl` the RTL units of rtl_units (`--rtl-units`: a comma list or "all"; empty: all).
// SystemC elaborates once per process: build at most one chip per process.
std::unique_ptr<sc::ChipSim> make_chip(const std::string& chip_path, const std::string& backend,
                                       const std::string& rtl_units = {});

// `--rtl-units LIST` with `--backend B`: throws ecsim::Error if LIST is given with a backend that
// swaps in no RTL, or names an unknown unit (the error names it and the valid list)
void check_rtl_units_flag(const std::string& backend, const std::string& rtl_units);
// the --help text of --rtl-units
std::string rtl_units_flag_help();

}  // namespace ecsim::backends
