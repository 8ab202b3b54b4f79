// The Verilated RTL popcount core against the reference model's popcount-accumulate: a fast
// subset of `ecsim verify-rtl` (the full campaign streams 10^6 words per parameter set).
#include <gtest/gtest.h>

#include <filesystem>

#include "common/error.h"
#include "verify/popcount_campaign.h"

using namespace ecsim::rtl;

TEST(RtlPopcountCore, MatchesTheReferenceModelOnEveryParameterSet) {
  for (const auto& [width, acc] : popcount_parameter_sets()) {
    CampaignConfig cfg;
    cfg.width = width;
    cfg.vectors = 200000;
    cfg.seed = 7;
    const CampaignReport r = run_popcount_campaign(cfg);
    EXPECT_EQ(r.mismatches, 0u) << r.first_mismatch;
    EXPECT_GE(r.words, cfg.vectors);
    EXPECT_EQ(r.acc_width, acc);
    for (const char* corner : {"all-zero words", "all-one words", "maximum accumulation", "alternating E/I",
                               "reset mid-stream", "single-word rows"})
      EXPECT_GT(r.corners.count(corner) ? r.corners.at(corner) : 0u, 0u) << corner << " not exercised, W=" << width;
    for (const char* pattern : {"streaming", "output stalls every other cycle", "long output stalls", "input bubbles",
                                "random bubbles and stalls"})
      EXPECT_GT(r.corners.at(std::string("handshake pattern: ") + pattern), 1000u) << pattern;
    // back-pressure costs cycles but never words: more cycles than words
    EXPECT_GT(r.cycles, r.words);
  }
}

TEST(RtlPopcountCore, UnknownWidthIsAClearError) {
  CampaignConfig cfg;
  cfg.width = 48;
  EXPECT_THROW(run_popcount_campaign(cfg), ecsim::Error);
}
