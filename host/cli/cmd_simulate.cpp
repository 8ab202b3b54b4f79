// ecsim simulate: run the chip's network on an observation trace and write per-step actions,
// optionally per-inner-step spike rasters. The network comes from ρ + a seed, from θ bits, or from
// a trained policy (θ* and its observation normalizer).
#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <tuple>

#include <boost/json.hpp>

#include "backends/make_chip.h"
#include "chip/activity.h"
#include "chip/chip_config.h"
#include "cli/chip_outputs.h"
#include "cli/commands.h"
#include "cli/network_flags.h"
#include "common/error.h"
#include "common/fields.h"
#include "energy/energy_model.h"
#include "eval/evaluator.h"
#include "eval/policy_image.h"
#include "io/atomic_file.h"
#include "io/csv.h"
#include "io/energy_plot.h"
#include "io/membrane_plot.h"
#include "io/network_files.h"
#include "io/raster_plot.h"
#include "nir/nir_import.h"
#include "systemc/chip.h"
#include "tasks/env.h"

namespace po = boost::program_options;
namespace json = boost::json;

namespace ecsim::cli {

namespace {

// "a", "a and b", "a, b and c"
std::string and_list(const std::vector<std::string>& items) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) s += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
  return s;
}

// --backend systemc: the same network on the cycle-level chip. The chip samples nothing here:
// θ is given, so it is loaded as ρ ∈ {0, 1} and sampled, which reproduces it bit for bit.
struct VcdRequest {
  std::string path, neurons;
  int64_t first = 0, last = 0;  // env steps, inclusive
};

// The observation trace and how each row becomes the network's input: as it is (normalized
// observations), or through a policy's normalizer (raw observations, as rollout records them).
struct Trace {
  std::string path;
  io::NumericTable table;
  std::vector<size_t> obs_cols;
  const tasks::RunningNormalizer* norm = nullptr;
  std::string line;  // the summary's trace line ("" when every column is an observation)

  size_t rows() const { return table.rows.size(); }
  void obs(size_t r, float* out, std::vector<double>& raw) const {
    const std::vector<double>& row = table.rows[r];
    if (norm) {
      raw.resize(obs_cols.size());
      for (size_t i = 0; i < obs_cols.size(); ++i) raw[i] = row[obs_cols[i]];
      norm->normalize(raw.data(), out);
    } else {
      for (size_t i = 0; i < obs_cols.size(); ++i) out[i] = static_cast<float>(row[obs_cols[i]]);
    }
  }
  json::object to_json() const {
    json::object o;
    o["path"] = path;
    o["rows"] = rows();
    json::array obs, ignored;
    for (size_t c : obs_cols) obs.emplace_back(table.columns[c]);
    for (const std::string& c : table.ignored) ignored.emplace_back(c);
    o["obs_columns"] = std::move(obs);
    o["ignored_columns"] = std::move(ignored);
    o["normalized_by_policy"] = norm != nullptr;
    return o;
  }
};

// What every run reports besides its counters, and where its outputs go.
struct RunInfo {
  std::string backend, rtl_units, arith_name, source, out_path, raster_path, save_theta_path, json_path;
  std::string raster_plot;                   // --raster-plot: the picture of the raster and the actions
  std::string membrane_path, membrane_plot;  // --membrane, --membrane-plot (chip backends)
  std::vector<int> traced;                   // --trace-neurons
  uint64_t seed = 0, init_seed = 0;
  std::string policy_line;  // the summary's policy line ("" without --policy)
  eval::NetSpec net;        // for the JSON's network
};

// --raster-plot: one env step's spikes and actions, and the picture of them all
void add_plot_step(io::RasterPlotData& plot, const std::vector<uint64_t>& raster, const std::vector<float>& action) {
  plot.spikes.push_back(raster);
  plot.actions.emplace_back(action.begin(), action.end());
}
void draw_raster(const RunInfo& ri, const ref::NetworkDesc& nd, const std::string& trace_path,
                 io::RasterPlotData& plot) {
  if (ri.raster_plot.empty()) return;
  plot.shape = nd.shape;
  plot.dt_ms = nd.consts.dt_ms;
  plot.title = "spike raster, trace " + std::filesystem::path(trace_path).filename().string() + ", network from --" +
               ri.source + ", " + ri.backend;
  io::write_raster_plot(ri.raster_plot, plot);
}

