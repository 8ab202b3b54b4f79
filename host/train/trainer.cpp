#include "train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <type_traits>

#include "common/error.h"
#include "common/binio.h"
#include "common/file.h"
#include "eval/policy_image.h"
#include "io/atomic_file.h"
#include "io/energy_plot.h"

namespace json = boost::json;
namespace fs = std::filesystem;

namespace ecsim::train {

// ---- config -------------------------------------------------------------------------------------

json::object TrainConfig::identity() const {
  json::object o;
  o["task"] = task;
  o["model"] = model_path;
  o["network"] = eval::net_to_json(net);
  o["pop"] = pop;
  o["seed"] = seed;
  o["lr"] = lr;
  o["beta1"] = beta1;
  o["beta2"] = beta2;
  o["adam_eps"] = adam_eps;
  o["eps"] = eps;
  o["rho_init"] = rho_init;
  o["weight_decay"] = weight_decay;
  o["es_sigma"] = es_sigma;
  o["es_weight_decay"] = es_weight_decay;
  o["eval_episodes"] = eval_episodes;
  o["episodes_per_individual"] = episodes_per_individual;
  o["max_steps"] = max_steps;
  o["obs_every"] = obs_every;
  return o;
}

uint32_t TrainConfig::identity_crc() const {
  const std::string s = json::serialize(identity());
  return crc32(s.data(), s.size());
}

json::object TrainConfig::to_json() const {
  json::object o;
  o["format"] = "ecsim-train-config";
  o["version"] = 1;
  o["identity"] = identity();
  o["backend"] = backend;
  o["chip"] = chip_path;
  o["energy_table"] = energy_table;
  o["kernel"] = kernel;
  o["generations"] = generations;
  o["threads"] = threads;
  o["checkpoint_every"] = checkpoint_every;
  o["plot"] = plot;
  return o;
}

TrainConfig TrainConfig::from_json(const json::value& v, const std::string& where) {
  TrainConfig c;
  try {
    const json::object& o = v.as_object();
    if (o.at("format").as_string() != "ecsim-train-config" || o.at("version").to_number<int64_t>() != 1)
      throw Error("'" + where + "' is not an ecsim-train-config version 1 file", "is this a run directory of `ecsim train`?");
    const json::object& id = o.at("identity").as_object();
    auto num = [](const json::value& x) { return x.to_number<double>(); };
    auto integer = [](const json::value& x) { return static_cast<int>(x.to_number<int64_t>()); };
    c.task = std::string(id.at("task").as_string());
    c.model_path = std::string(id.at("model").as_string());
    c.net = eval::net_from_json(id.at("network"), where);
    c.pop = integer(id.at("pop"));
    c.seed = id.at("seed").to_number<uint64_t>();
    c.lr = num(id.at("lr"));
    c.beta1 = num(id.at("beta1"));
    c.beta2 = num(id.at("beta2"));
    c.adam_eps = num(id.at("adam_eps"));
    c.eps = num(id.at("eps"));
    c.rho_init = num(id.at("rho_init"));
    c.weight_decay = num(id.at("weight_decay"));
    c.es_sigma = num(id.at("es_sigma"));
    c.es_weight_decay = num(id.at("es_weight_decay"));
    c.eval_episodes = integer(id.at("eval_episodes"));
    c.episodes_per_individual = integer(id.at("episodes_per_individual"));
    c.max_steps = integer(id.at("max_steps"));
    c.obs_every = integer(id.at("obs_every"));
    c.backend = std::string(o.at("backend").as_string());
    if (const json::value* chip = o.if_contains("chip")) c.chip_path = std::string(chip->as_string());
    if (const json::value* et = o.if_contains("energy_table")) c.energy_table = std::string(et->as_string());
    c.kernel = std::string(o.at("kernel").as_string());
    c.generations = integer(o.at("generations"));
    c.threads = integer(o.at("threads"));
    c.checkpoint_every = integer(o.at("checkpoint_every"));
    c.plot = o.at("plot").as_bool();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error("run config '" + where + "' is incomplete or malformed (" + e.what() + ")",
                "the run directory is damaged; start a new run");
  }
  c.validate();
  return c;
}

void TrainConfig::validate() const {
  auto bad = [](const std::string& what, const std::string& fix) { throw Error(what, fix); };
  if (pop < 2) bad("--pop " + std::to_string(pop) + " is too small", "use --pop 2 or more (default 64)");
  if (net.method == eval::Method::kES && pop % 2) bad("--pop " + std::to_string(pop) + " is odd; ES uses antithetic pairs", "use an even --pop");
  if (generations < 1) bad("--generations must be at least 1", "e.g. --generations 100");
  if (threads < 1 || threads > 1024) bad("--threads must be in [1, 1024]", "e.g. --threads 2");
  if (!(lr > 0) || !std::isfinite(lr)) bad("--lr must be a positive number", "e.g. --lr 0.15");
  if (!(eps > 0 && eps < 0.5)) bad("--eps must be in (0, 0.5)", "e.g. --eps 0.001");
  if (!(rho_init >= 0 && rho_init <= 1)) bad("--rho-init must be in [0, 1]", "e.g. --rho-init 0.5");
  if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) bad("--beta1/--beta2 must be in [0, 1)", "e.g. 0.9 and 0.999");
  if (!(adam_eps > 0)) bad("--adam-eps must be positive", "e.g. 1e-8");
  if (!(weight_decay >= 0) || !(es_weight_decay >= 0)) bad("weight decay must be >= 0", "e.g. --weight-decay 0");
  if (!(es_sigma > 0) || !std::isfinite(es_sigma)) bad("--sigma must be a positive number", "e.g. --sigma 0.3");
  if (eval_episodes < 1) bad("--eval-episodes must be at least 1", "e.g. --eval-episodes 4");
  if (episodes_per_individual < 1) bad("--episodes must be at least 1", "e.g. --episodes 1");
  if (max_steps < 0) bad("--max-steps must be >= 0 (0: the task's limit)", "e.g. --max-steps 0");
  if (obs_every < 1) bad("--obs-every must be at least 1", "e.g. --obs-every 1");
  if (checkpoint_every < 1) bad("--checkpoint-every must be at least 1", "e.g. --checkpoint-every 10");
}

