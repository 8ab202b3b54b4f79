// The RTL neuron core (rtl/neuron_core.sv) against the reference model: whole commands on random
// networks (N = 64 on one core, N = 256 as one of 4 cores, N = 128 as one of 2), every θ bit,
// v(0), i_in, every inner step's spikes and state, the partial sums; the cycles of every command
// pinned; the mutant caught (docs/rtl.md, "The neuron core").
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "../common/cli.h"
#include "driver/neuron_core_driver.h"
#include "firmware/register_map.h"
#include "verify/core_campaign.h"

namespace ecsim::rtl {
namespace {

TEST(RtlNeuronCore, MatchesTheReferenceModelOnEveryShape) {
  CoreCampaignConfig cfg;
  cfg.networks = 4;   // N = 64, N = 256 core 0 of 4, N = 128 core 1 of 2, N = 64
  cfg.env_steps = 3;  // full-range inputs, small ones, none
  cfg.inner_steps = 8;
  const CoreCampaignReport r = run_core_campaign(cfg);
  EXPECT_EQ(r.mismatches, 0u) << r.first_mismatch;
  EXPECT_EQ(r.reference_mismatches, 0u);
  EXPECT_EQ(r.networks, 4);
  EXPECT_EQ(r.inner_steps, 4u * 3 * 8);
  // 64 neurons · (wr + 2) words · 64 bits per network
  EXPECT_EQ(r.theta_bits, 64u * 64 * (3 + 6 + 4 + 3));
  EXPECT_GT(r.spikes, 100u) << "the networks should spike";
  EXPECT_LT(r.spikes, r.spike_bits);
  EXPECT_EQ(r.partial_sums, 4u * 3 * 3);
}

TEST(RtlNeuronCore, TheCoreOfFourOf256MatchesOnEveryCoreIndex) {
  CoreCampaignConfig cfg;
  cfg.networks = 11;  // shapes in turn: networks 1, 4, 7, 10 are cores 0, 1, 2, 3 of N = 256
  cfg.env_steps = 1;
  cfg.inner_steps = 3;
  cfg.seed = 7;
  const CoreCampaignReport r = run_core_campaign(cfg);
  EXPECT_EQ(r.mismatches, 0u) << r.first_mismatch;
  EXPECT_EQ(r.reference_mismatches, 0u);
  EXPECT_EQ(r.cycles_by_shape.size(), 6u);  // N = 64, 128 and four cores of 256
}

// the measured cycles of every command (CMD written to STATUS clear) for the default shapes,
// and the SystemC NeuronCore's formulas beside them (docs/rtl.md has the table and the reasons)
TEST(RtlNeuronCore, TheCyclesOfEveryCommandArePinned) {
  CoreCampaignConfig cfg;
  cfg.networks = 2;
  cfg.env_steps = 1;
  cfg.inner_steps = 2;
  const CoreCampaignReport r = run_core_campaign(cfg);
  ASSERT_EQ(r.mismatches, 0u) << r.first_mismatch;
  ASSERT_EQ(r.cycles_by_shape.size(), 2u);
  struct Want {
    const char* command;
    uint64_t rtl, systemc;
  };
  const Want n64[] = {
      {"SAMPLE", 1339, 914}, {"RESET", 75, 154}, {"INPUT", 67, 768}, {"STEP", 72, 72}, {"READOUT", 67, 128}};
  const Want n256[] = {
      {"SAMPLE", 3984, 2642}, {"RESET", 75, 154}, {"INPUT", 67, 768}, {"STEP", 264, 262}, {"READOUT", 67, 128}};
  const Want* wants[] = {n64, n256};
  for (size_t s = 0; s < 2; ++s) {
    const CoreShapeCycles& sh = r.cycles_by_shape[s];
    ASSERT_EQ(sh.commands.size(), 5u) << sh.shape;
    for (size_t c = 0; c < 5; ++c) {
      EXPECT_EQ(sh.commands[c].command, wants[s][c].command);
      EXPECT_EQ(sh.commands[c].rtl, wants[s][c].rtl) << sh.shape << " " << sh.commands[c].command;
      EXPECT_EQ(sh.commands[c].systemc, wants[s][c].systemc) << sh.shape << " " << sh.commands[c].command;
    }
  }
}

TEST(RtlNeuronCore, TheMutantIsCaught) {
  CoreCampaignConfig cfg;
  cfg.networks = 1;
  cfg.env_steps = 1;
  cfg.inner_steps = 4;
  cfg.mutant = 1;
  const CoreCampaignReport r = run_core_campaign(cfg);
  EXPECT_GT(r.mismatches, 0u);
  EXPECT_NE(r.first_mismatch.find("inner step"), std::string::npos) << r.first_mismatch;
}

TEST(RtlNeuronCore, RegistersReadBackAndStatusIsZeroWhenIdle) {
  NeuronCoreDriver core;
  EXPECT_EQ(core.read_reg(regs::CoreReg::STATUS), 0u);
  EXPECT_EQ(core.read_reg(regs::CoreReg::SPIKES), 0u);
  core.write_reg(regs::CoreReg::OUT_INDEX, 7);  // no such output: the sum reads 0
  EXPECT_EQ(core.read_reg(regs::CoreReg::SUM_LO), 0u);
  EXPECT_EQ(core.read_reg(regs::CoreReg::SUM_HI), 0u);
}

TEST(RtlNeuronCoreCli, VerifyRtlUnitCoreReportsTheCampaignTheCyclesAndTheMutant) {
  const auto text = test::run_ecsim("verify-rtl --unit core --vectors 20000");
  const auto js = test::run_ecsim("verify-rtl --unit core --vectors 20000 --json -");
  ASSERT_EQ(text.code, 0) << text.output;
  ASSERT_EQ(js.code, 0) << js.output;
  EXPECT_NE(text.output.find("networks  2 (6 environment steps, 198 inner steps)"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("N=64 core 0 of 1: SAMPLE 1339/914 RESET 75/154 INPUT 67/768 STEP 72/72 READOUT 67/128"),
            std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("caught"), std::string::npos);
  EXPECT_EQ(text.output.find("NOT CAUGHT"), std::string::npos);
  EXPECT_TRUE(text.output.ends_with("\nPASS\n")) << text.output;
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(js.output, ec);
  ASSERT_FALSE(ec) << js.output;
  EXPECT_TRUE(v.at("pass").as_bool());
  EXPECT_EQ(v.at("networks").to_number<int>(), 2);
  EXPECT_EQ(v.at("mismatches").to_number<uint64_t>(), 0u);
  EXPECT_EQ(v.at("cycles_by_shape").as_array().size(), 2u);
  EXPECT_TRUE(v.at("mutants").as_array().at(0).at("caught").as_bool());
  const auto bad = test::run_ecsim("verify-rtl --unit core --width 16");
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.output.find("the neuron core has one"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace ecsim::rtl
