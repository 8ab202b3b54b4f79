// ecsim simulate end to end: outputs, determinism, kernels and arithmetics, and bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include <boost/json.hpp>

#include "cli_util.h"
#include "common/error.h"
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

// two actions CSVs have the same actions and spike counts, row by row
void expect_same_actions(const std::filesystem::path& a_csv, const std::filesystem::path& b_csv) {
  const io::NumericTable a = io::read_numeric_csv(a_csv.string()), b = io::read_numeric_csv(b_csv.string());
  ASSERT_EQ(a.rows.size(), b.rows.size());
  for (size_t r = 0; r < a.rows.size(); ++r)
    for (const char* col : {"act_0", "act_1", "act_2", "spikes"})
      EXPECT_EQ(a.rows[r][a.column(col)], b.rows[r][b.column(col)]) << "row " << r << " " << col;
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

// --raster-plot: the picture is drawn from exactly the spikes --raster writes, on the functional and
// the chip backend alike (the data it was drawn from is kept for the test by ECSIM_TEST_PLOT_DATA_DIR).
TEST(SimulateCli, TheRasterPlotShowsTheRastersSpikes) {
  const test::ScratchDir dir("sim_raster_plot");
  const std::string trace = make_trace(dir, 12, 11);
  for (const std::string backend : {"functional", "systemc"}) {
    SCOPED_TRACE(backend);
    const auto data = dir / ("data-" + backend);
    std::filesystem::create_directories(data);
    test::ChildSetup setup;
    setup.env = {{"ECSIM_TEST_PLOT_DATA_DIR", data.string()}};
    const auto r = test::run_program(
        test::split_args(std::string(ECSIM_BINARY) + " simulate --trace " + trace +
                         " --rho-const 0.5 --seed 3 --d-out 3 --backend " + backend + " --raster " +
                         (dir / (backend + ".csv")).string() + " --raster-plot " + (dir / (backend + ".png")).string() +
                         " --out " + (dir / (backend + "-a.csv")).string()),
        setup);
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_EQ(test::read_text(dir / (backend + ".png")).substr(0, 4), "\x89PNG");
    const io::NumericTable raster = io::read_numeric_csv((dir / (backend + ".csv")).string());
    size_t points = 0;
    for (const char* f : {"exc.dat", "inh.dat"}) {
      std::istringstream in(test::read_text(data / f));
      std::string line;
      while (std::getline(in, line)) points += !line.empty() && line[0] != '#' && line[0] != '-';
    }
    EXPECT_GT(raster.rows.size(), 0u);
    EXPECT_EQ(points, raster.rows.size()) << "one point per spike";
  }
  EXPECT_EQ(test::read_text(dir / "functional.csv"), test::read_text(dir / "systemc.csv"));
}

// --membrane on the chip: v of the traced neurons after every inner step, the same on the RTL
// core's chip; the functional backend refuses it and writes nothing.
TEST(SimulateCli, MembraneTracesComeFromTheChip) {
  const test::ScratchDir dir("sim_membrane");
  const std::string trace = make_trace(dir, 6, 11);
  const std::string base = "simulate --trace " + trace + " --rho-const 0.5 --seed 3 --d-out 3 --trace-neurons 0,200 ";
  for (const std::string backend : {"systemc", "rtl"}) {
    const auto r = test::run_ecsim(
        base + "--backend " + backend + " --membrane " + (dir / (backend + ".m.csv")).string() + " --membrane-plot " +
        (dir / (backend + ".m.png")).string() + " --out " + (dir / (backend + ".csv")).string());
    ASSERT_EQ(r.code, 0) << r.output;
  }
  const io::NumericTable m = io::read_numeric_csv((dir / "systemc.m.csv").string());
  EXPECT_EQ(m.rows.size(), 6u * 33 * 2) << "two neurons, 33 inner steps, 6 env steps";
  EXPECT_EQ(test::read_text(dir / "systemc.m.csv"), test::read_text(dir / "rtl.m.csv"));
  EXPECT_EQ(test::read_text(dir / "systemc.m.png").substr(0, 4), "\x89PNG");
  const auto f =
      test::run_ecsim(base + "--membrane " + (dir / "f.m.csv").string() + " --out " + (dir / "f.csv").string());
  EXPECT_EQ(f.code, 2);
  EXPECT_NE(f.output.find("--membrane and --membrane-plot need --backend systemc"), std::string::npos) << f.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "f.csv"));
  const auto out_of_range = test::run_ecsim("simulate --trace " + trace +
                                            " --rho-const 0.5 --d-out 3 --backend systemc --trace-neurons 999 "
                                            "--membrane " +
                                            (dir / "o.m.csv").string() + " --out " + (dir / "o.csv").string());
  EXPECT_EQ(out_of_range.code, 2);
  EXPECT_NE(out_of_range.output.find("neuron 999 is outside the network"), std::string::npos) << out_of_range.output;
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
  expect_same_actions(dir / "f.csv", dir / "c.csv");
  const io::NumericTable b = io::read_numeric_csv((dir / "c.csv").string());
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
  test::write_text(dir / "textobs.csv", "step,obs_0,obs_1,reason\n0,1,2,none\n1,3,none,unhealthy\n");
  const std::vector<Case> cases = {
      {"simulate --trace " + trace + out, "exactly one network source"},
      {"simulate --trace " + trace + " --rho-const 0.5" + out, "--d-out is required"},
      {"simulate --trace " + trace + " --rho-const 1.5 --d-out 2" + out, "not a probability"},
      {"simulate --trace " + (dir / "nope.csv").string() + " --rho-const 0.5 --d-out 2" + out, "cannot open"},
      {"simulate --trace " + (dir / "ragged.csv").string() + " --rho-const 0.5 --d-out 2" + out,
       "values but the header has"},
      {"simulate --trace " + (dir / "noobs.csv").string() + " --rho-const 0.5 --d-out 2" + out,
       "no observation columns"},
      {"simulate --trace " + (dir / "textobs.csv").string() + " --rho-const 0.5 --d-out 2" + out,
       "textobs.csv:3: column 'obs_1': 'none' is not a number"},
      {"simulate --trace " + trace + " --rho-const 0.5 --d-out 2 --state-bits 99" + out, "state_bits"},
      {"simulate --trace " + trace + " --rho-const 0.5 --d-out 2 --neurons 1" + out, "out of range"},
      // the one arithmetic check names every field the chip fixes, not only a few of them
      {"simulate --trace " + trace + " --rho-const 0.5 --d-out 2 --backend systemc --action-frac-bits 11" + out,
       "the width flags contradict chip config"},
      {"simulate --trace " + trace + " --rho-const 0.5 --d-out 2 --backend systemc --action-frac-bits 11" + out,
       "--action-frac-bits 11 (the chip's: 12)"},
      {"simulate --trace " + trace + " --rho-const 0.5 --d-out 2 --chip " + std::string(ECSIM_SOURCE_DIR) +
           "/configs/chip_default.json --state-bits 15 --rate-bits 15" + out,
       "--state-bits 15 (the chip's: 16), --rate-bits 15 (the chip's: 16)"},
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

namespace {

// the cells of column `col` of a CSV, as text (both writers use the shortest round-trip form)
std::vector<std::string> text_column(const std::string& csv, const std::string& col) {
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = io::split_csv_line(line);
  const size_t at = static_cast<size_t>(std::find(header.begin(), header.end(), col) - header.begin());
  std::vector<std::string> out;
  if (at == header.size()) return out;
  while (std::getline(in, line)) out.push_back(io::split_csv_line(line).at(at));
  return out;
}

std::string chip_config(const std::string& name) { return std::string(ECSIM_SOURCE_DIR) + "/configs/" + name; }

}  // namespace

// A filter reads only the columns it keeps, strictly; the others may hold text. Rows still need
// one cell per header column.
TEST(SimulateCli, TheTraceReaderSkipsColumnsItDoesNotKeep) {
  const auto obs = [](const std::string& c) { return c.rfind("obs_", 0) == 0; };
  const io::NumericTable t =
      io::parse_numeric_csv("step,obs_0,obs_1,act_0,reason\n0,1.5,nan,0.25,none\n1,-2,3,x,unhealthy\n", "t.csv",
                            /*allow_nan=*/true, obs);
  EXPECT_EQ(t.columns, (std::vector<std::string>{"obs_0", "obs_1"}));
  EXPECT_EQ(t.ignored, (std::vector<std::string>{"step", "act_0", "reason"}));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[1], (std::vector<double>{-2.0, 3.0}));
  EXPECT_TRUE(std::isnan(t.rows[0][1]));
  const auto error_of = [&](const std::string& text) {
    try {
      io::parse_numeric_csv(text, "t.csv", true, obs);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(
      error_of("step,obs_0,reason\n0,1,none\n1,none,none\n").find("t.csv:3: column 'obs_0': 'none' is not a number"),
      0u);
  EXPECT_NE(error_of("step,obs_0,reason\n0,1\n").find("2 values but the header has 3 columns"), std::string::npos);
  // without a filter, every column is a number, as before
  EXPECT_THROW(io::parse_numeric_csv("obs_0,reason\n1,none\n", "t.csv", true), Error);
  EXPECT_EQ(
      io::describe_columns({"step", "obs_0", "obs_1", "obs_2", "act_0", "act_1", "reward_ctrl", "x9", "x10", "act_3"}),
      "step, obs_0..obs_2, act_0, act_1, reward_ctrl, x9, x10, act_3");
  EXPECT_EQ(io::describe_columns({}), "");
}

// The rollout → simulate workflow: a rollout's trajectory is the trace as it is (raw observations,
// the policy's normalizer applied by simulate), and simulate's actions are rollout's, bit for bit,
// on the functional and the SystemC backends (hopper's ctrl range is ±1, so act_k = a_k).
TEST(SimulateCli, APolicyOnItsRolloutGivesTheRolloutsActions) {
  const test::ScratchDir dir("sim_policy");
  const std::string run = (dir / "run").string(), traj = (dir / "traj.csv").string();
  auto tr = test::run_ecsim(
      "train --task hopper --neurons 64 --pop 8 --generations 2 --max-steps 60 --eval-episodes "
      "2 --no-plot --progress never --seed 4 --out " +
      run);
  ASSERT_EQ(tr.code, 0) << tr.output;
  auto ro = test::run_ecsim("rollout --task hopper --seed 3 --policy " + run + " --out " + traj);
  ASSERT_EQ(ro.code, 0) << ro.output;
  const std::string rollout = test::read_text(traj);
  const size_t rows = text_column(rollout, "act_0").size();
  ASSERT_GT(rows, 5u);
  for (const std::string backend : {"functional", "systemc"}) {
    const std::string acts = (dir / ("acts_" + backend + ".csv")).string();
    auto s = test::run_ecsim("simulate --policy " + run + " --trace " + traj + " --seed 3 --backend " + backend +
                             " --out " + acts);
    ASSERT_EQ(s.code, 0) << s.output;
    const std::string sim = test::read_text(acts);
    for (const std::string col : {"act_0", "act_1", "act_2"}) {
      const std::vector<std::string> want = text_column(rollout, col), got = text_column(sim, col);
      EXPECT_EQ(got.size(), rows) << backend;
      EXPECT_TRUE(got == want) << backend << " " << col;
    }
    EXPECT_NE(s.output.find("trace     " + traj + ": " + std::to_string(rows) +
                            " rows, obs_0..obs_10; ignored columns: step, act_0..act_2, reward_forward, reward_ctrl, "
                            "reward_healthy, reward, terminated, truncated, reason, x_position, qpos_0..qpos_5, "
                            "qvel_0..qvel_5, spikes\n"),
              std::string::npos)
        << s.output;
    EXPECT_NE(s.output.find("v(0) from seed 3"), std::string::npos) << s.output;
  }
  // the image directory and its policy.json are the same policy; another episode seed is another v(0)
  auto img = test::run_ecsim("simulate --policy " + run + "/policy/policy.json --trace " + traj +
                             " --task hopper --seed 3 --out " + (dir / "img.csv").string());
  ASSERT_EQ(img.code, 0) << img.output;
  EXPECT_EQ(test::read_text(dir / "img.csv"), test::read_text(dir / "acts_functional.csv"));
  auto other = test::run_ecsim("simulate --policy " + run + " --trace " + traj + " --seed 4 --out " +
                               (dir / "other.csv").string());
  ASSERT_EQ(other.code, 0) << other.output;
  EXPECT_NE(test::read_text(dir / "other.csv"), test::read_text(dir / "acts_functional.csv"));

  // --policy is one network source, and it fixes the network
  const std::string base = "simulate --policy " + run + " --trace " + traj + " --out " + (dir / "x.csv").string();
  struct Case {
    std::string extra, needle;
  };
  const std::vector<Case> cases = {
      {" --rho-const 0.5", "exactly one network source"},
      {" --theta " + run + "/policy/theta.bin", "exactly one network source"},
      {" --neurons 128 --state-bits 14", "--neurons 128 (the policy's: 64), --state-bits 14 (the policy's: 16)"},
      {" --d-out 2", "--d-out 2 (the policy's: 3)"},
      {" --task walker2d", "task walker2d has 17 observations"},
      {" --task humanoid", "but task humanoid has"},
  };
  for (const Case& c : cases) {
    const auto r = test::run_ecsim(base + c.extra);
    EXPECT_EQ(r.code, 2) << c.extra << "\n" << r.output;
    EXPECT_NE(r.output.find(c.needle), std::string::npos) << c.extra << "\n" << r.output;
  }
  // an ES image holds dense float weights, which the chip does not run
  const std::string es = (dir / "es").string();
  ASSERT_EQ(test::run_ecsim("train --task hopper --method es --neurons 64 --pop 8 --generations 1 --max-steps 60 "
                            "--eval-episodes 2 --no-plot --progress never --out " +
                            es)
                .code,
            0);
  auto e = test::run_ecsim("simulate --policy " + es + " --trace " + traj + " --out " + (dir / "x.csv").string());
  EXPECT_EQ(e.code, 2) << e.output;
  EXPECT_NE(e.output.find("is an ES image"), std::string::npos) << e.output;
  EXPECT_NE(e.output.find("fix: run it with `ecsim eval"), std::string::npos) << e.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "x.csv"));
}

