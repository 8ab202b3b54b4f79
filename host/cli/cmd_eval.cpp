// ecsim eval: mean ± std return of a trained policy (a run directory or a deploy image) over N
// seeded episodes, on the evaluator seam (θ* for EC, μ for ES).
#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>

#include <boost/json.hpp>

#include "backends/make_chip.h"
#include "cli/chip_outputs.h"
#include "cli/commands.h"
#include "common/error.h"
#include "common/fields.h"
#include "eval/evaluator.h"
#include "eval/policy_image.h"
#include "io/atomic_file.h"
#include "nes/nes.h"
#include "train/config.h"

namespace po = boost::program_options;

namespace ecsim::cli {

int cmd_eval(const Args& args_in) {
  Args args = args_in;
  std::string path = take_leading_operand(args);
  int episodes = 10, threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency())), max_steps = 0;
  uint64_t seed = 1;
  std::string backend = "functional", model, chip_path, table_path, json_path, rtl_units;
  po::options_description desc;
  const Usage usage{"RUN_DIR|IMAGE [options]",
                    "Evaluates a trained policy: mean ± std return over --episodes seeded episodes (episode k uses\n"
                    "seed eval_seed(--seed, k), docs/training.md); on the chip, its cycles and energy."};
  desc.add_options()("policy", po::value(&path),
                     "run directory, policy image directory or its policy.json (or give it first)")(
      "episodes", dflt(&episodes), "number of episodes to evaluate")("seed", dflt(&seed), "seed of the episode starts")(
      "threads", dflt(&threads), "worker threads (results do not depend on it)")(
      "max-steps", dflt(&max_steps, "the task's"), "episode cap in env steps (0: the task's 1000)")(
      "backend", dflt(&backend), ("evaluator backend: " + backend_flag_help()).c_str())(
      "rtl-units", po::value(&rtl_units), backends::rtl_units_flag_help().c_str())(
      "chip", po::value(&chip_path),
      chip_flag_help("checks the policy against it and counts its activity (no cycles)").c_str())(
      "model", po::value(&model), "MJCF file instead of the project's model")(
      "energy-table", po::value(&table_path),
      "energy table JSON that prices the chip's counts (chip backends, or --chip; default: "
      "configs/energy_45nm.json)")("json", po::value(&json_path),
                                   "also write the result as JSON to this file (- for stdout, without the text)");
  po::variables_map vm;
  if (!parse_flags("eval", args, desc, vm, usage)) return 0;
  if (path.empty()) throw Error("ecsim eval needs a run directory or policy image", "e.g. ecsim eval runs/hopper-ec");
  if (episodes < 1) throw Error("--episodes must be at least 1", "e.g. --episodes 10");
  // the limits of a training run's evaluation (train/config.h): one job per episode, one worker per thread
  if (episodes > train::kMaxEvalEpisodes)
    throw Error("--episodes " + std::to_string(episodes) + " is above ecsim's limit of " +
                    std::to_string(train::kMaxEvalEpisodes) + " (each is one job held in memory)",
                "lower --episodes to " + std::to_string(train::kMaxEvalEpisodes) + " or less");
  if (threads < 1 || threads > train::kMaxThreads)
    throw Error("--threads " + std::to_string(threads) + " is outside [1, " + std::to_string(train::kMaxThreads) +
                    "] (each thread has its own environment and network)",
                "give --threads a value in [1, " + std::to_string(train::kMaxThreads) + "]");
  if (max_steps < 0) throw Error("--max-steps must be >= 0", "e.g. --max-steps 0");
  const eval::BackendInfo& info = eval::backend_info(backend);  // an unknown name fails before the policy loads
  backends::check_rtl_units_flag(backend, rtl_units);
  if (!json_path.empty() && json_path != "-") check_outputs({{"--json", json_path}});

  const eval::PolicyImage img = eval::load_policy_image(path);
  const std::optional<ChipEnergy> energy = chip_energy(info, chip_path, table_path, img.net.desc.shape);
  eval::EvaluatorConfig ec;
  ec.net = img.net;
  ec.task = img.task;
  ec.model_path = model;
  ec.threads = threads;
  ec.max_steps = max_steps;
  ec.chip_path = chip_path;
  ec.rtl_units = rtl_units;
  auto ev = eval::make_evaluator(backend, ec);
  ev->load(img.params, img.norm);
  std::vector<eval::Job> jobs;
  for (int k = 0; k < episodes; ++k)
    jobs.push_back({nes::eval_seed(seed, static_cast<uint64_t>(k)), 0, eval::JobKind::kDeterministic, false});
  const eval::BatchResult res = ev->evaluate(jobs);
  double mean = 0, var = 0, lo = INFINITY, hi = -INFINITY, steps = 0;
  for (const auto& r : res.results) {
    mean += r.ret / episodes;
    steps += static_cast<double>(r.steps) / episodes;
    lo = std::min(lo, r.ret);
    hi = std::max(hi, r.ret);
  }
  for (const auto& r : res.results) var += (r.ret - mean) * (r.ret - mean) / episodes;
  std::ostringstream text;
  char line[512];
  std::snprintf(
      line, sizeof line,
      "eval %s (%s, %s, generation %llu): return %.2f ± %.2f over %d episodes (min %.2f, max %.2f, mean length %.1f)\n",
      img.task.c_str(), eval::method_name(img.net.method),
      img.net.method == eval::Method::kES ? "float-dense" : (img.net.arith == ref::Arith::kFixed ? "fixed" : "float"),
      static_cast<unsigned long long>(img.generation), mean, std::sqrt(var), episodes, lo, hi, steps);
  text << line;
  if (const double clock = ev->clock_hz(); clock > 0) {
    uint64_t cycles = 0, total_steps = 0;
    for (const auto& r : res.results) {
      cycles += r.chip_cycles;
      total_steps += r.steps;
    }
    std::snprintf(line, sizeof line,
                  "chip (%s): %llu cycles, %.1f per env step, %.1f per episode; %.6f s at %.0f MHz\n",
                  ev->name().c_str(), static_cast<unsigned long long>(cycles),
                  total_steps ? static_cast<double>(cycles) / static_cast<double>(total_steps) : 0.0,
                  static_cast<double>(cycles) / episodes, static_cast<double>(cycles) / clock, clock / 1e6);
    text << line;
  }
  if (!info.counts_hardware && !chip_path.empty()) {  // --chip on the functional backend: its counts
    chip::HwCounters hw;
    uint64_t total_steps = 0;
    for (const auto& r : res.results) {
      hw += r.hw;
      total_steps += r.steps;
    }
    text << "chip activity counted by the " << ev->name() << " backend (" << chip_path << ", no cycles): synapse SRAM "
         << hw.synapse_sram.words_read << " words read, popcount unit " << hw.popcount_words << " words, NoC "
         << hw.noc_flits << " flits over " << total_steps << " env steps\n";
  }

  // energy of the episodes (docs/energy.md): per episode, from its counts, and of all of them
  boost::json::array eps;
  chip::HwCounters hw_all;
  ref::EventCounters ev_all;
  uint64_t cycles_all = 0, steps_all = 0;
  for (size_t k = 0; k < res.results.size(); ++k) {
    const eval::EpisodeResult& r = res.results[k];
    boost::json::object e{
        {"seed", jobs[k].seed}, {"return", r.ret}, {"steps", r.steps}, {"ended", tasks::reason_name(r.reason)}};
    if (info.has_clock) e["chip_cycles"] = r.chip_cycles;
    if (energy) {
      const energy::EnergyReport er = energy->estimate(r.hw, r.counters);
      e["dynamic_pj"] = er.dynamic_pj;
      e["static_pj"] = er.static_pj;
    }
    eps.push_back(std::move(e));
    hw_all += r.hw;
    ev_all += r.counters;
    cycles_all += r.chip_cycles;
    steps_all += r.steps;
  }
  boost::json::object js{{"policy", path},
                         {"task", img.task},
                         {"method", eval::method_name(img.net.method)},
                         {"generation", img.generation},
                         {"backend", backend},
                         {"seed", seed},
                         {"return_mean", mean},
                         {"return_std", std::sqrt(var)},
                         {"return_min", lo},
                         {"return_max", hi},
                         {"mean_length", steps},
                         {"episodes", std::move(eps)},
                         {"events", fields::to_json(ev_all)}};
  if (info.has_clock) {
    js["chip_cycles"] = cycles_all;
    js["clock_hz"] = ev->clock_hz();
  }
  if (energy) {
    const energy::EnergyReport er = energy->estimate(hw_all, ev_all);
    js["energy"] = energy::report_json(er, static_cast<uint64_t>(episodes));
    text << "energy (" << er.technology << ", " << energy->chip.name << "): " << energy::energy_text(er.total_pj)
         << " over " << episodes << " episodes = " << energy::energy_text(er.total_pj / episodes) << " per episode, "
         << energy::energy_text(steps_all ? er.total_pj / static_cast<double>(steps_all) : 0.0)
         << " per env step (dynamic " << energy::energy_text(er.dynamic_pj) << ", static "
         << energy::energy_text(er.static_pj) << (info.has_clock ? "" : ": no cycles, none counted") << ")\n";
  }
  if (json_path == "-") {
    std::cout << boost::json::serialize(js) << "\n";
    return 0;
  }
  std::cout << text.str();
  if (!json_path.empty()) io::write_file_atomic(json_path, boost::json::serialize(js) + "\n");
  return 0;
}

}  // namespace ecsim::cli
