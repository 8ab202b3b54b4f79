// ecsim simulate end to end: outputs, determinism, kernels and arithmetics, and bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "cli_util.h"
#include "io/csv.h"

using namespace ecsim;

namespace {

std::string make_trace(const test::ScratchDir& dir, int steps, int d_in) {
  std::ostringstream text;
  for (int i = 0; i < d_in; ++i) text << (i ? "," : "") << "obs_" << i;
  text << "\n";
  for (int e = 0; e < steps; ++e) {
    for (int i = 0; i < d_in; ++i) text << (i ? "," : "") << ((e * 7 + i * 13) % 17) / 4.0 - 2.0;
    text << "\n";
  }
  const auto p = dir / "trace.csv";
  test::write_text(p, text.str());
  return p.string();
}

}  // namespace

TEST(SimulateCli, WritesActionsAndRasterDeterministically) {
  const test::ScratchDir dir("sim");
  const std::string trace = make_trace(dir, 20, 11);
  const std::string base = "simulate --trace " + trace + " --rho-const 0.5 --seed 3 --d-out 3 ";
  auto a = test::run_ecsim(base + "--out " + (dir / "a.csv").string() + " --raster " + (dir / "r.csv").string() +
                           " --save-theta " + (dir / "t.bin").string());
  ASSERT_EQ(a.code, 0) << a.output;
  auto b = test::run_ecsim(base + "--kernel portable --out " + (dir / "b.csv").string() + " --raster " +
                           (dir / "rb.csv").string());
  ASSERT_EQ(b.code, 0) << b.output;
  EXPECT_EQ(test::read_text(dir / "a.csv"), test::read_text(dir / "b.csv"));
  EXPECT_EQ(test::read_text(dir / "r.csv"), test::read_text(dir / "rb.csv"));
  const io::NumericTable acts = io::read_numeric_csv((dir / "a.csv").string());
  EXPECT_EQ(acts.rows.size(), 20u);
  EXPECT_EQ(acts.numbered_columns("act_").size(), 3u);
  int fractional = 0;
  for (const auto& row : acts.rows)
    for (size_t k : acts.numbered_columns("act_")) {
      EXPECT_GE(row[k], -1.0);
      EXPECT_LE(row[k], 1.0);
      // the fixed-point actions are written exactly: k·2^-act_frac, not rounded to 9 digits
      EXPECT_EQ(std::ldexp(row[k], 12), std::round(std::ldexp(row[k], 12))) << row[k];
      fractional += std::fabs(row[k]) < 1 && row[k] != 0;
    }
  EXPECT_GT(fractional, 0);
  const io::NumericTable raster = io::read_numeric_csv((dir / "r.csv").string());
  EXPECT_GT(raster.rows.size(), 0u);
  // the saved θ reproduces the run
  auto c = test::run_ecsim("simulate --trace " + trace + " --theta " + (dir / "t.bin").string() + " --seed 3 --out " +
                           (dir / "c.csv").string());
  ASSERT_EQ(c.code, 0) << c.output;
  EXPECT_EQ(test::read_text(dir / "a.csv"), test::read_text(dir / "c.csv"));
  // float arithmetic runs and differs
  auto f = test::run_ecsim(base + "--arith float --out " + (dir / "f.csv").string());
  ASSERT_EQ(f.code, 0) << f.output;
  EXPECT_NE(test::read_text(dir / "a.csv"), test::read_text(dir / "f.csv"));
}

TEST(SimulateCli, NegativeSeedsAndNonFiniteRhoAreRefused) {
  const test::ScratchDir dir("sim_numbers");
  const std::string trace = make_trace(dir, 4, 11);
  const std::string base = "simulate --trace " + trace + " --d-out 3 --out " + (dir / "o.csv").string();
  auto neg = test::run_ecsim(base + " --rho-const 0.5 --seed -2");
  EXPECT_EQ(neg.code, 2) << neg.output;
  EXPECT_NE(neg.output.find("--seed -2 is negative; the flag takes an integer in [0, 18446744073709551615]"),
            std::string::npos)
      << neg.output;
  auto init = test::run_ecsim(base + " --rho-const 0.5 --init-seed -1");
  EXPECT_EQ(init.code, 2) << init.output;
  EXPECT_NE(init.output.find("--init-seed -1 is negative"), std::string::npos) << init.output;
  for (const char* v : {"inf", "nan", "-inf"}) {
    auto r = test::run_ecsim(base + " --rho-const " + v);
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("--rho-const " + std::string(v) + " is not a finite number"), std::string::npos)
        << r.output;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "o.csv"));
}