eval::EvaluatorConfig evaluator_config(const TrainConfig& c) {
  eval::EvaluatorConfig e;
  e.net = c.net;
  e.task = c.task;
  e.model_path = c.model_path;
  e.threads = c.threads;
  e.episodes_per_job = c.episodes_per_individual;
  e.max_steps = c.max_steps;
  e.obs_every = c.obs_every;
  e.es_sigma = static_cast<float>(c.es_sigma);
  e.chip_path = c.chip_path;
  return e;
}

// ---- checkpoint ---------------------------------------------------------------------------------

static constexpr char kCkptMagic[9] = "ECSIMCK1";
static constexpr uint32_t kCkptVersion = 2;

std::string encode_checkpoint(const TrainConfig& cfg, const ControllerState& st) {
  BinWriter w;
  w.bytes(kCkptMagic, 8);
  w.put<uint32_t>(kCkptVersion);
  w.put<uint32_t>(cfg.net.method == eval::Method::kEC ? 0u : 1u);
  w.put<uint32_t>(cfg.identity_crc());
  w.put<uint32_t>(0);
  w.put<uint64_t>(st.generation);
  w.put<uint64_t>(cfg.seed);
  w.vec(st.params);
  w.put<uint64_t>(st.adam.t);
  w.vec(st.adam.m);
  w.vec(st.adam.v);
  w.str(st.norm.to_binary());
  w.put<double>(st.elapsed);
  w.put<uint64_t>(st.frames_total);
  static_assert(std::is_trivially_copyable_v<chip::HwCounters> && std::is_trivially_copyable_v<ref::EventCounters>);
  w.put(st.run_hw);
  w.put(st.run_events);
  w.put<uint64_t>(st.run_episodes);
  w.put<uint64_t>(st.run_first_generation);
  return w.finish_with_crc();
}