// --task sets d_in and d_out; a trace of another size is an error naming both. --seed defaults to 1.
TEST(SimulateCli, TaskSetsTheShapeAndTheSeedDefaultsToOne) {
  const test::ScratchDir dir("sim_task");
  const std::string trace = make_trace(dir, 6, 11);
  const std::string base = "simulate --trace " + trace + " --rho-const 0.5 ";
  auto a = test::run_ecsim(base + "--task hopper --out " + (dir / "a.csv").string());
  ASSERT_EQ(a.code, 0) << a.output;
  auto b = test::run_ecsim(base + "--d-out 3 --seed 1 --out " + (dir / "b.csv").string());
  ASSERT_EQ(b.code, 0) << b.output;
  EXPECT_EQ(test::read_text(dir / "a.csv"), test::read_text(dir / "b.csv"));
  EXPECT_EQ(a.output, b.output.substr(0, b.output.rfind("wrote")) + "wrote     " + (dir / "a.csv").string() + "\n");
  auto z = test::run_ecsim(base + "--d-out 3 --seed 0 --out " + (dir / "z.csv").string());
  ASSERT_EQ(z.code, 0) << z.output;
  EXPECT_NE(test::read_text(dir / "a.csv"), test::read_text(dir / "z.csv"));
  auto w = test::run_ecsim(base + "--task walker2d --out " + (dir / "w.csv").string());
  EXPECT_EQ(w.code, 2);
  EXPECT_NE(w.output.find(trace + " has 11 obs columns (obs_0..obs_10) but task walker2d has 17 observations"),
            std::string::npos)
      << w.output;
  auto d = test::run_ecsim(base + "--task hopper --d-out 2 --out " + (dir / "w.csv").string());
  EXPECT_EQ(d.code, 2);
  EXPECT_NE(d.output.find("--d-out 2 contradicts task hopper (3 actions)"), std::string::npos) << d.output;
  auto t = test::run_ecsim(base + "--task nosuchtask --out " + (dir / "w.csv").string());
  EXPECT_EQ(t.code, 2) << t.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "w.csv"));
}

