#include "io/raster_plot.h"

#include <bit>
#include <sstream>

#include "common/error.h"
#include "io/plot.h"

namespace ecsim::io {

void write_raster_plot(const std::string& png, const std::vector<std::vector<uint64_t>>& steps,
                       const ref::NetworkShape& shape, const std::string& title) {
  const size_t sw = static_cast<size_t>((shape.n_neurons + 63) / 64);
  const int K = shape.inner_steps;
  std::ostringstream exc, inh, rate;
  exc << "# time_env_steps\tneuron\n";
  inh << "# time_env_steps\tneuron\n";
  rate << "# env_step\tspikes_exc\tspikes_inh\n";
  uint64_t total = 0;
  for (size_t t = 0; t < steps.size(); ++t) {
    uint64_t ne = 0, ni = 0;
    for (size_t k = 0; k * sw < steps[t].size(); ++k)
      for (size_t w = 0; w < sw; ++w)
        for (uint64_t bits = steps[t][k * sw + w]; bits; bits &= bits - 1) {
          const int j = static_cast<int>(w * 64) + std::countr_zero(bits);
          const double time = static_cast<double>(t) + static_cast<double>(k) / K;
          if (j < shape.n_exc) {
            exc << time << '\t' << j << '\n';
            ++ne;
          } else {
            inh << time << '\t' << j << '\n';
            ++ni;
          }
        }
    rate << t << '\t' << ne << '\t' << ni << '\n';
    total += ne + ni;
  }
  // gnuplot cannot plot an empty file: a silent network gets one point outside the range
  if (total == 0) exc << "-1\t-1\n";
  std::ostringstream gp;
  const size_t n = steps.size();
  gp << "set terminal pngcairo size 1200,760 font 'sans,10'\nset output \"" << kPlotOutput << "\"\n"
     << "set datafile separator '\\t'\nset multiplot\n"
     << "set lmargin 10\nset rmargin 3\nset xrange [0:" << (n > 0 ? n : 1) << "]\n"
     << "set origin 0,0.3\nset size 1,0.7\nset tmargin 4\nset bmargin 0.5\nset format x ''\n"
     << "set title " << gnuplot_quote(title + ": " + std::to_string(total) + " spikes") << "\n"
     << "set ylabel 'neuron'\nset yrange [-1:" << shape.n_neurons << "]\n"
     << "set key outside top center horizontal\n"
     << "plot 'exc.dat' using 1:2 with points pt 7 ps 0.2 lc rgb '#1f5fbf' title 'excitatory (0.." << shape.n_exc - 1
     << ")', "
     << "'inh.dat' using 1:2 with points pt 7 ps 0.2 lc rgb '#c0392b' title 'inhibitory (" << shape.n_exc << ".."
     << shape.n_neurons - 1 << ")'\n"
     << "unset title\nset origin 0,0\nset size 1,0.3\nset tmargin 1\nset bmargin 4\nset format x '%g'\n"
     << "set xlabel 'environment step (" << K << " inner steps each)'\nset ylabel 'spikes per step'\n"
     << "set yrange [0:*]\nset offsets 0,0,graph 0.3,0\nset key inside top right\nset style fill solid 0.7 noborder\n"
     << "plot 'rate.dat' using ($1+0.5):($2+$3) with boxes lc rgb '#c0392b' title 'inhibitory', "
     << "'' using ($1+0.5):2 with boxes lc rgb '#1f5fbf' title 'excitatory'\n"
     << "unset multiplot\n";
  const std::string why =
      plot_png(png, gp.str(), {{"exc.dat", exc.str()}, {"inh.dat", inh.str()}, {"rate.dat", rate.str()}});
  if (!why.empty()) throw Error("cannot draw '" + png + "': " + why, "install gnuplot-nox, or drop the plot");
}

}  // namespace ecsim::io
