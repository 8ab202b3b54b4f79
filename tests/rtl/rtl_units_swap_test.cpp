// The swap-in of the LIF unit, the sampler, the input stage and the readout (rtl/sc_bridge/): as
// units they give the unit models' results and counters; the LIF unit and the sampler take
// exactly the cycles of the unit model's formula, the input stage and the readout measure the
// RTL's documented n + 1 (the chip charges the formula); in the chip (`ecsim simulate --backend
// rtl`, any --rtl-units) everything is the SystemC chip's; bad --rtl-units are clear errors.
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "../host/cli_util.h"
#include "common/error.h"
#include "driver/lif_driver.h"
#include "driver/philox_driver.h"
#include "reference/network.h"
#include "reference/network_desc.h"
#include "reference/philox.h"
#include "sc_bridge/rtl_input_stage.h"
#include "sc_bridge/rtl_lif_unit.h"
#include "sc_bridge/rtl_readout.h"
#include "sc_bridge/rtl_sampler.h"
#include "sc_bridge/rtl_units.h"

using namespace ecsim;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();  // with its fix
  }
  return "";
}

ref::NetworkDesc hopper_desc(int n, const ref::ArithConfig& a = {}) {
  ref::NetworkShape s;
  s.n_neurons = n;
  s.n_exc = n / 2;
  return ref::make_network_desc(s, a);
}

// the arithmetic of a built LIF parameter set (the others the defaults, narrowed to fit)
ref::ArithConfig lif_arith(const rtl::LifParameterSet& set) {
  ref::ArithConfig a;
  a.state_bits = set.state_bits;
  a.frac_bits = set.frac_bits;
  a.rate_bits = set.rate_bits;
  a.const_bits = set.const_bits;
  a.rate_frac_bits = std::min(a.rate_frac_bits, set.rate_bits - 4);
  a.syn_word_bits = set.diff_bits == 16 ? 64 : 32;
  return a;
}

int32_t random_in(std::mt19937_64& g, int bits) {
  const int64_t half = int64_t{1} << (bits - 1);
  return static_cast<int32_t>(static_cast<int64_t>(g() % static_cast<uint64_t>(2 * half)) - half);
}

}  // namespace

