#include "io/raster_plot.h"

#include <bit>
#include <charconv>
#include <sstream>

#include "common/error.h"
#include "common/number_text.h"
#include "io/plot.h"

namespace ecsim::io {

namespace {

// a tick spacing of about n / 10 from 1, 2, 5, 10, 20, 50, ...
int nice_step(size_t n) {
  for (int base = 1;; base *= 10)
    for (int m : {1, 2, 5})
      if (static_cast<size_t>(m * base) * 10 >= n) return m * base;
}
}  // namespace

void write_raster_plot(const std::string& png, const RasterPlotData& d) {
  const ref::NetworkShape& shape = d.shape;
  const size_t sw = static_cast<size_t>((shape.n_neurons + 63) / 64);
  const int K = shape.inner_steps;
  const double step_ms = K * d.dt_ms;
  const size_t n = d.spikes.size();
  std::ostringstream exc, inh, rate, act;
  exc << "# time_ms\tneuron\n";
  inh << "# time_ms\tneuron\n";
  rate << "# time_ms (env step start)\tspikes_exc\tspikes_inh\n";
  uint64_t total = 0;
  for (size_t t = 0; t < n; ++t) {
    uint64_t ne = 0, ni = 0;
    const std::vector<uint64_t>& words = d.spikes[t];
    for (size_t k = 0; k * sw < words.size(); ++k)
      for (size_t w = 0; w < sw; ++w)
        for (uint64_t bits = words[k * sw + w]; bits; bits &= bits - 1) {
          const int j = static_cast<int>(w * 64) + std::countr_zero(bits);
          const double ms = (static_cast<double>(t) * K + static_cast<double>(k)) * d.dt_ms;
          (j < shape.n_exc ? exc : inh) << exact_text(ms) << '\t' << j << '\n';
          ++(j < shape.n_exc ? ne : ni);
        }
    rate << exact_text(static_cast<double>(t) * step_ms) << '\t' << ne << '\t' << ni << '\n';
    total += ne + ni;
  }
  const size_t na = d.actions.empty() ? 0 : d.actions.front().size();
  act << "# time_ms (env step start)";
  for (size_t k = 0; k < na; ++k) act << "\tact_" << k;
  act << '\n';
  // the step function of each action: its value from the step's start to the next step's
  for (size_t t = 0; t <= d.actions.size() && na > 0; ++t) {
    const std::vector<double>& a = d.actions[t < d.actions.size() ? t : t - 1];
    act << exact_text(static_cast<double>(t) * step_ms);
    for (size_t k = 0; k < na; ++k) act << '\t' << exact_text(k < a.size() ? a[k] : 0.0);
    act << '\n';
  }
  // gnuplot cannot plot an empty file: a silent population gets one point outside the range
  if (exc.str().find('\n') == exc.str().size() - 1) exc << "-1\t-1\n";
  if (inh.str().find('\n') == inh.str().size() - 1) inh << "-1\t-1\n";
  const double span = static_cast<double>(n > 0 ? n : 1) * step_ms;
  const int tick = nice_step(n > 0 ? n : 1);
  const bool with_actions = na > 0;
  const double raster_h = with_actions ? 0.55 : 0.7, rate_h = with_actions ? 0.17 : 0.3;
  std::ostringstream gp;
  gp << "set terminal pngcairo size 1200," << (with_actions ? 900 : 760) << " font 'sans,10'\nset output \""
     << kPlotOutput << "\"\n"
     << "set datafile separator '\\t'\nset multiplot\nset lmargin 10\nset rmargin 3\n"
     << "set xrange [0:" << span
     << "]\n"
     // the raster: env steps on the top axis, neurons by population
     << "set origin 0," << 1 - raster_h << "\nset size 1," << raster_h << "\nset tmargin 6\nset bmargin 0.5\n"
     << "set format x ''\nset x2range [0:" << (n > 0 ? n : 1) << "]\nset x2tics " << tick << " out nomirror\n"
     << "set x2label 'environment step (" << K << " inner steps of " << d.dt_ms << " ms each)'\nset xtics mirror\n"
     << "set title " << gnuplot_quote(d.title + ": " + std::to_string(total) + " spikes") << " offset -15,0.5\n"
     << "set ylabel 'neuron'\nset yrange [-1:" << shape.n_neurons << "]\n"
     << "set key at screen 0.995, screen 0.995 right top vertical samplen 1\n"
     << "plot 'exc.dat' using 1:2 with points pt 7 ps 0.2 lc rgb '#1f5fbf' title 'excitatory (0.." << shape.n_exc - 1
     << ")', 'inh.dat' using 1:2 with points pt 7 ps 0.2 lc rgb '#c0392b' title 'inhibitory (" << shape.n_exc << ".."
     << shape.n_neurons - 1 << ")'\n"
     << "unset title\nunset x2tics\nunset x2label\nset key inside top right\n"
     // the spikes of each env step
     << "set origin 0," << 1 - raster_h - rate_h << "\nset size 1," << rate_h << "\nset tmargin 0.5\n"
     << "set bmargin " << (with_actions ? 0.5 : 4)
     << "\nset ylabel 'spikes per step'\nset yrange [0:*]\nset offsets 0, 0, graph 0.3, 0\n"
     << "set style fill solid 0.7 noborder\nset boxwidth " << step_ms << " absolute\n"
     << (with_actions ? "" : "set format x '%g'\nset xlabel 'network time (ms)'\n") << "plot 'rate.dat' using ($1+"
     << step_ms / 2 << "):($2+$3) with boxes lc rgb '#c0392b' title 'inhibitory', "
     << "'' using ($1+" << step_ms / 2 << "):2 with boxes lc rgb '#1f5fbf' title 'excitatory'\n";
  if (with_actions) {
    gp << "set origin 0,0\nset size 1," << 1 - raster_h - rate_h << "\nset tmargin 0.5\nset bmargin 4\n"
       << "set format x '%g'\nset xlabel 'network time (ms)'\nset ylabel 'action'\nset yrange [*:*]\nset offsets 0, 0, "
          "0, 0\n"
       << "set key inside top right horizontal opaque noenhanced\nplot ";
    for (size_t k = 0; k < na; ++k)
      gp << (k ? ", " : "") << "'act.dat' using 1:" << k + 2 << " with steps lw 1.5 title 'act_" << k << "'";
    gp << "\n";
  }
  gp << "unset multiplot\n";
  std::vector<std::pair<std::string, std::string>> files{
      {"exc.dat", exc.str()}, {"inh.dat", inh.str()}, {"rate.dat", rate.str()}};
  if (with_actions) files.emplace_back("act.dat", act.str());
  const std::string why = plot_png(png, gp.str(), files);
  if (!why.empty()) throw Error("cannot draw '" + png + "': " + why, "install gnuplot-nox, or drop --raster-plot");
}

}  // namespace ecsim::io
