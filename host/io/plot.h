// Plots: gnuplot started from an argument vector, never through a shell, so that no path or
// name a user gives can become a command. The script and its data files live in a fresh
// temporary directory that is gnuplot's working directory: scripts name their inputs and their
// output ("plot.png") relative to it, and no user path appears inside a script. The PNG is then
// moved into place atomically, and the temporary directory is removed.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ecsim::io {

// The name every plot script writes its PNG to (set output "plot.png").
inline constexpr const char* kPlotOutput = "plot.png";

// Draws png_path from `script` with the named data files beside it. Returns an empty string on
// success, else why gnuplot could not draw (gnuplot missing, or its error message); the caller
// decides whether that is a warning or an error. Nothing is left beside png_path either way.
std::string plot_png(const std::string& png_path, const std::string& script,
                     const std::vector<std::pair<std::string, std::string>>& data_files);

// text as a gnuplot single-quoted string (a quote inside is doubled), for titles and labels that
// carry names a user gave
std::string gnuplot_quote(const std::string& text);

}  // namespace ecsim::io
