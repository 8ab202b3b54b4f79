// The Verilated RTL popcount core against the reference model's popcount-accumulate: a fast
// subset of `ecsim verify-rtl` (the full campaign streams 10^6 words per parameter set).
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <vector>

#include "common/error.h"
#include "common/file.h"
#include "driver/popcount_driver.h"
#include "rtl_parameter_sets.h"
#include "verify/popcount_campaign.h"

using namespace ecsim::rtl;

TEST(RtlPopcountCore, MatchesTheReferenceModelOnEveryParameterSet) {
  for (const ParameterSet& set : kParameterSets) {
    const int width = set.width, acc = set.acc_width;
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

TEST(RtlPopcountCore, TheDriverSumsARowAndWritesItsWaveform) {
  const std::filesystem::path vcd =
      std::filesystem::temp_directory_path() / ("ecsim_driver_" + std::to_string(::getpid()) + ".vcd");
  for (const ParameterSet& set : kParameterSets) {
    {
      PopcountDriver core(set.width, vcd.string());
      EXPECT_EQ(core.acc_width(), set.acc_width);
      core.reset();
      EXPECT_EQ(core.cycles(), 2u);
      // one row of two words: all excitatory, then all inhibitory, 3 and 1 coincidences
      PopcountDriver::Inputs in;
      in.out_ready = true;
      std::vector<int64_t> sums;
      const uint64_t syn[2] = {0b1011, 0b0001}, exc[2] = {~uint64_t{0}, 0};
      for (int w = 0, c = 0; c < 8; ++c) {
        in.in_valid = w < 2;
        if (in.in_valid) {
          in.syn = syn[w];
          in.spk = ~uint64_t{0};
          in.exc = exc[w];
          in.in_last = w == 1;
        }
        const PopcountDriver::Fired f = core.cycle(in);
        if (f.in) ++w;
        if (f.out) sums.push_back(f.sum);
      }
      ASSERT_EQ(sums.size(), 1u);
      EXPECT_EQ(sums[0], 3 - 1);
    }
    const std::string text = ecsim::read_file(vcd.string(), "waveform");
    EXPECT_NE(text.find("$enddefinitions"), std::string::npos);
    EXPECT_NE(text.find("clk"), std::string::npos);
    std::filesystem::remove(vcd);
  }
  EXPECT_THROW(PopcountDriver(48), ecsim::Error);
}
