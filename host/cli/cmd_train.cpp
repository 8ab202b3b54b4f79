// ecsim train: Evolving Connectivity (or the ES baseline) on a MuJoCo task, driven by the host
// NES controller through the evaluator seam. docs/training.md documents every flag. The steps
// are in train_flags.cpp, train_mpi.cpp and train_report.cpp.
#include <exception>

#include "cli/train_steps.h"

namespace ecsim::cli {

int cmd_train(const Args& args) {
  TrainFlags f;
  const boost::program_options::options_description desc = train_options(f);
  boost::program_options::variables_map vm;
  const Usage usage{
      "--out DIR [options] | --resume DIR [--generations G] [--threads T] [--time-limit MIN]",
      "Trains the chip's 1-bit network with Evolving Connectivity (--method ec) or a dense float RSNN\n"
      "with ES (--method es). Writes a run directory: config.json, metrics.csv, checkpoint.ckpt, policy/\n"
      "(the deploy image) and curve.png. docs/training.md documents every flag."};
  if (!parse_flags("train", args, desc, vm, usage)) return 0;
  TrainMpi mpi;
  if (const std::optional<int> done = mpi.start(args, f.cfg.threads)) return *done;
  try {
    check_run_flags(f, vm);
    train::Trainer trainer = make_trainer(f, vm);
    mpi.share_config(trainer.config());
    print_start(trainer);
    const double time_limit_s = trainer.config().time_limit_min * 60.0;  // the run's, kept in config.json
    ProgressLine progress(f.progress, time_limit_s);
    train::GenerationStats last;
    const bool timed_out = trainer.run(
        [&](const train::GenerationStats& s) {
          last = s;
          progress.update(s, trainer.config().generations);
        },
        f.stop_after, time_limit_s);
    progress.finish();
    print_summary(trainer, last, timed_out, f, mpi);
    return 0;
  } catch (const std::exception& e) {
    if (!mpi.distributed()) throw;
    return mpi.abort_all(e);
  }
}

}  // namespace ecsim::cli
