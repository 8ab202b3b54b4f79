// The functional backend: the reference model (hw_model/reference) on host threads.
// Workers take jobs from an atomic counter; every result lands in its job's slot, and the
// observation statistics are kept per job and merged in job order, so nothing depends on the
// thread count or on scheduling.
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "chip/activity.h"
#include "common/error.h"
#include "common/thread_group.h"
#include "eval/evaluator.h"
#include "nes/nes.h"

namespace ecsim::eval {

namespace {

struct Worker {
  explicit Worker(const EvaluatorConfig& cfg, std::shared_ptr<const tasks::Model> model)
      : env(std::move(model)), agent(cfg.net) {
    obs.resize(static_cast<size_t>(env.obs_size()));
    ctrl.resize(static_cast<size_t>(env.act_size()));
    bits.resize(static_cast<size_t>((cfg.net.param_count() + 63) / 64));
  }
  tasks::Env env;
  Agent agent;
  std::vector<double> obs, ctrl;
  std::vector<float> scratch;
  std::vector<uint64_t> bits;
};

class FunctionalEvaluator final : public Evaluator {
 public:
  explicit FunctionalEvaluator(const EvaluatorConfig& cfg) : m_cfg(cfg) {
    if (m_cfg.threads < 1) throw Error("--threads must be at least 1", "e.g. --threads 2");
    const auto& spec = tasks::make_task_spec(cfg.task);
    m_model = tasks::Model::load(spec, cfg.model_path);
    if (spec.obs_size != cfg.net.desc.shape.d_in || spec.act_size != cfg.net.desc.shape.d_out)
      throw Error("the network's d_in/d_out (" + std::to_string(cfg.net.desc.shape.d_in) + "/" +
                      std::to_string(cfg.net.desc.shape.d_out) + ") do not match task " + spec.name + " (" +
                      std::to_string(spec.obs_size) + "/" + std::to_string(spec.act_size) + ")",
                  "use a policy trained on this task");
    m_max_steps = cfg.max_steps > 0 ? cfg.max_steps : spec.max_episode_steps;
    if (!cfg.chip_path.empty()) {  // count the chip's hardware activity (docs/energy.md)
      if (cfg.net.method != Method::kEC || cfg.net.arith != ref::Arith::kFixed)
        throw Error(
            "--chip on the functional backend counts the 1-bit chip's activity: it needs --method ec and fixed-point "
            "arithmetic",
            "drop --chip, or use --method ec without --arith float");
      const chip::ChipConfig c = chip::load_chip_config(cfg.chip_path);
      chip::check_network_arith(c, cfg.net.desc.arith);
      m_activity = std::make_shared<const chip::ActivityModel>(c, cfg.net.desc);
    }
    for (int t = 0; t < m_cfg.threads; ++t) m_workers.push_back(std::make_unique<Worker>(m_cfg, m_model));
  }

  std::string name() const override { return "functional"; }
  void observe_steps(StepObserver f, bool raster, const std::vector<int>& membrane_neurons) override {
    if (!membrane_neurons.empty())
      throw Error("membrane traces come from the chip: the reference model keeps no per-inner-step state",
                  "add --backend systemc (the same network, bit for bit)");
    m_observer = std::move(f);
    m_raster = raster;
  }

  void load(const std::vector<float>& params, const tasks::RunningNormalizer& norm) override {
    if (static_cast<int64_t>(params.size()) != m_cfg.net.param_count())
      throw Error("the evaluator got " + std::to_string(params.size()) + " parameters, the network has " +
                  std::to_string(m_cfg.net.param_count()));
    m_params = params;
    m_norm = norm;
    if (m_norm.size() == 0) m_norm = tasks::RunningNormalizer(static_cast<size_t>(m_cfg.net.desc.shape.d_in));
    const auto& d = m_cfg.net.desc;
    if (m_cfg.net.method == Method::kEC) {
      m_rho_q = ref::quantize_rho(params, d.arith.rho_bits);
      const ref::Theta det = ref::threshold_theta(d.shape, params);
      if (m_activity) m_det_counts = m_activity->theta_counts(det);
      m_det = std::make_shared<const ref::CompiledNet>(d, det);
    }
  }

  BatchResult evaluate(const std::vector<Job>& jobs) override {
    m_jobs = jobs.data();  // run_job's records name their job by its index
    BatchResult out;
    out.results.resize(jobs.size());
    std::vector<tasks::RunningNormalizer> stats(jobs.size());
    std::atomic<size_t> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    // θ* runs its eval episodes from several starts and usually lasts longest: start those jobs
    // first, so that no thread is left alone with one at the end (results go to their job's slot,
    // so the order changes nothing else)
    std::vector<size_t> order;
    for (size_t i = 0; i < jobs.size(); ++i)
      if (jobs[i].kind == JobKind::kDeterministic) order.push_back(i);
    for (size_t i = 0; i < jobs.size(); ++i)
      if (jobs[i].kind != JobKind::kDeterministic) order.push_back(i);
    auto work = [&](Worker& w) {
      try {
        for (size_t k = next++; k < jobs.size(); k = next++) {
          const size_t i = order[k];
          run_job(w, jobs[i], out.results[i], stats[i]);
        }
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        next = jobs.size();
      }
    };
    const size_t nthreads = std::min(m_workers.size(), std::max<size_t>(jobs.size(), 1));
    {
      ThreadGroup threads([&] { next = jobs.size(); });  // a failed start stops the others, joins them, rethrows
      for (size_t t = 1; t < nthreads; ++t) threads.start(work, std::ref(*m_workers[t]));
      work(*m_workers[0]);
    }
    if (error) std::rethrow_exception(error);
    out.obs_stats = merge_job_stats(stats, static_cast<size_t>(m_cfg.net.desc.shape.d_in));
    out.job_stats = std::move(stats);
    return out;
  }