ControllerState decode_checkpoint(const std::string& data, const TrainConfig& cfg, const std::string& where) {
  const std::string what = "checkpoint '" + where + "'";
  if (data.size() < 8 || data.compare(0, 8, kCkptMagic, 8) != 0)
    throw Error(what + " is not an ecsim checkpoint (bad magic)", "the file is damaged; restore it or start a new run");
  check_crc(data, what);
  BinReader r(data, what);
  r.pos = 8;
  const uint32_t version = r.get<uint32_t>();
  if (version != kCkptVersion && version != 1)
    throw Error(what + " has format version " + std::to_string(version) + ", this ecsim reads versions 1 and " +
                std::to_string(kCkptVersion), "resume it with the ecsim that wrote it");
  const uint32_t method = r.get<uint32_t>();
  if (method != (cfg.net.method == eval::Method::kEC ? 0u : 1u))
    throw Error(what + " was written by a --method " + (method ? "es" : "ec") + " run, the config says --method " +
                eval::method_name(cfg.net.method), "the run directory is inconsistent; start a new run");
  const uint32_t crc = r.get<uint32_t>();
  if (crc != cfg.identity_crc())
    throw Error(what + " belongs to a different configuration than the run's config.json",
                "config.json was edited or replaced; restore it or start a new run");
  r.get<uint32_t>();
  ControllerState st;
  st.generation = r.get<uint64_t>();
  if (r.get<uint64_t>() != cfg.seed) throw Error(what + ": the run seed differs from config.json", "restore config.json");
  const auto n = static_cast<uint64_t>(cfg.net.param_count());
  st.params = r.vec<float>(n);
  st.adam.t = r.get<uint64_t>();
  st.adam.m = r.vec<float>(n);
  st.adam.v = r.vec<float>(n);
  try {
    st.norm = tasks::RunningNormalizer::from_binary(r.str());
  } catch (const Error& e) {
    throw Error(what + ": the normalizer blob is bad (" + e.what() + ")", "the file is damaged; start a new run");
  }
  if (st.norm.size() != static_cast<size_t>(cfg.net.desc.shape.d_in))
    throw Error(what + ": the normalizer has the wrong size", "the file is damaged; start a new run");
  st.elapsed = r.get<double>();
  st.frames_total = r.get<uint64_t>();
  if (version >= 2) {
    st.run_hw = r.get<chip::HwCounters>();
    st.run_events = r.get<ref::EventCounters>();
    st.run_episodes = r.get<uint64_t>();
    st.run_first_generation = r.get<uint64_t>();
  } else {
    st.run_first_generation = st.generation + 1;  // the totals start at this resume
  }
  if (r.pos + 4 != data.size()) throw Error(what + " has trailing bytes", "the file is damaged; start a new run");
  if (st.generation > static_cast<uint64_t>(1) << 40 || st.adam.t != st.generation)
    throw Error(what + " has an inconsistent generation counter", "the file is damaged; start a new run");
  return st;
}

// ---- trainer ------------------------------------------------------------------------------------

std::string metrics_header() {
  return "generation,seconds,elapsed,frames,frames_total,fps,pop_mean,pop_best,pop_min,eval_mean,eval_std,"
         "mean_steps,param_mean,spikes_per_step,synops_per_step,chip_cycles,cycles_per_step,cycles_per_episode,"
         "chip_seconds,energy_uj,energy_per_step_nj";
}
static constexpr size_t kMetricsColumns = 21;

size_t MetricsTable::column(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return i;
  throw Error("metrics.csv has no column '" + name + "'", "is it the metrics.csv of an `ecsim train` run?");
}

MetricsTable read_metrics(const std::string& run_dir) {
  const std::string path = run_dir + "/metrics.csv";
  std::ifstream in(path);
  if (!in) throw Error("cannot read '" + path + "'", "give the directory of an `ecsim train` run");
  auto cells = [](const std::string& line) {
    std::vector<std::string> c;
    std::stringstream ls(line);
    for (std::string x; std::getline(ls, x, ',');) c.push_back(x);
    if (!line.empty() && line.back() == ',') c.emplace_back();  // a trailing empty cell
    return c;
  };
  MetricsTable t;
  std::string line;
  if (!std::getline(in, line)) throw Error("'" + path + "' is empty", "the run directory is damaged; start a new run");
  t.columns = cells(line);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::vector<std::string> c = cells(line);
    if (c.size() != t.columns.size())
      throw Error("'" + path + "' has a row of " + std::to_string(c.size()) + " cells under a header of " +
                      std::to_string(t.columns.size()),
                  "the run directory is damaged; resume the run to rewrite metrics.csv");
    std::vector<double> row;
    for (const std::string& x : c) row.push_back(x.empty() ? NAN : std::strtod(x.c_str(), nullptr));
    t.rows.push_back(std::move(row));
  }
  return t;
}

static std::string fmt(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.10g", v);
  return b;
}

