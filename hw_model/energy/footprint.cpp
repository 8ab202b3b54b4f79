#include "energy/footprint.h"

namespace ecsim::energy {

std::vector<FootprintRow> compare_methods(const FootprintInputs& in) {
  const double theta = static_cast<double>(in.shape.total_synapses());
  const double N = static_cast<double>(in.population), vb = in.value_bits;
  const double H = static_cast<double>(in.horizon) * in.shape.inner_steps;
  const double S = static_cast<double>(in.state_values) * in.shape.n_neurons;
  std::vector<FootprintRow> rows;
  rows.push_back({"EC", "N·|θ|·1 bit + |θ|·(q+1) bits (ρ)", "the population's θ materialized at 1 bit per connection",
                  N * theta + theta * (in.rho_bits + 1)});
  rows.push_back({"EC, on-chip sampling", "|θ|·(q+1) bits (ρ) + N·64 bits (seeds)",
                  "θ drawn from ρ and a seed where it is evaluated: only ρ and seeds are stored",
                  theta * (in.rho_bits + 1) + N * 64});
  rows.push_back(
      {"ES", "N·|θ|·32 bits + |θ|·32 bits (μ)", "the population's float32 weights", N * theta * vb + theta * vb});
  rows.push_back({"BPTT (surrogate gradient)", "N·H·S·32 bits + |θ|·32 bits",
                  "H = episode steps × inner steps, S = 3 values per neuron (i_syn, v, spike)",
                  N * H * S * vb + theta * vb});
  return rows;
}

}  // namespace ecsim::energy
