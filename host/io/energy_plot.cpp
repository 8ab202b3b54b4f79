#include "io/energy_plot.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <vector>

#include "common/error.h"
#include "io/plot.h"

namespace ecsim::energy {

namespace {

struct Scale {
  double per_pj;
  const char* name;
};

// the unit that keeps the largest bar between 1 and 1000
Scale scale_for(double max_pj) {
  if (max_pj >= 1e9) return {1e-9, "mJ"};
  if (max_pj >= 1e6) return {1e-6, "µJ"};
  if (max_pj >= 1e3) return {1e-3, "nJ"};
  return {1, "pJ"};
}

}  // namespace

void write_energy_plot(const EnergyReport& r, const std::string& png, const std::string& covers) {
  // one bar per unit and action that cost anything, the largest on top
  std::vector<const EnergyLine*> lines;
  for (const EnergyLine& l : r.lines)
    if (l.pj > 0) lines.push_back(&l);
  std::stable_sort(lines.begin(), lines.end(), [](const EnergyLine* a, const EnergyLine* b) { return a->pj < b->pj; });
  if (lines.empty()) throw Error("cannot draw '" + png + "': the report has no energy", "run something first");
  const double max_pj = lines.back()->pj, min_pj = lines.front()->pj;
  const Scale sc = scale_for(max_pj);
  // log scale when the bars span more than two decades, so that small units stay visible
  const bool log = max_pj > 100 * min_pj;
  const double base = log ? min_pj * sc.per_pj / 3 : 0;
  bool leakage = false;
  std::ostringstream dat;
  dat << "# unit_action\tenergy_" << sc.name << "\tkind (1 dynamic, 2 leakage)\tshare_percent\n";
  for (const EnergyLine* l : lines) {
    const bool leak = l->action == "leakage";
    leakage = leakage || leak;
    dat << '"' << l->unit << ": " << l->action << "\"\t" << l->pj * sc.per_pj << '\t' << (leak ? 2 : 1) << '\t'
        << 100.0 * l->pj / r.total_pj << '\n';
  }
  const size_t n = lines.size();
  std::ostringstream gp;
  gp << "set terminal pngcairo size 1000," << 130 + 24 * n << " font 'sans,10'\nset output \"" << io::kPlotOutput
     << "\"\n"
     << "set title "
     << io::gnuplot_quote("energy by unit and action, " + (covers.empty() ? std::string() : covers + ", ") +
                          r.technology + ", " + r.chip + ": total " + energy_text(r.total_pj))
     << "\n"
     << "set datafile separator '\\t'\nset style fill solid 0.8 border -1\n"
     << "set yrange [-0.7:" << n << "-0.3]\nset ytics nomirror\nset grid xtics\n"
     << "set lmargin 30\nset rmargin 10\n"
     << "set xlabel " << io::gnuplot_quote(std::string("energy (") + sc.name + (log ? ", log scale)" : ")")) << "\n"
     << "set format x '%g'\n"
     << (log ? "set logscale x\n" : "set xrange [0:*]\n") << "set key bottom right\n"
     << "set linetype 1 lc rgb '#7b3fbf'\nset linetype 2 lc rgb '#2a9d8f'\n"
     << "plot 'energy.dat' using (" << base << "):0:(" << base << "):2:($0-0.35):($0+0.35):3:ytic(1) "
     << "with boxxyerror lc variable notitle, "
     << "'' using 2:0:(sprintf('%.3g%%', $4)) with labels left offset 0.6,0 notitle, "
     << "NaN with boxes lt 1 title 'dynamic'" << (leakage ? ", NaN with boxes lt 2 title 'static (leakage)'" : "")
     << "\n";
  const std::string why = io::plot_png(png, gp.str(), {{"energy.dat", dat.str()}});
  if (!why.empty()) throw Error("cannot draw '" + png + "': " + why, "install gnuplot-nox, or drop the plot option");
}

}  // namespace ecsim::energy
