#include "report/run_report.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/chip_outputs.h"
#include "common/error.h"
#include "common/file.h"
#include "eval/evaluator.h"
#include "eval/policy_image.h"
#include "io/atomic_file.h"
#include "io/raster_plot.h"
#include "nes/nes.h"
#include "tasks/env.h"
#include "train/metrics.h"
#include "train/run_dir.h"

namespace json = boost::json;
namespace fs = std::filesystem;

namespace ecsim::report {

namespace {

// ---- the document: blocks that render to Markdown and to HTML alike

struct Link {
  std::string label, href, note;
};

struct Block {
  enum class Kind { kHeading, kPara, kTable, kCode, kImage, kLinks };
  Kind kind;
  std::string text;                            // heading, paragraph, code, image caption
  std::string path;                            // image: its file in the run directory
  std::vector<std::string> header;             // table
  std::vector<std::vector<std::string>> rows;  // table
  std::vector<Link> links;
  int level = 2;  // heading
};

class Document {
 public:
  void heading(const std::string& t, int level = 2) {
    m_blocks.push_back({Block::Kind::kHeading, t, {}, {}, {}, {}, level});
  }
  void para(const std::string& t) { m_blocks.push_back({Block::Kind::kPara, t, {}, {}, {}, {}, 0}); }
  void code(const std::string& t) { m_blocks.push_back({Block::Kind::kCode, t, {}, {}, {}, {}, 0}); }
  void table(std::vector<std::string> header, std::vector<std::vector<std::string>> rows) {
    m_blocks.push_back({Block::Kind::kTable, {}, {}, std::move(header), std::move(rows), {}, 0});
  }
  void image(const std::string& path, const std::string& alt) {
    m_blocks.push_back({Block::Kind::kImage, alt, path, {}, {}, {}, 0});
  }
  void links(std::vector<Link> l) { m_blocks.push_back({Block::Kind::kLinks, {}, {}, {}, {}, std::move(l), 0}); }

  std::string markdown() const;
  std::string html(const std::string& run_dir, const std::string& title) const;

