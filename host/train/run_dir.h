// A training run's directory (docs/training.md, "The run directory"): config.json, metrics.csv,
// checkpoint.ckpt, policy/ (the deploy image), curve.png, and on chip runs energy.json and
// energy.png. Reading and writing its files; every write is atomic.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "energy/energy_model.h"
#include "train/checkpoint.h"
#include "train/config.h"

namespace ecsim::train {

// the chip and energy table that turn a run's counters into energy
struct EnergySetup {
  chip::ChipConfig chip;
  energy::EnergyTable table;
};

// a fresh run: throws ecsim::Error if dir already holds a run or is not a directory
void check_new_run_dir(const std::string& dir);
void create_run_dir(const std::string& dir);
// a run to resume: throws ecsim::Error if dir is not a run directory
void check_run_dir(const std::string& dir);

// Held while a process trains in a run directory: an exclusive flock on the directory itself (no
// file is made), which the kernel releases when the process ends, however it ends. A second
// `ecsim train --resume` (or ecsim.resume) of the same directory is refused instead of mixing its
// generations into the first one's files.
class RunLock {
 public:
  explicit RunLock(const std::string& dir);  // throws ecsim::Error when another process holds it
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  int m_fd = -1;
};

// removes the temporaries (NAME.tmp.PID files from io::write_file_atomic, and staged deploy images
// policy.tmp.PID) that a killed process left in dir and dir/policy: those whose process no longer
// runs. Returns how many it removed.
int remove_stale_temporaries(const std::string& dir);

TrainConfig read_run_config(const std::string& dir);
void write_run_config(const std::string& dir, const TrainConfig& cfg);

bool has_checkpoint(const std::string& dir);
ControllerState read_checkpoint(const std::string& dir, const TrainConfig& cfg);
void write_checkpoint(const std::string& dir, const TrainConfig& cfg, const ControllerState& st);

// rows: metrics_row() of each completed generation
void write_metrics(const std::string& dir, const std::vector<std::string>& rows);
// a deploy image: the parameters and normalizer that a generation's population and eval used
// (the state before that generation's update)
struct EvaluatedPolicy {
  uint64_t generation = 0;
  std::vector<float> params;
  tasks::RunningNormalizer norm;
};
// dir/NAME (policy or policy-best)
void write_policy(const std::string& dir, const std::string& name, const TrainConfig& cfg, const EvaluatedPolicy& p);
// The `ecsim train` command that starts a run with cfg's settings in dir: the task, then every
// setting that differs from its default (threads and kernel aside: they change no bit), shell-quoted.
std::string train_command(const TrainConfig& cfg, const std::string& dir);
// curve.png from metrics.csv's rows; a warning (once) if gnuplot cannot draw it
void write_curve(const std::string& dir, const TrainConfig& cfg, const std::vector<std::string>& rows);
// energy.json (the last generation's report and the whole run's, `run`) and energy.png (cfg.plot)
void write_energy(const std::string& dir, const TrainConfig& cfg, const ControllerState& st,
                  const energy::EnergyReport& last, uint64_t last_episodes, const energy::EnergyReport& run);

}  // namespace ecsim::train
