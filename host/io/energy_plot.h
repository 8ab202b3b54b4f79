// The plot of an energy report: a stacked bar by unit (dynamic and leakage), drawn on the host by
// io::plot_png (the model library computes, the host draws).
#pragma once

#include <string>

#include "energy/energy_model.h"

namespace ecsim::energy {

// Writes png_path (nothing beside it). Throws ecsim::Error saying why when it cannot be drawn
// (gnuplot missing or failing): callers treat that as a warning.
void write_energy_plot(const EnergyReport& r, const std::string& png_path);

}  // namespace ecsim::energy
