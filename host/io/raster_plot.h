// The picture of a spike raster (`--raster-plot` of ecsim rollout and simulate): every spike as a
// dot at its time (ms of network time, env steps on the top axis) and neuron, excitatory and
// inhibitory in two colours, over the spikes per env step and the actions on the same time axis.
// The data are what `--raster` and the actions/trajectory CSV hold, so users can re-plot them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reference/network_desc.h"

namespace ecsim::io {

struct RasterPlotData {
  ref::NetworkShape shape;
  double dt_ms = 0.5;                         // one inner step of network time
  std::vector<std::vector<uint64_t>> spikes;  // per env step: spike_words words per inner step
  std::vector<std::vector<double>> actions;   // per env step: the action (may be empty)
  std::string title;
};

// Throws ecsim::Error if gnuplot cannot draw it.
void write_raster_plot(const std::string& png_path, const RasterPlotData& d);

}  // namespace ecsim::io
