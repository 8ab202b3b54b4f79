// `ecsim rollout --policy` on every backend (closed loop on the chip) against `ecsim eval --json`:
// the same trajectory bit for bit on the reference model, the SystemC chip and the chip with the
// RTL core; the same spikes; per-step cycles and energy that sum to the episode's figures.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../common/cli.h"
#include "../common/csv_text.h"

using ecsim::test::read_text;
using Table = ecsim::test::CsvText;
using ecsim::test::run_ecsim;
namespace fs = std::filesystem;

namespace {

// a small trained run, made once for the suite
const fs::path& trained_run() {
  static const fs::path dir = [] {
    const fs::path d = ecsim::test::scratch_dir("rollout_chip") / "run";
    const auto r = run_ecsim(
        "train --task hopper --neurons 64 --pop 8 --generations 2 --max-steps 60 "
        "--eval-episodes 2 --no-plot --progress never --out " +
        d.string());
    EXPECT_EQ(r.code, 0) << r.output;
    return d;
  }();
  return dir;
}

boost::json::object json_of(const std::string& text) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(text, ec);
  EXPECT_FALSE(ec) << text;
  return ec ? boost::json::object{} : v.as_object();
}

}  // namespace

TEST(TrainRolloutChip, EveryBackendGivesOneTrajectoryWhoseStepsSumToTheEval) {
  const fs::path run = trained_run();
  const fs::path dir = run.parent_path();
  // the episode: the first of `ecsim eval --seed 1`, whose seed eval lists
  const auto ev = run_ecsim("eval " + run.string() + " --episodes 2 --max-steps 60 --backend systemc --json -");
  ASSERT_EQ(ev.code, 0) << ev.output;
  const boost::json::object e = json_of(ev.output);
  const boost::json::object& ep = e.at("episodes").as_array().at(0).as_object();
  const std::string seed = std::to_string(ep.at("seed").to_number<uint64_t>());

  std::map<std::string, Table> traj;
  for (const std::string b : {"functional", "systemc", "rtl"}) {
    SCOPED_TRACE(b);
    const std::string extra = b == "functional" ? " --chip configs/chip_default.json" : "";
    const auto r = run_ecsim("rollout --policy " + run.string() + " --seed " + seed + " --max-steps 60 --backend " + b +
                             extra + " --out " + (dir / (b + ".csv")).string() + " --raster " +
                             (dir / (b + ".raster.csv")).string() + " --raster-plot " +
                             (dir / (b + ".raster.png")).string() + " --json " + (dir / (b + ".json")).string());
    ASSERT_EQ(r.code, 0) << r.output;
    traj[b] = ecsim::test::read_csv_text(dir / (b + ".csv"));
    const boost::json::object js = json_of(read_text(dir / (b + ".json")));
    EXPECT_EQ(js.at("return").to_number<double>(), ep.at("return").to_number<double>())
        << "the rollout is the eval's episode " << r.output;
    EXPECT_EQ(js.at("steps").to_number<uint64_t>(), ep.at("steps").to_number<uint64_t>());
  }
  const Table& f = traj["functional"];
  const Table& s = traj["systemc"];
  ASSERT_FALSE(f.rows.empty());
  ASSERT_EQ(f.rows.size(), s.rows.size());
  // every column the functional backend writes (all but chip_cycles) is the chip's, bit for bit,
  // but for the leakage, which needs the chip's time
  for (const std::string& name : f.header)
    for (size_t k = 0; k < f.rows.size() && name != "static_pj"; ++k)
      ASSERT_EQ(f.rows[k][f.col(name)], s.rows[k][s.col(name)]) << "column " << name << ", step " << k;
  // the RTL core's chip: the same file, cycles and energy included
  EXPECT_EQ(read_text(dir / "systemc.csv"), read_text(dir / "rtl.csv"));
  // the same spikes on every backend, and some
  const std::string raster = read_text(dir / "functional.raster.csv");
  EXPECT_GT(std::count(raster.begin(), raster.end(), '\n'), 10);
  EXPECT_EQ(raster, read_text(dir / "systemc.raster.csv"));
  EXPECT_EQ(raster, read_text(dir / "rtl.raster.csv"));
  for (const std::string b : {"functional", "systemc", "rtl"})  // the raster's picture
    EXPECT_EQ(read_text(dir / (b + ".raster.png")).substr(0, 4), "\x89PNG") << b;
  // the steps sum to the episode: cycles exactly, energy to rounding
  EXPECT_EQ(static_cast<uint64_t>(s.sum("chip_cycles")), ep.at("chip_cycles").to_number<uint64_t>());
  EXPECT_NEAR(s.sum("dynamic_pj"), ep.at("dynamic_pj").to_number<double>(), 1e-9 * s.sum("dynamic_pj"));
  EXPECT_NEAR(s.sum("static_pj"), ep.at("static_pj").to_number<double>(), 1e-9 * s.sum("static_pj"));
  EXPECT_GT(s.sum("static_pj"), 0);
  EXPECT_EQ(f.sum("static_pj"), 0) << "no cycles on the functional backend, so no leakage";
}