TEST(RtlSwap, LifUnitGivesTheModelsStatesAndTheFormulasCycles) {
  const chip::UnitTiming timing{rtl::kRtlLifNeuronsPerCycle, rtl::kRtlLifLatencyCycles};
  sc::HwCounters hw_model, hw_rtl;
  sc::LifUnit model("lif_model", timing, hw_model);
  std::unique_ptr<sc::LifUnit> unit = rtl::rtl_lif_factory()("lif_rtl", timing, hw_rtl);
  std::mt19937_64 g(5);
  uint64_t checked = 0, fired = 0;
  for (const rtl::LifParameterSet& set : rtl::kLifParameterSets) {
    const ref::ArithConfig a = lif_arith(set);
    const ref::NetworkDesc d = hopper_desc(256, a);
    unit->configure(d, a.syn_word_bits);
    EXPECT_NE(unit->describe().find("W=" + std::to_string(set.state_bits)), std::string::npos);
    for (int n : {0, 1, 2, 5, 64, 300}) {
      for (int first : {0, 128}) {  // excitatory and inhibitory neurons
        std::vector<int64_t> diff(static_cast<size_t>(n));
        std::vector<int32_t> i_in(static_cast<size_t>(n));
        std::vector<ref::NeuronState> s(static_cast<size_t>(n));
        for (int r = 0; r < n; ++r) {
          diff[static_cast<size_t>(r)] = static_cast<int64_t>(g() % 513) - 256;
          i_in[static_cast<size_t>(r)] = random_in(g, r % 3 ? set.frac_bits + 2 : set.state_bits);
          s[static_cast<size_t>(r)] = {random_in(g, r % 4 ? set.frac_bits + 2 : set.state_bits),
                                       random_in(g, set.state_bits), random_in(g, set.rate_bits)};
        }
        std::vector<ref::NeuronState> s_rtl = s;
        std::vector<uint8_t> f_model(static_cast<size_t>(n) + 1, 9), f_rtl(static_cast<size_t>(n) + 1, 9);
        const uint64_t c_model = model.update_neurons(d, first, n, diff.data(), i_in.data(), s.data(), f_model.data());
        const uint64_t c_rtl = unit->update_neurons(d, first, n, diff.data(), i_in.data(), s_rtl.data(), f_rtl.data());
        const std::string at = "W=" + std::to_string(set.state_bits) + " n=" + std::to_string(n);
        EXPECT_EQ(f_rtl, f_model) << at;
        for (int r = 0; r < n; ++r) {
          const auto k = static_cast<size_t>(r);
          EXPECT_EQ(s_rtl[k].v, s[k].v) << at << " neuron " << r;
          EXPECT_EQ(s_rtl[k].i_syn, s[k].i_syn) << at << " neuron " << r;
          EXPECT_EQ(s_rtl[k].rate, s[k].rate) << at << " neuron " << r;
          fired += f_rtl[k];
        }
        EXPECT_EQ(c_rtl, c_model) << at << ": the RTL LIF unit's measured cycles differ from the formula";
        EXPECT_EQ(c_rtl, n == 0 ? 0u : static_cast<uint64_t>(n) + 4) << at;
        if (n > 0) {
          EXPECT_EQ(unit->measured().last, c_rtl) << at;
        }
        checked += static_cast<uint64_t>(n);
      }
    }
  }
  EXPECT_EQ(model.measured().commands, 0u) << "the unit model measures nothing";
  EXPECT_EQ(hw_rtl.lif_updates, hw_model.lif_updates);
  EXPECT_EQ(hw_rtl.lif_multiplies, hw_model.lif_multiplies);
  EXPECT_EQ(hw_rtl.lif_adds, hw_model.lif_adds);
  EXPECT_EQ(hw_rtl.lif_compares, hw_model.lif_compares);
  EXPECT_GT(checked, 1000u);
  EXPECT_GT(fired, 10u) << "the vectors make neurons fire";
}

