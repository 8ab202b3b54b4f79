#include "backends/systemc_evaluator.h"

#include "backends/make_chip.h"
#include "chip/chip_config.h"
#include "common/error.h"
#include "systemc/chip.h"

namespace ecsim::backends {

namespace {

// the process's one chip (SystemC elaborates once per process) and what it was built as
std::unique_ptr<sc::ChipSim>& process_chip() {
  static std::unique_ptr<sc::ChipSim> chip;
  return chip;
}
struct ProcessChipKind {
  std::string backend, path, rtl_units;
};
ProcessChipKind& process_chip_kind() {
  static ProcessChipKind kind;
  return kind;
}

class SystemcEvaluator final : public eval::Evaluator {
 public:
  SystemcEvaluator(const eval::EvaluatorConfig& cfg, const std::string& backend) : m_cfg(cfg), m_backend(backend) {
    if (cfg.net.method != eval::Method::kEC)  // the chip backends' runs_dense_float is false
      throw Error("--backend " + backend + " runs EC's 1-bit networks; ES perturbs real-valued weights",
                  "use --method ec, or --backend functional for ES");
    if (cfg.net.arith != ref::Arith::kFixed)
      throw Error("--backend " + backend + " runs the chip's fixed-point arithmetic", "drop --arith float");
    sc::ChipSim& sim = process_chip_for(backend, cfg.chip_path, cfg.rtl_units);
    const chip::ChipConfig& chip = sim.config();
    chip::check_network_arith(chip, cfg.net.desc.arith);
    m_desc = ref::make_network_desc(cfg.net.desc.shape, chip.arith);
    const auto& spec = tasks::make_task_spec(cfg.task);
    m_model = tasks::Model::load(spec, cfg.model_path);
    m_env = std::make_unique<tasks::Env>(m_model);
    m_max_steps = cfg.max_steps > 0 ? cfg.max_steps : spec.max_episode_steps;
    sim.load_network(m_desc);
  }

  std::string name() const override { return m_backend; }
  double clock_hz() const override { return process_chip()->config().clock_hz; }
  void observe_steps(eval::StepObserver f, bool raster, const std::vector<int>& membrane_neurons) override {
    m_observer = std::move(f);
    m_raster = raster;
    m_membrane_neurons = membrane_neurons;
  }

  void load(const std::vector<float>& params, const tasks::RunningNormalizer& norm) override {
    m_rho = params;
    m_det.resize(params.size());
    for (size_t g = 0; g < params.size(); ++g) m_det[g] = params[g] > 0.5f ? 1.0f : 0.0f;  // θ* as ρ ∈ {0, 1}
    m_norm = norm.size() ? norm : tasks::RunningNormalizer(static_cast<size_t>(m_desc.shape.d_in));
    m_loaded = Loaded::kNone;
  }

  eval::BatchResult evaluate(const std::vector<eval::Job>& jobs) override {
    sc::ChipSim& sim = *process_chip();
    eval::BatchResult out;
    out.results.resize(jobs.size());
    out.job_stats.resize(jobs.size());
    const size_t d_in = static_cast<size_t>(m_desc.shape.d_in), d_out = static_cast<size_t>(m_desc.shape.d_out);
    std::vector<double> obs(d_in), ctrl(d_out);
    std::vector<float> obs_f(d_in), act(d_out);
    for (size_t i = 0; i < jobs.size(); ++i) {
      const eval::Job& job = jobs[i];
      // θ on the chip: sampled from ρ by the on-chip sampler, or θ* loaded as ρ ∈ {0, 1}. A job's
      // cycles start at its own sampling: loading ρ (and θ*) is a per-chip cost, not a job's.
      uint64_t cycles0 = 0;
      chip::HwCounters hw0;
      if (job.kind == eval::JobKind::kSample) {
        if (m_loaded != Loaded::kRho) sim.load_rho(m_rho);
        m_loaded = Loaded::kRho;
        cycles0 = sim.cycles();
        hw0 = sim.hw();
        sim.sample(job.param_seed);
      } else if (job.kind == eval::JobKind::kDeterministic) {
        if (m_loaded != Loaded::kDeterministic) {
          sim.load_rho(m_det);
          sim.sample(0);
        }
        m_loaded = Loaded::kDeterministic;
        cycles0 = sim.cycles();
        hw0 = sim.hw();
      } else {
        throw Error("internal: an ES job reached the systemc backend");
      }
      tasks::RunningNormalizer& stats = out.job_stats[i];
      if (job.observe) stats = tasks::RunningNormalizer(d_in);
      eval::EpisodeResult& r = out.results[i];
      const ref::EventCounters before = sim.events();
      // the host normalizes and quantizes, the chip steps, the host scales to the actuator range
      struct ChipPolicy {
        sc::ChipSim& sim;
        tasks::Env& env;
        const tasks::RunningNormalizer& norm;
        std::vector<float>& obs_f;
        std::vector<float>& action;
        bool raster;
        std::vector<uint64_t> spikes;
        sc::MembraneTrace membrane;
        // the chip's counts at the previous record (at reset: before it, so step 0 has the reset)
        uint64_t cycles = 0;
        chip::HwCounters hw;
        ref::EventCounters events;
        void reset(uint64_t seed) {
          cycles = sim.cycles();
          hw = sim.hw();
          events = sim.events();
          sim.reset(seed);
        }
        void act(const double* obs, double* ctrl) {
          norm.normalize(obs, obs_f.data());
          spikes.clear();
          membrane.v.clear();
          sim.step(obs_f.data(), action.data(), raster ? &spikes : nullptr,
                   membrane.neurons.empty() ? nullptr : &membrane);
          for (size_t k = 0; k < action.size(); ++k) ctrl[k] = static_cast<double>(action[k]) * env.ctrl_high()[k];
        }
        void record(eval::StepRecord& rec) {
          rec.chip_cycles = sim.cycles() - cycles;
          rec.hw = sim.hw() - hw;
          rec.events = sim.events() - events;
          cycles = sim.cycles();
          hw = sim.hw();
          events = sim.events();
          if (raster) rec.raster = &spikes;
          if (!membrane.neurons.empty()) rec.membrane = &membrane.v;
        }
        void end_episode() {}  // counters: the chip's count difference over the job
      };
      ChipPolicy policy{sim, *m_env, m_norm, obs_f, act, m_raster, {}, {m_membrane_neurons, {}}, 0, {}, {}};
      eval::run_job_episodes(*m_env, policy, job, m_cfg, m_max_steps, obs.data(), ctrl.data(), stats, r, &m_observer,
                             i);
      r.counters = sim.events() - before;
      r.chip_cycles = sim.cycles() - cycles0;
      r.hw = sim.hw() - hw0;
    }
    out.obs_stats = eval::merge_job_stats(out.job_stats, d_in);
    return out;
  }

