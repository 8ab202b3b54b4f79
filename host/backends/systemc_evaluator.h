// The `systemc` and `rtl` backends of the evaluator seam: every job runs on the cycle-level
// SystemC chip (hw_model/systemc) instead of the reference model, with the same episode semantics
// as the functional backend (host/eval/functional.cpp): the same seeds give the same returns.
// `rtl` builds the chip with the Verilated RTL popcount core in every neuron core (rtl/sc_bridge/);
// both chips come from backends::make_chip (backends/make_chip.h), as `ecsim simulate`'s does.
//
// SystemC elaborates once per process and its kernel is single-threaded, so this backend
// evaluates jobs one after another on one chip; run several processes (MPI ranks, one chip each)
// to use several cores.
#pragma once

#include <memory>
#include <string>

#include "chip/hw_counters.h"
#include "eval/evaluator.h"
#include "systemc/chip.h"

namespace ecsim::backends {

// backend: one whose BackendInfo::simulates_chip is set (systemc, rtl); the chip config is
// cfg.chip_path (empty: configs/chip_default.json beside the binary). One chip per process: a
// second call must ask for the same chip.
std::unique_ptr<eval::Evaluator> make_chip_evaluator(const eval::EvaluatorConfig& cfg, const std::string& backend);
// The process's one chip, built on first use by make_chip from the chip config (empty: the
// default); later calls must ask for the same backend, config and RTL units (else an Error).
sc::ChipSim& process_chip_for(const std::string& backend, const std::string& chip_path,
                              const std::string& rtl_units = {});
// registers the chip backends "systemc" and "rtl" with their BackendInfo (the registry already has
// "functional"); ecsim's main calls it once at start-up, before parsing any flag
void register_backends();

// the chip's hardware counters and cycles so far in this process (for reports)
const sc::HwCounters* systemc_hw_counters();
uint64_t systemc_cycles();
std::string systemc_popcount_unit();  // empty when no chip was built

}  // namespace ecsim::backends
