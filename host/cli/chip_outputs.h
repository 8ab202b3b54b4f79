// What the subcommands that run a policy or network on a chip share: the energy of a backend's
// counts, the waveform flags (--vcd, --vcd-steps, --trace-neurons) and the spike-raster CSV.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chip/chip_config.h"
#include "chip/hw_counters.h"
#include "common/number_text.h"
#include "energy/energy_model.h"
#include "energy/energy_table.h"
#include "eval/evaluator.h"
#include "eval/policy_image.h"
#include "reference/counters.h"
#include "reference/network_desc.h"

namespace ecsim::cli {

// The chip and energy table that price a backend's counts (docs/energy.md).
struct ChipEnergy {
  chip::ChipConfig chip;
  std::string chip_path;
  energy::EnergyTable table;
  ref::NetworkShape shape;
  energy::EnergyReport estimate(const chip::HwCounters& hw, const ref::EventCounters& events) const;
};
// Empty when nothing counts the chip's activity (the functional backend without --chip); then a
// table_path is an error (it would price nothing). The table is checked to price every action the
// chip can count, so a missing entry fails here, not after the run. chip_path / table_path empty:
// the defaults.
std::optional<ChipEnergy> chip_energy(const eval::BackendInfo& backend, const std::string& chip_path,
                                      const std::string& table_path, const ref::NetworkShape& shape);

// The task a policy command runs: the policy's (a --task flag must name the same), else the flag's,
// else hopper. command: "ecsim rollout" etc., for the message.
std::string policy_task(const std::string& command, const eval::PolicyImage* policy, const std::string& task_flag);

// The evaluator of one policy's episodes one at a time (rollout, render, the report's raster): the
// image's network on `task`, one thread, so a step observer sees the steps in order.
eval::EvaluatorConfig policy_episode_config(const eval::PolicyImage& policy, const std::string& task,
                                            const std::string& model_path, int max_steps, const std::string& chip_path);

// --vcd-steps "A:B" -> {A, B}, 0 <= A <= B (environment steps, inclusive)
std::pair<int64_t, int64_t> parse_vcd_window(const std::string& text);
// --trace-neurons "3,7,12" -> {3, 7, 12}
std::vector<int> parse_neuron_list(const std::string& text);
// the file SystemC writes for --vcd PATH (PATH without ".vcd", then ".vcd")
std::string vcd_file(const std::string& path);

// The raster CSV: one row per spike, "env_step,inner_step,neuron,sign" (sign +1 excitatory, -1
// inhibitory). raster holds spike_words words per inner step, as ref::step appends them.
inline const char* raster_csv_header() { return "env_step,inner_step,neuron,sign\n"; }
void append_raster_rows(std::string& csv, uint64_t env_step, const std::vector<uint64_t>& raster,
                        const ref::NetworkShape& shape);

}  // namespace ecsim::cli
