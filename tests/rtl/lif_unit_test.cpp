// The Verilated RTL LIF unit against the reference model's ref::lif_update: a fast subset of
// `ecsim verify-rtl --unit lif` (the full campaign runs 10^6 random neurons per parameter set),
// the mutation check that shows the campaign can fail, the unit's timing against the SystemC unit
// model's formula, and the CLI.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <vector>

#include <boost/json.hpp>

#include "../common/cli.h"
#include "chip/chip_config.h"
#include "common/error.h"
#include "common/file.h"
#include "driver/lif_driver.h"
#include "driver/popcount_driver.h"
#include "rtl_lif_parameter_sets.h"
#include "verify/lif_campaign.h"

using namespace ecsim::rtl;

TEST(RtlLifUnit, MatchesTheReferenceModelAndHitsEveryBranchOnEveryParameterSet) {
  for (const LifParameterSet& set : kLifParameterSets) {
    LifCampaignConfig cfg;
    cfg.state_bits = set.state_bits;
    cfg.vectors = 60000;
    cfg.seed = 7;
    const LifCampaignReport r = run_lif_campaign(cfg);
    EXPECT_EQ(r.mismatches, 0u) << r.first_mismatch;
    EXPECT_EQ(r.random, cfg.vectors);
    EXPECT_GT(r.directed, 10000u);
    EXPECT_EQ(r.frac_bits, set.frac_bits);
    for (const std::string& b : lif_branch_names()) {
      const uint64_t n = r.branches.at(b);
      if (lif_branch_unreachable(b))
        EXPECT_EQ(n, 0u) << b << ", W=" << set.state_bits;
      else
        EXPECT_GT(n, 0u) << b << " not hit, W=" << set.state_bits;
    }
    for (const auto& [pattern, n] : r.patterns) EXPECT_GT(n, 1000u) << pattern;
    EXPECT_GT(r.cycles, r.random + r.directed);  // back-pressure costs cycles, never neurons
  }
}

// each deliberately wrong expected model breaks one branch, and the campaign finds it; the first
// also writes its failing vector and the waveform of its replay
TEST(RtlLifUnit, EveryMutationOfTheExpectedModelFails) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("ecsim_lif_fail_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (const auto& [mutation, name] : lif_mutations()) {
    LifCampaignConfig cfg;
    cfg.state_bits = kLifParameterSets[0].state_bits;
    cfg.vectors = 2000;
    cfg.mutation = mutation;
    if (mutation == lif_mutations().front().first) cfg.fail_dir = dir.string();
    const LifCampaignReport r = run_lif_campaign(cfg);
    EXPECT_GT(r.mismatches, 0u) << name;
    EXPECT_FALSE(r.first_mismatch.empty()) << name;
    std::cout << name << ": " << r.mismatches << " mismatches; first: " << r.first_mismatch << "\n";
    if (!cfg.fail_dir.empty()) {
      ASSERT_EQ(r.written.size(), 2u);
      for (const std::string& f : r.written) EXPECT_GT(std::filesystem::file_size(f), 100u) << f;
    }
  }
  std::filesystem::remove_all(dir);
}

// Verilator 5.006 unregisters a model's scopes from the thread's current context: without the
// driver's care, destroying a LIF model while another model lives (or after one died) hangs
TEST(RtlLifUnit, ModelsAliveTogetherAreDestroyedInAnyOrder) {
  {
    LifDriver a(kLifParameterSets[0].state_bits);
    a.reset();
    {
      PopcountDriver b(64);
      b.reset();
    }
    auto c = std::make_unique<LifDriver>(kLifParameterSets[1].state_bits);
    c->reset();
    LifDriver d(kLifParameterSets[0].state_bits);
    d.reset();
    c.reset();
  }
  SUCCEED();
}

TEST(RtlLifUnit, UnknownWidthIsAClearError) {
  LifCampaignConfig cfg;
  cfg.state_bits = 20;
  EXPECT_THROW(run_lif_campaign(cfg), ecsim::Error);
  EXPECT_THROW(LifDriver(20), ecsim::Error);
}