// --raster on the chip backends: the same file as the functional backend's, byte for byte.
TEST(SimulateCli, TheChipBackendsWriteTheFunctionalRaster) {
  const test::ScratchDir dir("sim_raster");
  const std::string trace = make_trace(dir, 5, 11);
  const std::string base = "simulate --trace " + trace + " --rho-const 0.5 --seed 9 --d-out 3 ";
  auto f = test::run_ecsim(base + "--out " + (dir / "f.csv").string() + " --raster " + (dir / "f_r.csv").string());
  ASSERT_EQ(f.code, 0) << f.output;
  const std::string raster = test::read_text(dir / "f_r.csv");
  ASSERT_GT(std::count(raster.begin(), raster.end(), '\n'), 10);
  for (const std::string backend : {"systemc", "rtl"}) {
    auto c = test::run_ecsim(base + "--backend " + backend + " --out " + (dir / (backend + ".csv")).string() +
                             " --raster " + (dir / (backend + "_r.csv")).string());
    ASSERT_EQ(c.code, 0) << c.output;
    EXPECT_EQ(test::read_text(dir / (backend + "_r.csv")), raster) << backend;
    EXPECT_NE(c.output.find("wrote     " + (dir / (backend + ".csv")).string() + ", " +
                            (dir / (backend + "_r.csv")).string() + ", "),
              std::string::npos)
        << c.output;
  }
}

