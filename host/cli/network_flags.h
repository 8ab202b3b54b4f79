// Flags shared by every command that builds a network: shape, arithmetic widths, kernel.
#pragma once

#include <boost/program_options.hpp>
#include <string>

#include "reference/network.h"

namespace ecsim::cli {

struct NetworkFlags {
  ref::NetworkShape shape;
  ref::ArithConfig arith;
  int n_exc = -1;  // -1: N/2
  std::string arith_mode = "fixed";
  std::string kernel = "auto";

  void add_to(boost::program_options::options_description& desc);
  // resolves defaults that depend on other flags; throws ecsim::Error on bad values
  ref::NetworkDesc make_desc(int d_in, int d_out);
  ref::Arith arith_kind() const;
  ref::Kernel kernel_kind() const;
};

}  // namespace ecsim::cli
