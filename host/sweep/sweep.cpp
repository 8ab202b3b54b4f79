#include "sweep/sweep.h"

#include <atomic>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "common/error.h"
#include "common/fields.h"
#include "common/file.h"
#include "common/thread_group.h"
#include "energy/energy_table.h"
#include "io/atomic_file.h"
#include "io/plot.h"
#include "sweep/child.h"
#include "sweep/grid.h"
#include "tasks/env.h"
#include "train/trainer.h"

namespace json = boost::json;
namespace fs = std::filesystem;

namespace ecsim::sweep {

namespace {

std::string csv_cell(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch == '\n' ? ' ' : ch);
  return out + "\"";
}

std::string num(double v) { return std::isnan(v) ? "" : number_text(v); }
std::string dat_num(double v) { return std::isnan(v) ? "NaN" : number_text(v); }

// Gaussian observations, the same for every point
std::string observation_trace(const SweepConfig& cfg, int obs_size) {
  std::mt19937_64 g(cfg.seed);
  std::normal_distribution<double> n(0.0, 1.0);
  std::ostringstream t;
  for (int i = 0; i < obs_size; ++i) t << (i ? "," : "") << "obs_" << i;
  t << "\n";
  for (int r = 0; r < cfg.max_steps; ++r) {
    for (int i = 0; i < obs_size; ++i) t << (i ? "," : "") << number_text(n(g));
    t << "\n";
  }
  return t.str();
}

// cycles and energy of a point's finished simulation
void read_simulation(const SweepConfig& cfg, const fs::path& dir, PointResult& r) {
  const json::object e = json::parse(read_file((dir / "actions.energy.json").string(), "energy report")).as_object();
  const double env_steps = e.at("env_steps").to_number<double>();
  // cycles per env step from the per-step column (without the one-time loading)
  std::istringstream acts(read_file((dir / "actions.csv").string(), "actions"));
  std::string line;
  std::getline(acts, line);
  double cyc = 0, rows = 0;
  while (std::getline(acts, line)) {
    cyc += std::strtod(line.substr(line.rfind(',') + 1).c_str(), nullptr);
    ++rows;
  }
  r.cycles_per_step = rows ? cyc / rows : NAN;
  r.energy_per_step_nj = e.at("total_pj").to_number<double>() / env_steps * 1e-3;
  r.energy_per_generation_mj =
      r.energy_per_step_nj * 1e-6 * static_cast<double>(cfg.pop) * static_cast<double>(cfg.horizon);
}

PointResult run_point(const SweepConfig& cfg, const json::object& point_cfg, const fs::path& dir, int act_size) {
  PointResult r;
  fs::create_directories(dir);
  io::write_file_atomic((dir / "chip.json").string(), json::serialize(point_cfg) + "\n");
  try {
    const chip::ChipConfig c = chip::load_chip_config((dir / "chip.json").string());
    r.sram_bits = static_cast<double>(c.cores) *
                  static_cast<double>(c.synapse_sram.bits() + c.rho_sram.bits() + c.state_sram.bits());
    const ChildExit sim = run_logged(simulate_args(cfg, c, dir.string(), act_size), (dir / "simulate.log").string());
    if (!sim.failure.empty()) {
      r.status = sim.code == 2 ? "invalid" : "failed";
      r.error = sim.failure + ": " + first_error_line((dir / "simulate.log").string());
    } else {
      read_simulation(cfg, dir, r);
    }
    if (cfg.train_generations > 0 && r.status == "ok") {
      fs::remove_all(dir / "train");
      const ChildExit tr = run_logged(train_args(cfg, c, dir.string()), (dir / "train.log").string());
      if (!tr.failure.empty()) {
        r.status = "train failed";
        r.error = tr.failure + ": " + first_error_line((dir / "train.log").string());
      } else {
        const train::MetricsTable m = train::read_metrics((dir / "train").string());
        if (!m.rows.empty()) r.eval_return = m.rows.back()[m.column("eval_mean")];
      }
    }
  } catch (const std::exception& e) {
    r.status = "invalid";
    r.error = e.what();
  }
  return r;
}

std::string results_csv(const std::vector<Axis>& axes, const std::vector<std::vector<double>>& points,
                        const std::vector<PointResult>& results) {
  std::ostringstream csv;
  csv << "point";
  for (const Axis& a : axes) csv << ',' << a.name;
  csv << ",status,cycles_per_env_step,energy_per_env_step_nj,energy_per_generation_mj,sram_bits,eval_return,error\n";
  for (size_t k = 0; k < points.size(); ++k) {
    const PointResult& r = results[k];
    csv << k;
    for (double v : points[k]) csv << ',' << number_text(v);
    csv << ',' << csv_cell(r.status) << ',' << num(r.cycles_per_step) << ',' << num(r.energy_per_step_nj) << ','
        << num(r.energy_per_generation_mj) << ',' << num(r.sram_bits) << ',' << num(r.eval_return) << ','
        << csv_cell(r.error) << '\n';
  }
  return csv.str();
}

// the results against the point index (its settings as tick labels); "" when drawn, else why not
std::string plot_results(const SweepConfig& cfg, const std::vector<Axis>& axes,
                         const std::vector<std::vector<double>>& points, const std::vector<PointResult>& results,
                         const std::string& png) {
  std::ostringstream dat;
  for (size_t k = 0; k < points.size(); ++k) {
    const PointResult& r = results[k];
    dat << k << " \"" << point_label(axes, points[k]) << "\" " << dat_num(r.cycles_per_step) << ' '
        << dat_num(r.energy_per_generation_mj) << ' ' << dat_num(r.sram_bits) << ' ' << dat_num(r.eval_return) << '\n';
  }
  const bool train = cfg.train_generations > 0;
  std::ostringstream gp;
  gp << "set terminal pngcairo noenhanced size 1200," << (train ? 1000 : 800) << "\nset output \"" << io::kPlotOutput
     << "\"\n"
     << "set multiplot layout " << (train ? 4 : 3) << ",1 title "
     << io::gnuplot_quote("ecsim sweep (" + cfg.task + ", N = " + std::to_string(cfg.neurons) + ")") << "\n"
     << "set style data linespoints\nset grid\nset xtics rotate by -20 font ',8'\nunset key\n"
     << "set ylabel 'cycles / env step'\nplot 'sweep.dat' using 1:3:xtic(2) pt 7\n"
     << "set ylabel 'energy / generation (mJ)'\nplot 'sweep.dat' using 1:4:xtic(2) pt 7\n"
     << "set ylabel 'SRAM bits'\nplot 'sweep.dat' using 1:5:xtic(2) pt 7\n";
  if (train) gp << "set ylabel 'eval return'\nplot 'sweep.dat' using 1:6:xtic(2) pt 7\n";
  gp << "unset multiplot\n";
  return io::plot_png(png, gp.str(), {{"sweep.dat", dat.str()}});
}

}  // namespace

