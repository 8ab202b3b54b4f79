// ecsim.train, ecsim.resume and ecsim.read_metrics: `ecsim train` in this process, its flags as
// keywords (parsed by the CLI's own flag list, so the two cannot drift apart), a Python callback
// after each generation, and a clean stop on Ctrl-C or an exception in the callback.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <cstdlib>
#include <exception>
#include <optional>

#include "bindings.h"
#include "cli/train_steps.h"
#include "common/error.h"
#include "train/metrics.h"
#include "train/trainer.h"

namespace ecsim::py {

namespace {

// the generation's statistics by metrics.csv's columns (the same names and values as the file)
pyb::dict stats_dict(const train::GenerationStats& s) {
  pyb::dict d;
  for (const train::MetricsColumn& c : train::metrics_columns()) {
    const std::string cell = c.cell(s);
    if (std::string(c.name) == "generation")
      d[c.name] = s.generation;
    else
      d[c.name] = cell.empty() ? std::nan("") : std::strtod(cell.c_str(), nullptr);
  }
  return d;
}

pyb::dict run_training(const std::vector<std::string>& args, const pyb::object& callback) {
  cli::TrainFlags f;
  const boost::program_options::options_description desc = cli::train_options(f);
  boost::program_options::variables_map vm;
  cli::parse_flags("train", args, desc, vm);
  cli::check_run_flags(f, vm);
  std::optional<train::Trainer> trainer;
  trainer.emplace(cli::make_trainer(f, vm));
  const double time_limit_s = trainer->config().time_limit_min * 60.0;
  pyb::object last = pyb::none();
  std::exception_ptr stopped;
  bool timed_out = false;
  {
    pyb::gil_scoped_release release;
    try {
      timed_out = trainer->run(
          [&](const train::GenerationStats& s) {
            pyb::gil_scoped_acquire acquire;
            last = stats_dict(s);
            if (!callback.is_none()) callback(last);
            // Ctrl-C: Python's handler has only set a flag; raise its KeyboardInterrupt here
            if (PyErr_CheckSignals() != 0) throw pyb::error_already_set();
          },
          f.stop_after, time_limit_s);
    } catch (const pyb::error_already_set&) {
      stopped = std::current_exception();
    }
    // as a time limit ends a run: the final files, then the checkpoint, so --resume continues it
    if (stopped) {
      trainer->write_outputs();
      trainer->write_checkpoint();
    }
  }
  if (stopped) std::rethrow_exception(stopped);
  pyb::dict out;
  out["run"] = f.resume.empty() ? f.out : f.resume;
  out["generation"] = trainer->state().generation;
  out["best_eval"] = trainer->best_eval();
  out["best_generation"] = trainer->best_generation();
  out["timed_out"] = timed_out;
  out["last"] = last;
  return out;
}

}  // namespace

void bind_train(pyb::module_& m) {
  using pyb::arg;
  m.def(
      "train",
      [](const pyb::object& callback, const pyb::kwargs& kw) { return run_training(kwargs_to_flags(kw), callback); },
      arg("callback") = pyb::none(),
      "ecsim.train(out=..., callback=None, **flags): `ecsim train --out ...` with each flag as a keyword\n"
      "(task='hopper', pop=64, generations=120, neurons=..., plot=False, ...; `ecsim train --help` lists them).\n"
      "callback(stats) runs after every generation with its metrics.csv row as a dict. Ctrl-C, or an exception\n"
      "in the callback, ends the run after the generation with its checkpoint and files (ecsim.resume continues\n"
      "it bit-identically) and is raised. Returns a dict: run, generation, best_eval, best_generation,\n"
      "timed_out, last.");
  m.def(
      "resume",
      [](const std::filesystem::path& run, const pyb::object& generations, const pyb::object& threads,
         const pyb::object& time_limit, const pyb::object& callback) {
        pyb::kwargs kw;
        kw["resume"] = run.string();
        kw["generations"] = generations;
        kw["threads"] = threads;
        kw["time_limit"] = time_limit;
        return run_training(kwargs_to_flags(kw), callback);
      },
      arg("run"), arg("generations") = pyb::none(), arg("threads") = pyb::none(), arg("time_limit") = pyb::none(),
      arg("callback") = pyb::none(),
      "ecsim.resume(run, generations=None, threads=None, time_limit=None, callback=None): `ecsim train --resume`.");
  m.def(
      "read_metrics",
      [](const std::filesystem::path& run) {
        const train::MetricsTable t = train::read_metrics(run.string());
        pyb::dict d;
        for (size_t c = 0; c < t.columns.size(); ++c) {
          pyb::array_t<double> col(static_cast<pyb::ssize_t>(t.rows.size()));
          for (size_t r = 0; r < t.rows.size(); ++r) col.mutable_data()[r] = t.rows[r][c];
          d[t.columns[c].c_str()] = col;
        }
        return d;
      },
      arg("run"), "A run's metrics.csv as {column: float64 array} (empty cells are NaN).");
}

}  // namespace ecsim::py
