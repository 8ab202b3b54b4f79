// ecsim train: Evolving Connectivity (or the ES baseline) on a MuJoCo task, driven by the host
// NES controller through the evaluator seam. docs/training.md documents every flag.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <thread>

#include <boost/json.hpp>
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <memory>

#include "cli/commands.h"
#include "cli/network_flags.h"
#include "dist/mpi_evaluator.h"
#include "common/error.h"
#include "tasks/env.h"
#include "train/trainer.h"

namespace po = boost::program_options;

namespace ecsim::cli {

namespace {

std::string duration_text(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  const long t = std::lround(s);
  char b[32];
  if (t >= 3600) std::snprintf(b, sizeof b, "%ldh%02ldm", t / 3600, (t / 60) % 60);
  else std::snprintf(b, sizeof b, "%ldm%02lds", t / 60, t % 60);
  return b;
}

// ranks > 0 of an MPI run: the evaluator of rank 0's resolved configuration, serving slices
int serve_rank(boost::mpi::communicator& world, int threads) {
  std::string resolved;
  boost::mpi::broadcast(world, resolved, 0);
  train::TrainConfig cfg = train::TrainConfig::from_json(boost::json::parse(resolved), "rank 0's configuration");
  cfg.threads = threads;
  const std::unique_ptr<eval::Evaluator> local = eval::make_evaluator(cfg.backend, train::evaluator_config(cfg));
  dist::serve(world, *local);
  return 0;
}

int default_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

}  // namespace

int cmd_train(const Args& args) {
  train::TrainConfig c;
  NetworkFlags nf;
  std::string method = "ec", out, resume, progress = "auto";
  uint64_t stop_after = 0;
  double time_limit_min = 0;
  int threads = default_threads();
  po::options_description desc(
      "Train the chip's 1-bit network with Evolving Connectivity (--method ec) or a dense float RSNN with\n"
      "ES (--method es) on a MuJoCo task. Writes a run directory: config.json, metrics.csv,\n"
      "checkpoint.ckpt, policy/ (the deploy image) and curve.png. See docs/training.md.");
  desc.add_options()
    ("task", po::value(&c.task)->default_value(c.task), "task id (hopper, walker2d, humanoid, *-v5)")
    ("model", po::value(&c.model_path), "MJCF file instead of the project's model")
    ("method", po::value(&method)->default_value(method), "ec (1-bit connectivity, NES on ρ) or es (ES on float weights)")
    ("pop", po::value(&c.pop)->default_value(c.pop), "individuals per generation (authors: 10112 + 128 eval)")
    ("generations", po::value(&c.generations)->default_value(c.generations), "generations to train (authors: 1000)")
    ("seed", po::value(&c.seed)->default_value(c.seed), "run seed: every individual's seed derives from it")
    ("threads", po::value(&threads)->default_value(threads), "worker threads (results do not depend on it)")
    ("backend", po::value(&c.backend)->default_value(c.backend), "evaluator backend: functional, systemc (the cycle-level chip) or rtl (the chip with the Verilated popcount core); one chip per process: use MPI ranks for more")
    ("chip", po::value(&c.chip_path), "chip config JSON for --backend systemc/rtl (default: configs/chip_default.json); with --backend functional, count that chip's activity and energy (no cycles)")
    ("energy-table", po::value(&c.energy_table), "energy table JSON for the chip's energy (default: configs/energy_45nm.json; docs/energy.md)")
    ("out", po::value(&out), "run directory to create")
    ("resume", po::value(&resume), "continue the run in this directory (bit-identical to an uninterrupted run)")
    ("lr", po::value(&c.lr)->default_value(c.lr), "Adam step size (EC) / AdamW (ES); reference 0.15")
    ("eps", po::value(&c.eps)->default_value(c.eps), "EC: clip ρ to [eps, 1-eps]; reference 1e-3")
    ("rho-init", po::value(&c.rho_init)->default_value(c.rho_init), "EC: initial ρ; reference 0.5")
    ("weight-decay", po::value(&c.weight_decay)->default_value(c.weight_decay), "EC: decoupled decay of ρ; reference 0")
    ("beta1", po::value(&c.beta1)->default_value(c.beta1), "Adam β1")
    ("beta2", po::value(&c.beta2)->default_value(c.beta2), "Adam β2")
    ("adam-eps", po::value(&c.adam_eps)->default_value(c.adam_eps), "Adam ε")
    ("sigma", po::value(&c.es_sigma)->default_value(c.es_sigma), "ES: noise std σ; reference 0.3 (RSNN)")
    ("es-weight-decay", po::value(&c.es_weight_decay)->default_value(c.es_weight_decay), "ES: AdamW weight decay; reference 0.1")
    ("eval-episodes", po::value(&c.eval_episodes)->default_value(c.eval_episodes), "starts of θ* evaluated per generation (authors: 128)")
    ("episodes", po::value(&c.episodes_per_individual)->default_value(c.episodes_per_individual), "episodes per individual, each from its own seeded start")
    ("max-steps", po::value(&c.max_steps)->default_value(c.max_steps), "episode cap (0: the task's 1000)")
    ("obs-every", po::value(&c.obs_every)->default_value(c.obs_every), "normalizer: use every k-th observation of the population")
    ("checkpoint-every", po::value(&c.checkpoint_every)->default_value(c.checkpoint_every), "generations between checkpoints")
    ("time-limit", po::value(&time_limit_min), "minutes of training (summed over resumes) after which the run ends at the end of a generation, with a checkpoint, the deploy image and the plot; --resume continues it")
    ("no-plot", "do not run gnuplot for curve.png")
    ("progress", po::value(&progress)->default_value(progress), "progress line: auto (when stderr is a terminal), always, never")
    ("stop-after", po::value(&stop_after), "testing: stop after this generation as if killed (no final files)");
  nf.add_to(desc);
  po::variables_map vm;
  if (!parse_flags("train", args, desc, vm)) return 0;

  // MPI (README, docs/scaling.md): under mpirun, rank 0 runs the controller and the other ranks
  // evaluate their slice of every generation. All ranks must run the same binary with the same
  // flags; that is checked before any work.
  std::unique_ptr<boost::mpi::environment> mpi_env;
  std::unique_ptr<boost::mpi::communicator> world;
  if (dist::launched_by_mpi()) {
    mpi_env = std::make_unique<boost::mpi::environment>();
    world = std::make_unique<boost::mpi::communicator>();
  }
  const bool distributed = world && world->size() > 1;
  dist::MpiEvaluator* mpi_evaluator = nullptr;
  if (distributed) {
    std::string fingerprint = std::string("ecsim ") + ECSIM_VERSION;
    for (const auto& a : args) fingerprint += "\x1f" + a;
    try {
      dist::check_same_config(*world, fingerprint);
    } catch (const Error& e) {
      // every rank sees the mismatch: report it and finish normally (boost::mpi::environment
      // would call MPI_Abort if it were destroyed while this exception unwinds)
      if (world->rank() == 0) std::cerr << "ecsim train: error: " << e.what() << "\n";
      return 2;
    }
    if (world->rank() != 0) {
      try {
        return serve_rank(*world, threads);
      } catch (const std::exception& e) {  // say which rank failed, then stop every rank
        std::cerr << "ecsim train (rank " << world->rank() << "): error: " << e.what() << "\nstopping every rank\n";
        world->abort(2);
        return 2;
      }
    }
    eval::set_evaluator_wrapper([&](std::unique_ptr<eval::Evaluator> local, const eval::EvaluatorConfig& ec) {
      auto mpi = std::make_unique<dist::MpiEvaluator>(
          *world, std::move(local), ec.net.param_count(), static_cast<size_t>(ec.net.desc.shape.d_in),
          ec.net.method == eval::Method::kEC ? ec.net.desc.arith.rho_bits : 0);
      mpi_evaluator = mpi.get();
      return std::unique_ptr<eval::Evaluator>(std::move(mpi));
    });
  }
  // the wrapper refers to this function's locals: it must not outlive them
  struct ClearWrapper {
    ~ClearWrapper() { eval::set_evaluator_wrapper(nullptr); }
  } clear_wrapper;
  try {

  const bool tty = progress == "always" || (progress == "auto" && isatty(fileno(stderr)));
  if (vm.count("time-limit") && !(time_limit_min > 0 && std::isfinite(time_limit_min)))
    throw Error("--time-limit must be a positive number of minutes", "e.g. --time-limit 90");
  if (progress != "auto" && progress != "always" && progress != "never")
    throw Error("--progress '" + progress + "' is not known", "use --progress auto, always or never");

  train::Trainer trainer = [&]() {
    if (vm.count("resume")) {
      if (vm.count("out")) throw Error("--out and --resume are exclusive", "--resume DIR continues the run in DIR");
      for (const auto& [name, val] : vm) {
        if (val.defaulted()) continue;
        if (name != "resume" && name != "generations" && name != "threads" && name != "progress" && name != "stop-after" &&
            name != "time-limit")
          throw Error("--" + name + " cannot be changed when resuming (the run's config.json fixes it)",
                      "resume with only --resume DIR [--generations N] [--threads T]");
      }
      return train::Trainer::resume(resume, vm["generations"].defaulted() ? 0 : c.generations,
                                    vm["threads"].defaulted() ? 0 : threads);
    }
    if (!vm.count("out")) throw Error("--out DIR is required", "add --out runs/hopper-ec (or --resume DIR to continue a run)");
    c.net.method = eval::parse_method(method);
    c.threads = threads;
    c.plot = !vm.count("no-plot");
    c.kernel = nf.kernel;
    const auto& spec = tasks::make_task_spec(c.task);
    c.net.desc = nf.make_desc(spec.obs_size, spec.act_size);
    c.net.arith = nf.arith_kind();
    c.net.kernel = nf.kernel_kind();
    if (c.net.method == eval::Method::kES) c.net.arith = ref::Arith::kFloat;
    c.validate();
    return train::Trainer::start(c, out);
  }();
  const train::TrainConfig& cfg = trainer.config();
  if (distributed) {  // the serving ranks build their evaluators from rank 0's resolved configuration
    std::string resolved = boost::json::serialize(cfg.to_json());
    boost::mpi::broadcast(*world, resolved, 0);
  }
  const uint64_t first = trainer.state().generation;
  if (first >= static_cast<uint64_t>(cfg.generations))
    std::cout << "run already has " << first << " of " << cfg.generations << " generations; nothing to do\n";

  double recent = 0;
  int nrecent = 0;
  train::GenerationStats last;
  const bool timed_out = trainer.run([&](const train::GenerationStats& s) {
    last = s;
    recent = nrecent < 10 ? (recent * nrecent + s.seconds) / (nrecent + 1) : 0.9 * recent + 0.1 * s.seconds;
    ++nrecent;
    if (!tty) return;
    const double eta = recent * static_cast<double>(static_cast<uint64_t>(cfg.generations) - s.generation);
    char line[320];
    int n = std::snprintf(line, sizeof line, "\r\033[Kgen %llu/%d  %.1fk frames/s  pop mean %.1f best %.1f  eval %.1f  ETA %s",
                          static_cast<unsigned long long>(s.generation), cfg.generations, s.fps / 1000.0, s.pop_mean,
                          s.pop_best, s.eval_mean, duration_text(eta).c_str());
    if (s.has_chip && n > 0 && n < static_cast<int>(sizeof line))
      std::snprintf(line + n, sizeof line - static_cast<size_t>(n), "  chip %.0f cycles/step", s.cycles_per_step);
    std::fputs(line, stderr);
    std::fflush(stderr);
  }, stop_after, time_limit_min * 60.0);
  if (tty) std::fputs("\n", stderr);
  if (timed_out)
    std::cout << "stopped at the time limit (" << time_limit_min << " min) after generation " << trainer.state().generation
              << " of " << cfg.generations << "; checkpoint and deploy image written (--resume continues)\n";
  if (stop_after && trainer.state().generation >= stop_after && trainer.state().generation < static_cast<uint64_t>(cfg.generations)) {
    std::cout << "stopped after generation " << trainer.state().generation << " (--stop-after)\n";
    return 0;
  }
  if (last.generation)
    std::cout << "trained " << cfg.task << " (" << eval::method_name(cfg.net.method) << ", pop " << cfg.pop << ") to generation "
              << last.generation << " in " << duration_text(last.elapsed) << ": eval return " << last.eval_mean << " ± "
              << last.eval_std << ", population mean " << last.pop_mean << ", " << static_cast<long>(last.fps)
              << " frames/s\n";
  if (last.generation && last.has_energy && !last.has_chip)
    std::cout << "chip activity counted by the functional backend: energy " << last.energy_pj * 1e-6 << " uJ per generation, "
              << last.energy_per_step_pj * 1e-3 << " nJ per env step, dynamic only (energy.json, docs/energy.md)\n";
  if (last.generation && last.has_chip)
    std::cout << "chip (" << cfg.backend << "), last generation: " << last.chip_cycles << " cycles (" << last.chip_seconds
              << " s at the chip clock), " << last.cycles_per_step << " per env step, " << last.cycles_per_episode
              << " per episode; energy " << last.energy_pj * 1e-6 << " uJ per generation, " << last.energy_per_step_pj * 1e-3
              << " nJ per env step (energy.json, docs/energy.md)\n";
  if (last.generation && last.has_energy) std::cout << trainer.energy_table_text();
  if (mpi_evaluator && mpi_evaluator->wire().generations) {
    const dist::WireStats& w = mpi_evaluator->wire();
    const double g = static_cast<double>(w.generations);
    std::cout << "MPI: " << world->size() << " ranks; bytes on the wire per generation: " << static_cast<long>(static_cast<double>(w.broadcast_bytes) / g)
              << " broadcast (ρ, normalizer, seeds) + " << static_cast<long>(static_cast<double>(w.gathered_bytes) / g)
              << " gathered (returns, counters, statistics); sending every θ instead: "
              << static_cast<long>(static_cast<double>(w.theta_bytes_equivalent) / g) << "\n";
  }
  return 0;
  } catch (const std::exception& e) {
    if (!distributed) throw;
    std::cerr << "ecsim train (rank 0): error: " << e.what() << "\nstopping every rank\n";
    world->abort(2);  // the serving ranks would wait forever otherwise
    return 2;
  }
}

}  // namespace ecsim::cli