// A waveform window must start within the trace (checked before anything is written); one that
// ends past it is cut, and the summary says which steps the waveform holds.
TEST(SimulateCli, AVcdWindowPastTheTraceIsAnError) {
  const test::ScratchDir dir("sim_vcd_window");
  const std::string trace = make_trace(dir, 4, 11);
  const std::string base = "simulate --trace " + trace + " --rho-const 0.5 --seed 2 --d-out 3 --backend systemc ";
  const std::set<std::string> before = test::dir_entries(dir.path());
  for (const char* window : {"4:4", "7:9"}) {
    auto r = test::run_ecsim(base + "--vcd " + (dir / "w.vcd").string() + " --vcd-steps " + window + " --out " +
                             (dir / "o.csv").string());
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("--vcd-steps " + std::string(window) + " starts past the trace's end: " + trace +
                            " has 4 env steps (0..3)"),
              std::string::npos)
        << r.output;
  }
  EXPECT_EQ(test::dir_entries(dir.path()), before) << "nothing is written";
  auto part = test::run_ecsim(base + "--vcd " + (dir / "w.vcd").string() + " --vcd-steps 2:9 --out " +
                              (dir / "o.csv").string());
  ASSERT_EQ(part.code, 0) << part.output;
  EXPECT_NE(part.output.find("waveform  env steps 2..3 of 0..3 in " + (dir / "w.vcd").string() +
                             " (--vcd-steps 2:9 ends past the trace)\n"),
            std::string::npos)
      << part.output;
  EXPECT_NE(test::read_text(dir / "w.vcd").find("$scope module controller"), std::string::npos);
  auto inside = test::run_ecsim(base + "--vcd " + (dir / "v.vcd").string() + " --vcd-steps 0:1 --out " +
                                (dir / "p.csv").string());
  ASSERT_EQ(inside.code, 0) << inside.output;
  EXPECT_NE(inside.output.find("waveform  env steps 0..1 of 0..3 in " + (dir / "v.vcd").string() + "\n"),
            std::string::npos)
      << inside.output;
}