TEST(RtlSwap, SamplerGivesTheReferenceBitsAndTheFormulasCycles) {
  const chip::UnitTiming timing{rtl::kRtlSamplerBlocksPerCycle, rtl::kRtlSamplerLatencyCycles};
  sc::HwCounters hw_model, hw_rtl;
  sc::Sampler model("sampler_model", timing, hw_model);
  std::unique_ptr<sc::Sampler> unit = rtl::rtl_sampler_factory()("sampler_rtl", timing, hw_rtl);
  std::mt19937_64 g(9);
  for (const rtl::PhiloxParameterSet& set : rtl::kPhiloxParameterSets) {
    if (set.mutant) continue;
    ref::NetworkDesc d = hopper_desc(64);  // the sampler reads q and F only (F = 30 needs no whole network)
    d.arith.rho_bits = set.rho_bits;
    d.arith.frac_bits = set.frac_bits;
    unit->configure(d, 0, 64);
    const std::string at = "q=" + std::to_string(set.rho_bits);
    // θ: ranges of whole blocks, one past the last synapse (the tail block), back to back
    const int64_t synapses = 8 * 40 + 3;
    std::vector<uint32_t> rho(static_cast<size_t>(synapses));
    for (auto& r : rho) r = static_cast<uint32_t>(g() % ((uint64_t{1} << set.rho_bits) + 1));
    for (const std::vector<sc::BlockRange>& ranges :
         {std::vector<sc::BlockRange>{{0, 1}}, std::vector<sc::BlockRange>{{0, 41}},
          std::vector<sc::BlockRange>{{3, 5}, {3, 5}, {40, 1}, {10, 0}, {20, 7}},
          std::vector<sc::BlockRange>{{39, 2}, {0, 16}}}) {
      int64_t blocks = 0;
      for (const sc::BlockRange& r : ranges) blocks += r.count;
      std::vector<uint8_t> b_model(static_cast<size_t>(blocks), 7), b_rtl(static_cast<size_t>(blocks), 7);
      const uint64_t seed = g();
      const uint64_t c_model = model.draw_theta(seed, ranges, rho.data(), synapses, set.rho_bits, b_model.data());
      const uint64_t c_rtl = unit->draw_theta(seed, ranges, rho.data(), synapses, set.rho_bits, b_rtl.data());
      EXPECT_EQ(b_rtl, b_model) << at << " " << blocks << " blocks";
      EXPECT_EQ(c_rtl, c_model) << at << ": the RTL sampler's measured cycles differ from the formula";
      EXPECT_EQ(c_rtl, static_cast<uint64_t>(blocks) + 10) << at;
      // and the bits are the spec's: the tail block's last synapses are 0
      int64_t at_byte = 0;
      for (const sc::BlockRange& r : ranges)
        for (int64_t b = r.first; b < r.first + r.count; ++b, ++at_byte) {
          const auto w = ref::philox_block(seed, ref::PhiloxStream::kSynapses, static_cast<uint64_t>(b));
          for (int l = 0; l < 8; ++l) {
            const int64_t gi = 8 * b + l;
            const bool expect =
                gi < synapses && (ref::philox_lane16(w, l) >> (16 - set.rho_bits)) < rho[static_cast<size_t>(gi)];
            EXPECT_EQ(((b_rtl[static_cast<size_t>(at_byte)] >> l) & 1) != 0, expect) << at << " synapse " << gi;
          }
        }
    }
    // v(0): a core's neurons [lo, hi), whole and partial last blocks
    for (const auto& [lo, hi] : std::vector<std::pair<int, int>>{{0, 1}, {0, 64}, {64, 128}, {128, 131}, {4, 4}}) {
      std::vector<int32_t> v_model(static_cast<size_t>(hi - lo) + 1, 5), v_rtl(static_cast<size_t>(hi - lo) + 1, 5);
      const uint64_t seed = g();
      const uint64_t c_model = model.initial_membranes(d, seed, lo, hi, v_model.data());
      const uint64_t c_rtl = unit->initial_membranes(d, seed, lo, hi, v_rtl.data());
      EXPECT_EQ(v_rtl, v_model) << at << " neurons " << lo << ".." << hi;
      EXPECT_EQ(c_rtl, c_model) << at << ": the RTL v(0) cycles differ from the formula";
      EXPECT_EQ(c_rtl, static_cast<uint64_t>(hi - lo + 3) / 4 + 10) << at;
    }
  }
  EXPECT_EQ(hw_rtl.philox_blocks, hw_model.philox_blocks);
  EXPECT_GT(unit->measured().commands, 10u);
}

TEST(RtlSwap, InputStageGivesTheModelsCurrentsAndMeasuresNPlusOne) {
  sc::HwCounters hw_model, hw_rtl;
  sc::InputStage model("input_model", hw_model);
  std::unique_ptr<sc::InputStage> unit = rtl::rtl_input_stage_factory()("input_rtl", hw_rtl);
  const ref::NetworkDesc d = hopper_desc(256);
  unit->configure(d);
  std::mt19937_64 g(11);
  for (int w : {64, 32, 8}) {  // the columns' word width (2·d_in = 22 bits: 1 to 3 words)
    const int words = (2 * d.shape.d_in + w - 1) / w;
    for (int n : {0, 1, 2, 64, 200}) {
      std::vector<int32_t> x(static_cast<size_t>(d.shape.d_in));
      const int pattern = static_cast<int>(g() % 3);
      for (auto& v : x) v = pattern == 0 ? 511 : pattern == 1 ? -512 : random_in(g, 10);
      const int64_t stride = words + static_cast<int64_t>(g() % 2);
      std::vector<uint64_t> cols(static_cast<size_t>(std::max<int64_t>(1, n * stride)));
      const uint64_t mask = w == 64 ? ~uint64_t{0} : (uint64_t{1} << w) - 1;
      for (auto& c : cols) c = (g() % 4 == 0 ? ~uint64_t{0} : g()) & mask;
      std::vector<int32_t> i_model(static_cast<size_t>(n) + 1, 3), i_rtl(static_cast<size_t>(n) + 1, 3);
      const uint64_t c_model = model.project(d, x.data(), cols.data(), stride, w, n, i_model.data());
      const uint64_t c_rtl = unit->project(d, x.data(), cols.data(), stride, w, n, i_rtl.data());
      const std::string at = "w=" + std::to_string(w) + " n=" + std::to_string(n);
      EXPECT_EQ(i_rtl, i_model) << at;
      EXPECT_EQ(c_model, static_cast<uint64_t>(n) * static_cast<uint64_t>(d.shape.d_in)) << at << ": serial";
      EXPECT_EQ(c_rtl, n == 0 ? 0u : static_cast<uint64_t>(n) + 1) << at << ": the RTL's documented n + 1";
      if (n > 0) {
        EXPECT_EQ(unit->measured().last, static_cast<uint64_t>(n) + 1) << at;
      }
    }
  }
  EXPECT_EQ(model.measured().commands, 0u);
  EXPECT_EQ(unit->measured().commands, 12u);
}

