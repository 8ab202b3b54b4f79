#include "train/run_dir.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <type_traits>
#include <vector>

#include <boost/json.hpp>

#include "common/error.h"
#include "common/file.h"
#include "eval/policy_image.h"
#include "io/atomic_file.h"
#include "io/energy_plot.h"
#include "io/plot.h"
#include "train/metrics.h"

namespace json = boost::json;
namespace fs = std::filesystem;

namespace ecsim::train {

namespace {

void warn_once(bool& warned, const std::string& msg) {
  if (!warned) std::fprintf(stderr, "ecsim train: warning: %s\n", msg.c_str());
  warned = true;
}

}  // namespace

int remove_stale_temporaries(const std::string& dir) {
  int removed = 0;
  for (const fs::path& d : {fs::path(dir), fs::path(dir) / "policy", fs::path(dir) / "policy-best"}) {
    std::error_code ec;
    if (!fs::is_directory(d, ec)) continue;
    for (const auto& e : fs::directory_iterator(d, ec)) {
      const std::string name = e.path().filename().string();
      // files, staged deploy images (policy.tmp.PID, a directory) and old images set aside where the
      // file system cannot exchange two names (policy.old.PID)
      size_t at = name.rfind(".tmp.");
      if (at == std::string::npos && e.is_directory(ec)) at = name.rfind(".old.");
      if (at == std::string::npos || !(e.is_regular_file(ec) || e.is_directory(ec))) continue;
      const std::string pid = name.substr(at + 5);
      if (pid.empty() || pid.size() > 9 || pid.find_first_not_of("0123456789") != std::string::npos) continue;
      // a live writer (another process on this directory) keeps its file; ESRCH: nobody runs it
      if (::kill(static_cast<pid_t>(std::stol(pid)), 0) == 0 || errno != ESRCH) continue;
      if (fs::remove_all(e.path(), ec) > 0) ++removed;
    }
  }
  return removed;
}

void check_new_run_dir(const std::string& dir) {
  if (fs::exists(fs::path(dir) / "config.json"))
    throw Error("--out '" + dir + "' already holds a training run",
                "continue it with --resume " + dir + ", or pick a new --out directory");
  if (fs::exists(dir) && !fs::is_directory(dir))
    throw Error("--out '" + dir + "' exists and is not a directory", "pick a new --out directory");
}

void create_run_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error("cannot create --out '" + dir + "': " + ec.message(), "pick a writable directory");
}

void check_run_dir(const std::string& dir) {
  if (!fs::is_directory(dir))
    throw Error("--resume '" + dir + "' is not a directory", "pass the --out directory of an earlier `ecsim train`");
  if (!fs::exists(dir + "/config.json"))
    throw Error("--resume '" + dir + "' is not a run directory (no config.json)",
                "pass the --out directory of an earlier `ecsim train`; a run killed before it wrote config.json "
                "starts again with the same `ecsim train ... --out " +
                    dir + "` command");
}

RunLock::RunLock(const std::string& dir) {
  m_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (m_fd < 0)
    throw Error("cannot open the run directory '" + dir + "' (" + std::strerror(errno) + ")",
                "check the path and its permissions");
  if (::flock(m_fd, LOCK_EX | LOCK_NB) == 0) return;
  const int err = errno;
  ::close(m_fd);
  m_fd = -1;
  if (err == EWOULDBLOCK)
    throw Error("the run directory '" + dir + "' is in use: another ecsim process is training in it",
                "wait for that run to end (or stop it), then resume; two processes writing one run would mix "
                "their generations");
  throw Error("cannot lock the run directory '" + dir + "' (" + std::strerror(err) + ")",
              "train in a directory on a local file system");
}

RunLock::~RunLock() {
  if (m_fd >= 0) ::close(m_fd);  // closing releases the lock
}

TrainConfig read_run_config(const std::string& dir) {
  const std::string path = dir + "/config.json";
  json::value v;
  try {
    v = json::parse(read_file(path, "run config"));
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error("run config '" + path + "' is not valid JSON (" + e.what() + ")",
                "the run directory is damaged; start a new run");
  }
  return TrainConfig::from_json(v, path);
}

