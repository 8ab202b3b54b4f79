// Verification campaign of the RTL LIF unit against the reference model (ref::lif_update):
// random neurons plus directed vectors at and next to every saturation bound, threshold and
// rounding tie, over many constant sets, under every input-bubble and back-pressure pattern, with
// resets mid-stream. It counts, per saturation and rounding branch of docs/spec.md §5.2, how many
// vectors hit it. Used by ctest (a fast subset) and by `ecsim verify-rtl --unit lif`.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ecsim::rtl {

// A deliberately wrong expected model, to show that the campaign can fail (docs/rtl.md). Each
// breaks one branch of the spec; kNone is the spec itself.
enum class LifMutation {
  kNone,
  kTiesRoundDown,       // step 4: round_shift ties toward −∞
  kNoDiffSaturation,    // step 2: diff·R wraps instead of saturating
  kThresholdInclusive,  // step 5: fired = v >= θ
  kNoRateSaturation,    // step 7: the rate wraps instead of saturating
  kSpikeSignIgnored,    // step 7: every spike adds +γ
};
// every mutation but kNone, with its name
const std::vector<std::pair<LifMutation, std::string>>& lif_mutations();

struct LifCampaignConfig {
  int state_bits = 16;         // which Verilated parameter set (its W; rtl_lif_parameter_sets.h)
  uint64_t vectors = 1000000;  // random neurons (the directed vectors come on top)
  uint64_t seed = 1;
  LifMutation mutation = LifMutation::kNone;
  std::string fail_dir;  // where a mismatch writes its vector (CSV) and waveform (VCD); empty: none
};

struct LifCampaignReport {
  int state_bits = 0, frac_bits = 0, rate_bits = 0, const_bits = 0, diff_bits = 0;
  uint64_t random = 0, directed = 0, constant_sets = 0, cycles = 0, mismatches = 0;
  std::map<std::string, uint64_t> branches;  // saturation / rounding branch -> vectors that hit it
  std::map<std::string, uint64_t> patterns;  // handshake pattern -> vectors checked under it
  std::string first_mismatch;                // a description, empty when none
  std::vector<std::string> written;          // files written for a mismatch
};

// The branches the report lists, in order, and those of them no input can reach (the proof is in
// docs/rtl.md; the RTL asserts it).
const std::vector<std::string>& lif_branch_names();
bool lif_branch_unreachable(const std::string& name);

LifCampaignReport run_lif_campaign(const LifCampaignConfig& cfg);

}  // namespace ecsim::rtl
