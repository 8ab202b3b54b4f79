// ecsim report RUN: the report of a training run, RUN/report.md and RUN/report.html
// (host/report/run_report.h).
// ecsim report --compare-methods: the memory footprint of EC, ES and BPTT for a network and a
// population (the paper's §8), from hw_model/energy/footprint.h.
// ecsim report --compare-runs A,B: training runs at equal wall-clock (e.g. EC vs ES): their eval
// curves against wall time on one plot, and the time-per-generation ratio.
#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <utility>

#include "cli/commands.h"
#include "common/error.h"
#include "common/file.h"
#include "energy/footprint.h"
#include "io/atomic_file.h"
#include "io/plot.h"
#include "report/run_report.h"
#include "tasks/env.h"
#include "train/trainer.h"

namespace po = boost::program_options;

namespace ecsim::cli {

namespace {

struct RunCurve {
  std::string dir, label;
  std::vector<double> generation, seconds, elapsed, eval;
};

namespace fs = std::filesystem;

RunCurve read_run(const std::string& dir) {
  RunCurve r;
  r.dir = dir;
  const fs::path config = fs::path(dir) / "config.json";
  if (!fs::exists(config))
    throw Error("--compare-runs: '" + dir + "' has no config.json", "give run directories of `ecsim train`");
  const train::TrainConfig c =
      train::TrainConfig::from_json(boost::json::parse(read_file(config.string(), "run config")), dir + "/config.json");
  r.label = std::string(eval::method_name(c.net.method)) + " " + c.task + " pop " + std::to_string(c.pop) + " seed " +
            std::to_string(c.seed) + " (" + c.backend + ")";
  const train::MetricsTable m = train::read_metrics(dir);
  const size_t gen = m.column("generation"), secs = m.column("seconds"), el = m.column("elapsed"),
               ev = m.column("eval_mean");
  for (const auto& row : m.rows) {
    r.generation.push_back(row[gen]);
    r.seconds.push_back(row[secs]);
    r.elapsed.push_back(row[el]);
    r.eval.push_back(row[ev]);
  }
  if (r.generation.empty())
    throw Error("--compare-runs: '" + dir + "' has no generations yet", "let the run train first");
  return r;
}

int compare_runs(const std::string& list, const std::string& plot) {
  if (!plot.empty()) check_outputs({{"--plot", plot}});  // before the table is printed
  std::vector<RunCurve> runs;
  std::stringstream ss(list);
  for (std::string d; std::getline(ss, d, ',');)
    if (!d.empty()) runs.push_back(read_run(d));
  if (runs.size() < 2)
    throw Error("--compare-runs needs at least two run directories", "e.g. --compare-runs runs/ec,runs/es");
  // the equal wall-clock window: the shortest run's elapsed time
  double window = INFINITY;
  for (const auto& r : runs) window = std::min(window, r.elapsed.back());
  std::printf("runs compared at equal wall-clock: the first %.1f minutes of each\n\n", window / 60);
  std::printf("  %-44s %12s %14s %14s %14s\n", "run", "generations", "s/generation", "eval at end", "best eval");
  std::vector<double> per_gen;
  for (const auto& r : runs) {
    size_t n = 0;
    double best = -INFINITY, last = NAN, secs = 0;
    for (size_t i = 0; i < r.elapsed.size() && r.elapsed[i] <= window + 1e-9; ++i, ++n) {
      best = std::max(best, r.eval[i]);
      last = r.eval[i];
      secs += r.seconds[i];
    }
    per_gen.push_back(n ? secs / static_cast<double>(n) : NAN);
    std::printf("  %-44s %12zu %14.3f %14.1f %14.1f\n", r.label.c_str(), n, per_gen.back(), last, best);
  }
  std::printf("\ntime per generation relative to the first run:");
  for (size_t i = 1; i < runs.size(); ++i) std::printf(" %s %.2fx;", runs[i].label.c_str(), per_gen[i] / per_gen[0]);
  std::printf("\n");
  if (!plot.empty()) {
    // each run's metrics.csv goes beside the script as run<i>.csv: no user path inside the script
    std::vector<std::pair<std::string, std::string>> data;
    // metrics.csv's columns by name (gnuplot counts from 1)
    const size_t elapsed_col = train::metrics_column("elapsed") + 1, eval_col = train::metrics_column("eval_mean") + 1;
    std::ostringstream gp;
    gp << "set terminal pngcairo noenhanced size 1000,600\nset output \"" << io::kPlotOutput
       << "\"\nset datafile separator ','\n"
       << "set title 'eval return against wall-clock time'\nset xlabel 'minutes'\nset ylabel 'eval return (θ* or μ)'\n"
       << "set grid\nset key bottom right\nset arrow from " << window / 60 << ", graph 0 to " << window / 60
       << ", graph 1 nohead dt 2\nplot ";
    for (size_t i = 0; i < runs.size(); ++i) {
      const std::string name = "run" + std::to_string(i) + ".csv";
      data.emplace_back(name, read_file(runs[i].dir + "/metrics.csv", "metrics"));
      gp << (i ? ", " : "") << "'" << name << "' every ::1 using ($" << elapsed_col << "/60):" << eval_col
         << " with lines lw 2 title " << io::gnuplot_quote(runs[i].label);
    }
    gp << "\n";
    const std::string why = io::plot_png(plot, gp.str(), data);
    if (!why.empty()) throw Error("cannot draw '" + plot + "': " + why, "install gnuplot-nox");
    std::printf("wrote %s\n", plot.c_str());
  }
  return 0;
}

int report_run(const std::string& run, const po::variables_map& vm, const report::RunReportOptions& ro,
               const std::string& json_path) {
  for (const auto& [name, value] : vm)
    if (!value.defaulted() && name != "json" && name != "eval-episodes" && name != "chip-episodes")
      throw Error("--" + name + " does not apply to a run's report",
                  "drop --" + name + ", or leave out RUN for the footprint tables");
  constexpr int kMaxEpisodes = 100000;  // as ecsim eval's --episodes (train::kMaxEvalEpisodes)
  if (ro.eval_episodes < 0 || ro.eval_episodes > kMaxEpisodes || ro.chip_episodes < 0 ||
      ro.chip_episodes > kMaxEpisodes)
    throw Error("--eval-episodes and --chip-episodes must be in [0, 100000]", "e.g. --eval-episodes 10");
  report::check_report_run(run);
  std::vector<std::pair<std::string, std::string>> outputs;
  for (const std::string& f : report::report_outputs(run)) outputs.emplace_back("the report's " + f, f);
  if (!json_path.empty() && json_path != "-") outputs.emplace_back("--json", json_path);
  check_outputs(outputs);
  std::string summary;
  const boost::json::object js = report::write_run_report(run, ro, &summary);
  if (json_path == "-") {
    std::cout << boost::json::serialize(js) << "\n";
    return 0;
  }
  if (!json_path.empty()) io::write_file_atomic(json_path, boost::json::serialize(js) + "\n");
  std::cout << summary << "wrote " << run << "/report.md and " << run << "/report.html\n";
  return 0;
}

}  // namespace

int cmd_report(const Args& args_in) {
  Args args = args_in;
  const std::string run = take_leading_operand(args);
  energy::FootprintInputs in;
  std::string task = "hopper";
  int neurons = in.shape.n_neurons, d_in = 0, d_out = 0, inner = in.shape.inner_steps;
  report::RunReportOptions ro;
  std::string json_path;
  const Usage usage{
      "RUN [--json FILE|-] [--eval-episodes K] [--chip-episodes K] | --compare-methods [options] | "
      "--compare-runs DIR1,DIR2 [--plot FILE.png]",
      "RUN: writes RUN/report.md and a self-contained RUN/report.html for a run directory of\n"
      "`ecsim train` (docs/training.md, \"ecsim report\").\n"
      "--compare-methods: EC and ES hold a parameter set per individual (--pop; N in the formulas),\n"
      "O(N|θ|), at 1 and 32 bits; BPTT holds the intermediate results of H steps, O(NHS + |θ|)\n"
      "(paper §8, docs/energy.md)."};
  po::options_description desc;
  desc.add_options()("compare-methods", "print the footprint of EC, ES and BPTT")(
      "compare-runs", po::value<std::string>(),
      "DIR1,DIR2,...: training runs at equal wall-clock (eval curves, time per generation)")(
      "plot", po::value<std::string>(), "with --compare-runs: write the curves to this PNG")(
      "task", dflt(&task), "task id (hopper, walker2d, humanoid, *-v5); d_in and d_out are its sizes")(
      "neurons", dflt(&neurons), "N, recurrent neurons")("d-in", po::value(&d_in),
                                                         "observation size (instead of --task)")(
      "d-out", po::value(&d_out), "action size (instead of --task)")("inner-steps", dflt(&inner),
                                                                     "T, LIF steps per env step")(
      "pop", dflt(&in.population), "population: individuals (EC, ES) or parallel environments (BPTT); paper: 10240")(
      "horizon", dflt(&in.horizon), "env steps per episode (BPTT's H is this × inner steps)")(
      "rho-bits", dflt(&in.rho_bits), "q, bits of quantized ρ (stored in q + 1 bits)")(
      "json", po::value(&json_path), "with RUN: also write the report's figures as JSON to this file (- for stdout)")(
      "eval-episodes", dflt(&ro.eval_episodes),
      "with RUN: also evaluate θ* from this many of the run's eval starts (functional backend)")(
      "chip-episodes", dflt(&ro.chip_episodes), "with RUN: also run θ* from this many starts on the SystemC chip");
  po::variables_map vm;
  if (!parse_flags("report", args, desc, vm, usage)) return 0;
  if (!run.empty()) return report_run(run, vm, ro, json_path);
  for (const char* f : {"json", "eval-episodes", "chip-episodes"})
    if (vm.count(f) && !vm[f].defaulted())
      throw Error(std::string("--") + f + " needs a run directory",
                  std::string("e.g. ecsim report runs/hopper-ec --") + f + " ...");
  if (vm.count("compare-runs"))
    return compare_runs(vm["compare-runs"].as<std::string>(), vm.count("plot") ? vm["plot"].as<std::string>() : "");
  if (!vm.count("compare-methods"))
    throw Error("ecsim report needs a run directory, --compare-methods or --compare-runs",
                "e.g. ecsim report runs/hopper-ec, or ecsim report --compare-methods --task humanoid");
  if (neurons < 2 || neurons > 1 << 20) throw Error("--neurons must be in [2, 1048576]", "e.g. --neurons 256");
  if (inner < 1) throw Error("--inner-steps must be at least 1", "e.g. --inner-steps 33");
  if (in.population < 1 || in.horizon < 1)
    throw Error("--pop and --horizon must be at least 1", "e.g. --pop 10240 --horizon 1000");
  if (in.rho_bits < 1 || in.rho_bits > 30) throw Error("--rho-bits must be in [1, 30]", "e.g. --rho-bits 10");
  if (vm.count("d-in") != vm.count("d-out"))
    throw Error("give both --d-in and --d-out, or neither (then --task sets them)", "e.g. --d-in 11 --d-out 3");
  if (!vm.count("d-in")) {
    const tasks::TaskSpec& spec = tasks::make_task_spec(task);
    d_in = spec.obs_size;
    d_out = spec.act_size;
  }
  if (d_in < 1 || d_out < 1) throw Error("--d-in and --d-out must be at least 1", "e.g. --d-in 11 --d-out 3");
  in.shape.n_neurons = neurons;
  in.shape.n_exc = neurons / 2;
  in.shape.d_in = d_in;
  in.shape.d_out = d_out;
  in.shape.inner_steps = inner;
  const auto rows = energy::compare_methods(in);
  std::printf(
      "memory footprint of the training methods (paper §8): N = %llu, |θ| = %lld connections (N_neurons %d, d_in %d, "
      "d_out %d), H = %llu × %d steps\n\n",
      static_cast<unsigned long long>(in.population), static_cast<long long>(in.shape.total_synapses()), neurons, d_in,
      d_out, static_cast<unsigned long long>(in.horizon), inner);
  std::printf("  %-28s %16s %12s   %s\n", "method", "MiB", "vs EC", "formula");
  const double ec = rows.front().bits;
  for (const auto& r : rows)
    std::printf("  %-28s %16.3f %11.4gx   %s\n", r.method.c_str(), r.bits / 8 / 1048576, r.bits / ec,
                r.formula.c_str());
  std::printf("\n");
  for (const auto& r : rows) std::printf("  %s: %s\n", r.method.c_str(), r.note.c_str());
  return 0;
}

}  // namespace ecsim::cli