void write_run_config(const std::string& dir, const TrainConfig& cfg) {
  io::write_file_atomic(dir + "/config.json", json::serialize(cfg.to_json()) + "\n");
}

bool has_checkpoint(const std::string& dir) { return fs::exists(dir + "/checkpoint.ckpt"); }

ControllerState read_checkpoint(const std::string& dir, const TrainConfig& cfg) {
  const std::string path = dir + "/checkpoint.ckpt";
  return decode_checkpoint(read_file(path, "checkpoint"), cfg, path);
}

void write_checkpoint(const std::string& dir, const TrainConfig& cfg, const ControllerState& st) {
  io::write_file_atomic(dir + "/checkpoint.ckpt", encode_checkpoint(cfg, st));
}

void write_metrics(const std::string& dir, const std::vector<std::string>& rows) {
  io::write_file_atomic(dir + "/metrics.csv", metrics_csv(rows));
}

void write_policy(const std::string& dir, const std::string& name, const TrainConfig& cfg, const EvaluatedPolicy& p) {
  eval::PolicyImage img;
  img.task = cfg.task;
  img.net = cfg.net;
  img.generation = p.generation;
  img.norm = p.norm;
  img.params = p.params;
  eval::save_policy_image(dir + "/" + name, img);
}

namespace {

// text as one shell word: as it is when it holds only safe characters, else single-quoted
std::string shell_word(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:=,+-@%") ==
                        std::string::npos)
    return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

template <class T>
std::string value_text(const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v ? "true" : "false";
  } else if constexpr (std::is_arithmetic_v<T>) {
    char b[64];
    const auto r = std::to_chars(b, b + sizeof b, v);
    return std::string(b, r.ptr);
  } else {
    return std::string(v);
  }
}

// " --flag value" for each field of part that differs from the default part's
template <class S>
void append_changed(std::string& cmd, const S& part, const S& dflt) {
  std::vector<std::string> defaults;
  fields::for_each_leaf(
      dflt, [&](const std::string&, const fields::Info&, const auto& v) { defaults.push_back(value_text(v)); });
  size_t i = 0;
  fields::for_each_leaf(part, [&](const std::string&, const fields::Info& info, const auto& v) {
    using T = std::remove_cvref_t<decltype(v)>;
    const std::string text = value_text(v), was = defaults[i++];
    const std::string name(info.external());
    if (text == was || name == "task" || name == "threads" || name == "kernel") return;
    if constexpr (std::is_same_v<T, bool>) {
      if (name == "plot") cmd += " --no-plot";
    } else {
      cmd += " --" + train_flag(info) + " " + shell_word(text);
    }
  });
}

}  // namespace

std::string train_command(const TrainConfig& cfg, const std::string& dir) {
  std::string cmd = "ecsim train --task " + shell_word(cfg.task);
  const TrainConfig d{};
  if (cfg.net.method != eval::Method::kEC) cmd += std::string(" --method ") + eval::method_name(cfg.net.method);
  append_changed<TrainTask>(cmd, cfg, d);
  append_changed<TrainOptimizer>(cmd, cfg, d);
  append_changed<TrainRun>(cmd, cfg, d);
  const ref::NetworkShape& s = cfg.net.desc.shape;
  const ref::NetworkShape ds{};
  if (s.n_neurons != ds.n_neurons) cmd += " --neurons " + std::to_string(s.n_neurons);
  if (s.n_exc != s.n_neurons / 2) cmd += " --exc " + std::to_string(s.n_exc);
  if (s.inner_steps != ds.inner_steps) cmd += " --inner-steps " + std::to_string(s.inner_steps);
  if (cfg.net.method == eval::Method::kEC) {
    if (cfg.net.arith == ref::Arith::kFloat) cmd += " --arith float";
    const ref::ArithConfig da{};
    std::vector<std::string> defaults;
    fields::for_each_leaf(
        da, [&](const std::string&, const fields::Info&, const auto& v) { defaults.push_back(value_text(v)); });
    size_t i = 0;
    fields::for_each_leaf(cfg.net.desc.arith, [&](const std::string&, const fields::Info& info, const auto& v) {
      const std::string text = value_text(v);
      if (text != defaults[i++]) cmd += " --" + info.flag() + " " + text;
    });
  }
  return cmd + " --out " + shell_word(dir);
}

