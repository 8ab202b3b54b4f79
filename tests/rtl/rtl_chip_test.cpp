// The swap-in: the Verilated RTL core as the chip's popcount unit. As a unit it gives the
// reference sums and counters and exactly the cycles of the unit model's documented formula; in
// the chip (`ecsim simulate --backend rtl`) it gives the same actions, spikes, cycles and every
// hardware counter as the SystemC unit model.
#include <gtest/gtest.h>

#include <random>

#include <boost/json.hpp>

#include "../host/cli_util.h"
#include "common/error.h"
#include "reference/popcount.h"
#include "rtl_parameter_sets.h"
#include "sc_bridge/rtl_popcount_unit.h"

using namespace ecsim;

namespace {

uint64_t mask_of(int w) { return w >= 64 ? ~uint64_t{0} : (uint64_t{1} << w) - 1; }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(RtlChip, UnitGivesReferenceSumsAndTheFormulasCycles) {
  const chip::UnitTiming timing{rtl::kRtlWordsPerCycle, rtl::kRtlLatencyCycles};
  sc::HwCounters hw_model, hw_rtl;
  sc::PopcountUnit model("model_unit", timing, hw_model);
  std::unique_ptr<sc::PopcountUnit> rtl_unit = rtl::rtl_popcount_factory()("rtl_unit", timing, hw_rtl);
  EXPECT_NE(rtl_unit->describe().find("RTL"), std::string::npos);
  std::mt19937_64 g(7);
  uint64_t checked_rows = 0;
  for (const rtl::ParameterSet& set : rtl::kParameterSets) {
    const int width = set.width;
    for (int words : {1, 2, 4, 7, 16}) {
      model.configure(words, width);
      rtl_unit->configure(words, width);
      for (int rows : {0, 1, 2, 3, 64, 200}) {
        const int64_t stride = words + static_cast<int64_t>(g() % 3);  // rows need not be contiguous
        std::vector<uint64_t> syn(static_cast<size_t>(std::max<int64_t>(1, rows * stride))),
            spk(static_cast<size_t>(words)), exc(static_cast<size_t>(words));
        const int density = static_cast<int>(g() % 4);
        for (auto& w : syn)
          w = (density == 3 ? ~uint64_t{0} : g()) & mask_of(width);  // dense rows reach the largest sums
        for (auto& w : spk) {
          w = g();
          for (int k = 0; k < 2 - std::min(density, 2); ++k) w &= g();
          w &= mask_of(width);
        }
        for (auto& w : exc) w = (g() % 2 ? g() : ~uint64_t{0}) & mask_of(width);
        std::vector<int64_t> sums_model(static_cast<size_t>(rows) + 1, 99), sums_rtl(static_cast<size_t>(rows) + 1, 99);
        uint64_t hits_model = 0, hits_rtl = 0;
        const uint64_t c_model = model.accumulate_rows(syn.data(), stride, rows, words, spk.data(), exc.data(),
                                                       sums_model.data(), &hits_model);
        const uint64_t c_rtl = rtl_unit->accumulate_rows(syn.data(), stride, rows, words, spk.data(), exc.data(),
                                                         sums_rtl.data(), &hits_rtl);
        const std::string at =
            "W=" + std::to_string(width) + " words=" + std::to_string(words) + " rows=" + std::to_string(rows);
        EXPECT_EQ(sums_rtl, sums_model) << at;
        EXPECT_EQ(hits_rtl, hits_model) << at;
        EXPECT_EQ(c_rtl, c_model) << at << ": the RTL core's measured cycles differ from the unit model's formula";
        EXPECT_EQ(c_rtl, rows == 0 ? 0 : static_cast<uint64_t>(rows) * static_cast<uint64_t>(words) + 2) << at;
        for (int r = 0; r < rows; ++r)
          EXPECT_EQ(sums_rtl[static_cast<size_t>(r)],
                    ref::popcount_accumulate(syn.data() + r * stride, spk.data(), exc.data(), words))
              << at << " row " << r;
        checked_rows += static_cast<uint64_t>(rows);
      }
    }
  }
  EXPECT_EQ(hw_rtl.popcount_words, hw_model.popcount_words);
  EXPECT_GT(checked_rows, 2000u);
}

TEST(RtlChip, ConfigsTheCoreIsNotAreClearErrors) {
  const chip::UnitTiming timing{1, 2};
  sc::HwCounters hw;
  std::unique_ptr<sc::PopcountUnit> u = rtl::rtl_popcount_factory()("rtl_unit_errors", timing, hw);
  EXPECT_NE(error_of([&] { u->configure(4, 16); }).find("64 and 32"), std::string::npos);
  EXPECT_NE(error_of([&] { u->configure(1000, 64); }).find("16-bit accumulator"), std::string::npos);  // ±64000
  EXPECT_NE(error_of([&] { u->configure(100, 32); }).find("12-bit accumulator"), std::string::npos);   // ±3200
  EXPECT_EQ(error_of([&] { u->configure(63, 32); }), "");                                              // ±2016 fits

  chip::ChipConfig cfg = chip::load_chip_config(std::string(ECSIM_SOURCE_DIR) + "/configs/chip_default.json");
  EXPECT_EQ(error_of([&] { rtl::check_rtl_chip_config(cfg, "chip_default.json"); }), "");
  chip::ChipConfig slow = cfg;
  slow.popcount.latency_cycles = 3;
  EXPECT_NE(error_of([&] { rtl::check_rtl_chip_config(slow, "slow.json"); }).find("latency 3"), std::string::npos);
  chip::ChipConfig wide = cfg;
  wide.popcount.per_cycle = 2;
  EXPECT_NE(error_of([&] { rtl::check_rtl_chip_config(wide, "wide.json"); }).find("words_per_cycle"),
            std::string::npos);
  chip::ChipConfig narrow = cfg;
  narrow.synapse_sram.word_bits = 16;
  EXPECT_NE(error_of([&] { rtl::check_rtl_chip_config(narrow, "narrow.json"); }).find("64 or 32"), std::string::npos);
}

// Whole chips, one process each: the same θ and observations through the SystemC unit model and
// through the RTL core give byte-identical actions CSVs (actions, spikes and cycles per step) and
// reports (every hardware counter and cycles per phase), apart from the line naming the unit.
TEST(RtlChip, SimulateRtlEqualsSystemcInEveryCounter) {
  const test::ScratchDir d("rtl_chip_sim");
  std::mt19937_64 g(3);
  std::normal_distribution<double> n(0.0, 1.5);
  test::write_text(d / "trace.csv", test::observation_trace(12, 11, [&](int, int) { return n(g); }));
  for (const std::string chip : {"chip_default.json", "chip_16core_1024.json"}) {
    const std::string base = "simulate --trace " + (d / "trace.csv").string() +
                             " --rho-const 0.4 --seed 11 --d-out 3 --chip " + std::string(ECSIM_SOURCE_DIR) +
                             "/configs/" + chip + " ";
    auto sc = test::run_ecsim(base + "--backend systemc --out " + (d / "sc.csv").string());
    ASSERT_EQ(sc.code, 0) << sc.output;
    auto rt = test::run_ecsim(base + "--backend rtl --out " + (d / "rtl.csv").string());
    ASSERT_EQ(rt.code, 0) << rt.output;
    EXPECT_EQ(test::read_text(d / "sc.csv"), test::read_text(d / "rtl.csv")) << chip;
    auto strip = [](const std::string& report) {
      std::string out;
      std::istringstream in(report);
      for (std::string line; std::getline(in, line);)
        if ((line.rfind("popcount unit: ", 0) != 0 || line.find("words;") != std::string::npos) &&
            line.rfind("wrote", 0) != 0)
          out += line + "\n";
      return out;
    };
    EXPECT_NE(rt.output.find("popcount unit: RTL"), std::string::npos) << rt.output;
    EXPECT_NE(strip(sc.output).find("flit-hops"), std::string::npos) << "the report lists the counters";
    EXPECT_EQ(strip(sc.output), strip(rt.output)) << chip;
  }
}

// `ecsim verify-rtl --json -`: only the JSON on stdout, with the figures of the text report
TEST(RtlChip, VerifyRtlJsonHasTheTextsFigures) {
  const auto text = test::run_ecsim("verify-rtl --vectors 2000 --width 64");
  const auto js = test::run_ecsim("verify-rtl --vectors 2000 --width 64 --json -");
  ASSERT_EQ(text.code, 0) << text.output;
  ASSERT_EQ(js.code, 0) << js.output;
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(js.output, ec);
  ASSERT_FALSE(ec) << js.output;
  EXPECT_TRUE(v.at("pass").as_bool());
  const auto& set = v.at("parameter_sets").as_array().at(0).as_object();
  EXPECT_EQ(set.at("width").to_number<int>(), 64);
  EXPECT_EQ(set.at("mismatches").to_number<uint64_t>(), 0u);
  const std::string words = "  words     " + std::to_string(set.at("words").to_number<uint64_t>()) + " in " +
                            std::to_string(set.at("rows").to_number<uint64_t>()) + " rows, " +
                            std::to_string(set.at("cycles").to_number<uint64_t>()) + " cycles\n";
  EXPECT_NE(text.output.find(words), std::string::npos) << words << text.output;
}