static std::string metrics_row(const GenerationStats& s) {
  std::string r = std::to_string(s.generation);
  auto add = [&r](const std::string& v) {
    r += ',';
    r += v;
  };
  add(fmt(s.seconds));
  add(fmt(s.elapsed));
  add(std::to_string(s.frames));
  add(std::to_string(s.frames_total));
  for (double v : {s.fps, s.pop_mean, s.pop_best, s.pop_min, s.eval_mean, s.eval_std, s.mean_steps, s.param_mean,
                   s.spikes_per_step, s.synops_per_step})
    add(fmt(v));
  // the chip columns stay empty on backends without a clock: no cycles were simulated
  add(s.has_chip ? std::to_string(s.chip_cycles) : "");
  add(s.has_chip ? fmt(s.cycles_per_step) : "");
  add(s.has_chip ? fmt(s.cycles_per_episode) : "");
  add(s.has_chip ? fmt(s.chip_seconds) : "");
  add(s.has_energy ? fmt(s.energy_pj * 1e-6) : "");
  add(s.has_energy ? fmt(s.energy_per_step_pj * 1e-3) : "");
  return r;
}

Trainer Trainer::start(const TrainConfig& cfg, const std::string& out_dir) {
  cfg.validate();
  if (fs::exists(fs::path(out_dir) / "config.json"))
    throw Error("--out '" + out_dir + "' already holds a training run", "continue it with --resume " + out_dir +
                                                                            ", or pick a new --out directory");
  if (fs::exists(out_dir) && !fs::is_directory(out_dir))
    throw Error("--out '" + out_dir + "' exists and is not a directory", "pick a new --out directory");
  // make the evaluator first so that task/model/backend errors surface before anything is written
  Trainer t(cfg, out_dir);
  t.m_ev = eval::make_evaluator(cfg.backend, evaluator_config(cfg));
  t.load_energy_setup();
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw Error("cannot create --out '" + out_dir + "': " + ec.message(), "pick a writable directory");
  const int64_t n = cfg.net.param_count();
  if (cfg.net.method == eval::Method::kEC) {
    t.m_st.params.assign(static_cast<size_t>(n), static_cast<float>(cfg.rho_init));
  } else {
    t.m_st.params.resize(static_cast<size_t>(n));
    nes::normal_noise(nes::individual_seed(cfg.seed, 0, 0), static_cast<size_t>(n), t.m_st.params.data());
  }
  t.m_st.adam.m.assign(static_cast<size_t>(n), 0.0f);
  t.m_st.adam.v.assign(static_cast<size_t>(n), 0.0f);
  t.m_st.norm = tasks::RunningNormalizer(static_cast<size_t>(cfg.net.desc.shape.d_in));
  io::write_file_atomic(out_dir + "/config.json", json::serialize(cfg.to_json()) + "\n");
  return t;
}

Trainer Trainer::resume(const std::string& dir, int generations_override, int threads_override) {
  const std::string cpath = dir + "/config.json";
  if (!fs::is_directory(dir))
    throw Error("--resume '" + dir + "' is not a directory", "pass the --out directory of an earlier `ecsim train`");
  if (!fs::exists(cpath))
    throw Error("--resume '" + dir + "' is not a run directory (no config.json)", "pass the --out directory of an earlier `ecsim train`");
  json::value v;
  try {
    v = json::parse(read_file(cpath, "run config"));
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error("run config '" + cpath + "' is not valid JSON (" + e.what() + ")", "the run directory is damaged; start a new run");
  }
  TrainConfig cfg = TrainConfig::from_json(v, cpath);
  if (generations_override > 0) cfg.generations = generations_override;
  if (threads_override > 0) cfg.threads = threads_override;
  cfg.validate();
  const std::string kpath = dir + "/checkpoint.ckpt";
  if (!fs::exists(kpath))
    throw Error("run '" + dir + "' has no checkpoint yet (it stopped before its first one)",
                "start it again with a new --out (or delete the directory)");
  Trainer t(cfg, dir);
  t.m_ev = eval::make_evaluator(cfg.backend, evaluator_config(cfg));
  t.load_energy_setup();
  t.m_st = decode_checkpoint(read_file(kpath, "checkpoint"), cfg, kpath);
  // metrics rows up to the checkpoint's generation
  std::ifstream in(dir + "/metrics.csv");
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (header) { header = false; continue; }
    if (line.empty()) continue;
    const uint64_t g = std::strtoull(line.c_str(), nullptr, 10);
    if (g >= 1 && g <= t.m_st.generation && g == t.m_metrics.size() + 1) {
      // rows of runs written before the chip columns existed get empty cells
      const size_t cols = static_cast<size_t>(std::count(line.begin(), line.end(), ',')) + 1;
      if (cols < kMetricsColumns) line.append(kMetricsColumns - cols, ',');
      t.m_metrics.push_back(line);
    }
  }
  if (t.m_metrics.size() != t.m_st.generation) t.m_metrics.clear();  // metrics lost: keep going without them
  // config.json records the latest generations/threads
  io::write_file_atomic(cpath, json::serialize(cfg.to_json()) + "\n");
  return t;
}