// With a chip and no width flag, simulate runs the chip's widths (functional and chip backends);
// only a width flag that contradicts the chip is an error, naming the flag and the chip's value.
TEST(SimulateCli, AChipSetsTheWidthsNoFlagSets) {
  const test::ScratchDir dir("sim_chip_widths");
  const std::string trace = make_trace(dir, 6, 11);
  std::string cfg = test::read_text(chip_config("chip_default.json"));
  const size_t at = cfg.find("\"state_bits\": 16");
  ASSERT_NE(at, std::string::npos);
  cfg.replace(at, 16, "\"state_bits\": 14");
  const std::string c14 = (dir / "c14.json").string();
  test::write_text(c14, cfg);
  const std::string base = "simulate --trace " + trace + " --rho-const 0.5 --seed 4 --d-out 3 ";
  auto flag = test::run_ecsim(base + "--state-bits 14 --out " + (dir / "flag.csv").string());
  ASSERT_EQ(flag.code, 0) << flag.output;
  auto plain = test::run_ecsim(base + "--out " + (dir / "plain.csv").string());
  ASSERT_EQ(plain.code, 0) << plain.output;
  ASSERT_NE(test::read_text(dir / "flag.csv"), test::read_text(dir / "plain.csv")) << "the widths matter here";
  auto f = test::run_ecsim(base + "--chip " + c14 + " --out " + (dir / "f.csv").string());
  ASSERT_EQ(f.code, 0) << f.output;
  EXPECT_EQ(test::read_text(dir / "f.csv"), test::read_text(dir / "flag.csv"));
  EXPECT_NE(f.output.find("state=Q4.10(14b)"), std::string::npos) << f.output;
  auto same = test::run_ecsim(base + "--chip " + c14 + " --state-bits 14 --out " + (dir / "same.csv").string());
  ASSERT_EQ(same.code, 0) << same.output;
  auto s = test::run_ecsim(base + "--backend systemc --chip " + c14 + " --out " + (dir / "s.csv").string());
  ASSERT_EQ(s.code, 0) << s.output;
  const std::vector<std::string> want = text_column(test::read_text(dir / "flag.csv"), "act_0");
  EXPECT_TRUE(text_column(test::read_text(dir / "s.csv"), "act_0") == want);
  // the float32-weight chip has the default widths
  auto fl = test::run_ecsim(base + "--backend systemc --chip " + chip_config("chip_default_float32.json") + " --out " +
                            (dir / "fl.csv").string());
  ASSERT_EQ(fl.code, 0) << fl.output;
  EXPECT_TRUE(text_column(test::read_text(dir / "fl.csv"), "act_0") ==
              text_column(test::read_text(dir / "plain.csv"), "act_0"));
  for (const std::string backend : {"functional", "systemc"}) {
    auto bad = test::run_ecsim(base + "--backend " + backend + " --chip " + c14 + " --state-bits 16 --rate-bits 15" +
                               " --out " + (dir / "bad.csv").string());
    EXPECT_EQ(bad.code, 2) << bad.output;
    EXPECT_NE(bad.output.find("the width flags contradict chip config '" + c14 +
                              "': --state-bits 16 (the chip's: 14), --rate-bits 15 (the chip's: 16)"),
              std::string::npos)
        << bad.output;
    EXPECT_NE(bad.output.find("fix: drop --state-bits, --rate-bits"), std::string::npos) << bad.output;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "bad.csv"));
}