TEST(SimulateCli, TheSystemcChipGivesTheSameActions) {
  const test::ScratchDir dir("sim_chip");
  const std::string trace = make_trace(dir, 12, 11);
  const std::string base = "simulate --trace " + trace + " --rho-const 0.5 --seed 5 --d-out 3 ";
  auto f = test::run_ecsim(base + "--out " + (dir / "f.csv").string());
  ASSERT_EQ(f.code, 0) << f.output;
  auto c = test::run_ecsim(base + "--backend systemc --chip " + std::string(ECSIM_SOURCE_DIR) +
                           "/configs/chip_default.json --out " + (dir / "c.csv").string());
  ASSERT_EQ(c.code, 0) << c.output;
  EXPECT_NE(c.output.find("cycles: total"), std::string::npos) << c.output;
  const io::NumericTable a = io::read_numeric_csv((dir / "f.csv").string()),
                         b = io::read_numeric_csv((dir / "c.csv").string());
  ASSERT_EQ(a.rows.size(), b.rows.size());
  for (size_t r = 0; r < a.rows.size(); ++r)
    for (const char* col : {"act_0", "act_1", "act_2", "spikes"})
      EXPECT_EQ(a.rows[r][a.column(col)], b.rows[r][b.column(col)]) << "row " << r << " " << col;
  EXPECT_GT(b.rows[0][b.column("chip_cycles")], 0.0);
  // a waveform of env steps 1..2 with two traced neurons
  auto v = test::run_ecsim(base + "--backend systemc --vcd " + (dir / "w.vcd").string() +
                           " --vcd-steps 1:2 --trace-neurons 0,200 --out " + (dir / "v.csv").string());
  ASSERT_EQ(v.code, 0) << v.output;
  const std::string vcd = test::read_text(dir / "w.vcd");
  // SystemC writes a.b as variable b in scope a
  for (const char* scope :
       {"$scope module controller", "$scope module core_3", "$scope module neuron_200", "$scope module neuron_0"})
    EXPECT_NE(vcd.find(scope), std::string::npos) << scope;
  for (const char* var : {" phase ", " busy ", " spikes ", " v ", " i_syn ", " rate ", " spike "})
    EXPECT_NE(vcd.find(var), std::string::npos) << var;
  EXPECT_NE(vcd.find("#"), std::string::npos) << "the waveform has time stamps";
  for (const char* bad_window : {"3", "5:2", "a:b"}) {
    auto w = test::run_ecsim(base + "--backend systemc --vcd " + (dir / "x.vcd").string() + " --vcd-steps " +
                             bad_window + " --out " + (dir / "x.csv").string());
    EXPECT_EQ(w.code, 2) << bad_window;
    EXPECT_NE(w.output.find("--vcd-steps"), std::string::npos) << w.output;
  }
  auto outside = test::run_ecsim(base + "--backend systemc --vcd " + (dir / "y.vcd").string() +
                                 " --trace-neurons 999 --out " + (dir / "y.csv").string());
  EXPECT_EQ(outside.code, 2);
  EXPECT_NE(outside.output.find("outside the network"), std::string::npos) << outside.output;
  auto novcd = test::run_ecsim(base + "--vcd " + (dir / "z.vcd").string() + " --out " + (dir / "z.csv").string());
  EXPECT_EQ(novcd.code, 2);
  EXPECT_NE(novcd.output.find("--vcd needs --backend systemc"), std::string::npos) << novcd.output;

  auto bad = test::run_ecsim(base + "--backend systemc --chip " + (dir / "nope.json").string() + " --out " +
                             (dir / "x.csv").string());
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.output.find("cannot open chip config"), std::string::npos) << bad.output;
}

// One --chip rule: every backend takes --chip. The chip backends simulate that chip; the
// functional backend checks the network against it and counts its activity, the same counts the
// simulated chip makes (chip::ActivityModel). A missing config is the same error everywhere.
TEST(SimulateCli, EveryBackendTakesChipWithOneMeaning) {
  const test::ScratchDir dir("sim_chip_rule");
  const std::string trace = make_trace(dir, 9, 11);
  const std::string chip = std::string(ECSIM_SOURCE_DIR) + "/configs/chip_default.json";
  const std::string base = "simulate --trace " + trace + " --rho-const 0.4 --seed 7 --d-out 3 ";
  auto plain = test::run_ecsim(base + "--out " + (dir / "p.csv").string());
  ASSERT_EQ(plain.code, 0) << plain.output;
  auto f = test::run_ecsim(base + "--chip " + chip + " --out " + (dir / "f.csv").string());
  ASSERT_EQ(f.code, 0) << f.output;
  EXPECT_EQ(test::read_text(dir / "p.csv"), test::read_text(dir / "f.csv")) << "--chip changes no action";
  auto s = test::run_ecsim(base + "--backend systemc --chip " + chip + " --out " + (dir / "s.csv").string());
  ASSERT_EQ(s.code, 0) << s.output;
  // the number after the first `key` after `after` in text (-1 if absent)
  const auto number_after = [](const std::string& text, const std::string& key,
                               const std::string& after = "") -> long long {
    const size_t from = text.find(after);
    const size_t at = from == std::string::npos ? from : text.find(key, from + after.size());
    return at == std::string::npos ? -1 : std::stoll(text.substr(at + key.size()));
  };
  EXPECT_NE(f.output.find("chip      ecsim-4core-256 (" + chip + "): the network uses 4 of 4 cores\n"),
            std::string::npos)
      << f.output;
  const std::string counted = "activity  of that chip, counted";
  EXPECT_GT(number_after(f.output, "synapse SRAM ", counted), 0) << f.output;
  EXPECT_EQ(number_after(f.output, "synapse SRAM ", counted), number_after(s.output, "synapse SRAM: "))
      << f.output << s.output;
  EXPECT_EQ(number_after(f.output, "popcount unit ", counted), number_after(s.output, "popcount unit: ", "state SRAM"))
      << s.output;
  EXPECT_EQ(number_after(f.output, "NoC ", counted), number_after(s.output, "packets, ")) << f.output << s.output;
  for (const std::string backend : {"functional", "systemc", "rtl"}) {
    auto r = test::run_ecsim(base + "--backend " + backend + " --chip " + (dir / "none.json").string() + " --out " +
                             (dir / "x.csv").string());
    EXPECT_EQ(r.code, 2) << backend;
    EXPECT_NE(r.output.find("cannot open chip config"), std::string::npos) << backend << ": " << r.output;
  }
  auto fl = test::run_ecsim(base + "--arith float --chip " + chip + " --out " + (dir / "x.csv").string());
  EXPECT_EQ(fl.code, 2);
  EXPECT_NE(fl.output.find("needs fixed-point arithmetic"), std::string::npos) << fl.output;
  std::string help;  // the help with its line wrapping undone
  std::istringstream help_text(test::run_ecsim("simulate --help").output);
  for (std::string word; help_text >> word;) help += word + ' ';
  EXPECT_NE(help.find("the same chip on every backend: --backend systemc/rtl simulate it"), std::string::npos) << help;
  EXPECT_NE(help.find("functional (the reference model), systemc (the cycle-level chip) or rtl"), std::string::npos)
      << help;
}

