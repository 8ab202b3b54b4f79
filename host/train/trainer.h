// EC / ES training on the evaluator seam (docs/training.md): the NES controller loop, the run
// directory (config.json, metrics.csv, checkpoint.ckpt, policy/, curve.png) and resume.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "energy/energy_model.h"
#include "eval/evaluator.h"
#include "nes/nes.h"
#include "tasks/normalizer.h"

namespace ecsim::train {

struct TrainConfig {
  std::string task = "hopper";
  std::string model_path;           // empty: the project's MJCF file
  std::string backend = "functional";
  std::string chip_path;            // systemc/rtl: chip config JSON (empty: configs/chip_default.json)
  std::string energy_table;         // systemc/rtl: energy table JSON (empty: configs/energy_45nm.json)
  eval::NetSpec net;                // method, network description, arithmetic
  std::string kernel = "auto";
  int pop = 64;                     // individuals per generation (ES: even, antithetic pairs)
  int generations = 120;
  uint64_t seed = 1;
  int threads = 2;
  double lr = 0.05;                 // Adam (EC) / AdamW (ES) step size (reference 0.15; docs/training.md)
  double beta1 = 0.9, beta2 = 0.999, adam_eps = 1e-8;
  double eps = 1e-3;                // EC: clip ρ to [eps, 1 - eps]
  double rho_init = 0.5;            // EC: initial ρ
  double weight_decay = 0.0;        // EC: decoupled decay of ρ (authors: 0)
  double es_sigma = 0.3;            // ES: noise std
  double es_weight_decay = 0.1;     // ES: AdamW decay
  int eval_episodes = 4;            // starts of θ* (or μ) per generation
  int episodes_per_individual = 1;
  int max_steps = 0;                // 0: the task's limit (1000)
  int obs_every = 1;                // normalizer: every k-th observation of the training episodes
  int checkpoint_every = 10;        // generations between checkpoints (and the last generation)
  bool plot = true;

  // the settings that determine the trained bits (everything but generations, threads,
  // backend-independent options like kernel, plot); a checkpoint stores its CRC-32
  boost::json::object identity() const;
  uint32_t identity_crc() const;
  boost::json::object to_json() const;
  static TrainConfig from_json(const boost::json::value& v, const std::string& where);
  void validate() const;  // throws ecsim::Error naming the bad setting
};

struct GenerationStats {
  uint64_t generation = 0;
  double seconds = 0;        // wall time of this generation
  double elapsed = 0;        // wall time of the run so far (across resumes)
  uint64_t frames = 0;       // env steps of this generation (population + eval)
  uint64_t frames_total = 0;
  double fps = 0;            // frames / seconds
  double pop_mean = 0, pop_best = 0, pop_min = 0;
  double eval_mean = 0, eval_std = 0;
  double mean_steps = 0;     // mean episode length of the population
  double param_mean = 0;     // EC: mean ρ ("sparsity"); ES: mean |μ|
  double spikes_per_step = 0;  // population spikes per env step
  double synops_per_step = 0;
  // chip backends (systemc, rtl) only; has_chip is false on the functional backend
  bool has_chip = false;
  uint64_t chip_cycles = 0;       // every job of the generation (population and eval)
  double cycles_per_step = 0;     // chip_cycles / frames
  double cycles_per_episode = 0;  // population episodes
  double chip_seconds = 0;        // chip_cycles at the configured clock
  bool has_energy = false;        // chip backends, or the functional backend with --chip
  double energy_pj = 0;           // the generation's chip energy (docs/energy.md)
  double energy_per_step_pj = 0;  // energy_pj / frames
};

// The controller's state: exactly what a checkpoint holds.
struct ControllerState {
  uint64_t generation = 0;  // generations completed
  std::vector<float> params;
  nes::AdamState adam;
  tasks::RunningNormalizer norm;
  double elapsed = 0;
  uint64_t frames_total = 0;
  // the chip's activity over the run (chip backends, or --chip): the whole-run energy report
  chip::HwCounters run_hw;
  ref::EventCounters run_events;
  uint64_t run_episodes = 0;
  uint64_t run_first_generation = 1;  // > 1 when resumed from a version-1 checkpoint (no totals)
};

// Checkpoint file: "ECSIMCK1", u32 version (2), u32 method, u32 config CRC, u32 reserved,
// u64 generation, u64 run seed, params, u64 adam t, adam m, adam v (each u64 count + float32s),
// normalizer blob (u64 length + RunningNormalizer::to_binary), f64 elapsed, u64 frames, then
// (version 2) the run's chip activity: HwCounters and EventCounters as u64 fields, u64 episodes,
// u64 first generation; CRC-32. Version 1 files (without the activity) still load.
std::string encode_checkpoint(const TrainConfig& cfg, const ControllerState& st);
// verifies everything before returning; never returns a partial state
ControllerState decode_checkpoint(const std::string& data, const TrainConfig& cfg, const std::string& where);

class Trainer {
 public:
  // fresh run: creates out_dir (must not hold a run)
  static Trainer start(const TrainConfig& cfg, const std::string& out_dir);
  // resume: reads out_dir/config.json and checkpoint.ckpt; generations/threads may be overridden
  static Trainer resume(const std::string& out_dir, int generations_override, int threads_override);

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
  void write_outputs() const;  // metrics.csv, policy/, curve.png, energy.json and energy.png (chips)
  // the whole run's energy table (docs/energy.md); empty without the chip's counts
  std::string energy_table_text() const;

 private:
  Trainer(TrainConfig cfg, std::string dir) : m_cfg(std::move(cfg)), m_dir(std::move(dir)) {}
  TrainConfig m_cfg;
  std::string m_dir;
  ControllerState m_st;
  std::unique_ptr<eval::Evaluator> m_ev;  // made before anything is written, so errors leave no files
  std::vector<std::string> m_metrics;  // CSV rows without header, one per completed generation
  // chip backends: the chip and energy table that turn each generation's counters into energy
  struct EnergySetup {
    chip::ChipConfig chip;
    energy::EnergyTable table;
  };
  std::shared_ptr<const EnergySetup> m_energy;
  energy::EnergyReport m_last_energy;  // the last generation's
  uint64_t m_last_episodes = 0;        // episodes of that generation (population and eval)
  void load_energy_setup();
};

std::string metrics_header();

// A run's metrics.csv: one row per generation; cells by column (metrics_header() names them);
// empty cells (the chip columns of a functional run) are NaN. Throws ecsim::Error naming the file.
struct MetricsTable {
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;
  size_t column(const std::string& name) const;  // throws ecsim::Error if there is no such column
};
MetricsTable read_metrics(const std::string& run_dir);
eval::EvaluatorConfig evaluator_config(const TrainConfig& cfg);
// The jobs of generation g (1-based): the population (EC: one sampled θ per seed; ES: antithetic
// pairs), then the eval starts of θ* (or μ). param_seeds, if given, gets the seeds the estimate
// regenerates (EC: one per individual; ES: one per pair).
std::vector<eval::Job> generation_jobs(const TrainConfig& cfg, uint64_t g, std::vector<uint64_t>* param_seeds = nullptr);

}  // namespace ecsim::train
