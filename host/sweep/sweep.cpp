#include "sweep/sweep.h"

#include <algorithm>
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

// the y tic format: large numbers with a k/M/G suffix and as many decimals as the tics' spacing
// needs (2.25M, not 2.2M twice), others as they are
std::string big_format(double lo, double hi, bool log) {
  if (hi < 1e5) return "%g";
  if (log) return "%.0s%c";
  const double unit = std::pow(1000.0, std::floor(std::log10(hi) / 3));
  const int decimals = std::clamp(static_cast<int>(std::ceil(-std::log10((hi - lo) / 10 / unit))), 0, 4);
  return "%." + std::to_string(decimals) + "s%c";
}

// One categorical panel per swept parameter and result (rows: the results, columns: the
// parameters): x is the parameter's values as categories, one dot per point, coloured by the other
// parameters' values and no line between settings; the panels of a row share one y axis at the
// same place; a point that is not ok is a red × numbered at the foot of every panel, its reason
// below. The numbers are sweep.csv's. "" when drawn, else why not.
std::string plot_results(const SweepConfig& cfg, const std::vector<Axis>& axes,
                         const std::vector<std::vector<double>>& points, const std::vector<PointResult>& results,
                         const std::string& png) {
  struct Result {
    const char* label;
    double PointResult::*value;
  };
  std::vector<Result> shown{{"cycles / env step", &PointResult::cycles_per_step},
                            {"energy / generation (mJ)", &PointResult::energy_per_generation_mj},
                            {"SRAM bits", &PointResult::sram_bits}};
  if (cfg.train_generations > 0) shown.push_back({"eval return", &PointResult::eval_return});
  const size_t cols = axes.size(), rows = shown.size();
  std::vector<size_t> bad;  // the points that are not ok, numbered 1, 2, ... in the plot
  for (size_t k = 0; k < points.size(); ++k)
    if (results[k].status != "ok") bad.push_back(k);
  const size_t notes = std::min<size_t>(bad.size(), 12);
  const size_t line_chars = 125;  // at 10 pt sans on the narrowest canvas (900 px)

  // pixels: panels of 320 × 190, the title and the series' keys above, the reasons below
  const int pw = 320, ph = 190, gap = 30, vgap = 22, left = 95, right = 25, top = 115, bottom = 60;
  const int content = left + right + static_cast<int>(cols) * pw + static_cast<int>(cols - 1) * gap;
  const int width = std::max(900, content);  // room for the reasons; the panels centred
  const int panels_end = top + static_cast<int>(rows) * ph + static_cast<int>(rows - 1) * vgap;
  const int notes_at = panels_end + bottom;  // below the x labels
  const int height = notes_at + 16 * static_cast<int>(2 * notes + (bad.size() > notes)) + 10;
  auto sx = [&](double px) { return px / width; };
  auto sy = [&](double px) { return 1.0 - px / height; };  // from the top

  std::vector<std::pair<std::string, std::string>> files;
  std::ostringstream gp;
  gp << "set terminal pngcairo noenhanced size " << width << "," << height << " font 'sans,10'\nset output \""
     << io::kPlotOutput << "\"\nset datafile separator '\\t'\nset multiplot\n"
     << "set label 1 "
     << io::gnuplot_quote("ecsim sweep: " + cfg.task + ", N = " + std::to_string(cfg.neurons) + ", " +
                          std::to_string(points.size()) + " points (sweep.csv)")
     << " at screen 0.5, screen " << sy(16) << " center font 'sans,12'\n"
     << "set grid ytics\nset border 3\nset xtics nomirror\nset ytics nomirror\nset style fill solid\n";
  // the reasons, below the panels
  for (size_t i = 0; i < notes; ++i) {
    const PointResult& r = results[bad[i]];
    std::string why = "× " + std::to_string(i + 1) + "  " + point_label(axes, points[bad[i]]) + ": " + r.status +
                      (r.error.empty() ? "" : ": " + r.error);
    // two lines at most, cut at a blank
    std::string second;
    if (why.size() > line_chars) {
      size_t cut = why.rfind(' ', line_chars);
      if (cut == std::string::npos || cut < line_chars / 2) cut = line_chars;
      second = "      " + why.substr(cut + (why[cut] == ' '));
      why.resize(cut);
      if (second.size() > line_chars) second = second.substr(0, line_chars - 3) + "...";
    }
    for (int line = 0; line < 2; ++line)
      gp << "set label " << 10 + 2 * i + static_cast<size_t>(line) << " " << io::gnuplot_quote(line ? second : why)
         << " at screen " << sx(12) << ", screen "
         << sy(notes_at + 16.0 * static_cast<double>(2 * i + static_cast<size_t>(line))) << " left tc rgb '#c0392b'\n";
  }
  if (bad.size() > notes)
    gp << "set label 9 " << io::gnuplot_quote("... and " + std::to_string(bad.size() - notes) + " more (sweep.csv)")
       << " at screen " << sx(12) << ", screen " << sy(notes_at + 16.0 * static_cast<double>(2 * notes))
       << " left tc rgb '#c0392b'\n";
  static const char* colours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd",
                                  "#8c564b", "#e377c2", "#17becf", "#7f7f7f"};

  for (size_t c = 0; c < cols; ++c) {
    const Axis& ax = axes[c];
    // the series: each combination of the other parameters' values
    size_t series = 1;
    for (size_t o = 0; o < cols; ++o)
      if (o != c) series *= axes[o].values.size();
    const double step = series > 1 ? std::min(0.6 / static_cast<double>(series), 0.15) : 0.0;
    std::ostringstream dat, bad_dat;
    dat << "# x\tseries";
    for (const Result& r : shown) dat << '\t' << r.label;
    dat << '\n';
    std::vector<std::string> series_name(series);
    for (size_t k = 0; k < points.size(); ++k) {
      const size_t cat =
          static_cast<size_t>(std::find(ax.values.begin(), ax.values.end(), points[k][c]) - ax.values.begin());
      size_t s = 0;
      std::string name;
      for (size_t o = 0; o < cols; ++o) {
        if (o == c) continue;
        const auto& v = axes[o].values;
        s = s * v.size() + static_cast<size_t>(std::find(v.begin(), v.end(), points[k][o]) - v.begin());
        name += (name.empty() ? "" : " ") + axes[o].name + "=" + number_text(points[k][o]);
      }
      series_name[s] = name;
      const double x = static_cast<double>(cat) + (static_cast<double>(s) - static_cast<double>(series - 1) / 2) * step;
      const size_t note = static_cast<size_t>(std::find(bad.begin(), bad.end(), k) - bad.begin());
      if (note < bad.size()) {
        bad_dat << x << '\t' << note + 1 << '\n';
        continue;
      }
      dat << x << '\t' << s;
      for (const Result& r : shown) dat << '\t' << dat_num(results[k].*r.value);
      dat << '\n';
    }
    const std::string dname = "axis" + std::to_string(c) + ".dat", bname = "bad" + std::to_string(c) + ".dat";
    files.emplace_back(dname, dat.str());
    if (!bad_dat.str().empty()) files.emplace_back(bname, bad_dat.str());

    std::ostringstream tics, blank;
    for (size_t v = 0; v < ax.values.size(); ++v) {
      tics << (v ? ", " : "") << io::gnuplot_quote(number_text(ax.values[v])) << " " << v;
      blank << (v ? ", " : "") << "'' " << v;
    }
    const double x0 = (width - content) / 2 + left + static_cast<double>(c) * (pw + gap);
    for (size_t r = 0; r < rows; ++r) {
      const double y0 = top + static_cast<double>(r) * (ph + vgap);
      // the row's y range, the same in every column: the ok points' values
      double lo = INFINITY, hi = -INFINITY;
      for (size_t k = 0; k < points.size(); ++k) {
        const double v = results[k].*shown[r].value;
        if (results[k].status == "ok" && std::isfinite(v)) {
          lo = std::min(lo, v);
          hi = std::max(hi, v);
        }
      }
      if (!(lo <= hi)) lo = 0, hi = 1;
      const bool log = lo > 0 && hi > 100 * lo;
      double ylo, yhi;
      if (log) {
        ylo = lo / 2, yhi = hi * 1.5;
      } else {
        const double pad = hi > lo ? 0.12 * (hi - lo) : std::max(std::fabs(hi) * 0.1, 1.0);
        ylo = lo - pad, yhi = hi + pad;
      }
      const double ymark =
          log ? std::exp(std::log(ylo) + 0.05 * (std::log(yhi) - std::log(ylo))) : ylo + 0.05 * (yhi - ylo);
      gp << "set lmargin at screen " << sx(x0) << "\nset rmargin at screen " << sx(x0 + pw)
         << "\nset tmargin at screen " << sy(y0) << "\nset bmargin at screen " << sy(y0 + ph) << "\n"
         << "set xrange [-0.5:" << static_cast<double>(ax.values.size()) - 0.5 << "]\nset yrange [" << ylo << ":" << yhi
         << "]\n"
         << (log ? "set logscale y\n" : "unset logscale y\n") << "set xtics ("
         << (r + 1 == rows ? tics.str() : blank.str()) << ")\n"
         << (r + 1 == rows ? "set xlabel " + io::gnuplot_quote(ax.name) + "\n" : "unset xlabel\n")
         << (c == 0 ? "set ylabel " + io::gnuplot_quote(shown[r].label) + "\nset format y '" +
                          big_format(ylo, yhi, log) + "'\n"
                    : "unset ylabel\nset format y ''\n")
         << (r == 0 ? "set title " + io::gnuplot_quote(ax.name) + " font 'sans,11'\n" : "unset title\n");
      // the series' key above the column, when it is short enough to read
      const bool coloured = series > 1 && series <= 8, key = coloured && r == 0;
      if (key)
        gp << "set key at screen " << sx(x0 + pw) << ", screen " << sy(top - 40)
           << " right bottom horizontal maxrows 2 "
           << "samplen 0.5 font ',9'\n";
      else
        gp << "unset key\n";
      gp << "plot ";
      const std::string col = std::to_string(3 + r);
      if (coloured) {
        for (size_t s = 0; s < series; ++s)
          gp << (s ? ", " : "") << "'" << dname << "' using ($2 == " << s << " ? $1 : NaN):" << col
             << " with points pt 7 ps 1.1 lc rgb '" << colours[s] << "' "
             << (key ? "title " + io::gnuplot_quote(series_name[s]) : std::string("notitle"));
      } else {
        gp << "'" << dname << "' using 1:" << col << " with points pt 7 ps 1.1 lc rgb '" << colours[0] << "' notitle";
      }
      if (!bad_dat.str().empty())
        gp << ", '" << bname << "' using 1:(" << ymark << ") with points pt 2 ps 1.6 lw 2 lc rgb '#c0392b' notitle, '"
           << bname << "' using 1:(" << ymark
           << "):(sprintf('%d', $2)) with labels offset 0,1 tc rgb '#c0392b' notitle";
      gp << "\n";
    }
  }
  gp << "unset multiplot\n";
  return io::plot_png(png, gp.str(), files);
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
