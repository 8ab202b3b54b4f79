// The Verilated RTL Philox sampler against the reference model: a fast subset of
// `ecsim verify-rtl --unit philox` (the full campaign streams 10^6 blocks per parameter set), the
// mutation check, and the driver's timing (latency, throughput, back-pressure).
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "../common/cli.h"
#include "common/error.h"
#include "common/file.h"
#include "driver/philox_driver.h"
#include "philox_parameter_sets.h"
#include "reference/philox.h"
#include "verify/philox_campaign.h"

using namespace ecsim::rtl;

TEST(RtlPhiloxSampler, MatchesTheReferenceModelOnEveryParameterSet) {
  for (const auto& [q, f] : philox_parameter_sets()) {
    PhiloxCampaignConfig cfg;
    cfg.rho_bits = q;
    cfg.vectors = 100000;
    cfg.seed = 7;
    const PhiloxCampaignReport r = run_philox_campaign(cfg);
    EXPECT_EQ(r.mismatches, 0u) << r.first_mismatch;
    EXPECT_GE(r.blocks, cfg.vectors);
    EXPECT_EQ(r.frac_bits, f);
    EXPECT_EQ(r.latency_cycles, 10u);
    EXPECT_GT(r.streaming_blocks_per_cycle, 0.99) << "one block per cycle once the pipeline is full";
    for (const char* b : {"mode raw",
                          "mode theta",
                          "mode vinit",
                          "theta lane: u < rho_q (1)",
                          "theta lane: u >= rho_q (0)",
                          "theta lane: rho_q = 0",
                          "theta lane: rho_q = 2^q",
                          "theta lane: tie u = rho_q - 1 (1)",
                          "theta lane: tie u = rho_q (0)",
                          "counter: index 0",
                          "counter: index lo = 2^32-1 (the next block carries)",
                          "counter: index hi != 0",
                          "counter: index 2^64-1",
                          "counter: consecutive blocks across the carry",
                          "seed: all ones",
                          "raw: stream 0, 1 or 2",
                          "raw: any other stream",
                          "vinit: via ref::initial_membrane_word",
                          "vinit: index past int neurons",
                          "reset mid-stream",
                          "directed: known answer (Random123, counter 0, key 0)",
                          "directed: theta: ref::sample_canonical_words",
                          "directed: theta ties",
                          "directed: rho_q = 0 and 2^q",
                          "directed: counter carry",
                          "directed: all-ones seeds",
                          "directed: index 0",
                          "directed: vinit: neurons 0 .. 1023"})
      EXPECT_GT(r.branches.count(b) ? r.branches.at(b) : 0u, 0u) << b << " not hit, q=" << q;
    for (const char* pattern : {"streaming", "output stalls every other cycle", "long output stalls", "input bubbles",
                                "random bubbles and stalls"})
      EXPECT_GT(r.branches.at(std::string("handshake pattern: ") + pattern), 1000u) << pattern;
    EXPECT_GT(r.cycles, r.blocks);  // back-pressure costs cycles, never blocks
  }
}

// every mutant carries a known bug: the campaign must find it
TEST(RtlPhiloxSampler, TheMutationCheckCatchesEveryMutant) {
  const std::vector<PhiloxMutantResult> ms = run_philox_mutation_check(5000, 3);
  ASSERT_EQ(ms.size(), philox_mutants().size());
  ASSERT_GE(ms.size(), 3u);
  for (const PhiloxMutantResult& m : ms) {
    EXPECT_TRUE(m.caught) << "mutant " << m.mutant << " (" << m.bug << ") passed the campaign";
    EXPECT_FALSE(m.first_mismatch.empty()) << m.mutant;
  }
}

TEST(RtlPhiloxSampler, UnknownParameterSetIsAClearError) {
  PhiloxCampaignConfig cfg;
  cfg.rho_bits = 7;
  EXPECT_THROW(run_philox_campaign(cfg), ecsim::Error);
  EXPECT_THROW(PhiloxDriver(7), ecsim::Error);
  EXPECT_THROW(PhiloxDriver(16, 1), ecsim::Error);  // mutants are built on the first set only
}

// the driver by hand: a block, θ and v(0), 10 cycles apart, stalls hold the result, waveform written
TEST(RtlPhiloxSampler, TheDriverDrawsABlockAfterTenCyclesAndHoldsItUnderBackPressure) {
  const std::filesystem::path vcd =
      std::filesystem::temp_directory_path() / ("ecsim_philox_driver_" + std::to_string(::getpid()) + ".vcd");
  {
    PhiloxDriver dut(10, 0, vcd.string());
    dut.reset();
    EXPECT_EQ(dut.cycles(), 2u);
    PhiloxDriver::Inputs in;
    in.in_valid = true;
    in.out_ready = true;
    in.req.mode = PhiloxMode::kRaw;
    in.req.seed = 0x0123456789ABCDEFull;
    in.req.stream = 2;
    in.req.index = 0x00000001FFFFFFFFull;
    int out_cycle = -1;
    PhiloxDriver::Result got;
    for (int c = 0; c < 14; ++c) {
      const PhiloxDriver::Fired f = dut.cycle(in);
      if (c == 0) {
        EXPECT_TRUE(f.in);
      }
      in.in_valid = false;
      if (f.out) {
        EXPECT_EQ(out_cycle, -1);
        out_cycle = c;
        got = f.result;
      }
    }
    EXPECT_EQ(out_cycle, 10);
    EXPECT_EQ(got.words, ecsim::ref::philox_block(in.req.seed, ecsim::ref::PhiloxStream::kEnvReset, in.req.index));
    EXPECT_EQ(got.theta, 0);
    // a θ request under a stalled output: nothing moves until out_ready, then the result is exact
    in.in_valid = true;
    in.req.mode = PhiloxMode::kTheta;
    in.req.rho.fill(1u << 10);  // ρ_q = 2^q: always present
    in.out_ready = false;
    int taken = 0;
    for (int c = 0; c < 30; ++c) {
      const PhiloxDriver::Fired f = dut.cycle(in);
      if (f.in) {
        ++taken;
        in.in_valid = false;
      }
    }
    EXPECT_EQ(taken, 1);
    in.out_ready = true;
    const PhiloxDriver::Fired f = dut.cycle(in);
    ASSERT_TRUE(f.out);
    EXPECT_EQ(f.result.mode, PhiloxMode::kTheta);
    EXPECT_EQ(f.result.theta, 0xFF);
  }
  const std::string text = ecsim::read_file(vcd.string(), "waveform");
  EXPECT_NE(text.find("$enddefinitions"), std::string::npos);
  EXPECT_NE(text.find("out_theta"), std::string::npos);
  std::filesystem::remove(vcd);
}