// The raster's picture: its size, and drawn from exactly the spikes --raster writes and the actions
// of the trajectory.
TEST(TrainRolloutChip, TheRasterPictureShowsTheRastersSpikesAndTheActions) {
  const fs::path run = trained_run();
  const fs::path dir = run.parent_path();
  const fs::path data = dir / "plot-data";
  fs::create_directories(data);
  ecsim::test::ChildSetup setup;
  setup.env = {{"ECSIM_TEST_PLOT_DATA_DIR", data.string()}};
  const auto r = ecsim::test::run_program(
      ecsim::test::split_args(std::string(ECSIM_BINARY) + " rollout --policy " + run.string() +
                              " --max-steps 30 --raster " + (dir / "p.csv").string() + " --raster-plot " +
                              (dir / "p.png").string() + " --out " + (dir / "pt.csv").string()),
      setup);
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string png = read_text(dir / "p.png");
  ASSERT_GE(png.size(), 24u);
  const auto be32 = [&](size_t at) {
    return (static_cast<uint32_t>(static_cast<unsigned char>(png[at])) << 24) |
           (static_cast<uint32_t>(static_cast<unsigned char>(png[at + 1])) << 16) |
           (static_cast<uint32_t>(static_cast<unsigned char>(png[at + 2])) << 8) |
           static_cast<uint32_t>(static_cast<unsigned char>(png[at + 3]));
  };
  EXPECT_EQ(be32(16), 1200u) << "PNG width";
  EXPECT_EQ(be32(20), 900u) << "PNG height (raster, spikes per step, actions)";
  // every spike of the CSV is a point of the picture's data, at t = (env_step·T + inner_step)·dt
  const Table csv = ecsim::test::read_csv_text(dir / "p.csv");
  std::multiset<std::pair<double, int>> from_csv, from_plot;
  for (const auto& row : csv.rows)
    from_csv.insert({(std::stod(row[0]) * 33 + std::stod(row[1])) * 0.5, std::stoi(row[2])});
  for (const char* f : {"exc.dat", "inh.dat"}) {
    std::istringstream in(read_text(data / f));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      double t = 0;
      int j = 0;
      std::istringstream(line) >> t >> j;
      if (j >= 0) from_plot.insert({t, j});
    }
  }
  EXPECT_FALSE(from_csv.empty());
  EXPECT_EQ(from_plot, from_csv);
  // the actions panel: the trajectory's act_0 per step
  const Table traj = ecsim::test::read_csv_text(dir / "pt.csv");
  std::istringstream act(read_text(data / "act.dat"));
  std::string line;
  std::getline(act, line);  // header
  for (size_t k = 0; k < traj.rows.size(); ++k) {
    ASSERT_TRUE(std::getline(act, line));
    double t = 0, a0 = 0;
    std::istringstream(line) >> t >> a0;
    EXPECT_DOUBLE_EQ(t, static_cast<double>(k) * 33 * 0.5);
    EXPECT_DOUBLE_EQ(a0, std::stod(traj.rows[k][traj.col("act_0")]));
  }
}

// --membrane: v of the traced neurons after every inner step, from the chip, in both units; the
// reference model keeps no per-inner-step state, so the functional backend refuses it.
TEST(TrainRolloutChip, MembraneTracesComeFromTheChip) {
  const fs::path run = trained_run();
  const fs::path dir = run.parent_path();
  const auto r =
      run_ecsim("rollout --policy " + run.string() + " --backend systemc --max-steps 20 --trace-neurons 0,40 " +
                "--membrane " + (dir / "m.csv").string() + " --membrane-plot " + (dir / "m.png").string() + " --out " +
                (dir / "mt.csv").string());
  ASSERT_EQ(r.code, 0) << r.output;
  const Table m = ecsim::test::read_csv_text(dir / "m.csv");
  const size_t steps = ecsim::test::read_csv_text(dir / "mt.csv").rows.size();
  ASSERT_EQ(m.rows.size(), steps * 33 * 2) << "two neurons, 33 inner steps per env step";
  std::set<std::string> values;
  for (const auto& row : m.rows) {
    EXPECT_TRUE(row[m.col("neuron")] == "0" || row[m.col("neuron")] == "40");
    EXPECT_EQ(std::stod(row[m.col("v")]), std::ldexp(std::stod(row[m.col("v_q")]), -10));
    values.insert(row[m.col("v_q")]);
  }
  EXPECT_GT(values.size(), 10u) << "the potential moves";
  EXPECT_EQ(read_text(dir / "m.png").substr(0, 4), "\x89PNG");
  const auto fun = run_ecsim("rollout --policy " + run.string() + " --trace-neurons 0 --membrane " +
                             (dir / "mf.csv").string() + " --out " + (dir / "mf-t.csv").string());
  EXPECT_EQ(fun.code, 2);
  EXPECT_NE(fun.output.find("--membrane and --membrane-plot need --backend systemc"), std::string::npos) << fun.output;
  EXPECT_FALSE(fs::exists(dir / "mf-t.csv"));
  const auto none = run_ecsim("rollout --policy " + run.string() + " --backend systemc --membrane " +
                              (dir / "mn.csv").string() + " --out " + (dir / "mn-t.csv").string());
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.output.find("add --trace-neurons"), std::string::npos) << none.output;
}

