#include "backends/make_chip.h"

#include "chip/chip_config.h"
#include "common/error.h"
#include "eval/evaluator.h"
#include "sc_bridge/rtl_popcount_unit.h"

namespace ecsim::backends {

std::unique_ptr<sc::ChipSim> make_chip(const std::string& chip_path, const std::string& backend) {
  const eval::BackendInfo& info = eval::backend_info(backend);
  if (!info.simulates_chip) throw Error("internal: backend '" + backend + "' simulates no chip");
  const std::string path = chip_path.empty() ? chip::default_chip_config_path() : chip_path;
  const chip::ChipConfig chip = chip::load_chip_config(path);
  if (info.rtl_popcount_core) rtl::check_rtl_chip_config(chip, path);
  sc::UnitFactories units;
  if (info.rtl_popcount_core) units.popcount = rtl::rtl_popcount_factory();
  return std::make_unique<sc::ChipSim>(chip, std::move(units));
}

}  // namespace ecsim::backends
