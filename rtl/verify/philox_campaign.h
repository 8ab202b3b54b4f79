// Verification campaign of the RTL Philox sampler against the reference model (ref::philox_block,
// ref::detail::bernoulli_bytes and ref::sample_canonical_words for θ, ref::initial_membrane_word
// for v(0)): random blocks in all three modes plus directed ones, under every input-bubble and
// back-pressure pattern, with a reset mid-stream; and the mutation check, the same campaign on
// models with a known bug, each of which it must fail. Used by ctest (a fast subset) and by
// `ecsim verify-rtl --unit philox` (the full campaign).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ecsim::rtl {

struct PhiloxCampaignConfig {
  int rho_bits = 10;           // which Verilated model (its q; philox_parameter_sets.h)
  int mutant = 0;              // 0: the real sampler; n: the model built with that known bug
  uint64_t vectors = 1000000;  // random blocks (the directed ones come on top)
  uint64_t seed = 1;
  std::string fail_dir;  // where a mismatch writes its request (CSV) and waveform (VCD); empty: none
};

struct PhiloxCampaignReport {
  int rho_bits = 0, frac_bits = 0, mutant = 0;
  uint64_t blocks = 0, cycles = 0, mismatches = 0;
  uint64_t latency_cycles = 0;               // measured: request offered in cycle c, result in cycle c + latency
  double streaming_blocks_per_cycle = 0;     // measured over the streaming pattern
  std::map<std::string, uint64_t> branches;  // mode, comparison outcome, counter case... -> hits
  std::string first_mismatch;                // a description, empty when none
  std::vector<std::string> written;          // files written for a mismatch
};

// The mutation check: the campaign on every mutant model; `caught` when it found mismatches.
struct PhiloxMutantResult {
  int mutant = 0;
  std::string bug;  // what the mutant gets wrong
  uint64_t blocks = 0, mismatches = 0;
  bool caught = false;
  std::string first_mismatch;
};

// the real parameter sets built into this binary (q -> F)
std::map<int, int> philox_parameter_sets();
// the mutants built into this binary (n -> the bug)
std::map<int, std::string> philox_mutants();

PhiloxCampaignReport run_philox_campaign(const PhiloxCampaignConfig& cfg);
std::vector<PhiloxMutantResult> run_philox_mutation_check(uint64_t vectors, uint64_t seed);

}  // namespace ecsim::rtl
