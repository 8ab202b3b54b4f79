#include "backends/make_chip.h"

#include "chip/chip_config.h"
#include "common/error.h"
#include "eval/evaluator.h"
#include "sc_bridge/rtl_units.h"

namespace ecsim::backends {

std::unique_ptr<sc::ChipSim> make_chip(const std::string& chip_path, const std::string& backend,
                                       const std::string& rtl_units) {
  const eval::BackendInfo& info = eval::backend_info(backend);
  if (!info.simulates_chip) throw Error("internal: backend '" + backend + "' simulates no chip");
  check_rtl_units_flag(backend, rtl_units);
  const std::string path = chip_path.empty() ? chip::default_chip_config_path() : chip_path;
  const chip::ChipConfig chip = chip::load_chip_config(path);
  sc::UnitFactories units;
  if (info.uses_rtl_units) {
    const rtl::RtlUnits selected = rtl::parse_rtl_units(rtl_units);
    rtl::check_rtl_units_chip_config(chip, path, selected);
    units = rtl::rtl_unit_factories(selected);
  }
  return std::make_unique<sc::ChipSim>(chip, std::move(units));
}

void check_rtl_units_flag(const std::string& backend, const std::string& rtl_units) {
  if (rtl_units.empty()) return;
  if (!eval::backend_info(backend).uses_rtl_units)
    throw Error("--rtl-units " + rtl_units + " needs --backend rtl (it picks the RTL units swapped into the chip)",
                "add --backend rtl, or drop --rtl-units");
  rtl::parse_rtl_units(rtl_units);
}

std::string rtl_units_flag_help() {
  return "with --backend rtl: the RTL units swapped into the chip's neuron cores, a comma list of " +
         rtl::rtl_unit_names() + ", or all (default: all; docs/rtl.md)";
}

}  // namespace ecsim::backends