namespace {
// the number after the first `key` after `after` in text (-1 if absent)
long long number_in(const std::string& text, const std::string& key, const std::string& after = "") {
  const size_t from = text.find(after);
  const size_t at = from == std::string::npos ? from : text.find(key, from + after.size());
  return at == std::string::npos ? -1 : std::stoll(text.substr(at + key.size()));
}
}  // namespace

// --json: the summary as JSON, the same numbers as the text; --json - writes it alone to stdout.
TEST(SimulateCli, JsonSummaryHasTheTextsNumbers) {
  const test::ScratchDir dir("sim_json");
  const std::string trace = make_trace(dir, 7, 11);
  const std::string base = "simulate --trace " + trace + " --rho-const 0.5 --seed 6 --d-out 3 ";
  auto f = test::run_ecsim(base + "--chip " + chip_config("chip_default.json") + " --out " + (dir / "f.csv").string() +
                           " --json " + (dir / "f.json").string());
  ASSERT_EQ(f.code, 0) << f.output;
  EXPECT_NE(f.output.find("wrote     " + (dir / "f.csv").string() + " and " + (dir / "f.json").string() + "\n"),
            std::string::npos)
      << f.output;
  const boost::json::object fj = boost::json::parse(test::read_text(dir / "f.json")).as_object();
  const auto num = [](const boost::json::value& v) { return v.to_number<long long>(); };
  EXPECT_EQ(fj.at("format").as_string(), "ecsim-simulate");
  EXPECT_EQ(fj.at("backend").as_string(), "functional");
  EXPECT_EQ(num(fj.at("steps").at("env")), number_in(f.output, "steps     "));
  EXPECT_EQ(num(fj.at("steps").at("inner")), number_in(f.output, "env steps, "));
  EXPECT_EQ(num(fj.at("spikes").at("total")), number_in(f.output, "spikes    "));
  EXPECT_EQ(num(fj.at("spikes").at("exc")), number_in(f.output, "(E "));
  EXPECT_EQ(num(fj.at("spikes").at("inh")), number_in(f.output, ", I "));
  EXPECT_EQ(num(fj.at("counters").at("rec_synops")), number_in(f.output, "synops    rec "));
  EXPECT_EQ(num(fj.at("counters").at("syn_words_read")), number_in(f.output, "words     "));
  EXPECT_EQ(num(fj.at("synapses").at("present")), number_in(f.output, "synapses  "));
  EXPECT_EQ(num(fj.at("network").at("neurons")), 256);
  EXPECT_EQ(num(fj.at("chip").at("activity").at("noc_flits")), number_in(f.output, "NoC "));
  EXPECT_EQ(num(fj.at("chip").at("cores_used")), number_in(f.output, "the network uses "));

  auto s = test::run_ecsim(base + "--backend systemc --out " + (dir / "s.csv").string() + " --json " +
                           (dir / "s.json").string());
  ASSERT_EQ(s.code, 0) << s.output;
  const boost::json::object sj = boost::json::parse(test::read_text(dir / "s.json")).as_object();
  EXPECT_EQ(num(sj.at("cycles")), number_in(s.output, "cycles: total "));
  EXPECT_EQ(num(sj.at("energy").at("cycles")), number_in(s.output, "cycles: total "));
  EXPECT_EQ(num(sj.at("spikes").at("exc")), number_in(s.output, "spikes ", "events: "));
  EXPECT_EQ(num(sj.at("spikes").at("inh")), number_in(s.output, " E + ", "events: "));
  EXPECT_EQ(num(sj.at("hw").at("noc_flits")), number_in(s.output, "packets, "));
  EXPECT_EQ(num(sj.at("steps").at("env")), number_in(s.output, "events: "));
  EXPECT_EQ(sj.at("energy"), boost::json::parse(test::read_text(dir / "s.energy.json")));
  EXPECT_EQ(sj.at("chip").at("name").as_string(), "ecsim-4core-256");

  // to stdout: the JSON alone, the same as the file's
  auto o = test::run_ecsim(base + "--backend systemc --out " + (dir / "o.csv").string() + " --json -");
  ASSERT_EQ(o.code, 0) << o.output;
  boost::json::value oj;
  ASSERT_NO_THROW(oj = boost::json::parse(o.output)) << o.output;
  EXPECT_EQ(oj.at("cycles"), sj.at("cycles"));
  EXPECT_EQ(oj.at("energy"), sj.at("energy"));
  auto bad = test::run_ecsim(base + "--out " + (dir / "b.csv").string() + " --json " + dir.path().string());
  EXPECT_EQ(bad.code, 2) << bad.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "b.csv"));
}

