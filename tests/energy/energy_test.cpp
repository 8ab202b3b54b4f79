// The energy model against hand-computed counter sets, its totals against the sum of their parts,
// and energy tables: the shipped ones load, a user's loads, bad ones are clear errors.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "common/error.h"
#include "energy/energy_model.h"
#include "energy/footprint.h"

using namespace ecsim;

namespace {

const std::string kDir = std::string(ECSIM_SOURCE_DIR) + "/configs/";

// a small table with round numbers, so that every expected value below is computed by hand
const char* kTable = R"({
  "format": "ecsim-energy/1", "technology": "test", "description": "hand numbers",
  "sram_read_64b_pj": [{"kbytes": 8, "pj": 10}, {"kbytes": 32, "pj": 20}],
  "sram_write_over_read": 2.0,
  "add_pj": {"16": 0.5, "32": 1.0}, "mult_pj": {"16": 3.0}, "compare_pj": {"16": 0.25},
  "fp_add_pj": {"32": 0.9}, "fp_mult_pj": {"32": 3.7},
  "popcount_64b_word_pj": 2.0, "philox_block_pj": 50.0, "register_access_pj": 4.0,
  "noc_router_flit_pj": 1.0, "noc_link_flit_pj": 3.0, "host_link_byte_pj": 100.0,
  "leakage": {"sram_pw_per_bit": 1.0, "core_logic_uw": 2.0, "router_uw": 3.0, "controller_uw": 4.0}
})";

chip::ChipConfig small_chip() {
  chip::ChipConfig c;
  c.name = "hand";
  c.clock_hz = 1e6;  // 1 cycle = 1 µs
  c.cores = 2;
  c.synapse_sram = {64, 1024, 1, 1};  // 8 KB: 10 pJ per 64-bit read
  c.rho_sram = {64, 4096, 1, 1};      // 32 KB: 20 pJ
  c.state_sram = {32, 256, 1, 1};     // 1 KB (clamped to 8 KB): 10 pJ per 64 bits, 5 pJ per 32-bit word
  c.noc.flit_bits = 64;
  c.arith.state_bits = 16;
  return c;
}

std::string error_of(const std::string& text) {
  try {
    energy::parse_energy_table(text, "'t.json'");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? s : s.replace(at, from.size(), to);
}

}  // namespace

TEST(Energy, HandComputedCounters) {
  const energy::EnergyTable t = energy::parse_energy_table(kTable, "hand");
  const chip::ChipConfig c = small_chip();
  chip::HwCounters h;
  h.synapse_sram.words_read = 100;    // 100 × 10 = 1000
  h.synapse_sram.words_written = 10;  // 10 × 20 = 200
  h.rho_sram.words_read = 5;          // 5 × 20 = 100
  h.state_sram.words_read = 8;        // 8 × 5 = 40
  h.state_sram.words_written = 8;     // 8 × 10 = 80
  h.popcount_words = 7;               // 14
  h.lif_multiplies = 4;               // 12
  h.lif_adds = 10;                    // 5
  h.lif_compares = 4;                 // 1
  h.input_adds = 6;                   // 3
  h.readout_adds = 3;                 // 3 (32-bit)
  h.philox_blocks = 2;                // 100
  h.noc_flits = 5;
  h.noc_flit_hops = 7;  // routers 12 × 1 = 12, links 7 × 3 = 21
  h.host_bytes_in = 9;
  h.host_bytes_out = 1;      // 1000
  h.register_accesses = 25;  // 100
  h.cycles_total = 1000;     // 1 ms
  ref::EventCounters e;
  const energy::EnergyReport r = energy::estimate(c, t, ref::NetworkShape{}, h, e);
  EXPECT_DOUBLE_EQ(r.dynamic_pj, 1000 + 200 + 100 + 40 + 80 + 14 + 12 + 5 + 1 + 3 + 3 + 100 + 12 + 21 + 1000 + 100);
  // leakage over 1 ms: SRAM 1 pW/bit × (65536 + 262144 + 8192) bits × 2 cores; logic 2 µW × 2;
  // routers 3 µW × 2; controller 4 µW
  const double sram_pj = (65536.0 + 262144.0 + 8192.0) * 2 * 1e-3;
  const double logic_pj = (2.0 * 2 + 3.0 * 2 + 4.0) * 1e6 * 1e-3;
  EXPECT_NEAR(r.static_pj, sram_pj + logic_pj, 1e-9);
  EXPECT_DOUBLE_EQ(r.total_pj, r.dynamic_pj + r.static_pj);
  EXPECT_DOUBLE_EQ(r.unit_pj("synapse SRAM"), 1200 + 65536.0 * 2 * 1e-3);
  EXPECT_DOUBLE_EQ(r.unit_pj("NoC"), 33 + 3.0 * 2 * 1e6 * 1e-3);
}

