// Training throughput pieces (docs/training.md "Throughput"):
//   BM_TrainIndividualSetup  per-individual cost on the evaluator: θ sampling (Philox) + θ build
//                            + CompiledNet construction, hopper shape (N = 256)
//   BM_TrainEcGradient       the host's estimator for pop 64: regenerate 64 θ from seeds + sum
//   BM_TrainEvaluator/T      one population of 16 hopper individuals (ρ = 0.5) on the functional
//                            backend with T threads; counter frames_per_s
//   BM_TrainRawPhysics/T     T threads each stepping raw MuJoCo hopper (ctrl = sin table,
//                            mj_step x 4): the physics-only rate on the same cores
//   BM_TrainVsReplay/T       the training-throughput target on the same work: the functional
//                            evaluator on a population (T threads), against raw mj_step replaying
//                            exactly those episodes' controls (T threads); counters
//                            train_frames_per_s, physics_frames_per_s, fraction
//   BM_TrainRunVsReplay/T    the same target on a whole training (Trainer::run, the main job's
//                            settings, its first 40 generations) against raw mj_step replaying
//                            every episode of it on T threads; counter fraction
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

#include <chrono>
#include <filesystem>

#include <unistd.h>

#include "eval/agent.h"
#include "eval/evaluator.h"
#include "nes/nes.h"
#include "train/trainer.h"