 private:
  std::vector<Block> m_blocks;
};

// a table cell in Markdown: '|' escaped, no line break
std::string md_cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string Document::markdown() const {
  std::ostringstream o;
  for (const Block& b : m_blocks) {
    switch (b.kind) {
      case Block::Kind::kHeading:
        o << std::string(static_cast<size_t>(b.level), '#') << ' ' << b.text << "\n\n";
        break;
      case Block::Kind::kPara:
        o << b.text << "\n\n";
        break;
      case Block::Kind::kCode:
        o << "```\n" << b.text << (b.text.empty() || b.text.back() != '\n' ? "\n" : "") << "```\n\n";
        break;
      case Block::Kind::kTable: {
        o << '|';
        for (const auto& h : b.header) o << ' ' << md_cell(h) << " |";
        o << "\n|";
        for (size_t i = 0; i < b.header.size(); ++i) o << "---|";
        o << '\n';
        for (const auto& r : b.rows) {
          o << '|';
          for (const auto& c : r) o << ' ' << md_cell(c) << " |";
          o << '\n';
        }
        o << '\n';
        break;
      }
      case Block::Kind::kImage:
        o << "![" << b.text << "](" << b.path << ")\n\n";
        break;
      case Block::Kind::kLinks:
        for (const Link& l : b.links)
          o << "- [" << l.label << "](" << l.href << ")" << (l.note.empty() ? "" : ": " + l.note) << '\n';
        o << '\n';
        break;
    }
  }
  return o.str();
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

// escaped text with `code` spans as <code>
std::string html_inline(const std::string& s) {
  std::string out;
  bool in_code = false;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && s[i] != '`') continue;
    out += html_escape(s.substr(start, i - start));
    if (i < s.size()) out += (in_code = !in_code) ? "<code>" : "</code>";
    start = i + 1;
  }
  if (in_code) out += "</code>";
  return out;
}

std::string base64(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  for (size_t i = 0; i < in.size(); i += 3) {
    const uint32_t a = static_cast<unsigned char>(in[i]);
    const uint32_t b = i + 1 < in.size() ? static_cast<unsigned char>(in[i + 1]) : 0;
    const uint32_t c = i + 2 < in.size() ? static_cast<unsigned char>(in[i + 2]) : 0;
    const uint32_t v = a << 16 | b << 8 | c;
    out += k[v >> 18 & 63];
    out += k[v >> 12 & 63];
    out += i + 1 < in.size() ? k[v >> 6 & 63] : '=';
    out += i + 2 < in.size() ? k[v & 63] : '=';
  }
  return out;
}

constexpr const char* kCss =
    "body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}"
    "h1{font-size:1.6em;border-bottom:2px solid #1f5fbf;padding-bottom:.2em}"
    "h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;margin:.6em 0}"
    "th,td{border:1px solid #ccc;padding:.25em .7em;text-align:left}"
    "th{background:#eef3fb}"
    "pre{background:#f5f5f5;padding:.7em;overflow-x:auto;white-space:pre-wrap;word-break:break-all}"
    "code{background:#f5f5f5;padding:0 .2em}pre code{padding:0}"
    "img{max-width:100%;border:1px solid #ddd}";

std::string Document::html(const std::string& run_dir, const std::string& title) const {
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" << html_escape(title)
    << "</title>\n<style>" << kCss << "</style>\n</head>\n<body>\n";
  for (const Block& b : m_blocks) {
    switch (b.kind) {
      case Block::Kind::kHeading:
        o << "<h" << b.level << '>' << html_inline(b.text) << "</h" << b.level << ">\n";
        break;
      case Block::Kind::kPara:
        o << "<p>" << html_inline(b.text) << "</p>\n";
        break;
      case Block::Kind::kCode:
        o << "<pre><code>" << html_escape(b.text) << "</code></pre>\n";
        break;
      case Block::Kind::kTable:
        o << "<table>\n<tr>";
        for (const auto& h : b.header) o << "<th>" << html_inline(h) << "</th>";
        o << "</tr>\n";
        for (const auto& r : b.rows) {
          o << "<tr>";
          for (const auto& c : r) o << "<td>" << html_inline(c) << "</td>";
          o << "</tr>\n";
        }
        o << "</table>\n";
        break;
      case Block::Kind::kImage:
        o << "<p><img alt=\"" << html_escape(b.text) << "\" src=\"data:image/png;base64,"
          << base64(read_file((fs::path(run_dir) / b.path).string(), "a picture of the report")) << "\"></p>\n";
        break;
      case Block::Kind::kLinks:
        // the run's files by name, as text: a self-contained page links nowhere
        o << "<ul>\n";
        for (const Link& l : b.links)
          o << "<li><code>" << html_escape(l.href) << "</code>" << (l.note.empty() ? "" : ": " + html_inline(l.note))
            << "</li>\n";
        o << "</ul>\n";
        break;
    }
  }
  o << "</body>\n</html>\n";
  return o.str();
}

// ---- figures

// a number as the report shows it: 4 significant digits, thousands not in exponent form
std::string fmt(double v, int digits = 4) {
  if (std::isnan(v)) return "—";
  char b[64];
  if (std::fabs(v) >= 1e4 && std::fabs(v) < 1e15)
    std::snprintf(b, sizeof b, "%.0f", v);
  else
    std::snprintf(b, sizeof b, "%.*g", digits, v);
  return b;
}

std::string seconds_text(double s) {
  if (s < 120) return fmt(s, 3) + " s";
  const long t = std::lround(s);
  char b[64];
  if (t < 3600)
    std::snprintf(b, sizeof b, "%ldm%02lds", t / 60, t % 60);
  else
    std::snprintf(b, sizeof b, "%ldh%02ldm", t / 3600, t / 60 % 60);
  return b;
}

// a metrics row: the named columns' values (NaN where empty)
struct Row {
  const train::MetricsTable* table;
  const std::vector<double>* cells;
  double operator[](const std::string& name) const { return (*cells)[table->column(name)]; }
};

// Steps to threshold (sample efficiency): the eval returns the report looks for, per robot, and
// the published figure it is set beside. ARS: the SB3-zoo benchmark (DLR-RM/rl-baselines3-zoo,
// benchmark.md: Hopper-v3 3344 in 7 M steps, Walker2d-v3 2994 in 75 M); its Humanoid row has no
// step count to compare with.
struct Thresholds {
  std::vector<double> returns;
  std::string reference;
};
Thresholds thresholds_for(tasks::Robot robot) {
  switch (robot) {
    case tasks::Robot::kHopper:
      return {{1000, 2000, 3000}, "ARS (SB3 zoo, Hopper-v3): 3344 after 7 M env steps"};
    case tasks::Robot::kWalker2d:
      return {{1000, 2000, 3000}, "ARS (SB3 zoo, Walker2d-v3): 2994 after 75 M env steps"};
    case tasks::Robot::kHumanoid:
      return {{1000, 3000, 5000}, ""};
  }
  return {};
}

// the first row whose eval return reaches thr, or nullptr
const std::vector<double>* first_reaching(const train::MetricsTable& m, double thr) {
  const size_t c = m.column("eval_mean");
  for (const auto& row : m.rows)
    if (row[c] >= thr) return &row;
  return nullptr;
}

json::object row_json(const Row& r) {
  json::object o;
  for (size_t i = 0; i < r.table->columns.size(); ++i) {
    const double v = (*r.cells)[i];
    if (std::isnan(v))
      o[r.table->columns[i]] = nullptr;
    else
      o[r.table->columns[i]] = v;
  }
  return o;
}

struct EvalSummary {
  std::string backend;
  int episodes = 0;
  double mean = 0, std = 0, lo = INFINITY, hi = -INFINITY, length = 0;
  uint64_t cycles = 0, steps = 0;
  double clock_hz = 0;
  std::optional<energy::EnergyReport> energy;
};

// θ* (or μ) from the run's first `episodes` eval starts, as `ecsim eval RUN --seed S --max-steps M` runs them
EvalSummary run_eval(const train::TrainConfig& cfg, const eval::PolicyImage& img, const std::string& backend,
                     int episodes) {
  const eval::BackendInfo& info = eval::backend_info(backend);
  EvalSummary s;
  s.backend = backend;
  s.episodes = episodes;
  eval::EvaluatorConfig ec;
  ec.net = img.net;
  ec.task = img.task;
  ec.model_path = cfg.model_path;
  ec.threads = backend == "functional" ? std::max(1, cfg.threads) : 1;
  ec.max_steps = cfg.max_steps;
  ec.chip_path = info.simulates_chip ? cfg.chip_path : std::string();
  const std::optional<cli::ChipEnergy> price =
      info.simulates_chip ? cli::chip_energy(info, cfg.chip_path, cfg.energy_table, img.net.desc.shape) : std::nullopt;
  auto ev = eval::make_evaluator(backend, ec);
  ev->load(img.params, img.norm);
  std::vector<eval::Job> jobs;
  for (int k = 0; k < episodes; ++k)
    jobs.push_back({nes::eval_seed(cfg.seed, static_cast<uint64_t>(k)), 0, eval::JobKind::kDeterministic, false});
  const eval::BatchResult res = ev->evaluate(jobs);
  chip::HwCounters hw;
  ref::EventCounters events;
  for (const auto& r : res.results) {
    s.mean += r.ret / episodes;
    s.length += static_cast<double>(r.steps) / episodes;
    s.lo = std::min(s.lo, r.ret);
    s.hi = std::max(s.hi, r.ret);
    s.cycles += r.chip_cycles;
    s.steps += r.steps;
    hw += r.hw;
    events += r.counters;
  }
  for (const auto& r : res.results) s.std += (r.ret - s.mean) * (r.ret - s.mean) / episodes;
  s.std = std::sqrt(s.std);
  s.clock_hz = ev->clock_hz();
  if (price) s.energy = price->estimate(hw, events);
  return s;
}

json::object eval_json(const EvalSummary& s) {
  json::object o{{"backend", s.backend}, {"episodes", s.episodes}, {"return_mean", s.mean},  {"return_std", s.std},
                 {"return_min", s.lo},   {"return_max", s.hi},     {"mean_length", s.length}};
  if (s.clock_hz > 0) {
    o["chip_cycles"] = s.cycles;
    o["cycles_per_step"] = s.steps ? static_cast<double>(s.cycles) / static_cast<double>(s.steps) : 0.0;
  }
  if (s.energy) o["energy_per_step_pj"] = s.steps ? s.energy->total_pj / static_cast<double>(s.steps) : 0.0;
  return o;
}

std::string eval_text(const EvalSummary& s) {
  std::string t = fmt(s.mean) + " ± " + fmt(s.std) + " over " + std::to_string(s.episodes) + " episodes (min " +
                  fmt(s.lo) + ", max " + fmt(s.hi) + ", mean length " + fmt(s.length) + ")";
  if (s.clock_hz > 0)
    t += "; " + std::to_string(s.cycles) + " cycles, " +
         fmt(s.steps ? static_cast<double>(s.cycles) / static_cast<double>(s.steps) : 0.0) + " per env step";
  if (s.energy)
    t +=
        "; " + energy::energy_text(s.steps ? s.energy->total_pj / static_cast<double>(s.steps) : 0.0) + " per env step";
  return t;
}

// the raster excerpt: one episode of θ* on the functional backend, at most kRasterSteps steps
struct Raster {
  uint64_t seed = 0;
  uint64_t steps = 0;
  double ret = 0;
  std::string ended;
  uint64_t spikes = 0, spikes_exc = 0;
  std::string csv;
  std::vector<std::vector<uint64_t>> words;
  std::vector<std::vector<double>> actions;  // the control of each step, drawn under the raster
};

Raster run_raster(const train::TrainConfig& cfg, const eval::PolicyImage& img) {
  Raster r;
  r.seed = nes::eval_seed(cfg.seed, 0);  // the run's first eval start
  const tasks::TaskSpec& spec = tasks::make_task_spec(img.task);
  const int cap = cfg.max_steps > 0 ? cfg.max_steps : spec.max_episode_steps;
  const eval::EvaluatorConfig ec =
      cli::policy_episode_config(img, img.task, cfg.model_path, std::min(cap, kRasterSteps), "");
  auto ev = eval::make_evaluator("functional", ec);
  r.csv = cli::raster_csv_header();
  const ref::NetworkShape& shape = img.net.desc.shape;
  ev->observe_steps(
      [&](const eval::StepRecord& rec) {
        if (!rec.raster) return;
        cli::append_raster_rows(r.csv, static_cast<uint64_t>(rec.t), *rec.raster, shape);
        r.words.push_back(*rec.raster);
        r.actions.emplace_back(rec.ctrl, rec.ctrl + rec.env->act_size());
      },
      true);
  ev->load(img.params, img.norm);
  const eval::BatchResult res = ev->evaluate({eval::Job{r.seed, 0, eval::JobKind::kDeterministic, false}});
  const eval::EpisodeResult& e = res.results.at(0);
  r.steps = e.steps;
  r.ret = e.ret;
  // the excerpt's own cap is no end of the episode
  r.ended = e.reason == tasks::EndReason::kTimeLimit && ec.max_steps < cap
                ? "the excerpt's " + std::to_string(ec.max_steps) + " steps"
                : tasks::reason_name(e.reason);
  const size_t sw = static_cast<size_t>((shape.n_neurons + 63) / 64);
  for (const auto& step : r.words)
    for (size_t i = 0; i < step.size(); ++i)
      for (uint64_t bits = step[i]; bits; bits &= bits - 1) {
        ++r.spikes;
        const int j = static_cast<int>((i % sw) * 64) + std::countr_zero(bits);
        r.spikes_exc += j < shape.n_exc;
      }
  return r;
}

std::string chip_text(const std::string& path) { return path.empty() ? "none" : path; }

}  // namespace