// Every shipped chip, filled to its capacity: the cycles and counters are those the chip gave
// before its controller ran ahead of SystemC time (temporal decoupling), a run with a VCD
// waveform (every access waited for in lockstep) gives the same actions, cycles and counters, and
// the actions are the reference model's.
TEST(SimulateCli, EveryShippedChipKeepsItsCyclesWithAndWithoutAWaveform) {
  const test::ScratchDir dir("sim_lockstep");
  const std::string trace = make_trace(dir, 4, 11);
  struct Golden {
    const char* config;
    int neurons;
    long long cycles, register_accesses, cycles_inner, core_busy, core_idle;
  };
  for (const Golden& g : {Golden{"chip_default.json", 256, 67791, 1556, 38016, 163856, 17488},
                          Golden{"chip_default_float32.json", 256, 1130127, 1556, 1085568, 4413200, 17488},
                          Golden{"chip_16core_1024.json", 1024, 468207, 5972, 153648, 2388032, 334144},
                          Golden{"chip_64core_4096.json", 4096, 5367759, 23636, 670032, 37273856, 9010432}}) {
    SCOPED_TRACE(g.config);
    const std::string base = "simulate --trace " + trace + " --rho-const 0.5 --seed 5 --d-out 3 --neurons " +
                             std::to_string(g.neurons) + " --backend systemc --chip " + chip_config(g.config) + " ";
    auto a = test::run_ecsim(base + "--out " + (dir / "a.csv").string() + " --json " + (dir / "a.json").string());
    ASSERT_EQ(a.code, 0) << a.output;
    auto b = test::run_ecsim(base + "--vcd " + (dir / "b.vcd").string() + " --vcd-steps 0:3 --out " +
                             (dir / "b.csv").string() + " --json " + (dir / "b.json").string());
    ASSERT_EQ(b.code, 0) << b.output;
    EXPECT_EQ(test::read_text(dir / "a.csv"), test::read_text(dir / "b.csv"));
    // and the actions and spikes are the reference model's (the cores' datapath forms differ with
    // the chip's size: int8 or bit columns)
    std::string functional = base;
    functional.replace(functional.find("--backend systemc"), std::string("--backend systemc").size(),
                       "--backend functional");
    auto f = test::run_ecsim(functional + "--out " + (dir / "f.csv").string());
    ASSERT_EQ(f.code, 0) << f.output;
    expect_same_actions(dir / "f.csv", dir / "a.csv");
    const boost::json::object aj = boost::json::parse(test::read_text(dir / "a.json")).as_object(),
                              bj = boost::json::parse(test::read_text(dir / "b.json")).as_object();
    for (const char* key : {"cycles", "hw", "counters", "spikes", "energy"}) EXPECT_EQ(aj.at(key), bj.at(key)) << key;
    const auto num = [](const boost::json::value& v) { return v.to_number<long long>(); };
    EXPECT_EQ(num(aj.at("cycles")), g.cycles);
    EXPECT_EQ(num(aj.at("hw").at("register_accesses")), g.register_accesses);
    EXPECT_EQ(num(aj.at("hw").at("cycles_inner")), g.cycles_inner);
    EXPECT_EQ(num(aj.at("hw").at("core_busy_cycles")), g.core_busy);
    EXPECT_EQ(num(aj.at("hw").at("core_idle_cycles")), g.core_idle);
  }
}