TEST(TrainRolloutChip, WaveformOfTheWindowAndAnEmptyWindowIsAnError) {
  const fs::path run = trained_run();
  const fs::path dir = run.parent_path();
  const auto r = run_ecsim("rollout --policy " + run.string() + " --backend systemc --vcd " + (dir / "w").string() +
                           " --vcd-steps 1:2 --trace-neurons 0,5 --out " + (dir / "w.csv").string());
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string vcd = read_text(dir / "w.vcd");
  EXPECT_NE(vcd.find("$enddefinitions"), std::string::npos);
  EXPECT_NE(vcd.find("$scope module neuron_5"), std::string::npos) << "the traced neuron";
  // a window after the episode's end: an error, and no waveform
  const size_t steps = ecsim::test::read_csv_text(dir / "w.csv").rows.size();
  fs::remove(dir / "late.vcd");
  const std::string late = std::to_string(steps + 5) + ":" + std::to_string(steps + 9);
  const auto bad =
      run_ecsim("rollout --policy " + run.string() + " --backend systemc --max-steps 60 --vcd " +
                (dir / "late.vcd").string() + " --vcd-steps " + late + " --out " + (dir / "late.csv").string());
  EXPECT_EQ(bad.code, 2) << bad.output;
  EXPECT_NE(bad.output.find("before the window"), std::string::npos) << bad.output;
  EXPECT_FALSE(fs::exists(dir / "late.vcd"));
  EXPECT_FALSE(fs::exists(dir / "late.csv"));
  const auto past = run_ecsim("rollout --policy " + run.string() + " --backend systemc --max-steps 60 --vcd " +
                              (dir / "late.vcd").string() + " --vcd-steps 60:61 --out " + (dir / "late.csv").string());
  EXPECT_EQ(past.code, 2) << past.output;
  EXPECT_NE(past.output.find("starts after the episode's last possible step (59)"), std::string::npos) << past.output;
  // waveforms come from the chip
  const auto fun = run_ecsim("rollout --policy " + run.string() + " --vcd " + (dir / "f.vcd").string() + " --out " +
                             (dir / "f.csv").string());
  EXPECT_EQ(fun.code, 2);
  EXPECT_NE(fun.output.find("--vcd needs --backend systemc"), std::string::npos) << fun.output;
}

TEST(TrainRolloutChip, EvalJsonAgreesWithItsText) {
  const fs::path run = trained_run();
  const auto text = run_ecsim("eval " + run.string() + " --episodes 3 --max-steps 60");
  const auto json = run_ecsim("eval " + run.string() + " --episodes 3 --max-steps 60 --json -");
  ASSERT_EQ(text.code, 0) << text.output;
  ASSERT_EQ(json.code, 0) << json.output;
  const boost::json::object js = json_of(json.output);
  char mean[64];
  std::snprintf(mean, sizeof mean, "return %.2f", js.at("return_mean").to_number<double>());
  EXPECT_NE(text.output.find(mean), std::string::npos) << text.output << json.output;
  EXPECT_EQ(js.at("episodes").as_array().size(), 3u);
  EXPECT_FALSE(js.contains("energy")) << "the functional backend without --chip counts no chip";
  // with --chip and a table: energy, the same as the chip's dynamic energy
  const auto counted = run_ecsim("eval " + run.string() +
                                 " --episodes 3 --max-steps 60 --chip configs/chip_default.json --energy-table "
                                 "configs/energy_7nm.json --json -");
  const auto chip = run_ecsim("eval " + run.string() +
                              " --episodes 3 --max-steps 60 --backend systemc --energy-table configs/energy_7nm.json "
                              "--json -");
  ASSERT_EQ(counted.code, 0) << counted.output;
  ASSERT_EQ(chip.code, 0) << chip.output;
  const auto ce = json_of(counted.output).at("energy").as_object(), se = json_of(chip.output).at("energy").as_object();
  EXPECT_EQ(ce.at("technology"), se.at("technology"));
  EXPECT_DOUBLE_EQ(ce.at("dynamic_pj").to_number<double>(), se.at("dynamic_pj").to_number<double>());
  const auto bad = run_ecsim("eval " + run.string() + " --energy-table configs/energy_7nm.json");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.output.find("--energy-table needs counted chip activity"), std::string::npos) << bad.output;
}