json::object summary_json(const RunInfo& ri, const ref::NetworkDesc& nd, const ref::Theta& theta, const Trace& trace,
                          const ref::EventCounters& c) {
  json::object o;
  o["format"] = "ecsim-simulate";
  o["version"] = 1;
  o["backend"] = ri.backend;
  o["trace"] = trace.to_json();
  eval::NetSpec spec = ri.net;
  spec.desc = nd;
  json::object net = eval::net_to_json(spec);
  net["description"] = nd.describe();
  net["source"] = ri.source;
  o["network"] = std::move(net);
  o["seed"] = ri.seed;
  o["init_seed"] = ri.init_seed;
  o["synapses"] = {{"present", theta.count_ones()}, {"total", nd.shape.total_synapses()}};
  o["steps"] = {{"env", c.env_steps}, {"inner", c.inner_steps}};
  const double rate = c.neuron_updates ? static_cast<double>(c.spikes()) / static_cast<double>(c.neuron_updates) : 0.0;
  o["spikes"] = {{"total", c.spikes()}, {"exc", c.spikes_exc}, {"inh", c.spikes_inh}, {"firing_probability", rate}};
  o["counters"] = fields::to_json(c);
  return o;
}

// writes the JSON summary to its file (after the other outputs) or, for "-", to stdout
void emit_json(const RunInfo& ri, const json::object& o) {
  const std::string text = json::serialize(o) + "\n";
  if (ri.json_path == "-")
    std::cout << text;
  else
    io::write_file_atomic(ri.json_path, text);
}

// --chip on the functional backend: the network checked against that chip (arithmetic, fit) and
// the chip's activity over the trace counted as chip::ActivityModel counts it (no cycles): what
// the chip backends would count for the same θ (load ρ, sample, reset, one env step per row).
std::string count_chip_activity(const chip::ChipConfig& cfg, const std::string& chip_path, const ref::NetworkDesc& nd,
                                const ref::Theta& theta, ref::Arith arith, uint64_t env_steps, json::object& out) {
  if (arith != ref::Arith::kFixed)
    throw Error("--chip on the functional backend counts the 1-bit chip's activity: it needs fixed-point arithmetic",
                "drop --arith float, or drop --chip");
  const chip::ActivityModel model(cfg, ref::make_network_desc(nd.shape, cfg.arith));
  const chip::Mapping map = chip::map_network(cfg, nd.shape);
  const chip::ActivityModel::ThetaCounts tc = model.theta_counts(theta);
  chip::HwCounters hw = model.load_rho();
  hw += model.sample(tc);
  hw += model.reset();
  hw += model.env_step(tc).scaled(env_steps);
  out = {{"name", cfg.name},
         {"path", chip_path},
         {"cores_used", map.cores_used},
         {"cores", cfg.cores},
         {"activity", fields::to_json(hw)}};
  std::ostringstream os;
  os << "chip      " << cfg.name << " (" << chip_path << "): the network uses " << map.cores_used << " of " << cfg.cores
     << " cores\n"
     << "activity  of that chip, counted (no cycles: --backend " << eval::backend_list(eval::simulates_chip)
     << " simulates them): synapse SRAM " << hw.synapse_sram.words_read << " words read, popcount unit "
     << hw.popcount_words << " words, NoC " << hw.noc_flits << " flits\n";
  return os.str();
}

// the stem of --out's energy files: --out x.csv writes x.energy.json and x.energy.png
std::string energy_stem(const std::string& out_path) {
  std::string stem = out_path;
  if (stem.size() > 4 && stem.substr(stem.size() - 4) == ".csv") stem.resize(stem.size() - 4);
  return stem;
}

