// The controller's state and its checkpoint codec (docs/training.md, "checkpoint.ckpt").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chip/hw_counters.h"
#include "common/fields.h"
#include "nes/nes.h"
#include "reference/counters.h"
#include "tasks/normalizer.h"
#include "train/config.h"

namespace ecsim::train {

#define ECSIM_CONTROLLER_SCALAR_FIELDS(X)                                                  \
  X(uint64_t, generation, 0, "generations completed")                                      \
  X(double, elapsed, 0, "training wall time of the run so far in s (summed over resumes)") \
  X(uint64_t, frames_total, 0, "env steps of the run so far")                              \
  X(uint64_t, run_episodes, 0, "episodes behind run_hw and run_events")                    \
  X(uint64_t, run_first_generation, 1,                                                     \
    "first generation of run_hw and run_events (> 1 when resumed from a version-1 checkpoint)")

struct ControllerScalars {
  ECSIM_DESCRIBE(ControllerScalars, ECSIM_CONTROLLER_SCALAR_FIELDS)
};

// The controller's state: exactly what a checkpoint holds.
struct ControllerState : ControllerScalars {
  std::vector<float> params;
  nes::AdamState adam;
  tasks::RunningNormalizer norm;
  // the chip's activity over the run (chip backends, or --chip): the whole-run energy report
  chip::HwCounters run_hw;
  ref::EventCounters run_events;
};

// The current format (3): "ECSIMCK1", u32 version, then named sections (u64 length + name, u8
// kind, u64 length + payload), CRC-32 of everything before it. A section's kind is a tagged
// described struct (fields::put_tagged: field names and types travel with the values), an array
// of float32 (u64 count + values) or bytes. Sections: "run" (method, identity CRC, seed, Adam t),
// "state" (ControllerScalars), "params", "adam_m", "adam_v", "normalizer"
// (RunningNormalizer::to_binary), "run_hw" (chip::HwCounters), "run_events" (ref::EventCounters).
// Adding a field to any of those structs, or a new section, is a compatible change: older files
// still load (the new field keeps its default). Versions 1 and 2 (raw structs) still load.
inline constexpr uint32_t kCheckpointVersion = 3;
std::string encode_checkpoint(const TrainConfig& cfg, const ControllerState& st);
// verifies everything before returning; never returns a partial state
ControllerState decode_checkpoint(const std::string& data, const TrainConfig& cfg, const std::string& where);

}  // namespace ecsim::train