void write_curve(const std::string& dir, const TrainConfig& cfg, const std::vector<std::string>& rows) {
  auto col = [](const char* name) { return std::to_string(metrics_column(name) + 1); };  // gnuplot counts from 1
  const std::string eval = col("eval_mean"), pop = col("pop_mean"), best = col("pop_best");
  // few generations: points too, so that a short run's values are visible
  const std::string style = rows.size() <= 40 ? "linespoints pt 7 ps 0.6" : "lines";
  // the x units that suit the run's length (a short run in seconds and thousands of steps)
  const double elapsed = rows.empty() ? 0 : metrics_cell(rows.back(), "elapsed");
  const double frames = rows.empty() ? 0 : metrics_cell(rows.back(), "frames_total");
  const bool minutes = elapsed >= 120, millions = frames >= 2e6;
  const std::string time_div = minutes ? "/60" : "", time_label = minutes ? "training time (min)" : "training time (s)";
  const std::string frames_div = millions ? "/1e6" : "/1e3",
                    frames_label = millions ? "env steps (millions)" : "env steps (thousands)";
  // the same three curves against generations, training time and env steps (frames)
  auto panel = [&](const std::string& x, const std::string& xlabel, bool key) {
    // the key in the first panel's headroom (every panel has the same, so their y axes agree)
    return std::string(key ? "set key top left samplen 2\n" : "unset key\n") + "set xlabel '" + xlabel +
           "'\n"
           "plot 'metrics.csv' using " +
           x + ":" + eval + " with " + style +
           " lw 2 lc rgb '#1f77b4' title 'eval return of θ* (mean of the starts)', '' using " + x + ":" + pop +
           " with " + style + " lc rgb '#2ca02c' title 'population mean', '' using " + x + ":" + best + " with " +
           style + " lc rgb '#ff7f0e' title 'population best'\n";
  };
  const std::string gp =
      "set terminal pngcairo noenhanced size 1500,480 font 'sans,11'\n"
      "set output \"" +
      std::string(io::kPlotOutput) +
      "\"\n"
      "set datafile separator ','\n"
      "set key autotitle columnhead\n"
      "set multiplot layout 1,3 title " +
      io::gnuplot_quote(train_command(cfg, dir)) +
      " font 'sans,10'\n"
      "set ylabel 'return'\nset grid\nset offsets 0, 0, graph 0.3, 0\n" +
      (rows.size() <= 20 ? "set xtics 1\n" : "") + panel(col("generation"), "generation", true) +
      "set xtics autofreq\n" + panel("($" + col("elapsed") + time_div + ")", time_label, false) +
      panel("($" + col("frames_total") + frames_div + ")", frames_label, false) + "unset multiplot\n";
  const std::string why = io::plot_png(dir + "/curve.png", gp, {{"metrics.csv", metrics_csv(rows)}});
  static bool warned = false;
  if (!why.empty()) warn_once(warned, "gnuplot failed; curve.png not written (" + why + ")");
}

void write_energy(const std::string& dir, const TrainConfig& cfg, const ControllerState& st,
                  const energy::EnergyReport& last, uint64_t last_episodes, const energy::EnergyReport& run) {
  // the last generation's report, per generation, episode and env step, and the run's total
  json::object o = energy::report_json(last, last_episodes, 1);
  o["generation"] = st.generation;
  // the whole run (from run_first_generation): the same report over its summed counts
  const uint64_t gens = st.generation + 1 - st.run_first_generation;
  json::object whole = energy::report_json(run, st.run_episodes, gens);
  whole["first_generation"] = st.run_first_generation;
  whole["last_generation"] = st.generation;
  o["run"] = std::move(whole);
  o["run_total_pj"] = run.total_pj;
  io::write_file_atomic(dir + "/energy.json", json::serialize(o) + "\n");
  if (cfg.plot) {
    try {
      energy::write_energy_plot(last, dir + "/energy.png",
                                "generation " + std::to_string(st.generation) + " (the last) of the run, " +
                                    std::to_string(last_episodes) + " episodes");
    } catch (const Error& e) {
      static bool warned = false;
      warn_once(warned, e.what());
    }
  }
}

}  // namespace ecsim::train