std::vector<eval::Job> generation_jobs(const TrainConfig& c, uint64_t g, std::vector<uint64_t>* param_seeds) {
  const bool is_ec = c.net.method == eval::Method::kEC;
  const size_t pop = static_cast<size_t>(c.pop);
  std::vector<eval::Job> jobs;
  jobs.reserve(pop + static_cast<size_t>(c.eval_episodes));
  for (size_t i = 0; i < pop; ++i) {
    eval::Job j;
    j.seed = nes::individual_seed(c.seed, g, i);
    if (is_ec) {
      j.param_seed = j.seed;
      j.kind = eval::JobKind::kSample;
      if (param_seeds) param_seeds->push_back(j.param_seed);
    } else {
      j.param_seed = nes::individual_seed(c.seed, g, i & ~size_t{1});
      j.kind = (i & 1) ? eval::JobKind::kMinus : eval::JobKind::kPlus;
      if (param_seeds && !(i & 1)) param_seeds->push_back(j.param_seed);
    }
    jobs.push_back(j);
  }
  for (int k = 0; k < c.eval_episodes; ++k)
    jobs.push_back({nes::eval_seed(c.seed, static_cast<uint64_t>(k)), 0, eval::JobKind::kDeterministic, false});
  return jobs;
}

GenerationStats Trainer::step(eval::Evaluator& ev) {
  const auto t0 = std::chrono::steady_clock::now();
  const TrainConfig& c = m_cfg;
  const uint64_t g = m_st.generation + 1;
  const bool is_ec = c.net.method == eval::Method::kEC;
  const size_t pop = static_cast<size_t>(c.pop);

  std::vector<uint64_t> param_seeds;
  const std::vector<eval::Job> jobs = generation_jobs(c, g, &param_seeds);

  ev.load(m_st.params, m_st.norm);
  const eval::BatchResult res = ev.evaluate(jobs);

  // fitness shaping and the estimate
  std::vector<double> f(pop);
  GenerationStats s;
  s.generation = g;
  s.pop_best = -INFINITY;
  s.pop_min = INFINITY;
  ref::EventCounters cnt;
  uint64_t pop_steps = 0;
  for (size_t i = 0; i < pop; ++i) {
    f[i] = res.results[i].ret;
    s.pop_mean += f[i] / static_cast<double>(pop);
    s.pop_best = std::max(s.pop_best, f[i]);
    s.pop_min = std::min(s.pop_min, f[i]);
    pop_steps += res.results[i].steps;
    cnt += res.results[i].counters;
  }
  for (const auto& r : res.results) s.frames += r.steps;
  for (int k = 0; k < c.eval_episodes; ++k) s.eval_mean += res.results[pop + static_cast<size_t>(k)].ret / c.eval_episodes;
  for (int k = 0; k < c.eval_episodes; ++k) {
    const double d = res.results[pop + static_cast<size_t>(k)].ret - s.eval_mean;
    s.eval_std += d * d / c.eval_episodes;
  }
  s.eval_std = std::sqrt(s.eval_std);
  s.mean_steps = static_cast<double>(pop_steps) / static_cast<double>(pop * static_cast<size_t>(c.episodes_per_individual));
  s.spikes_per_step = pop_steps ? static_cast<double>(cnt.spikes()) / static_cast<double>(pop_steps) : 0;
  s.synops_per_step = pop_steps ? static_cast<double>(cnt.synops()) / static_cast<double>(pop_steps) : 0;
  if (const double clock = ev.clock_hz(); clock > 0) {
    s.has_chip = true;
    uint64_t pop_cycles = 0;
    for (size_t i = 0; i < res.results.size(); ++i) {
      s.chip_cycles += res.results[i].chip_cycles;
      if (i < pop) pop_cycles += res.results[i].chip_cycles;
    }
    s.cycles_per_step = s.frames ? static_cast<double>(s.chip_cycles) / static_cast<double>(s.frames) : 0;
    s.cycles_per_episode = static_cast<double>(pop_cycles) / static_cast<double>(pop * static_cast<size_t>(c.episodes_per_individual));
    s.chip_seconds = static_cast<double>(s.chip_cycles) / clock;
  }
  if (m_energy) {  // the jobs' hardware counts (simulated, or counted by the functional backend)
    chip::HwCounters hw;
    ref::EventCounters ev_all;
    for (const auto& r : res.results) {
      hw += r.hw;
      ev_all += r.counters;
    }
    m_last_energy = energy::estimate(m_energy->chip, m_energy->table, c.net.desc.shape, hw, ev_all);
    m_last_episodes = pop * static_cast<uint64_t>(c.episodes_per_individual) + static_cast<uint64_t>(c.eval_episodes);
    s.has_energy = true;
    s.energy_pj = m_last_energy.total_pj;
    s.energy_per_step_pj = s.frames ? s.energy_pj / static_cast<double>(s.frames) : 0;
    m_st.run_hw += hw;
    m_st.run_events += ev_all;
    m_st.run_episodes += m_last_episodes;
  }

  const std::vector<double> w = nes::centered_ranks(f);
  nes::AdamConfig ac;
  ac.lr = c.lr;
  ac.beta1 = c.beta1;
  ac.beta2 = c.beta2;
  ac.eps = c.adam_eps;
  if (is_ec) {
    const auto rho_q = ref::quantize_rho(m_st.params, c.net.desc.arith.rho_bits);
    const std::vector<float> grad = nes::ec_gradient(rho_q, c.net.desc.arith.rho_bits, param_seeds, w, c.threads);
    ac.weight_decay = c.weight_decay;
    nes::adam_step(m_st.params, grad, m_st.adam, ac);
    nes::clip(m_st.params, static_cast<float>(c.eps), static_cast<float>(1.0 - c.eps));
  } else {
    const std::vector<float> grad = nes::es_gradient(m_st.params.size(), param_seeds, w);
    ac.weight_decay = c.es_weight_decay;
    nes::adam_step(m_st.params, grad, m_st.adam, ac);
  }
  // the normalizer learns from this generation's observations after its rollouts
  m_st.norm.merge(res.obs_stats);

  double pm = 0;
  for (float x : m_st.params) pm += is_ec ? x : std::fabs(x);
  s.param_mean = pm / static_cast<double>(m_st.params.size());

  m_st.generation = g;
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  m_st.elapsed += s.seconds;
  m_st.frames_total += s.frames;
  s.elapsed = m_st.elapsed;
  s.frames_total = m_st.frames_total;
  s.fps = s.seconds > 0 ? static_cast<double>(s.frames) / s.seconds : 0;
  m_metrics.push_back(metrics_row(s));
  return s;
}

