// A training run's settings (TrainConfig), listed once (common/fields.h): the members with their
// defaults and docs, config.json in and out, the identity a checkpoint is tied to, the static
// ranges that reading and validation check, and the `ecsim train` flags come from the lists below.
#pragma once

#include <cstdint>
#include <string>

#include <boost/json.hpp>

#include "common/fields.h"
#include "eval/evaluator.h"

namespace ecsim::train {

// Upper limits of a run, the fields' hi bounds below: validate() refuses a larger value before
// anything is allocated or written (docs/guarantees.md, "Limits"). Per generation the controller
// holds, for each individual, one job, one result and its observation statistics: about 560 bytes
// plus 20 per observation component, so 0.8 GB (Hopper) to 8 GB (Humanoid) at kMaxPop.
inline constexpr int kMaxPop = 1000000;          // authors: 10112 + 128
inline constexpr int kMaxEvalEpisodes = 100000;  // one job each (about 540 bytes); authors: 128
inline constexpr int kMaxEpisodesPerIndividual = 10000;
inline constexpr int kMaxThreads = 1024;  // one worker (environment, network, scratch) each
// ρ (or μ) and Adam's two moments take 12 bytes per parameter in the checkpoint, which must stay
// below common/file.h's read limit (1 GiB) for --resume: 80 M parameters is N = 8192 on Humanoid.
inline constexpr int64_t kMaxParams = 80000000;

// The lists are in config.json's key order: the identity object is task, model, network, then the
// optimizer settings; the run settings follow it. Each list is a described struct, and TrainConfig
// is all three (plus the network), so `cfg.pop` reads as before. Ranges (lo, hi) are the closed
// hulls of validate()'s rules, which also reject the open ends (lr > 0, beta < 1, ...).
#define ECSIM_TRAIN_TASK_FIELDS(X)                                             \
  X(std::string, task, "hopper", "task id (hopper, walker2d, humanoid, *-v5)") \
  X(std::string, model_path, "", "MJCF file instead of the project's model", "model")

#define ECSIM_TRAIN_OPTIMIZER_FIELDS(X)                                                                          \
  X(int, pop, 64, "individuals per generation (authors: 10112 + 128 eval)", nullptr, 2, kMaxPop)                 \
  X(uint64_t, seed, 1, "run seed: every individual's seed derives from it")                                      \
  X(double, lr, 0.05, "Adam step size (EC) / AdamW (ES); reference 0.15")                                        \
  X(double, beta1, 0.9, "Adam β1", nullptr, 0, 1)                                                                \
  X(double, beta2, 0.999, "Adam β2", nullptr, 0, 1)                                                              \
  X(double, adam_eps, 1e-8, "Adam ε")                                                                            \
  X(double, eps, 1e-3, "EC: clip ρ to [eps, 1-eps]; reference 1e-3", nullptr, 0, 0.5)                            \
  X(double, rho_init, 0.5, "EC: initial ρ; reference 0.5", nullptr, 0, 1)                                        \
  X(double, weight_decay, 0.0, "EC: decoupled decay of ρ; reference 0")                                          \
  X(double, es_sigma, 0.3, "ES: noise std σ; reference 0.3 (RSNN)")                                              \
  X(double, es_weight_decay, 0.1, "ES: AdamW weight decay; reference 0.1")                                       \
  X(int, eval_episodes, 4, "starts of θ* evaluated per generation (authors: 128)", nullptr, 1, kMaxEvalEpisodes) \
  X(int, episodes_per_individual, 1, "episodes per individual, each from its own seeded start", nullptr, 1,      \
    kMaxEpisodesPerIndividual)                                                                                   \
  X(int, max_steps, 0, "episode cap in env steps (0: the task's 1000)", nullptr, 0)                              \
  X(int, obs_every, 1, "normalizer: use every k-th observation of the population", nullptr, 1)                   \
  X(double, reward_shift, 0.0,                                                                                   \
    "training only: subtracted from every env step's reward of the population before ranking (the survival-"     \
    "bonus shift of ARS --shift and EvoTorch decrease_rewards_by); eval and every reported return stay the "     \
    "task's",                                                                                                    \
    nullptr, 0, 1000)

#define ECSIM_TRAIN_RUN_FIELDS(X)                                                                        \
  X(std::string, backend, "functional",                                                                  \
    "evaluator backend: functional, systemc (the cycle-level chip) or rtl (the chip with the Verilated " \
    "RTL units); one chip per process: use MPI ranks for more")                                          \
  X(std::string, rtl_units, "",                                                                          \
    "with --backend rtl: the RTL units swapped into the chip, a comma list of popcount, lif, sampler, "  \
    "input, readout, or all (default: all; docs/rtl.md)")                                                \
  X(std::string, chip_path, "",                                                                          \
    "chip config JSON for --backend systemc/rtl (default: configs/chip_default.json); with --backend "   \
    "functional, count that chip's activity and energy (no cycles)",                                     \
    "chip")                                                                                              \
  X(std::string, energy_table, "",                                                                       \
    "energy table JSON for the chip's energy (default: configs/energy_45nm.json; docs/energy.md)")       \
  X(std::string, kernel, "auto", "fixed-point kernel (results do not depend on it)")                     \
  X(int, generations, 120, "generations to train (authors: 1000)", nullptr, 1)                           \
  X(int, threads, 2, "worker threads (results do not depend on it)", nullptr, 1, kMaxThreads)            \
  X(int, checkpoint_every, 10, "generations between checkpoints", nullptr, 1)                            \
  X(bool, plot, true, "draw curve.png (and energy.png) with gnuplot")                                    \
  X(double, time_limit_min, 0.0,                                                                         \
    "minutes of training (summed over resumes) after which the run ends at the end of a generation, "    \
    "with a checkpoint, the deploy image and the plot (0: no limit); config.json keeps it, so --resume " \
    "honours it, and a --time-limit given with --resume replaces it",                                    \
    nullptr, 0)

// what the run is trained on (identity)
struct TrainTask {
  ECSIM_DESCRIBE(TrainTask, ECSIM_TRAIN_TASK_FIELDS)
};
// how it is trained (identity)
struct TrainOptimizer {
  ECSIM_DESCRIBE(TrainOptimizer, ECSIM_TRAIN_OPTIMIZER_FIELDS)
};
// how this process runs it: no influence on the trained bits
struct TrainRun {
  ECSIM_DESCRIBE(TrainRun, ECSIM_TRAIN_RUN_FIELDS)
};

struct TrainConfig : TrainTask, TrainOptimizer, TrainRun {
  eval::NetSpec net;  // method, network description, arithmetic (config.json "network": eval::net_to_json)

  // the settings that determine the trained bits: TrainTask, the network and TrainOptimizer, in
  // that order (config.json's "identity"); a checkpoint stores the CRC-32 of its serialization
  boost::json::object identity() const;
  uint32_t identity_crc() const;
  boost::json::object to_json() const;
  static TrainConfig from_json(const boost::json::value& v, const std::string& where);
  void validate() const;  // throws ecsim::Error naming the bad setting
  // the upper limits above (part of validate()): each error names the value, the limit and the flag to lower
  void check_limits() const;
};

eval::EvaluatorConfig evaluator_config(const TrainConfig& cfg);

// The `ecsim train` flag of a field (without "--"): Info::flag(), but for the two flags that are
// older than their JSON keys (es_sigma is --sigma, episodes_per_individual is --episodes).
std::string train_flag(const fields::Info& info);

}  // namespace ecsim::train
