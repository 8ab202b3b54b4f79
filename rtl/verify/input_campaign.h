// Verification campaign of the RTL input stage (rtl/input_stage.sv) against the reference model's
// own input projection (ref::detail::input_projection_reference, the portable code step() runs):
// random and boundary-directed observations and input columns (each saturation bound, rounding
// ties, all-ones and all-zero rows, the extreme x_q) under input bubbles and back-pressure; and the
// mutation check, the same campaign on models with a known bug, each of which it must fail. Used by
// ctest (a fast subset) and by `ecsim verify-rtl --unit input` (the full campaign).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ecsim::rtl {

struct InputCampaignConfig {
  int mutant = 0;              // 0: the real unit; n: the model built with that known bug
  uint64_t vectors = 1000000;  // random neuron beats (the directed ones come on top)
  uint64_t seed = 1;
  std::string fail_dir;  // where a mismatch writes its beat (CSV) and waveform (VCD); empty: none
};

struct InputCampaignReport {
  int mutant = 0;
  uint64_t beats = 0, steps = 0, cycles = 0, mismatches = 0;
  uint64_t latency_cycles = 0;               // measured: beat taken in cycle c, result in cycle c + latency
  double streaming_beats_per_cycle = 0;      // measured over the streaming steps
  std::map<std::string, uint64_t> branches;  // saturation, rounding, row and x_q cases -> hits
  std::string first_mismatch;
  std::vector<std::string> written;
};

struct InputMutantResult {
  int mutant = 0;
  std::string bug;
  uint64_t beats = 0, mismatches = 0;
  bool caught = false;
  std::string first_mismatch;
};

// the mutants built into this binary (n -> the bug)
std::map<int, std::string> input_mutants();

InputCampaignReport run_input_campaign(const InputCampaignConfig& cfg);
std::vector<InputMutantResult> run_input_mutation_check(uint64_t vectors, uint64_t seed);

}  // namespace ecsim::rtl