// the SystemVerilog assertions are compiled in (Verilator --assert): an illegal request stops the model
TEST(RtlPhiloxSamplerDeathTest, AnIllegalRequestFiresItsAssertion) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        ::dup2(STDERR_FILENO, STDOUT_FILENO);  // Verilator reports on stdout
        PhiloxDriver dut(10);
        dut.reset();
        PhiloxDriver::Inputs in;
        in.in_valid = true;
        in.out_ready = true;
        in.req.mode = static_cast<PhiloxMode>(3);
        for (int c = 0; c < 4; ++c) dut.cycle(in);
      },
      "in_mode 3 offered");
  EXPECT_DEATH(
      {
        ::dup2(STDERR_FILENO, STDOUT_FILENO);  // Verilator reports on stdout
        PhiloxDriver dut(10);
        dut.reset();
        PhiloxDriver::Inputs in;
        in.in_valid = true;
        in.out_ready = true;
        in.req.mode = PhiloxMode::kTheta;
        in.req.rho[3] = (1u << 10) + 1;
        for (int c = 0; c < 4; ++c) dut.cycle(in);
      },
      "above 2\\^Q");
}

// `ecsim verify-rtl --unit philox`: the text and the JSON carry the same figures, every mutant is
// caught; --unit all runs both units; the default stays the popcount core's campaign
TEST(RtlPhiloxSamplerCli, VerifyRtlUnitPhiloxReportsTheCampaignAndTheMutants) {
  namespace test = ecsim::test;
  const auto text = test::run_ecsim("verify-rtl --unit philox --vectors 3000");
  const auto js = test::run_ecsim("verify-rtl --unit philox --vectors 3000 --json -");
  ASSERT_EQ(text.code, 0) << text.output;
  ASSERT_EQ(js.code, 0) << js.output;
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(js.output, ec);
  ASSERT_FALSE(ec) << js.output;
  EXPECT_TRUE(v.at("pass").as_bool());
  const auto& sets = v.at("parameter_sets").as_array();
  ASSERT_EQ(sets.size(), philox_parameter_sets().size());
  for (const auto& s : sets) {
    const auto& o = s.as_object();
    EXPECT_EQ(o.at("mismatches").to_number<uint64_t>(), 0u);
    EXPECT_EQ(o.at("latency_cycles").to_number<uint64_t>(), 10u);
    const std::string line = "  blocks    " + std::to_string(o.at("blocks").to_number<uint64_t>()) + " in " +
                             std::to_string(o.at("cycles").to_number<uint64_t>()) + " cycles\n";
    EXPECT_NE(text.output.find(line), std::string::npos) << line << text.output;
  }
  const auto& mutants = v.at("mutants").as_array();
  EXPECT_EQ(mutants.size(), philox_mutants().size());
  for (const auto& m : mutants) EXPECT_TRUE(m.at("caught").as_bool()) << boost::json::serialize(m);
  EXPECT_NE(text.output.find("caught\n"), std::string::npos);
  EXPECT_EQ(text.output.find("NOT CAUGHT"), std::string::npos);
  EXPECT_TRUE(text.output.ends_with("\nPASS\n")) << text.output;

  const auto all = test::run_ecsim("verify-rtl --unit all --vectors 1000 --json -");
  ASSERT_EQ(all.code, 0) << all.output;
  const boost::json::value a = boost::json::parse(all.output, ec);
  ASSERT_FALSE(ec) << all.output;
  EXPECT_TRUE(a.at("units").as_object().contains("popcount"));
  EXPECT_TRUE(a.at("units").as_object().contains("philox"));

  const auto dflt = test::run_ecsim("verify-rtl --vectors 1000");
  const auto pop = test::run_ecsim("verify-rtl --unit popcount --vectors 1000");
  EXPECT_EQ(dflt.code, 0);
  EXPECT_EQ(dflt.output, pop.output);
  EXPECT_EQ(dflt.output.find("Philox"), std::string::npos);

  const auto bad = test::run_ecsim("verify-rtl --unit lif_unit_that_is_not_there");
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.output.find("is not an RTL unit"), std::string::npos) << bad.output;
  const auto bad_q = test::run_ecsim("verify-rtl --unit philox --rho-bits 7");
  EXPECT_NE(bad_q.code, 0);
  EXPECT_NE(bad_q.output.find("--rho-bits 10"), std::string::npos) << bad_q.output;
}
