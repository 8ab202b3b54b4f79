// The `systemc` backend of the evaluator seam: every job runs on the cycle-level SystemC chip
// (hw_model/systemc) instead of the reference model, with the same episode semantics as the
// functional backend (host/eval/functional.cpp): the same seeds give the same returns.
//
// SystemC elaborates once per process and its kernel is single-threaded, so this backend
// evaluates jobs one after another on one chip; run several processes (MPI ranks, one chip each)
// to use several cores.
#pragma once

#include <memory>

#include "eval/evaluator.h"
#include "systemc/hw_counters.h"

namespace ecsim::backends {

// chip_path empty: $ECSIM_CHIP if set, else configs/chip_default.json beside the binary
std::unique_ptr<eval::Evaluator> make_systemc_evaluator(const eval::EvaluatorConfig& cfg, const std::string& chip_path);
// registers "systemc" with eval::make_evaluator (ecsim's main calls it at start-up)
void register_backends();

// the chip's hardware counters and cycles so far in this process (for reports)
const sc::HwCounters* systemc_hw_counters();
uint64_t systemc_cycles();

}  // namespace ecsim::backends
