// ecsim rollout: one episode of a locomotion task, driven by a trained policy on any backend (the
// reference model, the cycle-level chip, the chip with the RTL core) or replayed from an action
// file, written as a per-step CSV: observation, action, reward components, end flags and, where
// the chip is simulated or counted, the step's spikes, cycles and energy.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "backends/make_chip.h"
#include "backends/systemc_evaluator.h"
#include "cli/chip_outputs.h"
#include "cli/commands.h"
#include "common/error.h"
#include "common/fields.h"
#include "energy/energy_model.h"
#include "eval/evaluator.h"
#include "eval/policy_image.h"
#include "io/atomic_file.h"
#include "io/csv.h"
#include "io/membrane_plot.h"
#include "io/raster_plot.h"
#include "nir/nir_import.h"
#include "tasks/env.h"

namespace po = boost::program_options;

namespace ecsim::cli {

namespace {

std::string task_list() {
  std::string s;
  for (const auto& n : tasks::task_names()) s += (s.empty() ? "" : ", ") + n;
  return s;
}

uint64_t parse_seed(const std::string& text) {
  uint64_t v = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end)
    throw Error("ecsim rollout: --seed '" + text + "' is not an integer in [0, 2^64)",
                "pass a non-negative integer, e.g. --seed 1");
  return v;
}

void append_field(std::string& out, double v) {
  out += ',';
  out += exact_text(v);
}

// the action rows of an actions CSV, checked against the task's action size
std::vector<std::vector<double>> read_actions(const std::string& path, const tasks::TaskSpec& spec) {
  const io::NumericTable t = io::read_numeric_csv(path);
  const std::vector<size_t> cols = t.numbered_columns("act_");
  const std::string want = "act_0..act_" + std::to_string(spec.act_size - 1);
  if (static_cast<int>(cols.size()) != spec.act_size)
    throw Error("actions file '" + path + "' has " + std::to_string(cols.size()) + " action columns" +
                    (cols.empty() ? std::string(" (none named act_0, act_1, ...)")
                                  : " (act_0..act_" + std::to_string(cols.size() - 1) + ")") +
                    ", " + spec.name + " needs " + std::to_string(spec.act_size) + " (" + want + ")",
                "write one column per actuator, named " + want);
  if (t.rows.empty())
    throw Error("actions file '" + path + "' has a header but no rows", "write one row of actions per step");
  std::vector<std::vector<double>> rows(t.rows.size(), std::vector<double>(cols.size()));
  for (size_t r = 0; r < t.rows.size(); ++r)
    for (size_t c = 0; c < cols.size(); ++c) {
      const double v = t.rows[r][cols[c]];
      if (!std::isfinite(v))
        throw Error("actions file '" + path + "': data row " + std::to_string(r + 1) + ", column '" +
                        t.columns[cols[c]] + "' is infinite",
                    "write finite numbers (Gymnasium's ranges: [-1, 1], humanoid [-0.4, 0.4])");
      rows[r][c] = v;
    }
  return rows;
}

// The trajectory CSV, one row per step. The network's columns (spikes) and the chip's
// (chip_cycles on a clocked backend; dynamic_pj and static_pj where the activity is counted)
// come after the task's.
class Trajectory {
 public:
  Trajectory(const tasks::TaskSpec& spec, const tasks::Model& model, bool network, bool clock, bool energy)
      : m_no(spec.obs_size),
        m_na(spec.act_size),
        m_nq(model.mj()->nq),
        m_nv(model.mj()->nv),
        m_contact(spec.contact_weight != 0.0),
        m_network(network),
        m_clock(clock),
        m_energy(energy) {
    m_csv = "step";
    for (int i = 0; i < m_no; ++i) m_csv += ",obs_" + std::to_string(i);
    for (int i = 0; i < m_na; ++i) m_csv += ",act_" + std::to_string(i);
    m_csv += ",reward_forward,reward_ctrl,reward_healthy";
    if (m_contact) m_csv += ",reward_contact";
    m_csv += ",reward,terminated,truncated,reason,x_position";
    for (int i = 0; i < m_nq; ++i) m_csv += ",qpos_" + std::to_string(i);
    for (int i = 0; i < m_nv; ++i) m_csv += ",qvel_" + std::to_string(i);
    if (m_network) m_csv += ",spikes";
    if (m_clock) m_csv += ",chip_cycles";
    if (m_energy) m_csv += ",dynamic_pj,static_pj";
    m_csv += '\n';
  }
  // one step; the network's figures only where the header has their columns
  void add(const double* obs, const double* act, const tasks::StepResult& r, const tasks::Env& env, uint64_t spikes,
           uint64_t cycles, const energy::EnergyReport* e) {
    m_csv += std::to_string(m_steps);
    for (int i = 0; i < m_no; ++i) append_field(m_csv, obs[i]);
    for (int i = 0; i < m_na; ++i) append_field(m_csv, act[i]);
    append_field(m_csv, r.components.forward);
    append_field(m_csv, r.components.ctrl);
    append_field(m_csv, r.components.healthy);
    if (m_contact) append_field(m_csv, r.components.contact);
    append_field(m_csv, r.reward);
    m_csv += r.terminated ? ",1" : ",0";
    m_csv += r.truncated ? ",1," : ",0,";
    m_csv += tasks::reason_name(r.reason);
    append_field(m_csv, env.x_position());
    for (int i = 0; i < m_nq; ++i) append_field(m_csv, env.data()->qpos[i]);
    for (int i = 0; i < m_nv; ++i) append_field(m_csv, env.data()->qvel[i]);
    if (m_network) m_csv += ',' + std::to_string(spikes);
    if (m_clock) m_csv += ',' + std::to_string(cycles);
    if (m_energy) {
      append_field(m_csv, e->dynamic_pj);
      append_field(m_csv, e->static_pj);
    }
    m_csv += '\n';
    m_return += r.reward;
    m_reason = r.reason;
    ++m_steps;
  }
  const std::string& csv() const { return m_csv; }
  uint64_t steps() const { return m_steps; }
  double episode_return() const { return m_return; }
  tasks::EndReason reason() const { return m_reason; }

