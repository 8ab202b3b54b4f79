#include "driver/coverage.h"

#include <verilated.h>
#ifdef ECSIM_RTL_COVERAGE
#include <unistd.h>
#include <verilated_cov.h>

#include <atomic>
#endif

namespace ecsim::rtl {

#ifdef ECSIM_RTL_COVERAGE
void write_coverage(VerilatedContext& ctx, const std::string& stem) {
  static std::atomic<int> files{0};  // files written by this process: one per model destroyed
  const std::string path = stem + "_" + std::to_string(::getpid()) + "_" + std::to_string(files++) + ".dat";
  ctx.coveragep()->write(path.c_str());
}
#else
void write_coverage(VerilatedContext& /*ctx*/, const std::string& /*stem*/) {}
#endif

}  // namespace ecsim::rtl