TEST(Energy, TotalsAreTheSumOfTheirParts) {
  const energy::EnergyTable t = energy::load_energy_table(kDir + "energy_45nm.json");
  chip::ChipConfig c = chip::load_chip_config(kDir + "chip_default.json");
  chip::HwCounters h;
  uint64_t i = 0;  // every counter non-zero
  fields::for_each_leaf(h, [&](const std::string&, const fields::Info&, uint64_t& v) { v = 1000 + 37 * i++; });
  ref::EventCounters e;
  e.env_steps = 3;
  e.inner_steps = 99;
  e.neuron_updates = 99 * 256;
  e.spikes_exc = 120;
  e.rec_synops = 5000;
  ref::NetworkShape s;
  s.d_in = 11;
  s.d_out = 3;
  const energy::EnergyReport r = energy::estimate(c, t, s, h, e);
  double lines = 0, units = 0;
  for (const auto& l : r.lines) {
    EXPECT_GT(l.pj, 0) << l.unit << " " << l.action << ": every counter costs something";
    EXPECT_DOUBLE_EQ(l.pj, l.count * l.pj_each);
    lines += l.pj;
  }
  for (const auto& u : r.units()) units += r.unit_pj(u);
  EXPECT_NEAR(lines, r.total_pj, 1e-9 * r.total_pj);
  EXPECT_NEAR(units, r.total_pj, 1e-9 * r.total_pj);
  // the JSON holds the same numbers
  const auto j = energy::report_json(r, 2, 1);
  EXPECT_DOUBLE_EQ(j.at("total_pj").as_double(), r.total_pj);
  double json_units = 0;
  for (const auto& kv : j.at("by_unit_pj").as_object()) json_units += kv.value().as_double();
  EXPECT_NEAR(json_units, r.total_pj, 1e-9 * r.total_pj);
  EXPECT_DOUBLE_EQ(j.at("per").at("episode_pj").as_double(), r.total_pj / 2);
  // NeuroBench: dense = env steps × (2·d_in·N + N·d_out) + inner steps × N²
  EXPECT_EQ(r.neurobench.synops_dense, 3u * (2 * 11 * 256 + 256 * 3) + 99u * 256 * 256);
  EXPECT_DOUBLE_EQ(r.neurobench.activation_sparsity, 1.0 - 120.0 / (99 * 256));
  EXPECT_DOUBLE_EQ(r.neurobench.connection_sparsity,
                   1.0 - static_cast<double>(h.synapses_present) / static_cast<double>(h.synapses_drawn));
  const std::string text = energy::format_report(r, 2, 1);
  EXPECT_NE(text.find("per generation"), std::string::npos) << text;
  EXPECT_NE(text.find("NeuroBench"), std::string::npos) << text;
}

TEST(Energy, SramInterpolationAndWidths) {
  const energy::EnergyTable t = energy::parse_energy_table(kTable, "hand");
  const double kb = 8.0 * 1024;
  EXPECT_DOUBLE_EQ(t.sram_read_pj(8 * kb, 64), 10);
  EXPECT_DOUBLE_EQ(t.sram_read_pj(32 * kb, 64), 20);
  EXPECT_NEAR(t.sram_read_pj(16 * kb, 64), 10 * std::sqrt(2.0), 1e-12);  // log-log midway
  EXPECT_DOUBLE_EQ(t.sram_read_pj(1 * kb, 64), 10);                      // clamped below
  EXPECT_DOUBLE_EQ(t.sram_read_pj(1024 * kb, 64), 20);                   // and above
  EXPECT_DOUBLE_EQ(t.sram_read_pj(8 * kb, 16), 2.5);                     // per bit
  EXPECT_DOUBLE_EQ(t.sram_write_pj(8 * kb, 64), 20);
  EXPECT_DOUBLE_EQ(t.op_pj(t.add_pj, 10, "add"), 0.5);  // the smallest width that holds 10 bits
  EXPECT_DOUBLE_EQ(t.op_pj(t.add_pj, 17, "add"), 1.0);
  try {
    t.op_pj(t.mult_pj, 32, "mult");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no mult energy for 32-bit"), std::string::npos) << e.what();
  }
}

