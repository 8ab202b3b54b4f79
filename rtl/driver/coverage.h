// A coverage build (cmake -DECSIM_RTL_COVERAGE=ON, docs/rtl.md) Verilates every unit's real
// models with --coverage. Each driver calls write_coverage when it destroys such a model, which
// writes the model's counts to <stem>_<pid>_<k>.dat in the working directory for
// verilator_coverage to merge. In a normal build it does nothing.
#pragma once

#include <string>

class VerilatedContext;

namespace ecsim::rtl {

void write_coverage(VerilatedContext& ctx, const std::string& stem);

}  // namespace ecsim::rtl