TEST(RtlSwap, ReadoutGivesTheModelsPartialSumsAndMeasuresNPlusOne) {
  sc::HwCounters hw_model, hw_rtl;
  sc::ReadoutUnit model("readout_model", hw_model);
  std::unique_ptr<sc::ReadoutUnit> unit = rtl::rtl_readout_factory()("readout_rtl", hw_rtl);
  const ref::NetworkDesc d = hopper_desc(256);
  unit->configure(d);
  std::mt19937_64 g(13);
  for (int w : {64, 2}) {
    const int words = (d.shape.d_out + w - 1) / w;
    for (int n : {0, 1, 2, 3, 64, 300}) {
      std::vector<int32_t> rate(static_cast<size_t>(n));
      const int pattern = static_cast<int>(g() % 3);
      for (auto& r : rate) r = pattern == 0 ? 32767 : pattern == 1 ? -32768 : random_in(g, 16);
      const int64_t stride = words + static_cast<int64_t>(g() % 2);
      std::vector<uint64_t> rows(static_cast<size_t>(std::max<int64_t>(1, n * stride)));
      for (auto& r : rows) r = (pattern == 0 ? ~uint64_t{0} : g()) & (w == 64 ? ~uint64_t{0} : 3u);
      std::vector<int64_t> p_model(4, 99), p_rtl(4, 99);
      const uint64_t c_model = model.accumulate(d, rate.data(), rows.data(), stride, w, n, p_model.data());
      const uint64_t c_rtl = unit->accumulate(d, rate.data(), rows.data(), stride, w, n, p_rtl.data());
      const std::string at = "w=" + std::to_string(w) + " n=" + std::to_string(n);
      EXPECT_EQ(p_rtl, p_model) << at;
      EXPECT_EQ(c_model, static_cast<uint64_t>(n)) << at;
      EXPECT_EQ(c_rtl, n == 0 ? 0u : static_cast<uint64_t>(n) + 1) << at << ": the RTL's documented n + 1";
    }
  }
  EXPECT_EQ(unit->measured().commands, 10u);
}

