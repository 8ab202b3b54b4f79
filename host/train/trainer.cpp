#include "train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "common/error.h"
#include "eval/evaluator.h"

namespace ecsim::train {

bool backend_counts_hardware(const std::string& backend) { return eval::backend_info(backend).counts_hardware; }

namespace {

// generation 0's state: everything a run starts from, derived from its config alone
ControllerState initial_state(const TrainConfig& cfg) {
  ControllerState st;
  const int64_t n = cfg.net.param_count();
  if (cfg.net.method == eval::Method::kEC) {
    st.params.assign(static_cast<size_t>(n), static_cast<float>(cfg.rho_init));
  } else {
    st.params.resize(static_cast<size_t>(n));
    nes::normal_noise(nes::individual_seed(cfg.seed, 0, 0), static_cast<size_t>(n), st.params.data());
  }
  st.adam.m.assign(static_cast<size_t>(n), 0.0f);
  st.adam.v.assign(static_cast<size_t>(n), 0.0f);
  st.norm = tasks::RunningNormalizer(static_cast<size_t>(cfg.net.desc.shape.d_in));
  return st;
}

}  // namespace

Trainer Trainer::start(const TrainConfig& cfg, const std::string& out_dir) {
  cfg.validate();
  check_new_run_dir(out_dir);
  // make the evaluator first so that task/model/backend errors surface before anything is written
  Trainer t(cfg, out_dir);
  t.m_ev = eval::make_evaluator(cfg.backend, evaluator_config(cfg));
  t.load_energy_setup();
  t.m_st = initial_state(cfg);
  t.m_evaluated = {0, t.m_st.params, t.m_st.norm};
  create_run_dir(out_dir);
  t.m_lock = std::make_shared<RunLock>(out_dir);
  check_new_run_dir(out_dir);         // again, locked: another process may have started a run here meanwhile
  remove_stale_temporaries(out_dir);  // of a run killed before it wrote config.json
  write_run_config(out_dir, cfg);
  return t;
}

Trainer Trainer::resume(const std::string& dir, int generations_override, int threads_override,
                        double time_limit_min_override) {
  check_run_dir(dir);
  auto lock = std::make_shared<RunLock>(dir);  // before anything is read: another process may be writing
  TrainConfig cfg = read_run_config(dir);
  if (generations_override > 0) cfg.generations = generations_override;
  if (threads_override > 0) cfg.threads = threads_override;
  if (time_limit_min_override > 0) cfg.time_limit_min = time_limit_min_override;
  cfg.validate();
  Trainer t(cfg, dir);
  t.m_lock = std::move(lock);
  t.m_ev = eval::make_evaluator(cfg.backend, evaluator_config(cfg));
  t.load_energy_setup();
  if (has_checkpoint(dir)) {
    t.m_st = read_checkpoint(dir, cfg);
    // metrics.csv is written before each checkpoint, so it holds a row for every generation up to
    // the checkpoint's; rows after it are computed again
    t.m_metrics = read_metrics_rows(dir + "/metrics.csv", t.m_st.generation);
    if (t.m_metrics.size() < t.m_st.generation)
      std::fprintf(stderr,
                   "ecsim train: warning: %s/metrics.csv holds rows for generations 1 to %zu only, the checkpoint "
                   "is at generation %llu; the rows after %zu are lost (the file was changed outside ecsim)\n",
                   dir.c_str(), t.m_metrics.size(), static_cast<unsigned long long>(t.m_st.generation),
                   t.m_metrics.size());
    // the best eval so far; its image is in policy-best/, written at or before the checkpoint
    for (const std::string& row : t.m_metrics) t.m_best_eval = std::max(t.m_best_eval, metrics_cell(row, "eval_mean"));
  } else {
    // killed before its first checkpoint: generation 0 follows from config.json alone
    t.m_st = initial_state(cfg);
    t.m_evaluated = {0, t.m_st.params, t.m_st.norm};
    t.m_restarted = true;
  }
  // everything checked: now the directory may change (temporaries a killed run left, config.json)
  remove_stale_temporaries(dir);
  // config.json records the latest generations, threads and time limit
  write_run_config(dir, cfg);
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
  const double episodes = static_cast<double>(c.episodes_per_individual);
  for (size_t i = 0; i < pop; ++i) {
    const double ret = res.results[i].ret;  // the task's return: what every statistic reports
    s.pop_mean += ret / static_cast<double>(pop);
    s.pop_best = std::max(s.pop_best, ret);
    s.pop_min = std::min(s.pop_min, ret);
    // the ranked fitness: the mean episode's return less the shift for each step it lasted
    f[i] = ret - c.reward_shift * (static_cast<double>(res.results[i].steps) / episodes);
    pop_steps += res.results[i].steps;
    cnt += res.results[i].counters;
  }
  // a NaN/inf return would rank arbitrarily and steer the update: stop before any state changes
  for (size_t i = 0; i < pop; ++i)
    if (!std::isfinite(f[i]))
      throw Error("generation " + std::to_string(g) + ": individual " + std::to_string(i) + " of " +
                      std::to_string(pop) + " has fitness " + std::to_string(f[i]) +
                      ", which is not finite; training stopped before updating the parameters",
                  "check the model's physics (--model) and the backend; the run directory keeps its last checkpoint");
  for (const auto& r : res.results) s.frames += r.steps;
  for (int k = 0; k < c.eval_episodes; ++k)
    s.eval_mean += res.results[pop + static_cast<size_t>(k)].ret / c.eval_episodes;
  for (int k = 0; k < c.eval_episodes; ++k) {
    const double d = res.results[pop + static_cast<size_t>(k)].ret - s.eval_mean;
    s.eval_std += d * d / c.eval_episodes;
  }
  s.eval_std = std::sqrt(s.eval_std);
  s.mean_steps =
      static_cast<double>(pop_steps) / static_cast<double>(pop * static_cast<size_t>(c.episodes_per_individual));
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
    s.cycles_per_episode =
        static_cast<double>(pop_cycles) / static_cast<double>(pop * static_cast<size_t>(c.episodes_per_individual));
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

  // what this generation evaluated, before the update: the image its row describes
  m_evaluated = {g, m_st.params, m_st.norm};

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
  if (const double e = metrics_cell(m_metrics.back(), "eval_mean"); e > m_best_eval) {
    m_best_eval = e;
    m_best = m_evaluated;
    m_best_unwritten = true;
  }
  return s;
}

void Trainer::write_checkpoint() const { train::write_checkpoint(m_dir, m_cfg, m_st); }

void Trainer::write_metrics() const { train::write_metrics(m_dir, m_metrics); }

void Trainer::load_energy_setup() {
  // energy needs the chip's counts: a chip backend, or the functional backend counting for --chip
  if (!backend_counts_hardware(m_cfg.backend) && m_cfg.chip_path.empty()) {
    if (!m_cfg.energy_table.empty())
      throw Error("--energy-table needs the chip's counts",
                  "add --chip FILE (the functional backend then counts them) or --backend systemc");
    return;
  }
  auto e = std::make_shared<EnergySetup>();
  e->chip = chip::load_chip_config(m_cfg.chip_path.empty() ? chip::default_chip_config_path() : m_cfg.chip_path);
  e->table =
      energy::load_energy_table(m_cfg.energy_table.empty() ? energy::default_energy_table_path() : m_cfg.energy_table);
  m_energy = std::move(e);
}

energy::EnergyReport Trainer::run_energy() const {
  return energy::estimate(m_energy->chip, m_energy->table, m_cfg.net.desc.shape, m_st.run_hw, m_st.run_events);
}

std::string Trainer::energy_table_text() const {
  if (!m_energy || m_st.run_hw == chip::HwCounters{}) return "";
  return "whole run (generations " + std::to_string(m_st.run_first_generation) + " to " +
         std::to_string(m_st.generation) + "), " +
         energy::format_report(run_energy(), m_st.run_episodes, m_st.generation + 1 - m_st.run_first_generation);
}

void Trainer::write_outputs() {
  write_metrics();
  if (m_energy && !m_last_energy.lines.empty())
    write_energy(m_dir, m_cfg, m_st, m_last_energy, m_last_episodes, run_energy());
  write_policy(m_dir, "policy", m_cfg, m_evaluated);
  if (m_best_unwritten) write_policy(m_dir, "policy-best", m_cfg, m_best);
  m_best_unwritten = false;
  if (m_cfg.plot && !m_metrics.empty()) write_curve(m_dir, m_cfg, m_metrics);
}

bool Trainer::run(const std::function<void(const GenerationStats&)>& on_gen, uint64_t stop_after, double time_limit_s) {
  if (!m_ev) m_ev = eval::make_evaluator(m_cfg.backend, evaluator_config(m_cfg));
  eval::Evaluator& ev = *m_ev;
  const auto last = static_cast<uint64_t>(m_cfg.generations);
  // The write order (docs/training.md, "What a kill leaves"): the checkpoint is the commit point
  // and comes last; every file written before it only runs ahead of it and is written again,
  // identically, when --resume repeats the generations after the checkpoint.
  if (m_st.generation == 0) write_outputs();
  while (m_st.generation < last) {
    const GenerationStats s = step(ev);
    const bool out_of_time = time_limit_s > 0 && s.elapsed >= time_limit_s;
    const bool ckpt =
        s.generation % static_cast<uint64_t>(m_cfg.checkpoint_every) == 0 || s.generation == last || out_of_time;
    if (ckpt) {
      write_outputs();
      write_checkpoint();
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
