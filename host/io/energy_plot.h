// The plot of an energy report: one horizontal bar per unit and action that cost anything (dynamic
// and leakage in two colours, with its share), the largest on top, in pJ/nJ/µJ/mJ by magnitude and
// on a log axis when the bars span more than two decades; drawn on the host by io::plot_png (the
// model library computes, the host draws).
#pragma once

#include <string>

#include "energy/energy_model.h"

namespace ecsim::energy {

// Writes png_path (nothing beside it). Throws ecsim::Error saying why when it cannot be drawn
// (gnuplot missing or failing): callers treat that as a warning.
// covers says what the report covers (e.g. "generation 40 (the last), 1080 episodes").
void write_energy_plot(const EnergyReport& r, const std::string& png_path, const std::string& covers = "");

}  // namespace ecsim::energy