TEST(Energy, ShippedAndUserTablesLoad) {
  for (const char* f : {"energy_45nm.json", "energy_7nm.json"}) {
    const energy::EnergyTable t = energy::load_energy_table(kDir + f);
    EXPECT_FALSE(t.technology.empty()) << f;
    EXPECT_EQ(t.sram_read_64b.size(), 3u) << f;
  }
  // 7 nm is cheaper than 45 nm for every datapath action (Jouppi's lesson: SRAM least so)
  const auto a = energy::load_energy_table(kDir + "energy_45nm.json"),
             b = energy::load_energy_table(kDir + "energy_7nm.json");
  EXPECT_LT(b.op_pj(b.mult_pj, 16, "mult"), a.op_pj(a.mult_pj, 16, "mult"));
  EXPECT_LT(b.sram_read_pj(8 * 8192.0, 64), a.sram_read_pj(8 * 8192.0, 64));
  // a user's table from a file
  const std::string path = ::testing::TempDir() + "/user_energy.json";
  std::ofstream(path) << kTable;
  EXPECT_EQ(energy::load_energy_table(path).technology, "test");
  EXPECT_THROW(energy::load_energy_table(path + ".missing"), Error);
}

TEST(Energy, BadTablesAreClearErrors) {
  const std::string t = kTable;
  EXPECT_NE(error_of("{").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of(replace(t, "ecsim-energy/1", "ecsim-energy/9")).find("format"), std::string::npos);
  EXPECT_NE(error_of(replace(t, "\"philox_block_pj\": 50.0", "\"philox_block_pj\": -1")).find("philox_block_pj"),
            std::string::npos);
  EXPECT_NE(error_of(replace(t, "\"philox_block_pj\": 50.0", "\"philox_block_pj\": 50.0, \"philox_blok_pj\": 5"))
                .find("philox_blok_pj is not a known setting"),
            std::string::npos);
  EXPECT_NE(error_of(replace(t, "\"philox_block_pj\": 50.0,", "")).find("philox_block_pj is missing"),
            std::string::npos);
  EXPECT_NE(error_of(replace(t, "{\"kbytes\": 32", "{\"kbytes\": 4")).find("by increasing size"), std::string::npos);
  EXPECT_NE(error_of(replace(t, "\"16\": 3.0", "\"wide\": 3.0")).find("mult_pj.wide"), std::string::npos);
  EXPECT_NE(
      error_of(replace(t, "\"router_uw\": 3.0", "\"router_uw\": \"3\"")).find("leakage.router_uw must be a number"),
      std::string::npos);
  EXPECT_EQ(error_of(t), "");
}

TEST(Energy, TrainingMethodFootprintsByHand) {
  energy::FootprintInputs in;
  in.shape.n_neurons = 4;
  in.shape.n_exc = 2;
  in.shape.d_in = 1;
  in.shape.d_out = 1;
  in.shape.inner_steps = 2;  // |θ| = 2·1·4 + 4·4 + 4·1 = 28
  in.population = 3;
  in.horizon = 5;  // H = 10
  in.rho_bits = 10;
  const auto rows = energy::compare_methods(in);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_DOUBLE_EQ(rows[0].bits, 3 * 28 + 28 * 11);                 // EC
  EXPECT_DOUBLE_EQ(rows[1].bits, 28 * 11 + 3 * 64);                 // EC with on-chip sampling
  EXPECT_DOUBLE_EQ(rows[2].bits, 3 * 28 * 32 + 28 * 32);            // ES
  EXPECT_DOUBLE_EQ(rows[3].bits, 3 * 10 * (3 * 4) * 32 + 28 * 32);  // BPTT: N·H·S·32 + |θ|·32
}
