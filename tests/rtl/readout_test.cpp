// The Verilated RTL readout against the reference model: a fast subset of
// `ecsim verify-rtl --unit readout` (the full campaign runs 10^6 readout steps), the mutation
// check, and the driver's timing (latency, throughput, back-pressure).
#include <gtest/gtest.h>

#include <array>
#include <string>

#include <boost/json.hpp>

#include "../common/cli.h"
#include "driver/readout_driver.h"
#include "verify/readout_campaign.h"

using namespace ecsim::rtl;

TEST(RtlReadout, MatchesTheReferenceModel) {
  ReadoutCampaignConfig cfg;
  cfg.vectors = 5000;
  cfg.seed = 7;
  const ReadoutCampaignReport r = run_readout_campaign(cfg);
  EXPECT_EQ(r.mismatches, 0u) << r.first_mismatch;
  EXPECT_GE(r.steps, cfg.vectors);
  EXPECT_EQ(r.latency_cycles, 1u);
  for (const char* b :
       {"sat_high", "sat_low", "in_range", "at_plus_one_unclamped", "at_minus_one_unclamped", "round_exact",
        "round_tie_pos", "round_tie_neg", "round_up", "round_down", "row_all_ones", "row_all_zero", "rates_all_max",
        "rates_all_min", "rates_all_zero", "smallest_network", "scale_zero", "scale_max"})
    EXPECT_GT(r.branches.count(b) ? r.branches.at(b) : 0u, 0u) << b;
}

TEST(RtlReadout, TheMutationCheckCatchesEveryMutant) {
  const auto results = run_readout_mutation_check(500, 3);
  ASSERT_EQ(results.size(), readout_mutants().size());
  for (const ReadoutMutantResult& m : results) EXPECT_TRUE(m.caught) << m.mutant << " " << m.bug;
}

TEST(RtlReadout, TheDriverHandsOnTheActionsAfterTheLastBeatAndHoldsThem) {
  ReadoutDriver d;
  d.reset();
  ReadoutDriver::Inputs in;
  in.in_valid = true;
  in.out_ready = false;
  in.beat = {true, false, 100, 0b011, 1u << ReadoutParams::kShift};  // a_q = the sums
  EXPECT_TRUE(d.cycle(in).in);
  in.beat = {false, true, -30, 0b110, 1u << ReadoutParams::kShift};
  const ReadoutDriver::Fired last = d.cycle(in);
  EXPECT_TRUE(last.in);
  EXPECT_FALSE(last.out);
  in.beat = {true, true, 5000, 0b111, 1u << ReadoutParams::kShift};  // the next step waits
  for (int k = 0; k < 3; ++k) EXPECT_FALSE(d.cycle(in).in);
  in.out_ready = true;
  const ReadoutDriver::Fired a = d.cycle(in);
  ASSERT_TRUE(a.out);
  EXPECT_EQ(a.a[0], 100);
  EXPECT_EQ(a.a[1], 70);
  EXPECT_EQ(a.a[2], -30);
  EXPECT_EQ(a.saturated, 0u);
  EXPECT_EQ(a.acc, (std::array<int64_t, 3>{100, 70, -30}));  // the raw sums beside the actions
  EXPECT_TRUE(a.in);
  in.in_valid = false;
  const ReadoutDriver::Fired b = d.cycle(in);
  ASSERT_TRUE(b.out);
  EXPECT_EQ(b.a[0], 4096);  // clamped at +1
  EXPECT_EQ(b.saturated, 0b111u);
  EXPECT_EQ(b.acc, (std::array<int64_t, 3>{5000, 5000, 5000}));  // the sums are not clamped
}

TEST(RtlReadoutCli, VerifyRtlUnitReadoutReportsTheCampaignAndTheMutants) {
  namespace test = ecsim::test;
  const auto text = test::run_ecsim("verify-rtl --unit readout --vectors 1000");
  const auto js = test::run_ecsim("verify-rtl --unit readout --vectors 1000 --json -");
  ASSERT_EQ(text.code, 0) << text.output;
  ASSERT_EQ(js.code, 0) << js.output;
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(js.output, ec);
  ASSERT_FALSE(ec) << js.output;
  EXPECT_TRUE(v.at("pass").as_bool());
  const auto& s = v.at("parameter_sets").as_array().at(0).as_object();
  EXPECT_EQ(s.at("mismatches").to_number<uint64_t>(), 0u);
  EXPECT_EQ(s.at("latency_cycles").to_number<uint64_t>(), 1u);
  const auto& mutants = v.at("mutants").as_array();
  EXPECT_EQ(mutants.size(), readout_mutants().size());
  for (const auto& m : mutants) EXPECT_TRUE(m.at("caught").as_bool()) << boost::json::serialize(m);
  EXPECT_EQ(text.output.find("NOT CAUGHT"), std::string::npos);
  EXPECT_TRUE(text.output.ends_with("\nPASS\n")) << text.output;

  const auto all = test::run_ecsim("verify-rtl --unit all --vectors 500 --json -");
  ASSERT_EQ(all.code, 0) << all.output;
  const boost::json::value a = boost::json::parse(all.output, ec);
  ASSERT_FALSE(ec) << all.output;
  EXPECT_TRUE(a.at("units").as_object().contains("input"));
  EXPECT_TRUE(a.at("units").as_object().contains("readout"));
}
