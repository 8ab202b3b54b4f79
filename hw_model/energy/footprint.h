// Memory footprint of the three training methods (the paper's §8): evolutionary methods hold N
// parameter sets, O(N|θ|); BPTT holds one parameter set plus the intermediate results of H
// time steps of N parallel environments, O(NHS + |θ|). EC stores its N parameter sets at 1 bit
// per connection, ES at 32 bits. `ecsim report --compare-methods` prints this table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reference/network_desc.h"

namespace ecsim::energy {

struct FootprintInputs {
  ref::NetworkShape shape;      // |θ| = shape.total_synapses()
  uint64_t population = 10240;  // N: individuals (EC, ES) or parallel environments (BPTT)
  uint64_t horizon = 1000;      // environment steps of an episode; BPTT keeps H = horizon × inner steps
  int rho_bits = 10;            // q: the chip's ρ is q + 1 bits
  int state_values = 3;         // S per neuron and inner step for BPTT: i_syn, v and the spike
  int value_bits = 32;          // float32 parameters and intermediate results
};

struct FootprintRow {
  std::string method, formula, note;
  double bits = 0;
};

std::vector<FootprintRow> compare_methods(const FootprintInputs& in);

}  // namespace ecsim::energy
