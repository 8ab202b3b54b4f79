#include "cli/network_flags.h"

#include "cli/commands.h"
#include "common/error.h"

namespace po = boost::program_options;

namespace ecsim::cli {

void NetworkFlags::add_to(po::options_description& desc) {
  po::options_description net("Network and chip arithmetic (docs/spec.md §3)");
  net.add_options()("neurons", dflt(&shape.n_neurons), "N, recurrent neurons")(
      "exc", dflt(&n_exc, "N/2"), "N_E, excitatory neurons")("inner-steps", dflt(&shape.inner_steps),
                                                             "T, LIF steps per env step")(
      "arith", dflt(&arith_mode), "fixed (the chip) or float (paper equations)")(
      "kernel", dflt(&kernel),
      "fixed-point kernel: auto, portable, avx512-wide, avx512-narrow or avx2-narrow (all give the same bits)");
  // the width flags: one per ArithConfig field, --rho-bits ... --word-bits
  ref::ArithConfig::for_each_field(
      [&](const fields::Info& info, auto m) { net.add_options()(info.flag().c_str(), dflt(&(arith.*m)), info.doc); });
  desc.add(net);
}

ref::NetworkDesc NetworkFlags::make_desc(int d_in, int d_out) {
  shape.d_in = d_in;
  shape.d_out = d_out;
  shape.n_exc = n_exc < 0 ? shape.n_neurons / 2 : n_exc;
  arith_kind();
  kernel_kind();
  return ref::make_network_desc(shape, arith);
}

ref::Arith NetworkFlags::arith_kind() const {
  if (arith_mode == "fixed") return ref::Arith::kFixed;
  if (arith_mode == "float") return ref::Arith::kFloat;
  throw Error("--arith '" + arith_mode + "' is not known", "use --arith fixed or --arith float");
}

ref::Kernel NetworkFlags::kernel_kind() const {
  if (kernel == "auto") return ref::Kernel::kAuto;
  if (kernel == "portable") return ref::Kernel::kPortable;
  if (kernel == "avx512-wide") return ref::Kernel::kAvx512Wide;
  if (kernel == "avx512-narrow") return ref::Kernel::kAvx512Narrow;
  if (kernel == "avx2-narrow") return ref::Kernel::kAvx2Narrow;
  throw Error("--kernel '" + kernel + "' is not known",
              "use --kernel auto, portable, avx512-wide, avx512-narrow or avx2-narrow");
}

}  // namespace ecsim::cli