int run_on_chip(const RunInfo& ri, const std::string& chip_path, const ref::NetworkDesc& nd, const ref::Theta& theta,
                const Trace& trace, ref::Arith arith, const VcdRequest& vcd, const std::string& energy_table_path) {
  if (arith != ref::Arith::kFixed)
    throw Error("--backend " + ri.backend + " runs the chip's fixed-point arithmetic",
                ri.source == "policy" || ri.source == "nir" ? "the policy computes in float: use --backend functional"
                                                            : "drop --arith float, or use --backend functional");
  const std::unique_ptr<sc::ChipSim> chip_sim =
      backends::make_chip(chip_path, ri.backend, ri.rtl_units);  // as the chip evaluator's
  sc::ChipSim& sim = *chip_sim;
  const chip::ChipConfig& cfg = sim.config();
  const energy::EnergyTable table =
      energy::load_energy_table(energy_table_path.empty() ? energy::default_energy_table_path() : energy_table_path);
  const ref::NetworkDesc desc = ref::make_network_desc(nd.shape, cfg.arith);
  {
    // the table must price every action this chip can count (a missing operand width is found
    // now, before the waveform and the outputs are written, not after the run)
    chip::HwCounters every;
    fields::for_each_leaf(every, [](const std::string&, const fields::Info&, uint64_t& v) { v = 1; });
    if (!cfg.float_weights()) every.mac_ops = 0;  // only the float32-weight chip counts (and prices) MACs
    energy::estimate(cfg, table, desc.shape, every, ref::EventCounters{});
  }
  sim.load_network(desc);
  if (!vcd.path.empty())
    sim.trace_vcd(vcd.path, vcd.first, vcd.last, parse_neuron_list(vcd.neurons));  // the first write
  std::vector<float> rho(static_cast<size_t>(desc.shape.total_synapses()));
  for (int64_t g = 0; g < desc.shape.total_synapses(); ++g)
    rho[static_cast<size_t>(g)] = theta.get_global(desc.shape, g) ? 1.0f : 0.0f;
  sim.load_rho(rho);
  sim.sample(0);
  sim.reset(ri.init_seed);
  std::ostringstream act_csv;
  std::string raster_csv;
  act_csv << "step";
  for (int k = 0; k < desc.shape.d_out; ++k) act_csv << ",act_" << k;
  act_csv << ",spikes,chip_cycles\n";
  if (!ri.raster_path.empty()) raster_csv = raster_csv_header();
  std::vector<float> obs(trace.obs_cols.size()), action(static_cast<size_t>(desc.shape.d_out));
  std::vector<double> raw;
  std::vector<uint64_t> raster;
  io::RasterPlotData plot;
  io::MembranePlotData vplot;
  std::string membrane_csv;
  sc::MembraneTrace membrane;
  if (!ri.membrane_path.empty() || !ri.membrane_plot.empty()) membrane.neurons = ri.traced;
  for (size_t r = 0; r < trace.rows(); ++r) {
    trace.obs(r, obs.data(), raw);
    const uint64_t spikes0 = sim.events().spikes(), cycles0 = sim.cycles();
    raster.clear();
    membrane.v.clear();
    sim.step(obs.data(), action.data(), ri.raster_path.empty() && ri.raster_plot.empty() ? nullptr : &raster,
             membrane.neurons.empty() ? nullptr : &membrane);
    if (!ri.raster_plot.empty()) add_plot_step(plot, raster, action);
    if (!ri.membrane_path.empty())
      io::append_membrane_rows(membrane_csv, r, membrane.v, membrane.neurons, desc.shape, desc.arith.frac_bits,
                               desc.consts.dt_ms);
    if (!ri.membrane_plot.empty()) vplot.v.push_back(membrane.v);
    act_csv << r;
    for (float a : action) act_csv << ',' << exact_text(static_cast<double>(a));
    act_csv << ',' << sim.events().spikes() - spikes0 << ',' << sim.cycles() - cycles0 << '\n';
    if (!ri.raster_path.empty()) append_raster_rows(raster_csv, r, raster, desc.shape);
  }
  // energy and traffic of the whole run (docs/energy.md): a table here, JSON and a plot beside --out,
  // all computed before the first output is written
  const energy::EnergyReport er = energy::estimate(cfg, table, desc.shape, sim.hw(), sim.events());
  const std::string stem = energy_stem(ri.out_path);
  const json::object energy_obj = energy::report_json(er, 1);
  const std::string energy_json = json::serialize(energy_obj) + "\n";
  std::string vcd_line;
  json::object summary;
  if (!ri.json_path.empty()) {
    summary = summary_json(ri, desc, theta, trace, sim.events());
    summary["chip"] = {
        {"name", cfg.name}, {"path", cfg.path}, {"cores", cfg.cores}, {"popcount_unit", sim.popcount_unit()}};
    summary["cycles"] = sim.cycles();
    summary["hw"] = fields::to_json(sim.hw());
    summary["energy"] = energy_obj;
  }
  if (!vcd.path.empty()) {
    // SystemC records the steps of the window that the trace reaches
    const int64_t last = std::min<int64_t>(vcd.last, static_cast<int64_t>(trace.rows()) - 1);
    vcd_line = "waveform  env steps " + std::to_string(vcd.first) + ".." + std::to_string(last) + " of 0.." +
               std::to_string(trace.rows() - 1) + " in " + vcd_file(vcd.path) +
               (last < vcd.last ? " (--vcd-steps " + std::to_string(vcd.first) + ":" + std::to_string(vcd.last) +
                                      " ends past the trace)"
                                : "") +
               "\n";
    if (!ri.json_path.empty())
      summary["vcd"] = {{"path", vcd_file(vcd.path)}, {"first_step", vcd.first}, {"last_step", last}};
  }
  draw_raster(ri, desc, trace.path, plot);  // the steps that can fail, before anything is written
  if (!ri.membrane_plot.empty()) {
    vplot.shape = desc.shape;
    vplot.frac_bits = desc.arith.frac_bits;
    vplot.dt_ms = desc.consts.dt_ms;
    vplot.neurons = membrane.neurons;
    vplot.title = "membrane potential (v / V_th), trace " + std::filesystem::path(trace.path).filename().string() +
                  ", " + ri.backend;
    io::write_membrane_plot(ri.membrane_plot, vplot);
  }
  io::write_file_atomic(ri.out_path, act_csv.str());
  if (!ri.raster_path.empty()) io::write_file_atomic(ri.raster_path, raster_csv);
  if (!ri.membrane_path.empty()) io::write_file_atomic(ri.membrane_path, membrane_csv);
  io::write_file_atomic(stem + ".energy.json", energy_json);
  if (!ri.save_theta_path.empty()) io::save_theta(ri.save_theta_path, nd.shape, theta);
  std::string plot_note;
  try {
    energy::write_energy_plot(er, stem + ".energy.png");
    plot_note = " and " + stem + ".energy.png";
  } catch (const Error& e) {
    std::cerr << "ecsim simulate: warning: " << e.what() << "\n";
  }
  if (!ri.json_path.empty()) emit_json(ri, summary);
  if (ri.json_path == "-") return 0;
  std::cout << trace.line << ri.policy_line << sim.report() << energy::format_report(er, 1) << vcd_line << "wrote     "
            << ri.out_path << (ri.raster_path.empty() ? "" : ", " + ri.raster_path)
            << (ri.raster_plot.empty() ? "" : ", " + ri.raster_plot)
            << (ri.membrane_path.empty() ? "" : ", " + ri.membrane_path)
            << (ri.membrane_plot.empty() ? "" : ", " + ri.membrane_plot) << (vcd.path.empty() ? "" : ", " + vcd.path)
            << ", " << stem << ".energy.json" << (ri.json_path.empty() ? "" : ", " + ri.json_path) << plot_note << "\n";
  return 0;
}

}  // namespace

