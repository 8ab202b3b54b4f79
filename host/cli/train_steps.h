// The steps of `ecsim train` (cmd_train.cpp reads as their sequence): the flags, MPI start-up,
// the fresh-or-resume rules, the progress line and the summary.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/program_options.hpp>

#include "cli/commands.h"
#include "cli/network_flags.h"
#include "dist/mpi_evaluator.h"
#include "train/trainer.h"

namespace ecsim::cli {

// train_flags.cpp
struct TrainFlags {
  train::TrainConfig cfg;  // the TrainConfig fields' flags write here (threads: this machine's cores)
  NetworkFlags net;
  std::string method = "ec", out, resume, progress = "auto";
  uint64_t stop_after = 0;
};
boost::program_options::options_description train_options(TrainFlags& f);
// checks the flags that are not settings of the run (--time-limit, --progress)
void check_run_flags(const TrainFlags& f, const boost::program_options::variables_map& vm);
// a fresh run (--out) or a resumed one (--resume; only --generations, --threads and --time-limit may
// change)
train::Trainer make_trainer(TrainFlags& f, const boost::program_options::variables_map& vm);

// train_mpi.cpp. Under mpirun, rank 0 runs the controller and the other ranks evaluate their
// slice of every generation (README, docs/scaling.md).
class TrainMpi {
 public:
  // Starts MPI when launched by mpirun and checks that every rank has the same binary and flags.
  // Returns the exit code when this process is done: a serving rank (rank > 0) after serving,
  // or any rank when the flags differ. Rank 0 and single-process runs get nullopt and go on.
  std::optional<int> start(const Args& args, int threads);
  ~TrainMpi();
  bool distributed() const { return m_world && m_world->size() > 1; }
  // rank 0: gives the serving ranks the resolved configuration their evaluators are built from
  void share_config(const train::TrainConfig& cfg);
  // rank 0: says what failed and stops every rank (they would wait forever otherwise)
  int abort_all(const std::exception& e);
  // rank 0 after the run: ranks and bytes on the wire per generation ("" when not distributed)
  std::string wire_summary() const;

 private:
  std::unique_ptr<boost::mpi::environment> m_env;
  std::unique_ptr<boost::mpi::communicator> m_world;
  dist::MpiEvaluator* m_evaluator = nullptr;  // owned by the trainer
};

// train_report.cpp
std::string duration_text(double seconds);
// the progress line on stderr (a terminal), with an ETA from the recent generations' times and the
// time limit; it fits the terminal's width (TIOCGWINSZ, else $COLUMNS, else 80) by dropping its
// least important fields
class ProgressLine {
 public:
  // mode: --progress: auto (stderr is a terminal), always, never; time_limit_s: --time-limit (0: none)
  ProgressLine(const std::string& mode, double time_limit_s);
  void update(const train::GenerationStats& s, int generations);
  void finish() const;  // ends the line
  // the line for s in at most columns - 1 characters
  std::string text(const train::GenerationStats& s, int generations, int columns) const;

 private:
  bool m_tty;
  double m_time_limit_s;
  double m_recent = 0;
  int m_nrecent = 0;
  double eta_seconds(const train::GenerationStats& s, int generations) const;
  bool limited(const train::GenerationStats& s, int generations) const;  // the time limit comes first
};
// the line before the run: a restart in place, or nothing to do
void print_start(const train::Trainer& trainer);
// the lines after the run: how it ended, the last generation, the chip and energy, MPI
void print_summary(const train::Trainer& trainer, const train::GenerationStats& last, bool timed_out,
                   const TrainFlags& f, const TrainMpi& mpi);

}  // namespace ecsim::cli
