// The Verilated RTL input stage against the reference model: a fast subset of
// `ecsim verify-rtl --unit input` (the full campaign streams 10^6 neuron beats), the mutation
// check, and the driver's timing (latency, throughput, back-pressure).
#include <gtest/gtest.h>

#include <string>

#include <boost/json.hpp>

#include "../common/cli.h"
#include "driver/input_driver.h"
#include "verify/input_campaign.h"

using namespace ecsim::rtl;

TEST(RtlInputStage, MatchesTheReferenceModel) {
  InputCampaignConfig cfg;
  cfg.vectors = 30000;
  cfg.seed = 7;
  const InputCampaignReport r = run_input_campaign(cfg);
  EXPECT_EQ(r.mismatches, 0u) << r.first_mismatch;
  EXPECT_GE(r.beats, cfg.vectors);
  EXPECT_EQ(r.latency_cycles, 1u);
  EXPECT_GT(r.streaming_beats_per_cycle, 0.95);
  for (const char* b :
       {"sat_high", "sat_low", "in_range", "at_max_unclamped", "at_min_unclamped", "round_exact", "round_tie_pos",
        "round_tie_neg", "round_up", "round_down", "rows_pos_all_ones", "rows_neg_all_ones", "rows_both_all_ones",
        "rows_all_zero", "x_all_max", "x_all_min", "x_all_zero", "scale_zero", "scale_max"})
    EXPECT_GT(r.branches.count(b) ? r.branches.at(b) : 0u, 0u) << b;
}

TEST(RtlInputStage, TheMutationCheckCatchesEveryMutant) {
  const auto results = run_input_mutation_check(2000, 3);
  ASSERT_EQ(results.size(), input_mutants().size());
  for (const InputMutantResult& m : results) EXPECT_TRUE(m.caught) << m.mutant << " " << m.bug;
}

TEST(RtlInputStage, TheDriverDeliversAfterOneCycleAndHoldsUnderBackPressure) {
  InputDriver d;
  d.reset();
  InputDriver::Inputs in;
  in.in_valid = true;
  in.out_ready = false;
  in.beat.x.fill(3);
  in.beat.pos = 0x7ff;
  in.beat.r_in = 1u << InputStageParams::kShift;  // i_in = acc = 33
  const InputDriver::Fired a = d.cycle(in);
  EXPECT_TRUE(a.in);
  EXPECT_FALSE(a.out);
  in.beat.x.fill(-1);
  for (int k = 0; k < 3; ++k) {  // held: the second beat is not taken
    const InputDriver::Fired f = d.cycle(in);
    EXPECT_FALSE(f.in);
    EXPECT_FALSE(f.out);
  }
  in.out_ready = true;
  const InputDriver::Fired b = d.cycle(in);
  EXPECT_TRUE(b.out);
  EXPECT_EQ(b.i_in, 33);
  EXPECT_TRUE(b.in);
  in.in_valid = false;
  const InputDriver::Fired c = d.cycle(in);
  EXPECT_TRUE(c.out);
  EXPECT_EQ(c.i_in, -11);
}

TEST(RtlInputStageCli, VerifyRtlUnitInputReportsTheCampaignAndTheMutants) {
  namespace test = ecsim::test;
  const auto text = test::run_ecsim("verify-rtl --unit input --vectors 3000");
  const auto js = test::run_ecsim("verify-rtl --unit input --vectors 3000 --json -");
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
  EXPECT_EQ(mutants.size(), input_mutants().size());
  for (const auto& m : mutants) EXPECT_TRUE(m.at("caught").as_bool()) << boost::json::serialize(m);
  EXPECT_EQ(text.output.find("NOT CAUGHT"), std::string::npos);
  EXPECT_TRUE(text.output.ends_with("\nPASS\n")) << text.output;
}