int cmd_simulate(const Args& args) {
  std::string trace_path, theta_path, rho_path, policy_path, nir_path, task_name, out_path, raster_path, raster_plot,
      save_theta_path, json_path, backend = "functional", chip_path, rtl_units;
  std::string vcd_path, vcd_steps = "0:0", trace_neurons, energy_table_path, membrane_path, membrane_plot;
  double rho_const = -1.0;
  uint64_t seed = 1, init_seed = 0;
  int d_out = 0;
  NetworkFlags nf;
  po::options_description desc;
  const Usage usage{
      "--trace FILE (--policy RUN | --nir FILE | --theta FILE | --rho FILE | --rho-const P) --out FILE [options]",
      "Runs the network on an observation trace (a rollout's CSV is one) on the chosen backend and\n"
      "writes the actions per step; on the chip, its cycles, energy and waveform "
      "(docs/microarchitecture.md)."};
  desc.add_options()(
      "trace", po::value(&trace_path)->required(),
      "observation trace CSV: columns obs_0..obs_{d-1}, one row per env step (normalized observations; raw ones "
      "with --policy); other columns are ignored, so a trajectory of `ecsim rollout` is a trace as it is")(
      "theta", po::value(&theta_path), "θ bit file (from --save-theta or a training run); fixes the network shape")(
      "rho", po::value(&rho_path), "ρ text file, one probability per synapse (canonical order, docs/spec.md §6.2)")(
      "rho-const", po::value(&rho_const), "the same ρ for every synapse, e.g. 0.5")(
      "policy", po::value(&policy_path),
      "trained EC policy: a run directory of `ecsim train`, its policy/ image or policy.json; runs θ* = (ρ > 0.5) "
      "and applies its observation normalizer to every trace row (give raw observations, as rollout writes them)")(
      "nir", po::value(&nir_path),
      "a NIR graph that fits the chip (`ecsim export --nir` writes one), run as --policy runs its image "
      "(docs/nir.md, \"Import\"); a graph from another tool has an identity normalizer")(
      "task", po::value(&task_name), "task id (e.g. hopper): sets d_in and d_out, and the trace must match it")(
      "seed", dflt(&seed),
      "64-bit seed that samples θ from ρ; with --policy, the episode seed (v(0), as `ecsim rollout --seed`)")(
      "init-seed", po::value(&init_seed)->value_name("--seed"),
      "64-bit seed of the initial membrane potentials (default: --seed)")(
      "d-out", po::value(&d_out), "action size (needed unless --theta, --policy or --task gives it)")(
      "out", po::value(&out_path)->required(), "actions CSV to write: step, act_0.., spikes")(
      "raster", po::value(&raster_path),
      "spike raster CSV to write: env_step, inner_step, neuron, sign — one row per spike (every backend)")(
      "raster-plot", po::value(&raster_plot),
      "the raster's picture to write (PNG: spikes over network time, spikes per step, the actions)")(
      "save-theta", po::value(&save_theta_path), "also write the θ bits used to this file")(
      "json", po::value(&json_path),
      "also write the summary as JSON to this file (-: to stdout, in place of the text summary)")(
      "backend", dflt(&backend), backend_flag_help().c_str())("rtl-units", po::value(&rtl_units),
                                                              backends::rtl_units_flag_help().c_str())(
      "chip", po::value(&chip_path),
      chip_flag_help("checks the network against it and counts its activity over the trace (no cycles)").c_str())(
      "vcd", po::value(&vcd_path),
      "--backend systemc/rtl: write a VCD waveform (controller phase, core activity, traced neurons)")(
      "vcd-steps", dflt(&vcd_steps),
      "environment steps A:B (inclusive) the waveform covers; A must be a step of the trace")(
      "trace-neurons", po::value(&trace_neurons),
      "neurons whose v, i_syn, rate and spikes the waveform shows, and whose v --membrane records, e.g. 0,5,130")(
      "membrane", po::value(&membrane_path),
      "--backend systemc/rtl: CSV of the traced neurons' v after every inner step (env_step, inner_step, time_ms, "
      "neuron, v_q, v = v_q / 2^F)")(
      "membrane-plot", po::value(&membrane_plot),
      "--backend systemc/rtl: the picture of it (PNG: one panel per traced neuron, up to 8, with V_th)")(
      "energy-table", po::value(&energy_table_path),
      "--backend systemc/rtl: energy table JSON (default: configs/energy_45nm.json; docs/energy.md)");
  nf.add_to(desc);
  po::variables_map vm;
  if (!parse_flags("simulate", args, desc, vm, usage)) return 0;
  if (!vm.count("init-seed")) init_seed = seed;

  // only the obs_* columns are read (strictly); a rollout's step, act_*, reward_* and text columns are skipped
  Trace trace;
  trace.path = trace_path;
  trace.table = io::read_numeric_csv(trace_path, /*allow_nan=*/true,
                                     [](const std::string& c) { return c.rfind("obs_", 0) == 0; });
  trace.obs_cols = trace.table.numbered_columns("obs_");
  if (trace.obs_cols.empty())
    throw Error(trace_path + ": no observation columns (obs_0, obs_1, ...)", "name the columns obs_0, obs_1, ...");
  const int d_in = static_cast<int>(trace.obs_cols.size());
  const std::string obs_range = "obs_0..obs_" + std::to_string(d_in - 1);
  if (!trace.table.ignored.empty())
    trace.line = "trace     " + trace_path + ": " + std::to_string(trace.rows()) + " rows, " + obs_range +
                 "; ignored columns: " + io::describe_columns(trace.table.ignored) + "\n";

  if (vm.count("policy") && vm.count("nir"))
    throw Error("--policy and --nir are mutually exclusive (both give the network)", "give one of them");
  const int sources = int{vm.count("theta") > 0} + int{vm.count("rho") > 0} + int{vm.count("rho-const") > 0} +
                      int{vm.count("policy") > 0} + int{vm.count("nir") > 0};
  if (sources != 1)
    throw Error("give exactly one network source: --theta FILE, --rho FILE, --rho-const P, --policy RUN or --nir FILE",
                "e.g. --rho-const 0.5 --seed 1 --d-out 3, or --policy runs/hopper-ec");

  const tasks::TaskSpec* task = vm.count("task") ? &tasks::make_task_spec(task_name) : nullptr;
  if (task) {
    if (d_in != task->obs_size)
      throw Error(trace_path + " has " + std::to_string(d_in) + " obs columns (" + obs_range + ") but task " +
                      task->name + " has " + std::to_string(task->obs_size) + " observations (obs_0..obs_" +
                      std::to_string(task->obs_size - 1) + ")",
                  "use a trace recorded on " + task->name + " (ecsim rollout --task " + task->name +
                      " writes one), or the trace's task in --task");
    if (vm.count("d-out") && d_out != task->act_size)
      throw Error("--d-out " + std::to_string(d_out) + " contradicts task " + task->name + " (" +
                      std::to_string(task->act_size) + " actions)",
                  "drop --d-out; --task sets it");
    d_out = task->act_size;
  }

  // the width flags given (the others are the defaults, or the chip's with a chip)
  std::vector<std::string> widths_given;
  ref::ArithConfig::for_each_field([&](const fields::Info& info, auto) {
    if (!vm[info.flag()].defaulted()) widths_given.emplace_back(info.name);
  });
  const eval::BackendInfo& info = eval::backend_info(backend);
  backends::check_rtl_units_flag(backend, rtl_units);
  // a chip (--chip, or the default chip of a chip backend) fixes the widths no flag sets
  std::optional<chip::ChipConfig> chip_cfg;
  if (vm.count("chip") || info.simulates_chip) {
    chip_cfg = chip::load_chip_config(chip_path.empty() ? chip::default_chip_config_path() : chip_path);
    ref::ArithConfig::for_each_field([&](const fields::Info& f, auto m) {
      if (!vm[f.flag()].defaulted()) return;
      nf.arith.*m = chip_cfg->arith.*m;
    });
  }

  RunInfo ri;
  ri.backend = backend;
  ri.rtl_units = rtl_units;
  ri.arith_name = nf.arith_mode;
  ri.out_path = out_path;
  ri.raster_path = raster_path;
  ri.raster_plot = raster_plot;
  ri.membrane_path = membrane_path;
  ri.membrane_plot = membrane_plot;
  ri.save_theta_path = save_theta_path;
  ri.json_path = json_path;
  ri.seed = seed;
  ri.init_seed = init_seed;
  ref::Theta theta;
  ref::NetworkDesc nd;
  ref::Arith mode = ref::Arith::kFixed;
  std::optional<eval::PolicyImage> policy;
  if (vm.count("policy") || vm.count("nir")) {
    ri.source = vm.count("nir") ? "nir" : "policy";
    if (vm.count("nir")) policy_path = nir_path;
    policy = vm.count("nir") ? nir::import_nir(nir_path, task_name) : eval::load_policy_image(policy_path);
    if (policy->net.method != eval::Method::kEC)
      throw Error("--policy " + policy_path +
                      " is an ES image (dense float weights); ecsim simulate runs the chip's 1-bit EC networks",
                  "run it with `ecsim eval " + policy_path + "` or `ecsim rollout --policy " + policy_path +
                      "`, or simulate a run trained with --method ec");
    const ref::NetworkDesc& pd = policy->net.desc;
    if (task && tasks::make_task_spec(policy->task).name != task->name)
      throw Error("the policy was trained on " + policy->task + ", not " + task->name,
                  "pass --task " + policy->task + ", or drop --task");
    if (pd.shape.d_in != d_in)
      throw Error("the policy (" + policy->task + ") takes " + std::to_string(pd.shape.d_in) + " observations but " +
                      trace_path + " has " + std::to_string(d_in) + " obs columns (" + obs_range + ")",
                  "use a trace recorded on " + policy->task + " (ecsim rollout --task " + policy->task +
                      " --policy RUN writes one)");
    // the image fixes the network: a flag may repeat it, not change it
    const std::string arith_name = policy->net.arith == ref::Arith::kFixed ? "fixed" : "float";
    std::string contra;
    const auto check = [&](const std::string& flag, const std::string& given, const std::string& image_value) {
      if (!vm[flag].defaulted() && given != image_value)
        contra += (contra.empty() ? "--" : ", --") + flag + " " + given + " (the policy's: " + image_value + ")";
    };
    const auto str = [](int v) { return std::to_string(v); };
    check("neurons", str(nf.shape.n_neurons), str(pd.shape.n_neurons));
    check("exc", str(nf.n_exc), str(pd.shape.n_exc));
    check("inner-steps", str(nf.shape.inner_steps), str(pd.shape.inner_steps));
    check("arith", nf.arith_mode, arith_name);
    ref::ArithConfig::for_each_field(
        [&](const fields::Info& f, auto m) { check(f.flag(), str(nf.arith.*m), str(pd.arith.*m)); });
    if (vm.count("d-out") && d_out != pd.shape.d_out)
      contra +=
          (contra.empty() ? "--d-out " : ", --d-out ") + str(d_out) + " (the policy's: " + str(pd.shape.d_out) + ")";
    if (!contra.empty())
      throw Error("the policy fixes the network; these flags contradict it: " + contra,
                  "drop them (--policy sets the shape and the widths)");
    nd = pd;
    mode = policy->net.arith;
    ri.arith_name = arith_name;
    theta = ref::threshold_theta(pd.shape, policy->params);
    trace.norm = &policy->norm;
    ri.policy_line = "policy    " + policy_path + " (" + policy->task + ", generation " +
                     std::to_string(policy->generation) + "): θ* = (ρ > 0.5), observations normalized by its " +
                     "normalizer, v(0) from seed " + std::to_string(init_seed) + "\n";
    // a chip runs its own widths: the policy's must be the chip's
    nf.arith = pd.arith;
    widths_given.clear();
  } else if (vm.count("theta")) {
    ri.source = "theta";
    ref::NetworkShape s;
    theta = io::load_theta(theta_path, &s);
    if (s.d_in != d_in)
      throw Error("the θ file is for d_in = " + std::to_string(s.d_in) + " but the trace has " + std::to_string(d_in) +
                      " obs columns",
                  "use a trace recorded for the same task");
    if ((vm.count("d-out") || task) && d_out != s.d_out)
      throw Error((task ? "task " + task->name + " (d_out = " + std::to_string(d_out) + ")"
                        : "--d-out " + std::to_string(d_out)) +
                      " contradicts the θ file (d_out = " + std::to_string(s.d_out) + ")",
                  task ? "use the θ file of a network for " + task->name : "drop --d-out; the θ file fixes the shape");
    if (!vm["neurons"].defaulted() && nf.shape.n_neurons != s.n_neurons)
      throw Error("--neurons contradicts the θ file (N = " + std::to_string(s.n_neurons) + ")",
                  "drop --neurons; the θ file fixes the shape");
    nf.shape.n_neurons = s.n_neurons;
    nf.n_exc = s.n_exc;
    nd = nf.make_desc(s.d_in, s.d_out);
    mode = nf.arith_kind();
  } else {
    ri.source = vm.count("rho-const") ? "rho-const" : "rho";
    if (!vm.count("d-out") && !task)
      throw Error("--d-out is required with --rho/--rho-const", "e.g. --d-out 3 for Hopper, or --task hopper");
    nd = nf.make_desc(d_in, d_out);
    mode = nf.arith_kind();
    std::vector<float> rho;
    if (vm.count("rho-const")) {
      if (!(rho_const >= 0.0 && rho_const <= 1.0))
        throw Error("--rho-const " + std::to_string(rho_const) + " is not a probability", "give a value in [0, 1]");
      rho.assign(static_cast<size_t>(nd.shape.total_synapses()), static_cast<float>(rho_const));
    } else {
      rho = io::load_rho_text(rho_path, nd.shape.total_synapses());
    }
    theta = ref::sample_theta(nd.shape, nd.arith.rho_bits, ref::quantize_rho(rho, nd.arith.rho_bits), seed);
  }
  ri.net.method = eval::Method::kEC;
  ri.net.arith = mode;
  ri.net.kernel = nf.kernel_kind();
  if (chip_cfg) chip::check_network_arith(*chip_cfg, nd.arith, widths_given);

  const std::string chip_backends = eval::backend_list(eval::simulates_chip);
  if (!info.simulates_chip && !vcd_path.empty())
    throw Error("--vcd needs --backend " + chip_backends,
                "add --backend systemc (waveforms come from the cycle-level chip)");
  if (!info.simulates_chip && vm.count("energy-table"))
    throw Error("--energy-table needs --backend " + chip_backends,
                "add --backend systemc (energy comes from the chip's counters)");
  const bool membrane = !membrane_path.empty() || !membrane_plot.empty();
  if (!info.simulates_chip && membrane)
    throw Error("--membrane and --membrane-plot need --backend " + chip_backends +
                    " (the reference model keeps no per-inner-step state)",
                "add --backend systemc (the same network, bit for bit)");
  ri.traced = parse_neuron_list(trace_neurons);
  if (membrane && ri.traced.empty())
    throw Error("--membrane and --membrane-plot record the neurons of --trace-neurons", "add --trace-neurons 0,5");
  for (int j : ri.traced)
    if (j >= nd.shape.n_neurons)
      throw Error("--trace-neurons: neuron " + std::to_string(j) +
                      " is outside the network (N = " + std::to_string(nd.shape.n_neurons) + ")",
                  "give indices 0.." + std::to_string(nd.shape.n_neurons - 1));
  if (!membrane_plot.empty() && ri.traced.size() > io::kMaxMembranePanels)
    throw Error("--membrane-plot shows up to " + std::to_string(io::kMaxMembranePanels) +
                    " neurons, --trace-neurons gives " + std::to_string(ri.traced.size()),
                "trace fewer neurons, or write them all with --membrane");
  VcdRequest vcd{vcd_path, trace_neurons};
  if (!vcd_path.empty()) {
    std::tie(vcd.first, vcd.last) = parse_vcd_window(vcd_steps);
    if (vcd.first >= static_cast<int64_t>(trace.rows()))
      throw Error("--vcd-steps " + vcd_steps + " starts past the trace's end: " + trace_path + " has " +
                      std::to_string(trace.rows()) + " env steps" +
                      (trace.rows() ? " (0.." + std::to_string(trace.rows() - 1) + ")" : std::string()),
                  trace.rows() ? "give a window that starts at a step of the trace, e.g. --vcd-steps 0:" +
                                     std::to_string(std::min<size_t>(trace.rows() - 1, 4))
                               : std::string("give a trace with rows"));
  }
  // every output is checked now and written after the run: a failure on the way leaves no file
  std::vector<std::pair<std::string, std::string>> outputs{{"--out", out_path}};
  if (!raster_path.empty()) outputs.emplace_back("--raster", raster_path);
  if (!raster_plot.empty()) outputs.emplace_back("--raster-plot", raster_plot);
  if (!membrane_path.empty()) outputs.emplace_back("--membrane", membrane_path);
  if (!membrane_plot.empty()) outputs.emplace_back("--membrane-plot", membrane_plot);
  if (!save_theta_path.empty()) outputs.emplace_back("--save-theta", save_theta_path);
  if (!json_path.empty() && json_path != "-") outputs.emplace_back("--json", json_path);
  if (info.simulates_chip) {
    outputs.emplace_back("--out (energy JSON)", energy_stem(out_path) + ".energy.json");
    if (!vcd_path.empty()) outputs.emplace_back("--vcd", vcd_file(vcd_path));
  }
  check_outputs(outputs);
  if (info.simulates_chip) return run_on_chip(ri, chip_path, nd, theta, trace, mode, vcd, energy_table_path);
  json::object chip_json;
  const std::string chip_line =
      chip_cfg ? count_chip_activity(*chip_cfg, chip_path, nd, theta, mode, trace.rows(), chip_json) : std::string();

  const ref::CompiledNet net(nd, theta);
  const ref::Kernel kernel = nf.kernel_kind();
  ref::FixedState fs;
  ref::FloatState ls;
  if (mode == ref::Arith::kFixed)
    ref::reset(net, fs, init_seed);
  else
    ref::reset(net, ls, init_seed);

  std::ostringstream act_csv;
  std::string raster_csv;
  act_csv << "step";
  for (int k = 0; k < nd.shape.d_out; ++k) act_csv << ",act_" << k;
  act_csv << ",spikes\n";
  if (!raster_path.empty()) raster_csv = raster_csv_header();

  std::vector<float> obs(static_cast<size_t>(d_in)), action(static_cast<size_t>(nd.shape.d_out));
  std::vector<double> raw;
  ref::SpikeRaster raster;
  io::RasterPlotData plot;
  for (size_t r = 0; r < trace.rows(); ++r) {
    trace.obs(r, obs.data(), raw);
    raster.clear();
    // spikes are counted from the raster, so it is always recorded here (cheap next to file I/O)
    if (mode == ref::Arith::kFixed)
      ref::step(net, fs, obs.data(), action.data(), &raster, kernel);
    else
      ref::step(net, ls, obs.data(), action.data(), &raster);
    uint64_t spikes = 0;
    for (uint64_t w : raster) spikes += static_cast<uint64_t>(std::popcount(w));
    act_csv << r;
    for (float a : action) act_csv << ',' << exact_text(static_cast<double>(a));
    act_csv << ',' << spikes << '\n';
    if (!raster_path.empty()) append_raster_rows(raster_csv, r, raster, nd.shape);
    if (!ri.raster_plot.empty()) add_plot_step(plot, raster, action);
  }
  const ref::EventCounters& c = mode == ref::Arith::kFixed ? fs.counters : ls.counters;
  json::object summary;
  if (!json_path.empty()) {
    summary = summary_json(ri, nd, theta, trace, c);
    if (chip_cfg) summary["chip"] = std::move(chip_json);
  }
  draw_raster(ri, nd, trace.path, plot);  // the step that can fail, before anything is written
  io::write_file_atomic(out_path, act_csv.str());
  if (!raster_path.empty()) io::write_file_atomic(raster_path, raster_csv);
  if (!save_theta_path.empty()) io::save_theta(save_theta_path, nd.shape, theta);
  if (!json_path.empty()) emit_json(ri, summary);
  if (json_path == "-") return 0;

  const double rate = c.neuron_updates ? static_cast<double>(c.spikes()) / static_cast<double>(c.neuron_updates) : 0.0;
  std::vector<std::string> wrote{out_path};
  if (!raster_path.empty()) wrote.push_back(raster_path);
  if (!ri.raster_plot.empty()) wrote.push_back(ri.raster_plot);
  if (!json_path.empty()) wrote.push_back(json_path);
  std::cout << trace.line << ri.policy_line << "network   " << nd.describe() << "  arith=" << ri.arith_name << "\n"
            << "synapses  " << theta.count_ones() << " of " << nd.shape.total_synapses() << " present\n"
            << "steps     " << c.env_steps << " env steps, " << c.inner_steps << " inner steps\n"
            << "spikes    " << c.spikes() << " (E " << c.spikes_exc << ", I " << c.spikes_inh
            << "), firing probability per neuron per inner step " << rate << "\n"
            << "synops    rec " << c.rec_synops << ", in " << c.in_synops << ", out " << c.out_synops << "\n"
            << "words     " << c.syn_words_read << " synapse words read (" << nd.arith.syn_word_bits << "-bit)\n"
            << "clipped   " << c.input_saturations << " inputs, " << c.action_saturations << " actions, "
            << c.input_nonfinite << " NaN inputs\n"
            << chip_line << "wrote     " << and_list(wrote) << "\n";
  return 0;
}

}  // namespace ecsim::cli