// Networks and chips a wrapper is not built for are clear errors naming the setting and the fix.
TEST(RtlSwap, ShapesAndArithmeticTheUnitsAreNotBuiltForAreClearErrors) {
  sc::HwCounters hw;
  const chip::UnitTiming lif{1, 4}, sampler{1, 10};
  auto l = rtl::rtl_lif_factory()("lif_errors", lif, hw);
  ref::ArithConfig narrow;
  narrow.state_bits = 12;
  narrow.frac_bits = 8;
  EXPECT_NE(error_of([&] { l->configure(hopper_desc(64, narrow), 64); }).find("W=12"), std::string::npos);
  const ref::ArithConfig w14 = lif_arith(rtl::kLifParameterSets[1]);
  EXPECT_NE(error_of([&] { l->configure(hopper_desc(64, w14), 64); }).find("12-bit popcount difference"),
            std::string::npos);
  EXPECT_EQ(error_of([&] { l->configure(hopper_desc(64, w14), 32); }), "");
  EXPECT_NE(error_of([&] { l->configure(hopper_desc(4096, w14), 32); }).find("does not fit"), std::string::npos);

  auto s = rtl::rtl_sampler_factory()("sampler_errors", sampler, hw);
  ref::ArithConfig q8;
  q8.rho_bits = 8;
  EXPECT_NE(error_of([&] { s->configure(hopper_desc(64, q8), 0, 64); }).find("q = 8"), std::string::npos);
  EXPECT_NE(error_of([&] { s->configure(hopper_desc(64), 2, 64); }).find("multiple of 4"), std::string::npos);

  ref::NetworkShape walker;
  walker.d_in = 17;
  walker.d_out = 6;
  const ref::NetworkDesc wd = ref::make_network_desc(walker);
  auto in = rtl::rtl_input_stage_factory()("input_errors", hw);
  const std::string e_in = error_of([&] { in->configure(wd); });
  EXPECT_NE(e_in.find("d_in = 11, the network has d_in = 17"), std::string::npos) << e_in;
  EXPECT_NE(e_in.find("drop input from --rtl-units"), std::string::npos) << e_in;
  auto out = rtl::rtl_readout_factory()("readout_errors", hw);
  const std::string e_out = error_of([&] { out->configure(wd); });
  EXPECT_NE(e_out.find("d_out = 3, the network has d_out = 6"), std::string::npos) << e_out;
  EXPECT_NE(e_out.find("drop readout from --rtl-units"), std::string::npos) << e_out;

  chip::ChipConfig cfg = chip::load_chip_config(std::string(ECSIM_SOURCE_DIR) + "/configs/chip_default.json");
  const rtl::RtlUnits all;
  EXPECT_EQ(error_of([&] { rtl::check_rtl_units_chip_config(cfg, "chip_default.json", all); }), "");
  chip::ChipConfig slow_lif = cfg;
  slow_lif.lif.latency_cycles = 5;
  EXPECT_NE(error_of([&] { rtl::check_rtl_units_chip_config(slow_lif, "x.json", all); }).find("units.lif"),
            std::string::npos);
  EXPECT_EQ(error_of([&] { rtl::check_rtl_units_chip_config(slow_lif, "x.json", rtl::parse_rtl_units("popcount")); }),
            "");
  chip::ChipConfig slow_sampler = cfg;
  slow_sampler.sampler.per_cycle = 2;
  EXPECT_NE(error_of([&] { rtl::check_rtl_units_chip_config(slow_sampler, "x.json", all); }).find("units.sampler"),
            std::string::npos);
}

TEST(RtlSwap, RtlUnitsListsParse) {
  EXPECT_EQ(rtl::parse_rtl_units(""), rtl::RtlUnits{});
  EXPECT_EQ(rtl::parse_rtl_units("all"), rtl::RtlUnits{});
  EXPECT_EQ(rtl::parse_rtl_units("popcount").list(), "popcount");
  EXPECT_EQ(rtl::parse_rtl_units("readout,lif").list(), "lif,readout");
  EXPECT_EQ(rtl::parse_rtl_units("popcount,lif,sampler,input,readout").list(), "popcount,lif,sampler,input,readout");
  const std::string bad = error_of([] { rtl::parse_rtl_units("lif,alu"); });
  EXPECT_NE(bad.find("'alu' is not an RTL unit"), std::string::npos) << bad;
  EXPECT_NE(bad.find("popcount, lif, sampler, input, readout"), std::string::npos) << bad;
  EXPECT_NE(error_of([] { rtl::parse_rtl_units("lif,"); }), "");
  EXPECT_NE(error_of([] { rtl::parse_rtl_units(","); }), "");
}