TEST(SimulateCli, BadInputGetsClearErrors) {
  const test::ScratchDir dir("sim_bad");
  const std::string trace = make_trace(dir, 3, 4);
  const std::string out = " --out " + (dir / "o.csv").string();
  struct Case {
    std::string args, needle;
  };
  test::write_text(dir / "ragged.csv", "obs_0,obs_1\n1,2\n3\n");
  test::write_text(dir / "noobs.csv", "x,y\n1,2\n");
  const std::vector<Case> cases = {
      {"simulate --trace " + trace + out, "exactly one network source"},
      {"simulate --trace " + trace + " --rho-const 0.5" + out, "--d-out is required"},
      {"simulate --trace " + trace + " --rho-const 1.5 --d-out 2" + out, "not a probability"},
      {"simulate --trace " + (dir / "nope.csv").string() + " --rho-const 0.5 --d-out 2" + out, "cannot open"},
      {"simulate --trace " + (dir / "ragged.csv").string() + " --rho-const 0.5 --d-out 2" + out,
       "values but the header has"},
      {"simulate --trace " + (dir / "noobs.csv").string() + " --rho-const 0.5 --d-out 2" + out,
       "no observation columns"},
      {"simulate --trace " + trace + " --rho-const 0.5 --d-out 2 --state-bits 99" + out, "state_bits"},
      {"simulate --trace " + trace + " --rho-const 0.5 --d-out 2 --neurons 1" + out, "out of range"},
      // the one arithmetic check names every field the chip fixes, not only a few of them
      {"simulate --trace " + trace + " --rho-const 0.5 --d-out 2 --backend systemc --action-frac-bits 11" + out,
       "action_frac_bits = 11 (the chip's: 12)"},
      {"simulate --trace " + trace + " --rho-const 0.5 --d-out 2 --chip " + std::string(ECSIM_SOURCE_DIR) +
           "/configs/chip_default.json --state-bits 15 --rate-bits 15" + out,
       "state_bits = 15 (the chip's: 16), rate_bits = 15 (the chip's: 16)"},
      {"simulate --trace " + trace + " --rho-const 0.5 --d-out 2 --arith double" + out, "--arith"},
      {"simulate --trace " + trace + " --rho-const 0.5 --d-out 2 --kernel gpu" + out, "--kernel"},
      {"simulate --trace " + trace + " --rho-const 0.5 --d-out 2 --neurons 50 --kernel avx512-narrow" + out,
       "cannot run"},
      {"simulate --trace " + trace + " --rho-const 0.5 --d-out 2 --bogus 1" + out, "unrecognised option"},
      {"simulate --trace " + trace + " --rho " + (dir / "nope.txt").string() + " --d-out 2" + out,
       "cannot open ρ file"},
      {"simulate --trace " + trace + " --theta " + trace + out, "not an ecsim θ file"},
      {"simulate --rho-const 0.5 --d-out 2" + out, "--trace"},
      {"nosuchcommand", "unknown command"},
  };
  for (const Case& c : cases) {
    const auto r = test::run_ecsim(c.args);
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.needle), std::string::npos) << c.args << "\n" << r.output;
    EXPECT_EQ(r.output.find("internal error"), std::string::npos) << r.output;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "o.csv")) << "a failed run must not leave an output file";
}