 private:
  enum class Loaded { kNone, kRho, kDeterministic };
  eval::EvaluatorConfig m_cfg;
  std::string m_backend;
  ref::NetworkDesc m_desc;
  std::shared_ptr<const tasks::Model> m_model;
  std::unique_ptr<tasks::Env> m_env;
  int m_max_steps = 1000;
  std::vector<float> m_rho, m_det;
  tasks::RunningNormalizer m_norm;
  Loaded m_loaded = Loaded::kNone;
  eval::StepObserver m_observer;
  bool m_raster = false;
  std::vector<int> m_membrane_neurons;
};

}  // namespace

sc::ChipSim& process_chip_for(const std::string& backend, const std::string& chip_path, const std::string& rtl_units) {
  const std::string path = !chip_path.empty() ? chip_path : chip::default_chip_config_path();
  auto& sim = process_chip();
  ProcessChipKind& kind = process_chip_kind();
  if (!sim) {
    sim = make_chip(path, backend, rtl_units);
    kind = {backend, path, rtl_units};
  } else if (kind.backend != backend || kind.path != path || kind.rtl_units != rtl_units) {
    throw Error("this process already built a " + kind.backend + " chip from '" + kind.path + "'" +
                    (kind.rtl_units.empty() ? std::string() : " with --rtl-units " + kind.rtl_units) +
                    "; SystemC elaborates once per process",
                "use one backend and one chip config per process (run another process for another chip)");
  }
  return *sim;
}

std::unique_ptr<eval::Evaluator> make_chip_evaluator(const eval::EvaluatorConfig& cfg, const std::string& backend) {
  if (!eval::backend_info(backend).simulates_chip) throw Error("internal: backend '" + backend + "' simulates no chip");
  return std::make_unique<SystemcEvaluator>(cfg, backend);
}

void register_backends() {
  eval::BackendInfo chip;
  chip.simulates_chip = chip.has_clock = chip.counts_hardware = true;
  chip.name = "systemc";
  chip.summary = "the cycle-level chip";
  eval::register_backend(chip, [](const eval::EvaluatorConfig& cfg) { return make_chip_evaluator(cfg, "systemc"); });
  chip.name = "rtl";
  chip.summary = "the chip with the Verilated RTL units, --rtl-units";
  chip.uses_rtl_units = true;
  eval::register_backend(chip, [](const eval::EvaluatorConfig& cfg) { return make_chip_evaluator(cfg, "rtl"); });
}

std::string systemc_popcount_unit() { return process_chip() ? process_chip()->popcount_unit() : std::string(); }

const sc::HwCounters* systemc_hw_counters() { return process_chip() ? &process_chip()->hw() : nullptr; }
uint64_t systemc_cycles() { return process_chip() ? process_chip()->cycles() : 0; }

}  // namespace ecsim::backends