 private:
  void run_job(Worker& w, const Job& job, EpisodeResult& r, tasks::RunningNormalizer& stats) {
    const auto& d = m_cfg.net.desc;
    // the network of this job
    chip::ActivityModel::ThetaCounts counts = m_det_counts;
    switch (job.kind) {
      case JobKind::kSample: {
        if (m_cfg.net.method != Method::kEC) throw Error("internal: sampled job for an ES evaluator");
        nes::sample_bits_range(m_rho_q, d.arith.rho_bits, job.param_seed, 0, w.bits.size(), w.bits.data());
        const ref::Theta theta = theta_from_bits(d.shape, w.bits);
        if (m_activity) counts = m_activity->theta_counts(theta);
        w.agent.set_net(std::make_shared<const ref::CompiledNet>(d, theta));
        break;
      }
      case JobKind::kDeterministic:
        if (m_cfg.net.method == Method::kEC)
          w.agent.set_net(m_det);
        else
          fill_dense_net(d, m_params.data(), w.agent.dense());
        break;
      case JobKind::kPlus:
      case JobKind::kMinus:
        if (m_cfg.net.method != Method::kES) throw Error("internal: antithetic job for an EC evaluator");
        fill_dense_net_perturbed(d, m_params, m_cfg.es_sigma, job.kind == JobKind::kPlus ? 1 : -1, job.param_seed,
                                 w.scratch, w.agent.dense());
        break;
    }
    if (job.observe) stats = tasks::RunningNormalizer(static_cast<size_t>(d.shape.d_in));
    // the agent normalizes, runs the reference network and scales to the actuator range
    struct AgentPolicy {
      Agent& agent;
      const tasks::RunningNormalizer& norm;
      const double* high;
      EpisodeResult& r;
      const chip::ActivityModel* activity;  // --chip: count its activity per step
      const chip::ActivityModel::ThetaCounts& counts;
      bool raster;
      ref::SpikeRaster spikes;
      ref::EventCounters before;  // the agent's counters at the previous record
      int t = 0;
      void reset(uint64_t seed) {
        agent.reset(seed);
        before = {};
        t = 0;
      }
      void act(const double* obs, double* ctrl) {
        spikes.clear();
        agent.act(obs, norm, high, ctrl, raster ? &spikes : nullptr);
      }
      void record(StepRecord& rec) {
        rec.events = agent.counters() - before;
        before = agent.counters();
        if (activity) {
          rec.hw = activity->env_step(counts);
          if (t == 0) rec.hw += activity->reset();
        }
        if (raster) rec.raster = &spikes;
        ++t;
      }
      void end_episode() { r.counters += agent.counters(); }  // the agent clears them at reset
    };
    r = EpisodeResult{};
    AgentPolicy policy{w.agent, m_norm, w.env.ctrl_high(), r, m_activity.get(), counts, m_raster, {}, {}};
    run_job_episodes(w.env, policy, job, m_cfg, m_max_steps, w.obs.data(), w.ctrl.data(), stats, r, &m_observer,
                     static_cast<size_t>(&job - m_jobs));
    if (m_activity) {  // the chip's activity for this job, exactly as the SystemC backend counts it
      if (job.kind == JobKind::kSample) r.hw += m_activity->sample(counts);
      r.hw += m_activity->reset().scaled(static_cast<uint64_t>(m_cfg.episodes_per_job));
      r.hw += m_activity->env_step(counts).scaled(r.steps);
    }
  }

  EvaluatorConfig m_cfg;
  std::shared_ptr<const tasks::Model> m_model;
  int m_max_steps = 1000;
  std::vector<std::unique_ptr<Worker>> m_workers;
  std::vector<float> m_params;
  tasks::RunningNormalizer m_norm;
  std::vector<uint32_t> m_rho_q;
  std::shared_ptr<const chip::ActivityModel> m_activity;  // --chip: count the chip's activity
  chip::ActivityModel::ThetaCounts m_det_counts;
  std::shared_ptr<const ref::CompiledNet> m_det;
  StepObserver m_observer;
  bool m_raster = false;
  const Job* m_jobs = nullptr;
};

}  // namespace

BackendInfo functional_backend_info() {
  BackendInfo info;
  info.name = "functional";
  info.summary = "the reference model";
  info.runs_dense_float = true;  // EC in fixed or float arithmetic, and ES's dense float RSNN
  return info;
}

std::unique_ptr<Evaluator> make_functional_evaluator(const EvaluatorConfig& cfg) {
  return std::make_unique<FunctionalEvaluator>(cfg);
}

}  // namespace ecsim::eval