// Whole chips, one process each: every selection of RTL units gives the SystemC chip's actions,
// spikes, cycles and every counter; the report's first unit line names the swapped-in units.
TEST(RtlSwap, SimulateWithEveryUnitSelectionEqualsSystemc) {
  const test::ScratchDir d("rtl_swap_sim");
  std::mt19937_64 g(5);
  std::normal_distribution<double> nd(0.0, 1.5);
  test::write_text(d / "trace.csv", test::observation_trace(8, 11, [&](int, int) { return nd(g); }));
  auto strip = [](const std::string& report) {
    std::string out;
    std::istringstream in(report);
    for (std::string line; std::getline(in, line);)
      if ((line.rfind("popcount unit: ", 0) != 0 || line.find("words;") != std::string::npos) &&
          line.rfind("wrote", 0) != 0)
        out += line + "\n";
    return out;
  };
  for (const std::string chip : {"chip_default.json", "chip_16core_1024.json"}) {
    const std::string base = "simulate --trace " + (d / "trace.csv").string() +
                             " --rho-const 0.35 --seed 4 --d-out 3 --chip " + std::string(ECSIM_SOURCE_DIR) +
                             "/configs/" + chip + " ";
    auto sc = test::run_ecsim(base + "--backend systemc --out " + (d / "sc.csv").string());
    ASSERT_EQ(sc.code, 0) << sc.output;
    for (const std::string units : {"all", "popcount", "lif,sampler", "input,readout"}) {
      auto rt = test::run_ecsim(base + "--backend rtl --rtl-units " + units + " --out " + (d / "rtl.csv").string());
      ASSERT_EQ(rt.code, 0) << rt.output;
      EXPECT_EQ(test::read_text(d / "sc.csv"), test::read_text(d / "rtl.csv")) << chip << " " << units;
      EXPECT_EQ(strip(sc.output), strip(rt.output)) << chip << " " << units;
      const bool lif = units == "all" || units.find("lif") != std::string::npos;
      EXPECT_EQ(rt.output.find("LIF unit: RTL") != std::string::npos, lif) << rt.output;
      const bool readout = units == "all" || units.find("readout") != std::string::npos;
      EXPECT_EQ(rt.output.find("readout: RTL") != std::string::npos, readout) << rt.output;
    }
  }
}

TEST(RtlSwap, BadRtlUnitsFlagsExitTwoNamingTheUnitAndTheList) {
  const test::ScratchDir d("rtl_swap_flags");
  test::write_text(d / "trace.csv",
                   "obs_0,obs_1,obs_2,obs_3,obs_4,obs_5,obs_6,obs_7,obs_8,obs_9,obs_10\n"
                   "0,0,0,0,0,0,0,0,0,0,0\n");
  const std::string sim = "simulate --trace " + (d / "trace.csv").string() + " --rho-const 0.4 --d-out 3 --out " +
                          (d / "a.csv").string() + " ";
  auto bad = test::run_ecsim(sim + "--backend rtl --rtl-units lif,fpu");
  EXPECT_EQ(bad.code, 2) << bad.output;
  EXPECT_NE(bad.output.find("'fpu' is not an RTL unit"), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("popcount, lif, sampler, input, readout, or all"), std::string::npos) << bad.output;
  auto no_rtl = test::run_ecsim(sim + "--backend systemc --rtl-units lif");
  EXPECT_EQ(no_rtl.code, 2) << no_rtl.output;
  EXPECT_NE(no_rtl.output.find("needs --backend rtl"), std::string::npos) << no_rtl.output;
  auto train = test::run_ecsim(
      "train --task hopper --pop 4 --generations 1 --backend rtl --rtl-units sampler,dsp "
      "--no-plot --out " +
      (d / "run").string());
  EXPECT_EQ(train.code, 2) << train.output;
  EXPECT_NE(train.output.find("'dsp' is not an RTL unit"), std::string::npos) << train.output;
  EXPECT_FALSE(std::filesystem::exists(d / "run")) << "nothing written before the check";
  auto train_fn = test::run_ecsim("train --task hopper --pop 4 --generations 1 --rtl-units lif --no-plot --out " +
                                  (d / "run").string());
  EXPECT_EQ(train_fn.code, 2) << train_fn.output;
  EXPECT_NE(train_fn.output.find("needs --backend rtl"), std::string::npos) << train_fn.output;
  auto ev = test::run_ecsim("eval " + (d / "nowhere").string() + " --backend rtl --rtl-units xyz");
  EXPECT_EQ(ev.code, 2) << ev.output;
  EXPECT_NE(ev.output.find("'xyz' is not an RTL unit"), std::string::npos) << ev.output;
  auto ro = test::run_ecsim("rollout --task hopper --out " + (d / "t.csv").string() + " --rtl-units lif");
  EXPECT_EQ(ro.code, 2) << ro.output;
  EXPECT_NE(ro.output.find("--rtl-units needs a network"), std::string::npos) << ro.output;
  // a shape the input stage and readout are not built for: the error names them and the fix
  test::write_text(d / "walker.csv", "obs_0,obs_1\n0,0\n");
  auto shape = test::run_ecsim("simulate --trace " + (d / "walker.csv").string() +
                               " --rho-const 0.4 --d-out 3 --backend rtl --out " + (d / "w.csv").string());
  EXPECT_EQ(shape.code, 2) << shape.output;
  EXPECT_NE(shape.output.find("d_in = 11, the network has d_in = 2"), std::string::npos) << shape.output;
  EXPECT_NE(shape.output.find("drop input from --rtl-units"), std::string::npos) << shape.output;
  auto ok = test::run_ecsim("simulate --trace " + (d / "walker.csv").string() +
                            " --rho-const 0.4 --d-out 3 --backend rtl --rtl-units popcount,lif,sampler,readout --out " +
                            (d / "w.csv").string());
  EXPECT_EQ(ok.code, 0) << ok.output;
  auto help = test::run_ecsim("train --help");
  EXPECT_NE(help.output.find("--rtl-units"), std::string::npos);
}

