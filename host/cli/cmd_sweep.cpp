// ecsim sweep: design-space exploration. Varies chip parameters over a grid (command line or a
// JSON file), runs every point as its own `ecsim simulate --backend systemc` process (and, when
// asked, a short functional training with the point's arithmetic), and writes one CSV row and
// plots of cycles per env step, energy, SRAM bits and the eval return. Points run in parallel; a
// point that is invalid or crashes is reported in its row, and the others go on. docs/energy.md.
#include <sys/wait.h>

#include <atomic>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "chip/chip_config.h"
#include "cli/commands.h"
#include "common/error.h"
#include "io/atomic_file.h"
#include "tasks/env.h"
#include "train/trainer.h"

namespace po = boost::program_options;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace ecsim::cli {

namespace {

// shorthand names of the swept settings and their place in the chip config
const std::map<std::string, std::string>& aliases() {
  static const std::map<std::string, std::string> m = {
      {"cores", "cores.count"},
      {"neurons_per_core", "cores.neurons_per_core"},
      {"word_bits", "memories.synapse_sram.word_bits"},
      {"rho_bits", "arith.rho_bits"},
      {"state_bits", "arith.state_bits"},
      {"frac_bits", "arith.frac_bits"},
      {"clock_hz", "clock_hz"},
      {"flit_bits", "noc.flit_bits"},
      {"router_latency", "noc.router_latency_cycles"},
      {"link_latency", "noc.link_latency_cycles"},
  };
  return m;
}

struct Axis {
  std::string name, path;  // as given, and its config path
  std::vector<double> values;
};

json::value* find_path(json::object& root, const std::string& path) {
  json::object* o = &root;
  std::stringstream ss(path);
  std::string part;
  std::vector<std::string> parts;
  while (std::getline(ss, part, '.')) parts.push_back(part);
  for (size_t i = 0; i < parts.size(); ++i) {
    json::value* v = o->if_contains(parts[i]);
    if (!v) return nullptr;
    if (i + 1 == parts.size()) return v;
    if (!v->is_object()) return nullptr;
    o = &v->as_object();
  }
  return nullptr;
}

std::string number_text(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.10g", v);
  return b;
}

std::vector<double> parse_values(const std::string& name, const std::string& list) {
  std::vector<double> out;
  std::stringstream ss(list);
  std::string f;
  while (std::getline(ss, f, ',')) {
    try {
      size_t used = 0;
      out.push_back(std::stod(f, &used));
      if (used != f.size()) throw std::invalid_argument(f);
    } catch (const std::exception&) {
      throw Error("--param " + name + ": '" + f + "' is not a number", "give numbers separated by commas, e.g. --param cores=1,2,4");
    }
  }
  if (out.empty()) throw Error("--param " + name + " has no values", "e.g. --param cores=1,2,4");
  return out;
}

Axis make_axis(const std::string& name, std::vector<double> values, json::object& base) {
  const auto it = aliases().find(name);
  Axis a{name, it != aliases().end() ? it->second : name, std::move(values)};
  const json::value* v = find_path(base, a.path);
  if (!v || !v->is_number()) {
    std::string known;
    for (const auto& [k, p] : aliases()) known += (known.empty() ? "" : ", ") + k;
    throw Error("sweep parameter '" + name + "' is not a numeric chip config setting",
                "use one of " + known + ", or a dotted path of the chip config such as noc.barrier_cycles");
  }
  return a;
}

// the chip config of one point: the base with the point's values (cores also reshape the mesh;
// a synapse word width keeps the SRAM's capacity in bits)
json::object point_config(const json::object& base, const std::vector<Axis>& axes, const std::vector<double>& values,
                          const std::string& name) {
  json::object c = base;
  c["name"] = name;
  for (size_t k = 0; k < axes.size(); ++k) {
    const double x = values[k];
    const bool integral = x == std::floor(x) && std::abs(x) < 9e15;
    json::value* v = find_path(c, axes[k].path);
    if (axes[k].path == "memories.synapse_sram.word_bits" && integral && x > 0) {
      json::value* words = find_path(c, "memories.synapse_sram.words");
      const double bits = v->to_number<double>() * words->to_number<double>();
      *words = static_cast<int64_t>(std::ceil(bits / x));
    }
    if (integral)
      *v = static_cast<int64_t>(x);
    else
      *v = x;
    if (axes[k].path == "cores.count" && integral && x >= 1) {
      const auto n = static_cast<int64_t>(x);
      int64_t cols = static_cast<int64_t>(std::floor(std::sqrt(static_cast<double>(n))));
      while (cols > 1 && n % cols) --cols;
      *find_path(c, "noc.columns") = n / cols;
      *find_path(c, "noc.rows") = cols;
    }
  }
  return c;
}

struct PointResult {
  std::string status = "ok", error;
  double cycles_per_step = NAN, energy_per_step_nj = NAN, energy_per_generation_mj = NAN, sram_bits = NAN, eval_return = NAN;
};

// runs a command, output to a log file; returns the exit status text ("" if it exited 0)
std::string run_logged(const std::string& cmd, const fs::path& log, int* code) {
  const int st = std::system((cmd + " > '" + log.string() + "' 2>&1").c_str());
  *code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return "";
  if (WIFSIGNALED(st)) return "killed by signal " + std::to_string(WTERMSIG(st));
  return "exit code " + std::to_string(*code);
}

std::string first_error_line(const fs::path& log) {
  std::ifstream in(log);
  std::string line, found;
  while (std::getline(in, line))
    if (line.find("error") != std::string::npos) return line;
    else if (!line.empty()) found = line;
  return found;
}

std::string csv_cell(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch == '\n' ? ' ' : ch);
  return out + "\"";
}

std::string num(double v) { return std::isnan(v) ? "" : number_text(v); }

}  // namespace

