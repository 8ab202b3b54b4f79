// Verification campaign of the RTL popcount core against the reference model
// (ref::popcount_accumulate): random rows plus corner cases, under every input-bubble and
// back-pressure pattern, with resets mid-stream. Used by ctest (a fast subset) and by
// `ecsim verify-rtl` (the full campaign).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ecsim::rtl {

struct CampaignConfig {
  int width = 64;              // which Verilated parameter set (its W; rtl_parameter_sets.h)
  uint64_t vectors = 1000000;  // random words to stream (corner cases come on top)
  uint64_t seed = 1;
  std::string fail_dir;  // where a mismatch writes its vector (CSV) and waveform (VCD); empty: none
};

struct CampaignReport {
  int width = 0, acc_width = 0;
  uint64_t words = 0, rows = 0, cycles = 0, mismatches = 0;
  std::map<std::string, uint64_t> corners;  // corner case -> rows checked
  std::string first_mismatch;               // a description, empty when none
  std::vector<std::string> written;         // files written for a mismatch
};

// the parameter sets built into this binary (width -> accumulator width), from kParameterSets
std::map<int, int> popcount_parameter_sets();

CampaignReport run_popcount_campaign(const CampaignConfig& cfg);

}  // namespace ecsim::rtl