void Trainer::write_checkpoint() const {
  io::write_file_atomic(m_dir + "/checkpoint.ckpt", encode_checkpoint(m_cfg, m_st));
}

void Trainer::write_metrics() const {
  std::string csv = metrics_header() + "\n";
  for (const auto& r : m_metrics) csv += r + "\n";
  io::write_file_atomic(m_dir + "/metrics.csv", csv);
}

void Trainer::load_energy_setup() {
  // energy needs the chip's counts: a chip backend, or the functional backend counting for --chip
  if (m_cfg.backend != "systemc" && m_cfg.backend != "rtl" && m_cfg.chip_path.empty()) {
    if (!m_cfg.energy_table.empty())
      throw Error("--energy-table needs the chip's counts", "add --chip FILE (the functional backend then counts them) or --backend systemc");
    return;
  }
  auto e = std::make_shared<EnergySetup>();
  e->chip = chip::load_chip_config(m_cfg.chip_path.empty() ? chip::default_chip_config_path() : m_cfg.chip_path);
  e->table = energy::load_energy_table(m_cfg.energy_table.empty() ? energy::default_energy_table_path() : m_cfg.energy_table);
  m_energy = std::move(e);
}

std::string Trainer::energy_table_text() const {
  if (!m_energy || m_st.run_hw == chip::HwCounters{}) return "";
  const energy::EnergyReport run =
      energy::estimate(m_energy->chip, m_energy->table, m_cfg.net.desc.shape, m_st.run_hw, m_st.run_events);
  return "whole run (generations " + std::to_string(m_st.run_first_generation) + " to " + std::to_string(m_st.generation) +
         "), " + energy::format_report(run, m_st.run_episodes, m_st.generation + 1 - m_st.run_first_generation);
}

