// The evaluator seam (docs/training.md): the one interface between the NES controller and
// whatever runs the population. The controller loads the parameters once per generation (ρ for
// EC, μ for ES, plus the observation normalizer), then asks for a list of jobs, each named by
// seeds only, and gets back one return and the event counters per job. It never sends θ or
// receives θ: on-chip learning works the same way (ρ once, one seed per individual).
//
// Backends register with a BackendInfo (what they can do); callers ask it instead of comparing
// names. The registry and the MPI wrapper hook live in eval/evaluator.cpp; the registry starts with
// the functional backend (the reference model on host threads, eval/functional.cpp), and ecsim's
// main adds the chip backends (host/backends/) at start-up with backends::register_backends().
// MPI wraps any of them (host/dist/). The controller is unchanged.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "chip/hw_counters.h"
#include "eval/agent.h"
#include "reference/counters.h"
#include "tasks/env.h"
#include "tasks/normalizer.h"

namespace ecsim::eval {

enum class JobKind : uint8_t {
  kSample,         // EC: θ ~ Bernoulli(ρ_q / 2^q) from param_seed (the chip's sampler)
  kDeterministic,  // EC: θ* = (ρ > 0.5); ES: μ itself
  kPlus,           // ES: μ + σ ε(param_seed)
  kMinus,          // ES: μ - σ ε(param_seed)
};

struct Job {
  uint64_t seed = 0;        // episode seed: env reset noise (stream 2) and v(0) (stream 1)
  uint64_t param_seed = 0;  // θ sampling (EC, stream 0) or ES noise (stream 3)
  JobKind kind = JobKind::kSample;
  bool observe = true;  // contribute observations to the normalizer statistics
};

struct EpisodeResult {
  double ret = 0;                                     // mean return over the job's episodes
  uint64_t steps = 0;                                 // env steps over the job's episodes
  tasks::EndReason reason = tasks::EndReason::kNone;  // of the last episode
  ref::EventCounters counters;
  uint64_t chip_cycles = 0;  // chip backends: cycles the chip spent on the job (sample, reset,
                             // steps); 0 on backends without a clock (functional)
  chip::HwCounters hw;       // chip backends: the job's hardware activity (energy, docs/energy.md)
};

struct BatchResult {
  std::vector<EpisodeResult> results;  // one per job, in job order
  // statistics of the observed observations, merged in job order (identical for any thread count)
  tasks::RunningNormalizer obs_stats;
  // the same statistics per job (empty for jobs that do not observe): the MPI backend merges
  // them in job order on rank 0, so the result does not depend on the rank count
  std::vector<tasks::RunningNormalizer> job_stats;
};

struct EvaluatorConfig {
  NetSpec net;
  std::string task;        // task id
  std::string model_path;  // empty: the project's MJCF file
  int threads = 1;
  int episodes_per_job = 1;  // each from seed mix(job seed, e) for e > 0
  int max_steps = 0;         // 0: the task's limit (1000)
  int obs_every = 1;         // observe every k-th observation the network sees
  float es_sigma = 0.3f;
  double reset_noise = -1;  // env reset noise scale; < 0: the task's (Gymnasium's)
  std::string chip_path;    // --chip: the chip backends simulate this chip (empty: configs/chip_default.json);
                            // the functional backend counts its activity (empty: none)
  std::string rtl_units;    // --rtl-units: the RTL units --backend rtl swaps in (empty: all)
};

// One environment step of a job, as a backend reports it to a step observer (ecsim rollout's
// per-step CSV). The deltas run from the previous record, so the records of a job sum to its
// EpisodeResult (but for a sampled job's θ draw, which is the job's, not a step's); step 0's
// include the network reset that starts the episode.
struct StepRecord {
  size_t job = 0;                // index in the evaluate() call
  int episode = 0;               // within the job
  int t = 0;                     // env step within the episode
  const double* obs = nullptr;   // the raw observation the policy saw (env obs size)
  const double* ctrl = nullptr;  // the control it applied (env act size)
  tasks::StepResult result;
  const tasks::Env* env = nullptr;  // the env after the step (its state, x position)
  ref::EventCounters events;        // the network's events of this step
  uint64_t chip_cycles = 0;         // has_clock backends
  chip::HwCounters hw;              // counts_hardware backends, or the functional one with --chip
  // with a raster asked for: the step's spikes, spike_words words per inner step (as ref::step
  // appends them); else empty
  const std::vector<uint64_t>* raster = nullptr;
  // with membrane neurons asked for (chip backends): their v after each inner step, in the
  // chip's units (Q.F), neurons.size() values per inner step; else empty
  const std::vector<int32_t>* membrane = nullptr;
};
using StepObserver = std::function<void(const StepRecord&)>;

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual std::string name() const = 0;
  // once per generation: the parameters (ρ or μ, param_count() values) and the normalizer
  virtual void load(const std::vector<float>& params, const tasks::RunningNormalizer& norm) = 0;
  virtual BatchResult evaluate(const std::vector<Job>& jobs) = 0;
  // chip backends: the simulated clock (EpisodeResult::chip_cycles are of it); 0: no clock
  virtual double clock_hz() const { return 0; }
  // calls f after every env step of later evaluate() calls, from the thread that ran the job
  // (jobs may run in parallel: f must be thread-safe, or evaluate one job at a time); with raster,
  // each record carries the step's spikes; with membrane neurons, their potentials (chip backends
  // only: the reference model's kernels keep no per-inner-step state). Throws ecsim::Error where
  // the backend cannot.
  virtual void observe_steps(StepObserver f, bool raster, const std::vector<int>& membrane_neurons = {});
};

