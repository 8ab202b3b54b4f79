// The membrane potentials of traced neurons over network time (`--membrane-plot` of ecsim
// rollout): one panel per neuron, v in the spec's real units (the chip's Q.F value / 2^F) with the
// threshold V_th = 1, env steps on the top axis. The data are what `--membrane` writes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reference/network_desc.h"

namespace ecsim::io {

inline constexpr size_t kMaxMembranePanels = 8;

struct MembranePlotData {
  ref::NetworkShape shape;
  int frac_bits = 10;                   // F: v_real = v_q / 2^F
  double dt_ms = 0.5;                   // one inner step of network time
  std::vector<int> neurons;             // the traced neurons (at most kMaxMembranePanels)
  std::vector<std::vector<int32_t>> v;  // per env step: neurons.size() values per inner step
  std::string title;
};

// The CSV of the same data: env_step, inner_step, time_ms, neuron, v_q, v (one row per neuron and
// inner step), appended to csv (with the header when csv is empty).
void append_membrane_rows(std::string& csv, size_t env_step, const std::vector<int32_t>& v,
                          const std::vector<int>& neurons, const ref::NetworkShape& shape, int frac_bits, double dt_ms);

// Throws ecsim::Error if gnuplot cannot draw it.
void write_membrane_plot(const std::string& png_path, const MembranePlotData& d);

}  // namespace ecsim::io