void SweepConfig::validate() const {
  if (out.empty()) throw Error("ecsim sweep needs --out DIR", "e.g. --out runs/sweep-cores");
  if (params.empty() && grid_file.empty())
    throw Error("ecsim sweep needs at least one --param or a --grid-file", "e.g. --param cores=1,2,4");
  if (threads < 1 || threads > 256) throw Error("--threads must be in [1, 256]", "e.g. --threads 2");
  if (max_steps < 1 || pop < 1 || horizon < 1 || train_generations < 0)
    throw Error("--max-steps, --pop and --horizon must be >= 1 and --train-generations >= 0", "e.g. --max-steps 20");
  // the points read the trace (up to 18 bytes per value): Humanoid's 376 observations stay below
  // the 1 GiB file limit
  constexpr int kMaxSteps = 100000;
  if (max_steps > kMaxSteps)
    throw Error("--max-steps " + std::to_string(max_steps) + " is above ecsim's limit of " + std::to_string(kMaxSteps) +
                    " (every point reads a trace of that many rows)",
                "lower --max-steps to " + std::to_string(kMaxSteps) + " or less");
  if (!(rho_const >= 0 && rho_const <= 1)) throw Error("--rho-const must be in [0, 1]", "e.g. --rho-const 0.5");
}

std::vector<std::string> arith_args(const SweepConfig& cfg, const chip::ChipConfig& chip) {
  std::vector<std::string> a{"--neurons", std::to_string(cfg.neurons)};
  ref::ArithConfig arith = chip.arith;
  arith.syn_word_bits = chip.synapse_sram.word_bits;  // the chip's synapse words
  fields::for_each_leaf(arith, [&](const std::string&, const fields::Info& info, const auto& value) {
    a.push_back("--" + info.flag());
    a.push_back(std::to_string(value));
  });
  return a;
}

