// EC / ES training on the evaluator seam (docs/training.md): the generation step and the run loop,
// with resume. The settings are in config.h, the checkpoint codec in checkpoint.h, metrics.csv in
// metrics.h and the run directory's files in run_dir.h.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "energy/energy_model.h"
#include "eval/evaluator.h"
#include "train/checkpoint.h"
#include "train/config.h"
#include "train/metrics.h"
#include "train/run_dir.h"

namespace ecsim::train {

class Trainer {
 public:
  // fresh run: creates out_dir (must not hold a run)
  static Trainer start(const TrainConfig& cfg, const std::string& out_dir);
  // resume: reads out_dir/config.json and checkpoint.ckpt; generations, threads and the time limit
  // may be overridden (> 0), and config.json records them.
  // A run killed before its first checkpoint starts again from generation 0 in place.
  static Trainer resume(const std::string& out_dir, int generations_override, int threads_override,
                        double time_limit_min_override = 0);
  // resume found no checkpoint and starts the run again from generation 0
  bool restarted() const { return m_restarted; }

  const TrainConfig& config() const { return m_cfg; }
  const ControllerState& state() const { return m_st; }

  // runs to cfg.generations; calls on_gen after each generation. stop_after > 0: return after
  // that generation as a killed run would (for tests): no final checkpoint, plot or image.
  // time_limit_s > 0: end the run after the first generation that brings the run's training time
  // (the elapsed column, summed over resumes) to the limit, with a checkpoint and the final files;
  // returns true then. --resume continues it bit-identically.
  bool run(const std::function<void(const GenerationStats&)>& on_gen, uint64_t stop_after = 0, double time_limit_s = 0);

  // one generation (exposed for tests/benchmarks)
  GenerationStats step(eval::Evaluator& ev);

  void write_checkpoint() const;
  void write_metrics() const;  // metrics.csv
  // metrics.csv, policy/ (and policy-best/ when the best eval changed), curve.png, energy.json and
  // energy.png (chips)
  void write_outputs();
  // the image the last generation evaluated (the state before its update), and the best so far
  const EvaluatedPolicy& evaluated() const { return m_evaluated; }
  double best_eval() const { return m_best_eval; }
  uint64_t best_generation() const { return m_best.generation; }
  // the whole run's energy table (docs/energy.md); empty without the chip's counts
  std::string energy_table_text() const;

 private:
  Trainer(TrainConfig cfg, std::string dir) : m_cfg(std::move(cfg)), m_dir(std::move(dir)) {}
  TrainConfig m_cfg;
  std::string m_dir;
  bool m_restarted = false;
  std::shared_ptr<RunLock> m_lock;  // held from the first write to the end (shared: a Trainer moves)
  ControllerState m_st;
  std::unique_ptr<eval::Evaluator> m_ev;  // made before anything is written, so errors leave no files
  std::vector<std::string> m_metrics;     // CSV rows without header, one per completed generation
  // policy/ holds what the last generation evaluated, so that its row's eval is the image's return;
  // policy-best/ the image of the highest eval (compared as metrics.csv prints it, so that a resume,
  // which reads the rows, decides as the uninterrupted run did)
  EvaluatedPolicy m_evaluated;
  EvaluatedPolicy m_best;
  double m_best_eval = -INFINITY;
  bool m_best_unwritten = false;
  // energy runs: the chip and energy table that turn each generation's counters into energy
  std::shared_ptr<const EnergySetup> m_energy;
  energy::EnergyReport m_last_energy;  // the last generation's
  uint64_t m_last_episodes = 0;        // episodes of that generation (population and eval)
  void load_energy_setup();
  energy::EnergyReport run_energy() const;  // the whole run's, from the state's counters
};

// whether the backend simulates the chip and so counts its activity
bool backend_counts_hardware(const std::string& backend);

// The jobs of generation g (1-based): the population (EC: one sampled θ per seed; ES: antithetic
// pairs), then the eval starts of θ* (or μ). param_seeds, if given, gets the seeds the estimate
// regenerates (EC: one per individual; ES: one per pair).
std::vector<eval::Job> generation_jobs(const TrainConfig& cfg, uint64_t g,
                                       std::vector<uint64_t>* param_seeds = nullptr);

}  // namespace ecsim::train