// What a backend can do: callers query these instead of comparing backend names.
struct BackendInfo {
  std::string name;               // the --backend value
  std::string summary;            // one line for --help
  bool simulates_chip = false;    // runs a cycle-level chip (sc::ChipSim; one per process): --vcd, energy tables
  bool has_clock = false;         // EpisodeResult::chip_cycles and clock_hz() are the chip's clock
  bool counts_hardware = false;   // fills EpisodeResult::hw itself, --chip or not (without --chip: the default chip)
  bool runs_dense_float = false;  // runs ES's real-valued networks and float arithmetic (else: EC, fixed point)
  bool uses_rtl_units = false;    // its chip's neuron cores use the Verilated RTL units (--rtl-units)
};

using BackendFactory = std::unique_ptr<Evaluator> (*)(const EvaluatorConfig&);
// adds (or replaces) the backend info.name; backend_names() keeps the order of first registration
void register_backend(BackendInfo info, BackendFactory factory);
// throws ecsim::Error naming the registered backends for an unknown name
const BackendInfo& backend_info(const std::string& name);
// the registered names in order of registration; with keep: only those it keeps
using BackendFilter = bool (*)(const BackendInfo&);
std::vector<std::string> backend_names(BackendFilter keep = nullptr);
// "functional|systemc|rtl" (for --help) and "functional, systemc or rtl" (for messages)
std::string backend_choices();
std::string backend_list(BackendFilter keep = nullptr);
inline bool simulates_chip(const BackendInfo& b) { return b.simulates_chip; }
// the functional backend (eval/functional.cpp): the registry starts with it, so every program that
// links the seam has it (the trainer's tests and benches register nothing)
BackendInfo functional_backend_info();
std::unique_ptr<Evaluator> make_functional_evaluator(const EvaluatorConfig& cfg);

// A backend's evaluator. If a wrapper is set (MPI scale-out sets one on rank 0), the evaluator is
// handed to it and its result returned.
std::unique_ptr<Evaluator> make_evaluator(const std::string& backend, const EvaluatorConfig& cfg);
using EvaluatorWrapper = std::function<std::unique_ptr<Evaluator>(std::unique_ptr<Evaluator>, const EvaluatorConfig&)>;
void set_evaluator_wrapper(EvaluatorWrapper wrapper);

// the seed of episode e (e ≥ 1) of a job with several episodes: splitmix64(seed ^ e·golden)
uint64_t episode_seed(uint64_t job_seed, int e);

// The statistics of a batch: the per-job ones merged in job order (the same on every backend and
// for any thread or rank count).
inline tasks::RunningNormalizer merge_job_stats(const std::vector<tasks::RunningNormalizer>& job_stats,
                                                size_t obs_size) {
  tasks::RunningNormalizer merged(obs_size);
  for (const auto& s : job_stats)
    if (s.count() > 0) merged.merge(s);
  return merged;
}

// The episodes of one job, the same for every backend: seeded resets of the env and the policy,
// observation statistics from every obs_every-th observation, the policy's control, and the
// return averaged over the episodes. Policy provides reset(seed), act(obs, ctrl) and
// end_episode(); obs and ctrl are scratch of the env's sizes.
// With an observer, policy.record(rec) fills the step's counts (events, cycles, hw, raster) and
// the observer gets the record.
template <class Policy>
void run_job_episodes(tasks::Env& env, Policy& policy, const Job& job, const EvaluatorConfig& cfg, int max_steps,
                      double* obs, double* ctrl, tasks::RunningNormalizer& stats, EpisodeResult& r,
                      const StepObserver* observer = nullptr, size_t job_index = 0) {
  double total = 0;
  for (int e = 0; e < cfg.episodes_per_job; ++e) {
    const uint64_t seed = episode_seed(job.seed, e);
    if (cfg.reset_noise >= 0)
      env.reset(seed, cfg.reset_noise);
    else
      env.reset(seed);
    policy.reset(seed);
    double ret = 0;
    for (int t = 0; t < max_steps; ++t) {
      env.observation(obs);
      if (job.observe && t % cfg.obs_every == 0) stats.update(obs);
      policy.act(obs, ctrl);
      const tasks::StepResult sr = env.step(ctrl);
      if (observer && *observer) {
        StepRecord rec;
        rec.job = job_index;
        rec.episode = e;
        rec.t = t;
        rec.obs = obs;
        rec.ctrl = ctrl;
        rec.result = sr;
        rec.env = &env;
        policy.record(rec);
        (*observer)(rec);
      }
      ret += sr.reward;
      ++r.steps;
      r.reason = sr.reason;
      if (sr.terminated || sr.truncated) break;
    }
    if (r.reason == tasks::EndReason::kNone) r.reason = tasks::EndReason::kTimeLimit;
    total += ret;
    policy.end_episode();
  }
  r.ret = total / cfg.episodes_per_job;
}

}  // namespace ecsim::eval
