// The picture of a spike raster (ecsim rollout --raster): every spike as a dot at its time and
// neuron, excitatory and inhibitory apart, over the population's spikes per environment step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reference/network_desc.h"

namespace ecsim::io {

// steps: the spike words of each env step in order (spike_words per inner step, as ref::step
// appends them). Throws ecsim::Error if gnuplot cannot draw it.
void write_raster_plot(const std::string& png_path, const std::vector<std::vector<uint64_t>>& steps,
                       const ref::NetworkShape& shape, const std::string& title);

}  // namespace ecsim::io
