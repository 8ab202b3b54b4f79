// Verification campaign of the RTL readout (rtl/readout.sv) against the reference model's own
// readout (ref::detail::readout_reference, the portable code step() runs): random and
// boundary-directed rates, output rows and scales (each clamp bound, exactly ±1, rounding ties,
// all-ones and all-zero rows, the extreme rates, the smallest network) under input bubbles and
// back-pressure; and the mutation check, each mutant of which it must fail. Used by ctest (a fast
// subset) and by `ecsim verify-rtl --unit readout` (the full campaign).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ecsim::rtl {

struct ReadoutCampaignConfig {
  int mutant = 0;
  uint64_t vectors = 1000000;  // random readout steps (one action vector each; directed ones on top)
  uint64_t seed = 1;
  std::string fail_dir;  // where a mismatch writes its step (CSV) and waveform (VCD); empty: none
};

struct ReadoutCampaignReport {
  int mutant = 0;
  uint64_t steps = 0, beats = 0, actions = 0, cycles = 0, mismatches = 0;
  uint64_t latency_cycles = 0;           // measured: last beat taken in cycle c, actions in c + latency
  double streaming_beats_per_cycle = 0;  // measured over the streaming steps
  std::map<std::string, uint64_t> branches;
  std::string first_mismatch;
  std::vector<std::string> written;
};

struct ReadoutMutantResult {
  int mutant = 0;
  std::string bug;
  uint64_t steps = 0, mismatches = 0;
  bool caught = false;
  std::string first_mismatch;
};

std::map<int, std::string> readout_mutants();

ReadoutCampaignReport run_readout_campaign(const ReadoutCampaignConfig& cfg);
std::vector<ReadoutMutantResult> run_readout_mutation_check(uint64_t vectors, uint64_t seed);

}  // namespace ecsim::rtl