 private:
  int m_no, m_na, m_nq, m_nv;
  bool m_contact, m_network, m_clock, m_energy;
  std::string m_csv;
  uint64_t m_steps = 0;
  double m_return = 0;
  tasks::EndReason m_reason = tasks::EndReason::kNone;
};

// where the episode's totals are gathered from the step records
struct EpisodeTotals {
  uint64_t cycles = 0, reset_cycles = 0;
  chip::HwCounters hw;
  ref::EventCounters events;
  double dynamic_pj = 0, static_pj = 0;  // Σ of the rows' figures
};

}  // namespace

int cmd_rollout(const Args& args) {
  std::string backend = "functional";
  std::string vcd_steps = "0:0";
  po::options_description desc;
  const Usage usage{
      "[--policy RUN|IMAGE | --nir FILE | --actions FILE.csv] --out traj.csv [options]",
      "Runs one episode, driven by a trained policy on the chosen backend (closed loop), replayed from an\n"
      "action file (open loop), or with zero actions, and writes its trajectory as CSV: step, obs_*, act_*,\n"
      "reward_* components, reward, terminated, truncated, reason, x_position, qpos_*, qvel_*; with --policy\n"
      "also spikes, and where the chip is simulated or counted the step's chip_cycles, dynamic_pj and\n"
      "static_pj (docs/tasks.md, \"ecsim rollout\")."};
  uint64_t seed_default = 1;
  int max_steps_default = 0;
  desc.add_options()(
      "policy", po::value<std::string>(),
      "trained policy: a run directory of `ecsim train` (its policy/), RUN/policy-best, or an image directory")(
      "nir", po::value<std::string>(), "a NIR graph that fits the chip, run as --policy runs one (docs/nir.md)")(
      "actions", po::value<std::string>(), "open-loop replay: CSV with columns act_0..act_{n-1}, one row per step")(
      "task", po::value<std::string>(),
      ("task id: " + task_list() + " (default: the policy's; hopper for --actions or zero actions)").c_str())(
      "model", po::value<std::string>(), "MJCF file to load instead of the project's model")(
      "seed", po::value<std::string>()->default_value(shortest_text(seed_default)),
      "episode seed: the reset noise and the network's v(0) (episode k of `ecsim eval --seed S` has seed "
      "eval_seed(S, k), listed by `ecsim eval --json`)")(
      "reset-noise", po::value<double>(), "reset noise scale (default: the task's; 0: deterministic start)")(
      "max-steps", dflt(&max_steps_default, "the task's"), "episode cap in env steps (0: the task's 1000)")(
      "backend", dflt(&backend), ("with --policy: " + backend_flag_help()).c_str())(
      "rtl-units", po::value<std::string>(), backends::rtl_units_flag_help().c_str())(
      "chip", po::value<std::string>(), chip_flag_help("counts its activity per step (no cycles)").c_str())(
      "energy-table", po::value<std::string>(),
      "energy table JSON that prices the chip's counts (default: configs/energy_45nm.json; docs/energy.md)")(
      "raster", po::value<std::string>(),
      "with --policy: spike raster CSV to write (env_step, inner_step, neuron, sign)")(
      "raster-plot", po::value<std::string>(),
      "with --policy: the raster's picture to write (PNG: spikes over network time, spikes per step, actions)")(
      "vcd", po::value<std::string>(),
      "with --policy on a chip backend: VCD waveform to write (controller phase, core activity, traced neurons)")(
      "vcd-steps", dflt(&vcd_steps), "env steps A:B (inclusive) the waveform covers")(
      "trace-neurons", po::value<std::string>(),
      "neurons the waveform and the membrane trace show (v, i_syn, rate, spikes), e.g. 0,5")(
      "membrane", po::value<std::string>(),
      "with --policy on a chip backend: CSV of the traced neurons' v after every inner step (env_step, inner_step, "
      "time_ms, neuron, v_q, v = v_q / 2^F)")(
      "membrane-plot", po::value<std::string>(),
      "with --policy on a chip backend: the picture of it (PNG: one panel per traced neuron, up to 8, with V_th)")(
      "json", po::value<std::string>(), "also write the summary as JSON to this file (- for stdout, without the text)")(
      "out", po::value<std::string>(), "trajectory CSV to write");
  po::variables_map vm;
  if (!parse_flags("rollout", args, desc, vm, usage)) return 0;
  const auto flag = [&](const char* name) { return vm.count(name) ? vm[name].as<std::string>() : std::string(); };

  // flags
  const std::string out_path = flag("out");
  if (out_path.empty()) throw Error("ecsim rollout: --out is required", "add --out traj.csv");
  if (vm.count("actions") && vm.count("policy"))
    throw Error("ecsim rollout: --actions and --policy are mutually exclusive", "give one of them");
  if (vm.count("nir") && (vm.count("policy") || vm.count("actions")))
    throw Error(std::string("ecsim rollout: --nir and --") + (vm.count("policy") ? "policy" : "actions") +
                    " are mutually exclusive",
                "give one of them");
  const bool with_policy = vm.count("policy") > 0 || vm.count("nir") > 0;
  for (const char* f : {"chip", "rtl-units", "energy-table", "raster", "raster-plot", "vcd", "trace-neurons",
                        "membrane", "membrane-plot"})
    if (vm.count(f) && !with_policy)
      throw Error(std::string("ecsim rollout: --") + f + " needs a network: give --policy RUN_DIR",
                  std::string("add --policy RUN_DIR (from `ecsim train`), or drop --") + f);
  if (!vm["backend"].defaulted() && !with_policy)
    throw Error("ecsim rollout: --backend needs --policy (an action file drives the robot without a network)",
                "add --policy RUN_DIR, or drop --backend");
  if (!vm["vcd-steps"].defaulted() && !vm.count("vcd"))
    throw Error("ecsim rollout: --vcd-steps without --vcd", "add --vcd wave.vcd");
  const uint64_t seed = parse_seed(vm["seed"].as<std::string>());
  const int max_steps_flag = vm["max-steps"].as<int>();
  if (max_steps_flag < 0) throw Error("ecsim rollout: --max-steps must be >= 0", "e.g. --max-steps 0 (the task's)");
  double noise = -1;
  if (vm.count("reset-noise")) {
    noise = vm["reset-noise"].as<double>();
    if (!std::isfinite(noise) || noise < 0)
      throw Error("ecsim rollout: --reset-noise must be a finite number >= 0", "e.g. --reset-noise 0");
  }
  const eval::BackendInfo& info = eval::backend_info(backend);  // an unknown name fails before anything loads
  backends::check_rtl_units_flag(backend, flag("rtl-units"));
  const std::string vcd_path = flag("vcd"), raster_path = flag("raster"), json_path = flag("json");
  if (!vcd_path.empty() && !info.simulates_chip)
    throw Error("ecsim rollout: --vcd needs --backend " + eval::backend_list(eval::simulates_chip),
                "add --backend systemc (waveforms come from the cycle-level chip)");
  const std::string membrane_path = flag("membrane"), membrane_png = flag("membrane-plot");
  const bool membrane = !membrane_path.empty() || !membrane_png.empty();
  if (membrane && !info.simulates_chip)
    throw Error("ecsim rollout: --membrane and --membrane-plot need --backend " +
                    eval::backend_list(eval::simulates_chip) + " (the reference model keeps no per-inner-step state)",
                "add --backend systemc (the same network, bit for bit)");
  std::pair<int64_t, int64_t> window{0, 0};
  if (!vcd_path.empty()) window = parse_vcd_window(vcd_steps);
  const std::vector<int> traced = parse_neuron_list(flag("trace-neurons"));
  if (membrane && traced.empty())
    throw Error("ecsim rollout: --membrane and --membrane-plot trace the neurons of --trace-neurons",
                "add --trace-neurons 0,5 (for example)");
  if (!membrane_png.empty() && traced.size() > io::kMaxMembranePanels)
    throw Error("ecsim rollout: --membrane-plot shows up to " + std::to_string(io::kMaxMembranePanels) +
                    " neurons, --trace-neurons gives " + std::to_string(traced.size()),
                "trace fewer neurons, or write them all with --membrane");
  std::vector<std::pair<std::string, std::string>> outputs{{"--out", out_path}};
  if (!raster_path.empty()) outputs.emplace_back("--raster", raster_path);
  const std::string raster_png = flag("raster-plot");
  if (!raster_png.empty()) outputs.emplace_back("--raster-plot", raster_png);
  if (!membrane_path.empty()) outputs.emplace_back("--membrane", membrane_path);
  if (!membrane_png.empty()) outputs.emplace_back("--membrane-plot", membrane_png);
  if (!vcd_path.empty()) outputs.emplace_back("--vcd", vcd_file(vcd_path));
  if (!json_path.empty() && json_path != "-") outputs.emplace_back("--json", json_path);
  check_outputs(outputs);  // before the episode: a bad path is not found after the run

  // the policy fixes the task; otherwise --task (default hopper)
  std::optional<eval::PolicyImage> img;
  if (with_policy)
    img = vm.count("nir") ? nir::import_nir(flag("nir"), flag("task")) : eval::load_policy_image(flag("policy"));
  const std::string task = policy_task("ecsim rollout", img ? &*img : nullptr, flag("task"));
  const tasks::TaskSpec& spec = tasks::make_task_spec(task);
  const int max_steps = max_steps_flag > 0 ? max_steps_flag : spec.max_episode_steps;
  if (!vcd_path.empty() && window.first >= max_steps)
    throw Error("--vcd-steps " + vcd_steps + " starts after the episode's last possible step (" +
                    std::to_string(max_steps - 1) + ")",
                "choose a window inside 0:" + std::to_string(max_steps - 1));
  const std::optional<ChipEnergy> energy =
      img ? chip_energy(info, flag("chip"), flag("energy-table"), img->net.desc.shape) : std::nullopt;

  const bool network = img.has_value();
  const auto model = tasks::Model::load(spec, flag("model"));
  Trajectory traj(spec, *model, network, network && info.has_clock, energy.has_value());
  std::string raster_csv = raster_csv_header();
  io::RasterPlotData plot;
  io::MembranePlotData vplot;
  std::string membrane_csv;
  EpisodeTotals totals;
  std::string note;
  if (img) {
    eval::EvaluatorConfig ec = policy_episode_config(*img, task, flag("model"), max_steps, flag("chip"));
    ec.reset_noise = noise;
    ec.rtl_units = flag("rtl-units");
    auto ev = eval::make_evaluator(backend, ec);
    if (!vcd_path.empty())  // after the chip has the network, before its first command
      backends::process_chip_for(backend, ec.chip_path, ec.rtl_units)
          .trace_vcd(vcd_path, window.first, window.second, traced);
    ev->observe_steps(
        [&](const eval::StepRecord& rec) {
          std::optional<energy::EnergyReport> er;
          if (energy) {
            er = energy->estimate(rec.hw, rec.events);
            totals.dynamic_pj += er->dynamic_pj;
            totals.static_pj += er->static_pj;
          }
          if (rec.t == 0) totals.reset_cycles = rec.hw.cycles_reset;
          totals.cycles += rec.chip_cycles;
          totals.hw += rec.hw;
          totals.events += rec.events;
          traj.add(rec.obs, rec.ctrl, rec.result, *rec.env, rec.events.spikes(), rec.chip_cycles, er ? &*er : nullptr);
          if (!raster_path.empty())
            append_raster_rows(raster_csv, static_cast<uint64_t>(rec.t), *rec.raster, ec.net.desc.shape);
          if (rec.membrane) {
            if (!membrane_path.empty())
              io::append_membrane_rows(membrane_csv, static_cast<size_t>(rec.t), *rec.membrane, traced,
                                       ec.net.desc.shape, img->net.desc.arith.frac_bits, img->net.desc.consts.dt_ms);
            if (!membrane_png.empty()) vplot.v.push_back(*rec.membrane);
          }
          if (!raster_png.empty()) {
            plot.spikes.push_back(*rec.raster);
            plot.actions.emplace_back(rec.ctrl, rec.ctrl + spec.act_size);
          }
        },
        !raster_path.empty() || !raster_png.empty(), membrane ? traced : std::vector<int>{});
    ev->load(img->params, img->norm);
    const eval::BatchResult res = ev->evaluate({eval::Job{seed, 0, eval::JobKind::kDeterministic, false}});
    const eval::EpisodeResult& r = res.results.at(0);
    // the records and the evaluator's episode agree (they are two views of one run)
    if (r.steps != traj.steps() || r.chip_cycles != totals.cycles)
      throw Error("internal: the step records do not add up to the episode (" + std::to_string(traj.steps()) + " of " +
                  std::to_string(r.steps) + " steps)");
  } else {
    std::vector<std::vector<double>> actions;
    if (vm.count("actions")) {
      actions = read_actions(flag("actions"), spec);
    } else {
      actions.assign(static_cast<size_t>(max_steps), std::vector<double>(static_cast<size_t>(spec.act_size), 0.0));
      note = "no --policy or --actions: zero actions (give --policy RUN_DIR for a trained policy)";
    }
    if (static_cast<int>(actions.size()) > max_steps) actions.resize(static_cast<size_t>(max_steps));
    tasks::Env env(model);
    if (noise >= 0)
      env.reset(seed, noise);
    else
      env.reset(seed);
    std::vector<double> obs(static_cast<size_t>(spec.obs_size));
    for (auto& a : actions) {
      env.observation(obs.data());
      const tasks::StepResult r = env.step(a.data());
      traj.add(obs.data(), a.data(), r, env, 0, 0, nullptr);
      if (r.terminated || r.truncated) break;
    }
  }
  if (!vcd_path.empty() && window.first >= static_cast<int64_t>(traj.steps())) {
    std::error_code ec;
    std::filesystem::remove(vcd_file(vcd_path), ec);  // an empty waveform is not a result
    throw Error("--vcd-steps " + vcd_steps + ": the episode ended after " + std::to_string(traj.steps()) +
                    " steps, before the window; no waveform was written",
                "choose a window inside 0:" + std::to_string(traj.steps() - 1));
  }

  // the summary
  const std::string ended =
      traj.reason() == tasks::EndReason::kNone ? "end of actions" : tasks::reason_name(traj.reason());
  std::ostringstream text;
  if (!note.empty()) text << note << "\n";
  text << "rollout " << spec.name << " seed " << seed;
  if (img)
    text << " (" << eval::method_name(img->net.method) << " policy, generation " << img->generation << ", " << backend
         << ")";
  text << ": " << traj.steps() << " steps, return " << exact_text(traj.episode_return()) << ", ended: " << ended
       << " -> " << out_path << "\n";
  boost::json::object js{{"task", spec.name},     {"seed", seed},
                         {"steps", traj.steps()}, {"return", traj.episode_return()},
                         {"ended", ended},        {"out", out_path}};
  if (img) {
    js["backend"] = backend;
    js["method"] = eval::method_name(img->net.method);
    js["generation"] = img->generation;
    js["events"] = fields::to_json(totals.events);
  }
  std::optional<energy::EnergyReport> er;
  if (energy) {
    er = energy->estimate(totals.hw, totals.events);
    const double steps = static_cast<double>(std::max<uint64_t>(traj.steps(), 1));
    if (info.has_clock)
      text << "chip      " << energy->chip.name << ": " << totals.cycles << " cycles in the episode (reset "
           << totals.reset_cycles << ", " << exact_text(static_cast<double>(totals.cycles) / steps)
           << " per step with the reset spread), " << exact_text(static_cast<double>(totals.cycles) / er->clock_hz)
           << " s at " << exact_text(er->clock_hz / 1e6) << " MHz\n";
    else
      text << "chip      " << energy->chip.name << " (" << energy->chip_path
           << "): activity counted by the functional backend (no cycles, so no static energy)\n";
    text << "energy    " << energy::energy_text(totals.dynamic_pj) << " dynamic + "
         << energy::energy_text(totals.static_pj) << " static in the episode = the per-step columns' sums; "
         << energy::energy_text((totals.dynamic_pj + totals.static_pj) / steps) << " per step\n"
         << energy::format_report(*er, 1);
    js["chip_cycles"] = totals.cycles;
    js["reset_cycles"] = totals.reset_cycles;
    js["energy"] = energy::report_json(*er, 1);
    js["dynamic_pj_sum"] = totals.dynamic_pj;
    js["static_pj_sum"] = totals.static_pj;
  }
  // the picture first: gnuplot is the step that can fail, and then nothing is written
  if (!raster_png.empty()) {
    plot.shape = img->net.desc.shape;
    plot.dt_ms = img->net.desc.consts.dt_ms;
    plot.title = "spike raster, " + spec.name + " seed " + std::to_string(seed) + ", " +
                 eval::method_name(img->net.method) + " policy generation " + std::to_string(img->generation) + ", " +
                 backend;
    io::write_raster_plot(raster_png, plot);
  }
  if (!membrane_png.empty()) {
    vplot.shape = img->net.desc.shape;
    vplot.frac_bits = img->net.desc.arith.frac_bits;
    vplot.dt_ms = img->net.desc.consts.dt_ms;
    vplot.neurons = traced;
    vplot.title = "membrane potential (v / V_th), " + spec.name + " seed " + std::to_string(seed) + ", " + backend;
    io::write_membrane_plot(membrane_png, vplot);
  }
  // outputs, all after the run
  io::write_file_atomic(out_path, traj.csv());
  std::string wrote = out_path;
  if (!raster_path.empty()) {
    io::write_file_atomic(raster_path, raster_csv);
    wrote += ", " + raster_path;
  }
  if (!raster_png.empty()) wrote += ", " + raster_png;
  if (!membrane_path.empty()) {
    io::write_file_atomic(membrane_path, membrane_csv);
    wrote += ", " + membrane_path;
  }
  if (!membrane_png.empty()) wrote += ", " + membrane_png;
  if (!vcd_path.empty()) wrote += ", " + vcd_file(vcd_path);
  if (!json_path.empty() && json_path != "-") {
    io::write_file_atomic(json_path, boost::json::serialize(js) + "\n");
    wrote += ", " + json_path;
  }
  if (json_path == "-") {
    std::cout << boost::json::serialize(js) << "\n";
  } else {
    std::cout << text.str();
    if (wrote != out_path) std::cout << "wrote     " << wrote << "\n";
  }
  return 0;
}

}  // namespace ecsim::cli
