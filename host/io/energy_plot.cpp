#include "io/energy_plot.h"

#include <sstream>

#include "common/error.h"
#include "io/plot.h"

namespace ecsim::energy {

void write_energy_plot(const EnergyReport& r, const std::string& png) {
  std::ostringstream dat;
  dat << "# unit\tdynamic_nJ\tstatic_nJ\n";
  for (const std::string& u : r.units()) {
    double dyn = 0, st = 0;
    for (const EnergyLine& l : r.lines)
      if (l.unit == u) (l.action == "leakage" ? st : dyn) += l.pj;
    dat << '"' << u << "\"\t" << dyn * 1e-3 << '\t' << st * 1e-3 << '\n';
  }
  std::ostringstream gp;
  gp << "set terminal pngcairo size 1000,600\nset output \"" << io::kPlotOutput << "\"\n"
     << "set title "
     << io::gnuplot_quote("energy by unit (" + r.technology + ", " + r.chip + "): total " + energy_text(r.total_pj))
     << "\n"
     << "set style data histograms\nset style histogram rowstacked\nset style fill solid 0.8 border -1\n"
     << "set boxwidth 0.7\nset ylabel 'energy (nJ)'\nset xtics rotate by -30\nset key top right\n"
     << "plot 'energy.dat' using 2:xtic(1) title 'dynamic', '' using 3 title 'static (leakage)'\n";
  const std::string why = io::plot_png(png, gp.str(), {{"energy.dat", dat.str()}});
  if (!why.empty()) throw Error("cannot draw '" + png + "': " + why, "install gnuplot-nox, or drop the plot option");
}

}  // namespace ecsim::energy
