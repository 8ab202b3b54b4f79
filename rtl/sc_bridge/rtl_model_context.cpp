// detail::before_model_destroyed (sc_bridge/rtl_units.h), apart from the SystemC headers: the
// Verilator runtime's header must not see them.
#include <verilated.h>

namespace ecsim::rtl::detail {

void before_model_destroyed() {
  static VerilatedContext* const kept = new VerilatedContext;  // never destroyed: always a live context
  Verilated::threadContextp(kept);
}

}  // namespace ecsim::rtl::detail