std::vector<std::string> simulate_args(const SweepConfig& cfg, const chip::ChipConfig& chip,
                                       const std::string& point_dir, int act_size) {
  const fs::path dir(point_dir);
  std::vector<std::string> a{cfg.ecsim,     "simulate",
                             "--backend",   "systemc",
                             "--chip",      (dir / "chip.json").string(),
                             "--trace",     (fs::path(cfg.out) / "trace.csv").string(),
                             "--rho-const", number_text(cfg.rho_const),
                             "--seed",      std::to_string(cfg.seed),
                             "--d-out",     std::to_string(act_size)};
  if (!cfg.energy_table.empty()) a.insert(a.end(), {"--energy-table", cfg.energy_table});
  for (std::string& s : arith_args(cfg, chip)) a.push_back(std::move(s));
  a.insert(a.end(), {"--out", (dir / "actions.csv").string()});
  return a;
}

std::vector<std::string> train_args(const SweepConfig& cfg, const chip::ChipConfig& chip,
                                    const std::string& point_dir) {
  std::vector<std::string> a{cfg.ecsim,       "train",
                             "--task",        cfg.task,
                             "--pop",         std::to_string(cfg.pop),
                             "--generations", std::to_string(cfg.train_generations),
                             "--seed",        std::to_string(cfg.seed),
                             "--threads",     "1",
                             "--no-plot",     "--progress",
                             "never"};
  for (std::string& s : arith_args(cfg, chip)) a.push_back(std::move(s));
  a.insert(a.end(), {"--out", (fs::path(point_dir) / "train").string()});
  return a;
}

int run_sweep(SweepConfig cfg, std::ostream& log) {
  cfg.validate();
  if (cfg.chip_path.empty()) cfg.chip_path = chip::default_chip_config_path();
  chip::load_chip_config(cfg.chip_path);  // the base itself must be valid
  // a bad table is one error here, not a failed point each
  if (!cfg.energy_table.empty()) energy::load_energy_table(cfg.energy_table);
  const json::object base = json::parse(read_file(cfg.chip_path, "chip config")).as_object();
  const std::vector<Axis> axes = make_axes(cfg.params, cfg.grid_file, base);
  const std::vector<std::vector<double>> points = grid_points(axes);

  const tasks::TaskSpec& spec = tasks::make_task_spec(cfg.task);
  if (cfg.ecsim.empty()) {
    std::error_code ec;
    cfg.ecsim = fs::read_symlink("/proc/self/exe", ec).string();
    if (ec) throw Error("cannot find the ecsim binary (/proc/self/exe)", "run ecsim from a Linux system");
  }
  // everything is checked before the directory is created and the trace written
  std::error_code ec;
  if (fs::exists(cfg.out, ec) && !fs::is_directory(cfg.out, ec))
    throw Error("--out '" + cfg.out + "' exists and is not a directory", "give a new or an existing directory");
  const std::string trace = observation_trace(cfg, spec.obs_size);
  fs::create_directories(cfg.out);
  io::write_file_atomic((fs::path(cfg.out) / "trace.csv").string(), trace);

  std::vector<PointResult> results(points.size());
  std::atomic<size_t> next{0};
  std::mutex print;
  auto worker = [&]() {
    for (size_t k; (k = next++) < points.size();) {
      const std::string name = point_name(axes, points[k]);
      const fs::path dir = fs::path(cfg.out) / ("point_" + std::to_string(k));
      const PointResult& r = results[k] = run_point(cfg, point_config(base, axes, points[k], name), dir, spec.act_size);
      std::lock_guard<std::mutex> lock(print);
      log << "point " << k + 1 << "/" << points.size() << " " << name << ": " << r.status
          << (r.error.empty() ? "" : " (" + r.error + ")") << "\n";
    }
  };
  {
    ThreadGroup pool([&] { next = points.size(); });  // a failed start lets the running points finish, then rethrows
    for (int t = 0; t < std::min<int>(cfg.threads, static_cast<int>(points.size())); ++t) pool.start(worker);
  }

  const fs::path csv_path = fs::path(cfg.out) / "sweep.csv";
  io::write_file_atomic(csv_path.string(), results_csv(axes, points, results));
  const fs::path png = fs::path(cfg.out) / "sweep.png";
  const bool plotted = plot_results(cfg, axes, points, results, png.string()).empty();
  size_t ok = 0;
  for (const auto& r : results) ok += r.status == "ok";
  log << "swept " << points.size() << " points (" << ok << " ok, " << points.size() - ok << " not): wrote "
      << csv_path.string() << (plotted ? " and " + png.string() : " (gnuplot failed: no plot)") << "\n";
  return ok == points.size() ? 0 : 3;
}

}  // namespace ecsim::sweep