void Trainer::write_outputs() const {
  write_metrics();
  if (m_energy && !m_last_energy.lines.empty()) {
    // the last generation's report, per generation, episode and env step, and the run's total
    json::object o = energy::report_json(m_last_energy, m_last_episodes, 1);
    o["generation"] = m_st.generation;
    // the whole run (from run_first_generation): the same report over its summed counts
    const uint64_t gens = m_st.generation + 1 - m_st.run_first_generation;
    const energy::EnergyReport run =
        energy::estimate(m_energy->chip, m_energy->table, m_cfg.net.desc.shape, m_st.run_hw, m_st.run_events);
    json::object whole = energy::report_json(run, m_st.run_episodes, gens);
    whole["first_generation"] = m_st.run_first_generation;
    whole["last_generation"] = m_st.generation;
    o["run"] = std::move(whole);
    o["run_total_pj"] = run.total_pj;
    io::write_file_atomic(m_dir + "/energy.json", json::serialize(o) + "\n");
    if (m_cfg.plot) {
      try {
        energy::write_energy_plot(m_last_energy, m_dir + "/energy.png");
      } catch (const Error& e) {
        static bool warned = false;
        if (!warned) std::fprintf(stderr, "ecsim train: warning: %s\n", e.what());
        warned = true;
      }
    }
  }

  eval::PolicyImage img;
  img.task = m_cfg.task;
  img.net = m_cfg.net;
  img.generation = m_st.generation;
  img.norm = m_st.norm;
  img.params = m_st.params;
  eval::save_policy_image(m_dir + "/policy", img);

  if (m_cfg.plot && !m_metrics.empty()) {
    const std::string gp =
        "set terminal pngcairo size 900,540\n"
        "set output '" + m_dir + "/curve.png'\n"
        "set datafile separator ','\n"
        "set key autotitle columnhead bottom right\n"
        "set title 'ecsim train " + m_cfg.task + " --method " + eval::method_name(m_cfg.net.method) + " --pop " +
        std::to_string(m_cfg.pop) + " --seed " + std::to_string(m_cfg.seed) + "'\n"
        "set xlabel 'generation'\nset ylabel 'return'\nset grid\n"
        "plot '" + m_dir + "/metrics.csv' using 1:10 with lines lw 2 title 'eval return (theta*)', "
        "'' using 1:7 with lines title 'population mean', '' using 1:8 with lines title 'population best'\n";
    io::write_file_atomic(m_dir + "/curve.gp", gp);
    const std::string cmd = "gnuplot '" + m_dir + "/curve.gp' >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) {
      static bool warned = false;
      if (!warned) std::fprintf(stderr, "ecsim train: warning: gnuplot failed; curve.png not written (curve.gp is there)\n");
      warned = true;
    }
  }
}

bool Trainer::run(const std::function<void(const GenerationStats&)>& on_gen, uint64_t stop_after, double time_limit_s) {
  if (!m_ev) m_ev = eval::make_evaluator(m_cfg.backend, evaluator_config(m_cfg));
  eval::Evaluator& ev = *m_ev;
  const auto last = static_cast<uint64_t>(m_cfg.generations);
  if (m_st.generation == 0) write_outputs();
  while (m_st.generation < last) {
    const GenerationStats s = step(ev);
    const bool out_of_time = time_limit_s > 0 && s.elapsed >= time_limit_s;
    const bool ckpt = s.generation % static_cast<uint64_t>(m_cfg.checkpoint_every) == 0 || s.generation == last || out_of_time;
    if (ckpt) {
      write_checkpoint();
      write_outputs();
    } else {
      write_metrics();
    }
    if (on_gen) on_gen(s);
    if (stop_after && s.generation >= stop_after) return false;
    if (out_of_time) return s.generation < last;
  }
  return false;
}

}  // namespace ecsim::train