int cmd_sweep(const Args& args) {
  std::vector<std::string> params;
  std::string grid_file, base_path, out, task = "hopper";
  int neurons = 256, steps = 100, jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency())), train_gens = 0, pop = 16;
  uint64_t seed = 1, horizon = 1000;
  double rho = 0.5;
  po::options_description desc(
      "usage: ecsim sweep --param KEY=v1,v2,... [--param ...] --out DIR [options]\n"
      "Design-space sweep over chip settings (docs/energy.md): every point of the grid runs the network on\n"
      "the SystemC chip and reports cycles, energy and SRAM bits; with --train-generations also the eval\n"
      "return of a short training with the point's arithmetic. Keys: cores, neurons_per_core, word_bits,\n"
      "rho_bits, state_bits, frac_bits, clock_hz, flit_bits, router_latency, link_latency, or a dotted\n"
      "chip config path (noc.barrier_cycles).");
  desc.add_options()
    ("param", po::value(&params), "KEY=v1,v2,...: one axis of the grid (repeat for more)")
    ("grid-file", po::value(&grid_file), "JSON file {\"KEY\": [values], ...} with more axes")
    ("base", po::value(&base_path), "the chip config the points start from (default: configs/chip_default.json)")
    ("out", po::value(&out), "directory for sweep.csv, the plots and one folder per point")
    ("task", po::value(&task)->default_value(task), "the task whose observation and action sizes the network has")
    ("neurons", po::value(&neurons)->default_value(neurons), "N, recurrent neurons")
    ("rho", po::value(&rho)->default_value(rho), "connection probability of the simulated network")
    ("steps", po::value(&steps)->default_value(steps), "environment steps simulated per point (Gaussian observations); the energy per step includes loading ρ and θ once, spread over these steps")
    ("seed", po::value(&seed)->default_value(seed), "seed of θ, v(0) and the observations")
    ("pop", po::value(&pop)->default_value(pop), "population of a generation (energy per generation; training)")
    ("horizon", po::value(&horizon)->default_value(horizon), "env steps per episode for the energy per generation")
    ("train-generations", po::value(&train_gens)->default_value(train_gens), "also train this many generations per point (functional backend, the point's arithmetic)")
    ("jobs", po::value(&jobs)->default_value(jobs), "points run at the same time");
  po::variables_map vm;
  if (!parse_flags("sweep", args, desc, vm)) return 0;
  if (out.empty()) throw Error("ecsim sweep needs --out DIR", "e.g. --out runs/sweep-cores");
  if (params.empty() && grid_file.empty()) throw Error("ecsim sweep needs at least one --param or a --grid-file", "e.g. --param cores=1,2,4");
  if (jobs < 1 || jobs > 256) throw Error("--jobs must be in [1, 256]", "e.g. --jobs 2");
  if (steps < 1 || pop < 1 || horizon < 1 || train_gens < 0) throw Error("--steps, --pop and --horizon must be >= 1 and --train-generations >= 0", "e.g. --steps 20");
  if (!(rho >= 0 && rho <= 1)) throw Error("--rho must be in [0, 1]", "e.g. --rho 0.5");

  if (base_path.empty()) base_path = chip::default_chip_config_path();
  chip::load_chip_config(base_path);  // the base itself must be valid
  std::ifstream bin(base_path);
  std::stringstream bss;
  bss << bin.rdbuf();
  json::object base = json::parse(bss.str()).as_object();

  std::vector<Axis> axes;
  for (const std::string& p : params) {
    const size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0) throw Error("--param '" + p + "' is not KEY=v1,v2,...", "e.g. --param cores=1,2,4");
    axes.push_back(make_axis(p.substr(0, eq), parse_values(p.substr(0, eq), p.substr(eq + 1)), base));
  }
  if (!grid_file.empty()) {
    std::ifstream gin(grid_file);
    if (!gin) throw Error("cannot open --grid-file '" + grid_file + "'", "check the path");
    std::stringstream gss;
    gss << gin.rdbuf();
    json::error_code ec;
    const json::value g = json::parse(gss.str(), ec);
    if (ec || !g.is_object()) throw Error("--grid-file '" + grid_file + "' is not a JSON object", "write {\"cores\": [1, 2, 4]}");
    for (const auto& kv : g.as_object()) {
      std::vector<double> vals;
      if (!kv.value().is_array()) throw Error("--grid-file: '" + std::string(kv.key()) + "' must be an array of numbers", "e.g. \"cores\": [1, 2, 4]");
      for (const auto& x : kv.value().as_array()) {
        if (!x.is_number()) throw Error("--grid-file: '" + std::string(kv.key()) + "' has a value that is not a number", "e.g. \"cores\": [1, 2, 4]");
        vals.push_back(x.to_number<double>());
      }
      if (vals.empty()) throw Error("--grid-file: '" + std::string(kv.key()) + "' has no values", "e.g. \"cores\": [1, 2, 4]");
      axes.push_back(make_axis(std::string(kv.key()), vals, base));
    }
  }
  for (size_t i = 0; i < axes.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (axes[i].path == axes[j].path) throw Error("sweep parameter '" + axes[i].name + "' is given twice", "give each setting once");

  // the grid, first axis slowest
  std::vector<std::vector<double>> points{{}};
  for (const Axis& a : axes) {
    std::vector<std::vector<double>> next;
    for (const auto& p : points)
      for (double v : a.values) {
        next.push_back(p);
        next.back().push_back(v);
      }
    points = std::move(next);
  }
  if (points.size() > 10000) throw Error("the grid has " + std::to_string(points.size()) + " points", "sweep at most 10000 points at a time");

  const tasks::TaskSpec& spec = tasks::make_task_spec(task);
  fs::create_directories(out);
  // the observation trace every point runs
  {
    std::mt19937_64 g(seed);
    std::normal_distribution<double> n(0.0, 1.0);
    std::ostringstream t;
    for (int i = 0; i < spec.obs_size; ++i) t << (i ? "," : "") << "obs_" << i;
    t << "\n";
    for (int r = 0; r < steps; ++r) {
      for (int i = 0; i < spec.obs_size; ++i) t << (i ? "," : "") << number_text(n(g));
      t << "\n";
    }
    io::write_file_atomic((fs::path(out) / "trace.csv").string(), t.str());
  }
  std::error_code ec;
  const std::string self = fs::read_symlink("/proc/self/exe", ec).string();
  if (ec) throw Error("cannot find the ecsim binary (/proc/self/exe)", "run ecsim from a Linux system");

  std::vector<PointResult> results(points.size());
  std::atomic<size_t> next{0};
  std::mutex print;
  auto worker = [&]() {
    for (size_t k; (k = next++) < points.size();) {
      PointResult& r = results[k];
      const fs::path dir = fs::path(out) / ("point_" + std::to_string(k));
      fs::create_directories(dir);
      std::string name = "sweep";
      for (size_t a = 0; a < axes.size(); ++a) name += "_" + axes[a].name + "=" + number_text(points[k][a]);
      const json::object cfg = point_config(base, axes, points[k], name);
      io::write_file_atomic((dir / "chip.json").string(), json::serialize(cfg) + "\n");
      try {
        const chip::ChipConfig c = chip::load_chip_config((dir / "chip.json").string());
        r.sram_bits = static_cast<double>(c.cores) *
                      static_cast<double>(c.synapse_sram.bits() + c.rho_sram.bits() + c.state_sram.bits());
        const ref::ArithConfig& a = c.arith;
        const std::string arith = " --neurons " + std::to_string(neurons) + " --rho-bits " + std::to_string(a.rho_bits) +
                                  " --state-bits " + std::to_string(a.state_bits) + " --frac-bits " + std::to_string(a.frac_bits) +
                                  " --rate-bits " + std::to_string(a.rate_bits) + " --rate-frac-bits " + std::to_string(a.rate_frac_bits) +
                                  " --const-bits " + std::to_string(a.const_bits) + " --input-bits " + std::to_string(a.input_bits) +
                                  " --input-frac-bits " + std::to_string(a.input_frac_bits) + " --action-frac-bits " +
                                  std::to_string(a.action_frac_bits) + " --word-bits " + std::to_string(c.synapse_sram.word_bits);
        int code = 0;
        const std::string sim = "'" + self + "' simulate --backend systemc --chip '" + (dir / "chip.json").string() + "' --trace '" +
                                (fs::path(out) / "trace.csv").string() + "' --rho-const " + number_text(rho) + " --seed " +
                                std::to_string(seed) + " --d-out " + std::to_string(spec.act_size) + arith + " --out '" +
                                (dir / "actions.csv").string() + "'";
        const std::string st = run_logged(sim, dir / "simulate.log", &code);
        if (!st.empty()) {
          r.status = code == 2 ? "invalid" : "failed";
          r.error = st + ": " + first_error_line(dir / "simulate.log");
        } else {
          const json::object e = json::parse([&] {
            std::ifstream in(dir / "actions.energy.json");
            std::stringstream s;
            s << in.rdbuf();
            return s.str();
          }()).as_object();
          const double env_steps = e.at("env_steps").to_number<double>();
          // cycles per env step from the per-step column (without the one-time loading)
          std::ifstream acts(dir / "actions.csv");
          std::string line;
          std::getline(acts, line);
          double cyc = 0, rows = 0;
          while (std::getline(acts, line)) {
            cyc += std::strtod(line.substr(line.rfind(',') + 1).c_str(), nullptr);
            ++rows;
          }
          r.cycles_per_step = rows ? cyc / rows : NAN;
          r.energy_per_step_nj = e.at("total_pj").to_number<double>() / env_steps * 1e-3;
          r.energy_per_generation_mj = r.energy_per_step_nj * 1e-6 * static_cast<double>(pop) * static_cast<double>(horizon);
        }
        if (train_gens > 0 && r.status == "ok") {
          const std::string tr = "'" + self + "' train --task " + task + " --pop " + std::to_string(pop) + " --generations " +
                                 std::to_string(train_gens) + " --seed " + std::to_string(seed) +
                                 " --threads 1 --no-plot --progress never" + arith + " --out '" + (dir / "train").string() + "'";
          fs::remove_all(dir / "train");
          const std::string ts = run_logged(tr, dir / "train.log", &code);
          if (!ts.empty()) {
            r.status = "train failed";
            r.error = ts + ": " + first_error_line(dir / "train.log");
          } else {
            const train::MetricsTable m = train::read_metrics((dir / "train").string());
            if (!m.rows.empty()) r.eval_return = m.rows.back()[m.column("eval_mean")];
          }
        }
      } catch (const std::exception& e) {
        r.status = "invalid";
        r.error = e.what();
      }
      std::lock_guard<std::mutex> lock(print);
      std::cout << "point " << k + 1 << "/" << points.size() << " " << name << ": " << r.status
                << (r.error.empty() ? "" : " (" + r.error + ")") << "\n";
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < std::min<int>(jobs, static_cast<int>(points.size())); ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();

  std::ostringstream csv;
  csv << "point";
  for (const Axis& a : axes) csv << ',' << a.name;
  csv << ",status,cycles_per_env_step,energy_per_env_step_nj,energy_per_generation_mj,sram_bits,eval_return,error\n";
  for (size_t k = 0; k < points.size(); ++k) {
    const PointResult& r = results[k];
    csv << k;
    for (double v : points[k]) csv << ',' << number_text(v);
    csv << ',' << csv_cell(r.status) << ',' << num(r.cycles_per_step) << ',' << num(r.energy_per_step_nj) << ','
        << num(r.energy_per_generation_mj) << ',' << num(r.sram_bits) << ',' << num(r.eval_return) << ',' << csv_cell(r.error) << '\n';
  }
  const fs::path csv_path = fs::path(out) / "sweep.csv";
  io::write_file_atomic(csv_path.string(), csv.str());

  // plots against the point index (its settings as tick labels)
  std::ostringstream dat;
  for (size_t k = 0; k < points.size(); ++k) {
    std::string label;
    for (size_t a = 0; a < axes.size(); ++a) label += (a ? " " : "") + axes[a].name + "=" + number_text(points[k][a]);
    const PointResult& r = results[k];
    dat << k << " \"" << label << "\" " << (std::isnan(r.cycles_per_step) ? "NaN" : num(r.cycles_per_step)) << ' '
        << (std::isnan(r.energy_per_generation_mj) ? "NaN" : num(r.energy_per_generation_mj)) << ' '
        << (std::isnan(r.sram_bits) ? "NaN" : num(r.sram_bits)) << ' ' << (std::isnan(r.eval_return) ? "NaN" : num(r.eval_return)) << '\n';
  }
  io::write_file_atomic((fs::path(out) / "sweep.dat").string(), dat.str());
  std::ostringstream gp;
  const std::string d = (fs::path(out) / "sweep.dat").string();
  gp << "set terminal pngcairo noenhanced size 1200," << (train_gens > 0 ? 1000 : 800) << "\nset output '" << (fs::path(out) / "sweep.png").string() << "'\n"
     << "set multiplot layout " << (train_gens > 0 ? 4 : 3) << ",1 title 'ecsim sweep (" << task << ", N = " << neurons << ")'\n"
     << "set style data linespoints\nset grid\nset xtics rotate by -20 font ',8'\nunset key\n"
     << "set ylabel 'cycles / env step'\nplot '" << d << "' using 1:3:xtic(2) pt 7\n"
     << "set ylabel 'energy / generation (mJ)'\nplot '" << d << "' using 1:4:xtic(2) pt 7\n"
     << "set ylabel 'SRAM bits'\nplot '" << d << "' using 1:5:xtic(2) pt 7\n";
  if (train_gens > 0) gp << "set ylabel 'eval return'\nplot '" << d << "' using 1:6:xtic(2) pt 7\n";
  gp << "unset multiplot\n";
  io::write_file_atomic((fs::path(out) / "sweep.gp").string(), gp.str());
  const bool plotted = std::system(("gnuplot '" + (fs::path(out) / "sweep.gp").string() + "' >/dev/null 2>&1").c_str()) == 0;
  size_t ok = 0;
  for (const auto& r : results) ok += r.status == "ok";
  std::cout << "swept " << points.size() << " points (" << ok << " ok, " << points.size() - ok << " not): wrote " << csv_path.string()
            << (plotted ? " and " + (fs::path(out) / "sweep.png").string() : " (gnuplot failed: no plot)") << "\n";
  return ok == points.size() ? 0 : 3;
}

}  // namespace ecsim::cli