// Streaming n neurons takes n + 4 edges from the one that takes the first to the one that hands
// the last on: the SystemC LifUnit's ⌈n / P_l⌉ + L_l with the chip's units.lif = {1, 4}.
TEST(RtlLifUnit, TheDriverTakesTheUnitModelsCyclesAndWritesItsWaveform) {
  const ecsim::chip::UnitTiming lif = ecsim::chip::ChipConfig{}.lif;
  ASSERT_EQ(lif.per_cycle, 1);
  const std::filesystem::path vcd =
      std::filesystem::temp_directory_path() / ("ecsim_lif_driver_" + std::to_string(::getpid()) + ".vcd");
  for (const LifParameterSet& set : kLifParameterSets) {
    for (uint64_t n : {1u, 2u, 5u, 64u, 300u}) {
      LifDriver unit(set.state_bits, n == 5 ? vcd.string() : std::string());
      unit.reset();
      EXPECT_EQ(unit.cycles(), 2u);
      unit.set_config(LifDriver::Config{1 << (set.const_bits - 1), 1, 1, 1, 1});
      LifDriver::Inputs in;
      in.out_ready = true;
      uint64_t taken = 0, handed = 0, first = 0, last = 0;
      for (int c = 0; handed < n && c < 1000; ++c) {
        in.in_valid = taken < n;
        in.v = (1 << set.frac_bits) + 1;  // u = v = θ + 1: v stays θ + 1 and every neuron fires
        in.i_in = in.v;
        in.exc = true;
        const LifDriver::Fired f = unit.cycle(in);
        if (f.in && taken++ == 0) first = unit.cycles();
        if (f.out) {
          ++handed;
          last = unit.cycles();
          EXPECT_TRUE(f.fired);
          EXPECT_EQ(f.v, 0);
          EXPECT_EQ(f.rate, 1);
        }
      }
      ASSERT_EQ(handed, n);
      EXPECT_EQ(last - first + 1, n + static_cast<uint64_t>(lif.latency_cycles)) << n << " neurons";
    }
    const std::string text = ecsim::read_file(vcd.string(), "waveform");
    EXPECT_NE(text.find("$enddefinitions"), std::string::npos);
    EXPECT_NE(text.find("out_fired"), std::string::npos);
    std::filesystem::remove(vcd);
  }
}

// `ecsim verify-rtl --unit lif`: the text and the JSON carry the same figures; an unknown unit
// is a clear error
TEST(RtlLifUnit, VerifyRtlUnitLifReportsTheBranchesInTextAndJson) {
  const auto text = ecsim::test::run_ecsim("verify-rtl --unit lif --vectors 3000 --width 16");
  const auto js = ecsim::test::run_ecsim("verify-rtl --unit lif --vectors 3000 --width 16 --json -");
  ASSERT_EQ(text.code, 0) << text.output;
  ASSERT_EQ(js.code, 0) << js.output;
  EXPECT_NE(text.output.find("RTL LIF unit (rtl/lif_unit.sv) vs reference model lif_update"), std::string::npos);
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(js.output, ec);
  ASSERT_FALSE(ec) << js.output;
  EXPECT_TRUE(v.at("pass").as_bool());
  const auto& set = v.at("parameter_sets").as_array().at(0).as_object();
  EXPECT_EQ(set.at("state_bits").to_number<int>(), 16);
  EXPECT_EQ(set.at("mismatches").to_number<uint64_t>(), 0u);
  const std::string line = "  vectors   " + std::to_string(set.at("random").to_number<uint64_t>()) + " random + " +
                           std::to_string(set.at("directed").to_number<uint64_t>()) + " directed, " +
                           std::to_string(set.at("cycles").to_number<uint64_t>()) + " cycles\n";
  EXPECT_NE(text.output.find(line), std::string::npos) << line << text.output;
  const auto& branches = set.at("branches").as_object();
  for (const std::string& b : lif_branch_names()) EXPECT_TRUE(branches.contains(b)) << b;

  const auto bad = ecsim::test::run_ecsim("verify-rtl --unit bogus");
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.output.find("popcount, philox, lif, input, readout, core or all"), std::string::npos) << bad.output;
  const auto bad_width = ecsim::test::run_ecsim("verify-rtl --unit lif --width 64");
  EXPECT_NE(bad_width.code, 0);
  EXPECT_NE(bad_width.output.find("--width 16 or --width 14"), std::string::npos) << bad_width.output;
}

TEST(RtlLifUnit, VerifyRtlUnitAllRunsEveryUnit) {
  const auto all = ecsim::test::run_ecsim("verify-rtl --unit all --vectors 2000 --json -");
  ASSERT_EQ(all.code, 0) << all.output;
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(all.output, ec);
  ASSERT_FALSE(ec) << all.output;
  EXPECT_TRUE(v.at("pass").as_bool());
  const auto& units = v.at("units").as_object();
  EXPECT_TRUE(units.contains("popcount"));
  EXPECT_TRUE(units.contains("lif"));
  EXPECT_EQ(units.at("lif").at("parameter_sets").as_array().size(), std::size(kLifParameterSets));
}