// --rtl-units reaches eval and rollout: a subset of the RTL units gives the systemc chip's return,
// cycles and per-step trajectory (chip cycles and energy included)
TEST(RtlSwap, EvalAndRolloutTakeTheRtlUnits) {
  const test::ScratchDir d("rtl_swap_eval");
  const std::string run = (d / "run").string();
  auto t = test::run_ecsim(
      "train --task hopper --neurons 64 --pop 4 --generations 1 --max-steps 30 "
      "--eval-episodes 1 --no-plot --progress never --threads 1 --out " +
      run);
  ASSERT_EQ(t.code, 0) << t.output;
  const std::string ev = "eval " + run + " --episodes 2 --max-steps 30 --threads 1 --backend ";
  auto es = test::run_ecsim(ev + "systemc");
  ASSERT_EQ(es.code, 0) << es.output;
  auto er = test::run_ecsim(ev + "rtl --rtl-units lif,input,readout");
  ASSERT_EQ(er.code, 0) << er.output;
  auto first_lines = [](std::string s) {  // the return and the cycles, without the backend's name
    const size_t at = s.find("chip (");
    s = s.substr(0, s.find('\n', s.find('\n', at) + 1));
    for (const char* name : {"chip (systemc)", "chip (rtl)"})
      if (const size_t k = s.find(name); k != std::string::npos) s.replace(k, std::string(name).size(), "chip");
    return s;
  };
  EXPECT_EQ(first_lines(es.output), first_lines(er.output));
  const std::string ro = "rollout --policy " + run + " --max-steps 30 --backend ";
  auto rs = test::run_ecsim(ro + "systemc --out " + (d / "sc.csv").string());
  ASSERT_EQ(rs.code, 0) << rs.output;
  auto rr = test::run_ecsim(ro + "rtl --rtl-units sampler,popcount --out " + (d / "rtl.csv").string());
  ASSERT_EQ(rr.code, 0) << rr.output;
  const std::string csv = test::read_text(d / "sc.csv");
  EXPECT_NE(csv.find("chip_cycles"), std::string::npos);
  EXPECT_EQ(csv, test::read_text(d / "rtl.csv"));
}
