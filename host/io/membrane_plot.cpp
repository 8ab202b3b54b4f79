#include "io/membrane_plot.h"

#include <charconv>
#include <cmath>
#include <sstream>

#include "common/error.h"
#include "common/number_text.h"
#include "io/plot.h"

namespace ecsim::io {

namespace {}  // namespace

void append_membrane_rows(std::string& csv, size_t env_step, const std::vector<int32_t>& v,
                          const std::vector<int>& neurons, const ref::NetworkShape& shape, int frac_bits,
                          double dt_ms) {
  if (csv.empty()) csv = "env_step,inner_step,time_ms,neuron,v_q,v\n";
  const size_t nt = neurons.size();
  for (size_t t = 0; nt > 0 && (t + 1) * nt <= v.size(); ++t)
    for (size_t k = 0; k < nt; ++k) {
      const double ms = (static_cast<double>(env_step) * shape.inner_steps + static_cast<double>(t)) * dt_ms;
      const int32_t q = v[t * nt + k];
      csv += std::to_string(env_step) + ',' + std::to_string(t) + ',' + exact_text(ms) + ',' +
             std::to_string(neurons[k]) + ',' + std::to_string(q) + ',' +
             exact_text(std::ldexp(static_cast<double>(q), -frac_bits)) + '\n';
    }
}

void write_membrane_plot(const std::string& png, const MembranePlotData& d) {
  const size_t nt = d.neurons.size();
  if (nt == 0 || nt > kMaxMembranePanels)
    throw Error(
        "a membrane plot shows 1 to " + std::to_string(kMaxMembranePanels) + " neurons, not " + std::to_string(nt),
        "give --trace-neurons 1 to " + std::to_string(kMaxMembranePanels) + " indices");
  const int K = d.shape.inner_steps;
  const size_t n = d.v.size();
  std::ostringstream dat;
  dat << "# time_ms";
  for (int j : d.neurons) dat << "\tv_" << j;
  dat << '\n';
  for (size_t s = 0; s < n; ++s)
    for (size_t t = 0; (t + 1) * nt <= d.v[s].size(); ++t) {
      dat << exact_text((static_cast<double>(s) * K + static_cast<double>(t)) *
                        d.dt_ms);  // as the raster: inner step t
      for (size_t k = 0; k < nt; ++k)
        dat << '\t' << exact_text(std::ldexp(static_cast<double>(d.v[s][t * nt + k]), -d.frac_bits));
      dat << '\n';
    }
  const double span = static_cast<double>(n > 0 ? n : 1) * K * d.dt_ms;
  const double panel = 0.9 / static_cast<double>(nt);
  std::ostringstream gp;
  gp << "set terminal pngcairo size 1200," << 140 + 150 * nt << " font 'sans,10'\nset output \"" << kPlotOutput
     << "\"\nset datafile separator '\\t'\nset multiplot\nset lmargin 10\nset rmargin 3\n"
     << "set xrange [0:" << span << "]\nset grid ytics\nunset key\nset offsets 0, 0, graph 0.08, graph 0.02\n"
     << "set title " << gnuplot_quote(d.title) << "\n";
  for (size_t k = 0; k < nt; ++k) {
    const bool first = k == 0, last = k + 1 == nt;
    const int j = d.neurons[k];
    gp << "set origin 0," << (0.9 - static_cast<double>(k + 1) * panel) << "\nset size 1," << panel + (first ? 0.1 : 0)
       << "\nset tmargin " << (first ? 5 : 0.5) << "\nset bmargin " << (last ? 4 : 0.5) << "\n"
       << (first ? "set x2range [0:" + std::to_string(n > 0 ? n : 1) +
                       "]\nset x2tics out nomirror\nset x2label 'environment step'\n"
                 : "unset x2tics\nunset x2label\nunset title\n")
       << (last ? "set format x '%g'\nset xlabel 'network time (ms)'\n" : "set format x ''\nunset xlabel\n")
       << "set ylabel " << gnuplot_quote("v of neuron " + std::to_string(j) + (j < d.shape.n_exc ? " (E)" : " (I)"))
       << "\nplot 'v.dat' using 1:" << k + 2 << " with lines lw 1 lc rgb '"
       << (j < d.shape.n_exc ? "#1f5fbf" : "#c0392b") << "', 1 with lines dt 2 lc rgb '#555555'\n";
  }
  gp << "unset multiplot\n";
  const std::string why = plot_png(png, gp.str(), {{"v.dat", dat.str()}});
  if (!why.empty()) throw Error("cannot draw '" + png + "': " + why, "install gnuplot-nox, or drop --membrane-plot");
}

}  // namespace ecsim::io