std::vector<std::string> report_outputs(const std::string& run) {
  const fs::path d(run);
  return {(d / "report-raster.csv").string(), (d / "report-raster.png").string(), (d / "report.md").string(),
          (d / "report.html").string()};
}

void check_report_run(const std::string& run) {
  const std::string fix = "give the --out directory of an `ecsim train` run, e.g. ecsim report runs/hopper-ec";
  std::error_code ec;
  if (!fs::exists(run, ec)) throw Error("the run directory '" + run + "' does not exist", fix);
  if (!fs::is_directory(run, ec)) throw Error("the run directory '" + run + "' is not a directory", fix);
  if (!fs::exists(fs::path(run) / "config.json", ec))
    throw Error("'" + run + "' is not a run directory (no config.json)", fix);
  train::read_run_config(run);  // a damaged config is an error naming its key
  const train::MetricsTable m = train::read_metrics(run);
  if (m.rows.empty())
    throw Error("the run '" + run + "' has no generation yet (metrics.csv has no rows)",
                "let it train at least one generation: ecsim train --resume " + run);
  if (!fs::exists(fs::path(run) / "policy" / "policy.json", ec))
    throw Error("the run '" + run + "' has no deploy image (policy/)",
                "resume it to its next checkpoint: ecsim train --resume " + run);
}