namespace {

using namespace ecsim;

ref::NetworkDesc hopper_desc() {
  ref::NetworkShape s;
  s.d_in = 11;
  s.d_out = 3;
  return ref::make_network_desc(s);
}

void BM_TrainIndividualSetup(benchmark::State& state) {
  const auto d = hopper_desc();
  const std::vector<float> rho(static_cast<size_t>(d.shape.total_synapses()), 0.5f);
  const auto rq = ref::quantize_rho(rho, d.arith.rho_bits);
  std::vector<uint64_t> bits((rho.size() + 63) / 64);
  uint64_t seed = 1;
  for (auto _ : state) {
    nes::sample_bits_range(rq, d.arith.rho_bits, seed++, 0, bits.size(), bits.data());
    ref::CompiledNet net(d, eval::theta_from_bits(d.shape, bits));
    benchmark::DoNotOptimize(net.rec_post.data());
  }
}
BENCHMARK(BM_TrainIndividualSetup)->Unit(benchmark::kMicrosecond);

void BM_TrainEcGradient(benchmark::State& state) {
  const auto d = hopper_desc();
  const std::vector<float> rho(static_cast<size_t>(d.shape.total_synapses()), 0.5f);
  const auto rq = ref::quantize_rho(rho, d.arith.rho_bits);
  std::vector<uint64_t> seeds;
  std::vector<double> f;
  for (int i = 0; i < 64; ++i) {
    seeds.push_back(nes::individual_seed(1, 1, static_cast<uint64_t>(i)));
    f.push_back(std::sin(i));
  }
  const auto w = nes::centered_ranks(f);
  for (auto _ : state) benchmark::DoNotOptimize(nes::ec_gradient(rq, d.arith.rho_bits, seeds, w, 1));
}
BENCHMARK(BM_TrainEcGradient)->Unit(benchmark::kMillisecond);

void BM_TrainEvaluator(benchmark::State& state) {
  eval::EvaluatorConfig c;
  c.net.desc = hopper_desc();
  c.task = "hopper";
  c.threads = static_cast<int>(state.range(0));
  auto ev = eval::make_evaluator("functional", c);
  ev->load(std::vector<float>(static_cast<size_t>(c.net.param_count()), 0.5f), tasks::RunningNormalizer(11));
  uint64_t frames = 0, g = 0;
  for (auto _ : state) {
    std::vector<eval::Job> jobs;
    ++g;
    for (uint64_t i = 0; i < 16; ++i) {
      const uint64_t s = nes::individual_seed(1, g, i);
      jobs.push_back({s, s, eval::JobKind::kSample, true});
    }
    for (const auto& r : ev->evaluate(jobs).results) frames += r.steps;
  }
  state.counters["frames_per_s"] = benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TrainEvaluator)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_TrainRawPhysics(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const auto& spec = tasks::make_task_spec("hopper");
  const auto model = tasks::Model::load(spec);
  uint64_t frames = 0;
  for (auto _ : state) {
    std::atomic<uint64_t> total{0};
    auto work = [&]() {
      tasks::Env env(model);
      env.reset(1);
      mjData* d = env.mutable_data();
      const mjModel* m = env.mj_model();
      for (int k = 0; k < 2000; ++k) {
        if (k % 1000 == 0) env.reset(1);
        for (int j = 0; j < m->nu; ++j) d->ctrl[j] = std::sin(0.05 * k + j);
        for (int f = 0; f < spec.frame_skip; ++f) mj_step(m, d);
      }
      total += 2000;
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    frames += total;
  }
  state.counters["frames_per_s"] = benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TrainRawPhysics)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// One episode as raw physics sees it: the reset seed and the controls mj_step got (d->ctrl).
struct Episode {
  uint64_t seed;
  std::vector<double> ctrl;  // steps × nu
};

// Records each job's episode (one per job) with the evaluator's own Agent, untimed: the network
// of the job (θ sampled from ρ_q and its seed, or θ* = ρ > 0.5), normalized by norm.
std::vector<Episode> record_episodes(const eval::EvaluatorConfig& c, const std::shared_ptr<const tasks::Model>& model,
                                     const std::vector<float>& rho, const tasks::RunningNormalizer& norm,
                                     const std::vector<eval::Job>& jobs) {
  const ref::NetworkDesc& d = c.net.desc;
  tasks::Env env(model);
  eval::Agent agent(c.net);
  const auto rq = ref::quantize_rho(rho, d.arith.rho_bits);
  const auto det = std::make_shared<const ref::CompiledNet>(d, ref::threshold_theta(d.shape, rho));
  std::vector<uint64_t> bits((rho.size() + 63) / 64);
  std::vector<double> obs(static_cast<size_t>(env.obs_size())), ctrl(static_cast<size_t>(env.act_size()));
  const int nu = env.mj_model()->nu;
  const int max_steps = c.max_steps > 0 ? c.max_steps : env.spec().max_episode_steps;
  std::vector<Episode> out;
  for (const eval::Job& j : jobs) {
    if (j.kind == eval::JobKind::kSample) {
      nes::sample_bits_range(rq, d.arith.rho_bits, j.param_seed, 0, bits.size(), bits.data());
      agent.set_net(std::make_shared<const ref::CompiledNet>(d, eval::theta_from_bits(d.shape, bits)));
    } else {
      agent.set_net(det);
    }
    env.reset(j.seed);
    agent.reset(j.seed);
    Episode e{j.seed, {}};
    for (int t = 0; t < max_steps; ++t) {
      env.observation(obs.data());
      agent.act(obs.data(), norm, env.ctrl_high(), ctrl.data());
      const tasks::StepResult r = env.step(ctrl.data());
      e.ctrl.insert(e.ctrl.end(), env.mutable_data()->ctrl, env.mutable_data()->ctrl + nu);
      if (r.terminated || r.truncated) break;
    }
    out.push_back(std::move(e));
  }
  return out;
}

// One episode through raw physics: the task's seeded reset, then per step the recorded controls
// and mj_step × frame_skip.
void replay_episode(tasks::Env& env, const Episode& e) {
  mjData* d = env.mutable_data();
  const mjModel* m = env.mj_model();
  const int frame_skip = env.spec().frame_skip;
  env.reset(e.seed);
  for (size_t u = 0; u < e.ctrl.size(); u += static_cast<size_t>(m->nu)) {
    for (int j = 0; j < m->nu; ++j) d->ctrl[j] = e.ctrl[u + static_cast<size_t>(j)];
    for (int f = 0; f < frame_skip; ++f) mj_step(m, d);
  }
}

// Raw physics, one thread per core: T threads take the episodes from one queue and replay each.
// Seconds.
double replay_seconds(const std::shared_ptr<const tasks::Model>& model, const std::vector<Episode>& episodes,
                      int threads) {
  const auto t0 = std::chrono::steady_clock::now();
  std::atomic<size_t> next{0};
  auto replay = [&]() {
    tasks::Env env(model);
    for (size_t i = next++; i < episodes.size(); i = next++) replay_episode(env, episodes[i]);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(replay);
  replay();
  for (auto& t : pool) t.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Raw physics with no barrier: each of T threads replays all the episodes (the same work on
// every core, so all finish together), thread k starting at episode k·n/T and wrapping around, so
// that the cores are not in lockstep on the same states. Returns the wall time divided by T: the
// time T cores running physics without pause take for the episodes once.
double replay_seconds_per_core(const std::shared_ptr<const tasks::Model>& model, const std::vector<Episode>& episodes,
                               int threads) {
  const auto t0 = std::chrono::steady_clock::now();
  auto replay = [&](int k) {
    tasks::Env env(model);
    const size_t n = episodes.size(), first = n * static_cast<size_t>(k) / static_cast<size_t>(threads);
    for (size_t i = 0; i < n; ++i) replay_episode(env, episodes[(first + i) % n]);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(replay, t);
  replay(0);
  for (auto& t : pool) t.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / threads;
}

uint64_t episode_steps(const std::vector<Episode>& episodes, int nu) {
  uint64_t steps = 0;
  for (const Episode& e : episodes) steps += e.ctrl.size() / static_cast<size_t>(nu);
  return steps;
}

// The training-throughput target measured on the same work. Phase 1 (timed): the functional
// evaluator runs a population of 64 individuals (ρ = 0.5) on T threads, sampling, set-up, network
// and physics included. Phase 2 (timed): T threads replay the very same episodes through raw
// mj_step × frame_skip with the controls the network produced (recorded once, untimed, with the
// evaluator's own Agent). fraction = training frames/s ÷ physics-only frames/s.
void BM_TrainVsReplay(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  eval::EvaluatorConfig c;
  c.net.desc = hopper_desc();
  c.task = "hopper";
  c.threads = threads;
  const std::vector<float> rho(static_cast<size_t>(c.net.param_count()), 0.5f);
  const tasks::RunningNormalizer norm(11);
  auto ev = eval::make_evaluator("functional", c);
  ev->load(rho, norm);
  const auto model = tasks::Model::load(tasks::make_task_spec("hopper"));
  std::vector<eval::Job> jobs;
  for (uint64_t i = 0; i < 64; ++i) {
    const uint64_t seed = nes::individual_seed(7, 1, i);
    jobs.push_back({seed, seed, eval::JobKind::kSample, true});
  }
  const std::vector<Episode> episodes = record_episodes(c, model, rho, norm, jobs);
  uint64_t frames = 0;
  double train_s = 0, physics_s = 0;
  // the two phases alternate A B B A in every iteration, so that a drift of this noisy machine's
  // speed hits both alike
  auto train_once = [&]() {
    const auto t0 = std::chrono::steady_clock::now();
    const eval::BatchResult res = ev->evaluate(jobs);
    for (size_t i = 0; i < jobs.size(); ++i)
      if (res.results[i].steps * static_cast<size_t>(model->mj()->nu) != episodes[i].ctrl.size())
        state.SkipWithError("the recorded episodes differ from the evaluator's");
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  const uint64_t steps = episode_steps(episodes, model->mj()->nu);
  for (auto _ : state) {
    train_s += train_once();
    physics_s += replay_seconds(model, episodes, threads);
    physics_s += replay_seconds(model, episodes, threads);
    train_s += train_once();
    frames += 2 * steps;
  }
  state.counters["train_frames_per_s"] = static_cast<double>(frames) / train_s;
  state.counters["physics_frames_per_s"] = static_cast<double>(frames) / physics_s;
  state.counters["fraction"] = physics_s / train_s;
}
BENCHMARK(BM_TrainVsReplay)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The training-throughput target on a whole training: the main job's configuration (Hopper,
// population 64, 4 eval starts, checkpoints every 10 generations, curve.png, T threads) trained
// for its first kRunGenerations generations through Trainer::run, everything included: the
// controller's estimate and Adam step, the normalizer, metrics, checkpoints, the deploy image and
// the plot. Against it, raw physics with one thread per core replays every episode of each
// generation (population and eval) with the controls the network produced: each of the T threads
// replays all of them, so no core waits for another, and the physics time is the wall time / T.
//
// The two are interleaved generation by generation, because this VM's speed drifts by tens of
// percent within minutes: after each generation, the on_gen callback records that generation's
// episodes (T threads, from the controller state saved before it, untimed) and replays them
// (timed). The training's time is the run's wall time minus the time spent in the callback.
// These generations hold the run's shortest episodes (about 20 to 450 steps), where the
// per-generation and per-individual costs weigh most.
constexpr uint64_t kRunGenerations = 40;

void BM_TrainRunVsReplay(benchmark::State& state) {
  using clock = std::chrono::steady_clock;
  const int threads = static_cast<int>(state.range(0));
  train::TrainConfig cfg;  // the main job's defaults
  cfg.task = "hopper";
  cfg.net.desc = hopper_desc();
  cfg.threads = threads;
  cfg.generations = static_cast<int>(kRunGenerations);
  const eval::EvaluatorConfig ec = train::evaluator_config(cfg);
  const auto model = tasks::Model::load(tasks::make_task_spec("hopper"));
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("ecsim_bench_run_" + std::to_string(::getpid()) + "_" + std::to_string(threads));
  double train_s = 0, physics_s = 0;
  uint64_t frames = 0, episodes = 0;
  std::vector<double> gen_fraction;  // per generation: physics time / training time
  for (auto _ : state) {
    std::filesystem::remove_all(dir);
    double in_callback = 0;
    const auto t0 = clock::now();
    auto gen_start = t0;
    train::Trainer t = train::Trainer::start(cfg, dir.string());
    train::ControllerState before = t.state();  // the state generation g starts from
    t.run([&](const train::GenerationStats& s) {
      const auto c0 = clock::now();
      const double gen_train_s = std::chrono::duration<double>(c0 - gen_start).count();
      const std::vector<eval::Job> jobs = train::generation_jobs(cfg, s.generation);
      std::vector<std::vector<Episode>> parts(static_cast<size_t>(threads));
      std::vector<std::thread> pool;
      for (int k = 0; k < threads; ++k)  // job i goes to part i % threads
        pool.emplace_back([&, k]() {
          std::vector<eval::Job> mine;
          for (size_t i = static_cast<size_t>(k); i < jobs.size(); i += static_cast<size_t>(threads))
            mine.push_back(jobs[i]);
          parts[static_cast<size_t>(k)] = record_episodes(ec, model, before.params, before.norm, mine);
        });
      for (auto& th : pool) th.join();
      std::vector<Episode> gen;
      for (size_t i = 0; i < jobs.size(); ++i)
        gen.push_back(std::move(parts[i % static_cast<size_t>(threads)][i / static_cast<size_t>(threads)]));
      if (episode_steps(gen, model->mj()->nu) != s.frames)
        state.SkipWithError("the recorded episodes differ from the training's");
      const double gen_physics_s = replay_seconds_per_core(model, gen, threads);
      physics_s += gen_physics_s;
      gen_fraction.push_back(gen_physics_s / gen_train_s);
      frames += s.frames;
      episodes += gen.size();
      before = t.state();
      gen_start = clock::now();
      in_callback += std::chrono::duration<double>(gen_start - c0).count();
    });
    train_s += std::chrono::duration<double>(clock::now() - t0).count() - in_callback;
  }
  std::filesystem::remove_all(dir);
  state.counters["generations"] = static_cast<double>(kRunGenerations);
  state.counters["mean_episode"] = static_cast<double>(frames) / static_cast<double>(episodes);
  state.counters["train_frames_per_s"] = static_cast<double>(frames) / train_s;
  state.counters["physics_frames_per_s"] = static_cast<double>(frames) / physics_s;
  state.counters["fraction_total"] = physics_s / train_s;
  std::sort(gen_fraction.begin(), gen_fraction.end());
  const size_t n = gen_fraction.size();
  state.counters["fraction_q1"] = gen_fraction[n / 4];
  state.counters["fraction_q3"] = gen_fraction[3 * n / 4];
  state.counters["fraction"] = n % 2 ? gen_fraction[n / 2] : 0.5 * (gen_fraction[n / 2 - 1] + gen_fraction[n / 2]);
}
BENCHMARK(BM_TrainRunVsReplay)->Arg(1)->Arg(2)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

}  // namespace
