// ecsim report RUN: one report of a training run (docs/training.md, "ecsim report"): RUN/report.md
// (Markdown) and RUN/report.html (the same, self-contained: its images embedded as data URIs, no
// script, no external link), with the command and configuration, wall time and frames/s, the
// learning curve, the eval return (last and best rows), the chip's cycles and energy, a spike
// raster excerpt of θ* (RUN/report-raster.csv and .png, drawn from that CSV), the robot's contact
// sheet when RUN/contact.png exists, and links to the run's files.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace ecsim::report {

// the env steps of the raster excerpt (at most; the episode may end earlier)
inline constexpr int kRasterSteps = 50;

struct RunReportOptions {
  int eval_episodes = 0;  // > 0: also θ* from that many of the run's eval starts, functional backend
  int chip_episodes = 0;  // > 0: also θ* on the SystemC chip (the run's chip) from that many starts
};

// The files the report writes in run (in write order), for check_outputs.
std::vector<std::string> report_outputs(const std::string& run);

// Throws ecsim::Error (naming the fix) when run is not a run directory with at least one
// generation; writes nothing then.
void check_report_run(const std::string& run);

// Computes everything, then writes the files of report_outputs(run) (each atomically). Returns the
// report's figures (what `--json` prints); summary (if given) gets the eval lines, one per backend.
// A plot gnuplot cannot draw is a warning on stderr.
boost::json::object write_run_report(const std::string& run, const RunReportOptions& opt,
                                     std::string* summary = nullptr);

}  // namespace ecsim::report