json::object write_run_report(const std::string& run, const RunReportOptions& opt, std::string* summary) {
  check_report_run(run);
  const fs::path dir(run);
  auto have = [&](const char* name) {
    std::error_code ec;
    return fs::is_regular_file(dir / name, ec);
  };
  const train::TrainConfig cfg = train::read_run_config(run);
  const train::MetricsTable m = train::read_metrics(run);
  const Row last{&m, &m.rows.back()};
  size_t best_i = 0;
  for (size_t i = 0; i < m.rows.size(); ++i)
    if (m.rows[i][m.column("eval_mean")] > m.rows[best_i][m.column("eval_mean")]) best_i = i;
  const Row best{&m, &m.rows[best_i]};
  const eval::PolicyImage img = eval::load_policy_image(run);
  const tasks::TaskSpec& spec = tasks::make_task_spec(cfg.task);
  const std::string method = eval::method_name(cfg.net.method);
  const std::string command = train::train_command(cfg, run);

  // everything that runs, before the first write
  // ES's dense float network records no spikes per neuron
  const bool has_raster = cfg.net.method == eval::Method::kEC;
  const Raster raster = has_raster ? run_raster(cfg, img) : Raster{};
  std::optional<EvalSummary> functional_eval, chip_eval;
  if (opt.eval_episodes > 0) functional_eval = run_eval(cfg, img, "functional", opt.eval_episodes);
  if (opt.chip_episodes > 0) chip_eval = run_eval(cfg, img, "systemc", opt.chip_episodes);
  std::optional<json::object> energy;
  if (have("energy.json")) {
    try {
      energy = json::parse(read_file((dir / "energy.json").string(), "energy report")).as_object();
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Error("'" + (dir / "energy.json").string() + "' is not valid JSON (" + e.what() + ")",
                  "the run directory is damaged; resume the run to rewrite it");
    }
  }

  const double elapsed = last["elapsed"], frames = last["frames_total"];
  const double fps = elapsed > 0 ? frames / elapsed : NAN;
  const std::string gen = fmt(last["generation"], 10);
  const std::string eval_cmd = "ecsim eval " + run + " --seed " + std::to_string(cfg.seed) + " --episodes " +
                               std::to_string(cfg.eval_episodes) +
                               (cfg.max_steps > 0 ? " --max-steps " + std::to_string(cfg.max_steps) : "");

  Document doc;
  doc.heading("ecsim run report: " + method + " on " + cfg.task + ", generation " + gen, 1);
  doc.para("Run directory `" + run + "`. Made by `ecsim report " + run +
           "` from the run's files; it is written anew each time.");

  doc.heading("Command and configuration");
  doc.para("The command that starts a run with these settings (config.json):");
  doc.code(command);
  const std::string cap =
      cfg.max_steps > 0 ? std::to_string(cfg.max_steps) : "the task's " + std::to_string(spec.max_episode_steps);
  doc.table({"setting", "value"}, {{"task", cfg.task},
                                   {"method", method},
                                   {"population (pop)", std::to_string(cfg.pop)},
                                   {"neurons (N)", std::to_string(cfg.net.desc.shape.n_neurons)},
                                   {"backend", cfg.backend},
                                   {"chip", chip_text(cfg.chip_path)},
                                   {"run seed", std::to_string(cfg.seed)},
                                   {"eval starts per generation", std::to_string(cfg.eval_episodes)},
                                   {"episode cap (env steps)", cap},
                                   {"generations", gen + " of " + std::to_string(cfg.generations)},
                                   {"time limit", cfg.time_limit_min > 0 ? fmt(cfg.time_limit_min) + " min" : "none"}});

  doc.heading("Training");
  doc.table({"figure", "value"}, {{"wall time (training, across resumes)", seconds_text(elapsed)},
                                  {"env steps (frames)", fmt(frames, 10)},
                                  {"frames/s (whole run)", fmt(fps)},
                                  {"frames/s (last generation)", fmt(last["fps"])},
                                  {"mean population episode length (last generation)", fmt(last["mean_steps"])}});
  const Thresholds thr = thresholds_for(spec.robot);
  json::array reached;
  {
    std::vector<std::vector<std::string>> rows;
    for (double t : thr.returns) {
      const std::vector<double>* r = first_reaching(m, t);
      if (r) {
        const Row at{&m, r};
        rows.push_back(
            {fmt(t, 10), fmt(at["generation"], 10), fmt(at["frames_total"], 10), seconds_text(at["elapsed"])});
        reached.push_back(json::object{{"return", t},
                                       {"generation", at["generation"]},
                                       {"frames", at["frames_total"]},
                                       {"wall_time_s", at["elapsed"]}});
      } else {
        rows.push_back({fmt(t, 10), "not reached (best " + fmt(best["eval_mean"]) + ")", "—", "—"});
        reached.push_back(json::object{{"return", t}, {"generation", nullptr}});
      }
    }
    doc.para(
        "Sample efficiency: the first generation whose eval return reached each threshold, in env steps "
        "(frames, population and eval) and training time" +
        (thr.reference.empty() ? std::string(".") : "; for comparison, " + thr.reference + "."));
    doc.table({"eval return", "generation", "env steps", "wall time"}, rows);
  }
  if (have("curve.png")) {
    doc.para("Learning curve (`curve.png`, drawn from `metrics.csv`):");
    doc.image("curve.png", "learning curve");
  } else {
    doc.para("No `curve.png` (the run was made with `--no-plot`, or gnuplot was missing).");
  }

  doc.heading("Eval return of θ*");
  doc.para(std::string("θ* = ") + (cfg.net.method == eval::Method::kES ? "μ" : "(ρ > 0.5)") +
           ", mean ± std over the run's " + std::to_string(cfg.eval_episodes) + " eval starts (eval_seed(" +
           std::to_string(cfg.seed) + ", k)). `" + eval_cmd + "` replays " +
           (static_cast<double>(img.generation) == last["generation"]
                ? std::string("the last row")
                : "generation " + std::to_string(img.generation) +
                      "'s row (`policy/` is written at checkpoints; the rows after it ran ahead)") +
           "; with `" + run + "/policy-best` instead of the run, the best row.");
  auto eval_row = [&](const char* which, const Row& r) {
    return std::vector<std::string>{which, fmt(r["generation"], 10), fmt(r["eval_mean"]) + " ± " + fmt(r["eval_std"]),
                                    fmt(r["pop_mean"]), fmt(r["pop_best"])};
  };
  const Row first{&m, &m.rows.front()};
  doc.table({"row", "generation", "eval return", "population mean", "population best"},
            {eval_row("first", first), eval_row("last", last), eval_row("best", best)});
  if (summary) {
    summary->clear();
    if (functional_eval) *summary += "eval θ* (reference model): " + eval_text(*functional_eval) + "\n";
    if (chip_eval) *summary += "eval θ* (SystemC chip):     " + eval_text(*chip_eval) + "\n";
  }
  if (functional_eval || chip_eval) {
    std::vector<std::vector<std::string>> rows;
    if (functional_eval) rows.push_back({"reference model (functional)", eval_text(*functional_eval)});
    if (chip_eval)
      rows.push_back(
          {"SystemC chip (" + (cfg.chip_path.empty() ? std::string("configs/chip_default.json") : cfg.chip_path) + ")",
           eval_text(*chip_eval)});
    doc.para("θ* of generation " + std::to_string(img.generation) + " (`policy/`) from the run's first eval starts:");
    doc.table({"backend", "return"}, rows);
  }

  doc.heading("The chip: cycles and energy per env step");
  std::vector<std::vector<std::string>> chip_rows;
  chip_rows.push_back({"cycles per env step", std::isnan(last["cycles_per_step"])
                                                  ? "— (" + cfg.backend + " backend: no clock simulated)"
                                                  : fmt(last["cycles_per_step"])});
  chip_rows.push_back({"energy per env step", std::isnan(last["energy_per_step_nj"])
                                                  ? "— (no chip counts: train with --chip)"
                                                  : energy::energy_text(last["energy_per_step_nj"] * 1e3)});
  chip_rows.push_back(
      {"energy of the generation", std::isnan(last["energy_uj"]) ? "—" : energy::energy_text(last["energy_uj"] * 1e6)});
  if (energy) {
    const json::object& e = *energy;
    chip_rows.push_back(
        {"dynamic / static (last generation)", energy::energy_text(e.at("dynamic_pj").to_number<double>()) + " / " +
                                                   energy::energy_text(e.at("static_pj").to_number<double>())});
    chip_rows.push_back({"energy of the whole run", energy::energy_text(e.at("run_total_pj").to_number<double>())});
    chip_rows.push_back({"technology, chip",
                         std::string(e.at("technology").as_string()) + ", " + std::string(e.at("chip").as_string())});
  }
  doc.table({"figure (last generation)", "value"}, chip_rows);
  if (energy && energy->contains("note")) doc.para(std::string(energy->at("note").as_string()) + ".");
  if (have("energy.png")) {
    doc.para("Energy by unit and action (`energy.png`, drawn from `energy.json`):");
    doc.image("energy.png", "energy by unit and action");
  }

  doc.heading("Spike raster excerpt");
  bool raster_png = false;
  if (!has_raster) {
    doc.para("None: ES's dense float network (`--method es`) records no spike raster.");
  } else {
    const std::string raster_line =
        cfg.task + " seed " + std::to_string(raster.seed) + " (the run's first eval start), " +
        std::to_string(raster.steps) + " env steps, return " + fmt(raster.ret) + ", ended: " + raster.ended + "; " +
        std::to_string(raster.spikes) + " spikes (" + std::to_string(raster.spikes_exc) + " excitatory, " +
        std::to_string(raster.spikes - raster.spikes_exc) + " inhibitory)";
    doc.para("θ* of generation " + std::to_string(img.generation) + " for one episode of at most " +
             std::to_string(kRasterSteps) +
             " env steps on the functional backend, every spike as a dot (`report-raster.csv`: env_step, inner_step, "
             "neuron, sign; the same rows as `ecsim rollout --policy " +
             run + " --seed " + std::to_string(raster.seed) + " --max-steps " +
             std::to_string(std::min(kRasterSteps, cfg.max_steps > 0 ? cfg.max_steps : kRasterSteps)) +
             " --raster FILE`):");
    doc.code(raster_line);
    // everything has run: the files, the raster's data and picture first (the pages embed it)
    io::write_file_atomic((dir / "report-raster.csv").string(), raster.csv);
    try {
      io::RasterPlotData plot;
      plot.shape = img.net.desc.shape;
      plot.dt_ms = img.net.desc.consts.dt_ms;
      plot.spikes = raster.words;
      plot.actions = raster.actions;
      plot.title = "spike raster, " + cfg.task + " seed " + std::to_string(raster.seed) + ", " + method +
                   " policy generation " + std::to_string(img.generation);
      io::write_raster_plot((dir / "report-raster.png").string(), plot);
      raster_png = true;
    } catch (const Error& e) {
      std::cerr << "ecsim report: warning: " << e.what() << "\n";
    }
    if (raster_png) doc.image("report-raster.png", "spike raster excerpt");
  }

  if (have("contact.png")) {
    doc.heading("The robot");
    doc.para("Contact sheet of an episode (`contact.png`, from `ecsim render`):");
    doc.image("contact.png", "contact sheet");
  }

  doc.heading("Files");
  std::vector<Link> files;
  auto file = [&](const char* name, const char* note) {
    if (have(name) || fs::is_directory(dir / name)) files.push_back({name, name, note});
  };
  file("config.json", "the run's settings");
  file("metrics.csv", "one row per generation (the curve's data)");
  file("checkpoint.ckpt", "the latest checkpoint");
  file("policy", "the deploy image of the last row (`ecsim eval`, `ecsim rollout --policy`)");
  file("policy-best", "the deploy image of the best row");
  file("curve.png", "the learning curve");
  file("energy.json", "the chip's energy report (the energy chart's data)");
  file("energy.png", "the energy chart");
  file("contact.png", "the robot's contact sheet");
  if (has_raster) files.push_back({"report-raster.csv", "report-raster.csv", "the raster excerpt's spikes"});
  if (raster_png) files.push_back({"report-raster.png", "report-raster.png", "the raster excerpt"});
  files.push_back({"report.html", "report.html", "this report as one self-contained page"});
  doc.links(files);

  // the figures
  json::object js{{"run", run},
                  {"command", command},
                  {"task", cfg.task},
                  {"method", method},
                  {"pop", cfg.pop},
                  {"neurons", cfg.net.desc.shape.n_neurons},
                  {"backend", cfg.backend},
                  {"chip", cfg.chip_path},
                  {"seed", cfg.seed},
                  {"generations", cfg.generations},
                  {"time_limit_min", cfg.time_limit_min},
                  {"wall_time_s", elapsed},
                  {"frames_total", frames},
                  {"frames_per_s", std::isnan(fps) ? json::value(nullptr) : json::value(fps)},
                  {"last", row_json(last)},
                  {"best", row_json(best)},
                  {"steps_to_threshold", std::move(reached)}};
  json::object rj{{"seed", raster.seed},       {"steps", raster.steps},   {"return", raster.ret},
                  {"ended", raster.ended},     {"spikes", raster.spikes}, {"spikes_exc", raster.spikes_exc},
                  {"csv", "report-raster.csv"}};
  if (has_raster) js["raster"] = std::move(rj);
  if (energy) {
    const json::object& e = *energy;
    js["energy"] = json::object{
        {"generation", e.at("generation")},     {"dynamic_pj", e.at("dynamic_pj")},
        {"static_pj", e.at("static_pj")},       {"total_pj", e.at("total_pj")},
        {"run_total_pj", e.at("run_total_pj")}, {"env_step_pj", e.at("per").as_object().at("env_step_pj")}};
  }
  if (functional_eval) js["eval"] = eval_json(*functional_eval);
  if (chip_eval) js["chip_eval"] = eval_json(*chip_eval);

  io::write_file_atomic((dir / "report.md").string(), doc.markdown());
  io::write_file_atomic((dir / "report.html").string(), doc.html(run, "ecsim run report: " + run));
  return js;
}

}  // namespace ecsim::report
