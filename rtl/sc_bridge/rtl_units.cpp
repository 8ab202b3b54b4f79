#include "sc_bridge/rtl_units.h"

#include <sstream>

#include "common/error.h"
#include "sc_bridge/rtl_input_stage.h"
#include "sc_bridge/rtl_lif_unit.h"
#include "sc_bridge/rtl_popcount_unit.h"
#include "sc_bridge/rtl_readout.h"
#include "sc_bridge/rtl_sampler.h"

namespace ecsim::rtl {

namespace {

struct Named {
  const char* name;
  bool RtlUnits::*member;
};
constexpr Named kUnits[] = {{"popcount", &RtlUnits::popcount},
                            {"lif", &RtlUnits::lif},
                            {"sampler", &RtlUnits::sampler},
                            {"input", &RtlUnits::input},
                            {"readout", &RtlUnits::readout}};

}  // namespace

std::string RtlUnits::list() const {
  std::string out;
  for (const Named& u : kUnits)
    if (this->*u.member) {
      if (!out.empty()) out += ',';
      out += u.name;
    }
  return out;
}

std::string rtl_unit_names() {
  std::string out;
  for (const Named& u : kUnits) {
    if (!out.empty()) out += ", ";
    out += u.name;
  }
  return out;
}

RtlUnits parse_rtl_units(const std::string& list) {
  if (list.empty() || list == "all") return {};
  RtlUnits units{false, false, false, false, false};
  std::istringstream in(list);
  for (std::string name; std::getline(in, name, ',');) {
    bool known = false;
    for (const Named& u : kUnits)
      if (name == u.name) {
        units.*u.member = true;
        known = true;
      }
    if (!known)
      throw Error("--rtl-units: '" + name + "' is not an RTL unit (the list was '" + list + "')",
                  "give a comma list of " + rtl_unit_names() + ", or all");
  }
  if (list.back() == ',' || units == RtlUnits{false, false, false, false, false})
    throw Error("--rtl-units '" + list + "' names no unit", "give a comma list of " + rtl_unit_names() + ", or all");
  return units;
}

void check_rtl_units_chip_config(const chip::ChipConfig& cfg, const std::string& where, const RtlUnits& units) {
  if (cfg.float_weights())
    throw Error(where + ": --backend rtl swaps RTL units into the 1-bit chip; this chip has float32 weights",
                "use --backend systemc for the float32-weight chip");
  if (units.popcount) check_rtl_chip_config(cfg, where);
  if (units.lif) check_rtl_lif_chip_config(cfg, where);
  if (units.sampler) check_rtl_sampler_chip_config(cfg, where);
}

sc::UnitFactories rtl_unit_factories(const RtlUnits& units) {
  sc::UnitFactories f;
  if (units.popcount) f.popcount = rtl_popcount_factory();
  if (units.lif) f.lif = rtl_lif_factory();
  if (units.sampler) f.sampler = rtl_sampler_factory();
  if (units.input) f.input = rtl_input_stage_factory();
  if (units.readout) f.readout = rtl_readout_factory();
  return f;
}

}  // namespace ecsim::rtl
