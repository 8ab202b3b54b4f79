// ecsim simulate: run the chip's network on an observation trace and write per-step actions,
// optionally per-inner-step spike rasters. The network comes from ρ + a seed, or from θ bits.
#include <bit>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <sstream>

#include <boost/json.hpp>

#include "backends/make_chip.h"
#include "chip/activity.h"
#include "chip/chip_config.h"
#include "cli/commands.h"
#include "cli/network_flags.h"
#include "common/error.h"
#include "common/fields.h"
#include "energy/energy_model.h"
#include "eval/evaluator.h"
#include "io/atomic_file.h"
#include "io/csv.h"
#include "io/energy_plot.h"
#include "io/network_files.h"
#include "systemc/chip.h"

namespace po = boost::program_options;

namespace ecsim::cli {

namespace {

// the action exactly: the shortest text that reads back as the same double (the chip's actions
// are dyadic fractions, so this is their exact decimal value, as rollout writes them)
std::string fmt_float(float x) {
  char b[32];
  const auto [p, ec] = std::to_chars(b, b + sizeof b, static_cast<double>(x));
  return std::string(b, ec == std::errc() ? p : b);
}

// --backend systemc: the same network on the cycle-level chip. The chip samples nothing here:
// θ is given, so it is loaded as ρ ∈ {0, 1} and sampled, which reproduces it bit for bit.
struct VcdRequest {
  std::string path, steps, neurons;
};

// "A:B" -> {A, B}; "3,7,12" -> {3, 7, 12}
std::pair<int64_t, int64_t> parse_window(const std::string& s) {
  const size_t colon = s.find(':');
  try {
    if (colon == std::string::npos) throw std::invalid_argument(s);
    const int64_t a = std::stoll(s.substr(0, colon)), b = std::stoll(s.substr(colon + 1));
    if (a < 0 || b < a) throw std::invalid_argument(s);
    return {a, b};
  } catch (const std::exception&) {
    throw Error("--vcd-steps '" + s + "' is not a window A:B of environment steps with 0 <= A <= B",
                "e.g. --vcd-steps 0:4");
  }
}

std::vector<int> parse_list(const std::string& s) {
  std::vector<int> out;
  if (s.empty()) return out;
  for (const std::string& f : io::split_csv_line(s)) {
    try {
      size_t used = 0;
      out.push_back(std::stoi(f, &used));
      if (used != f.size()) throw std::invalid_argument(f);
    } catch (const std::exception&) {
      throw Error("--trace-neurons: '" + f + "' is not a neuron index",
                  "give indices separated by commas, e.g. 0,5,130");
    }
  }
  return out;
}

// --chip on the functional backend: the network checked against that chip (arithmetic, fit) and
// the chip's activity over the trace counted as chip::ActivityModel counts it (no cycles): what
// the chip backends would count for the same θ (load ρ, sample, reset, one env step per row).
std::string count_chip_activity(const std::string& chip_path, const ref::NetworkDesc& nd, const ref::Theta& theta,
                                ref::Arith arith, uint64_t env_steps) {
  if (arith != ref::Arith::kFixed)
    throw Error("--chip on the functional backend counts the 1-bit chip's activity: it needs fixed-point arithmetic",
                "drop --arith float, or drop --chip");
  const chip::ChipConfig cfg = chip::load_chip_config(chip_path);
  chip::check_network_arith(cfg, nd.arith);
  const chip::ActivityModel model(cfg, ref::make_network_desc(nd.shape, cfg.arith));
  const chip::Mapping map = chip::map_network(cfg, nd.shape);
  const chip::ActivityModel::ThetaCounts tc = model.theta_counts(theta);
  chip::HwCounters hw = model.load_rho();
  hw += model.sample(tc);
  hw += model.reset();
  hw += model.env_step(tc).scaled(env_steps);
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

// the file SystemC writes for --vcd PATH (PATH without ".vcd", then ".vcd")
std::string vcd_file(const std::string& path) {
  std::string base = path;
  if (base.size() > 4 && base.substr(base.size() - 4) == ".vcd") base.resize(base.size() - 4);
  return base + ".vcd";
}

int run_on_chip(const std::string& backend, const std::string& chip_path, const ref::NetworkDesc& nd,
                const ref::Theta& theta, const io::NumericTable& trace, const std::vector<size_t>& obs_cols,
                uint64_t init_seed, const std::string& out_path, const std::string& raster_path, ref::Arith arith,
                const VcdRequest& vcd, const std::string& energy_table_path, const std::string& save_theta_path) {
  if (arith != ref::Arith::kFixed)
    throw Error("--backend " + backend + " runs the chip's fixed-point arithmetic",
                "drop --arith float, or use --backend functional");
  if (!raster_path.empty())
    throw Error("--raster is not available with --backend " + backend + " yet",
                "record rasters with --backend functional (same bits)");
  const std::unique_ptr<sc::ChipSim> chip_sim = backends::make_chip(chip_path, backend);  // as the chip evaluator's
  sc::ChipSim& sim = *chip_sim;
  const chip::ChipConfig& cfg = sim.config();
  const energy::EnergyTable table =
      energy::load_energy_table(energy_table_path.empty() ? energy::default_energy_table_path() : energy_table_path);
  chip::check_network_arith(cfg, nd.arith);
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
  if (!vcd.path.empty()) {
    const auto [first, last] = parse_window(vcd.steps);
    sim.trace_vcd(vcd.path, first, last, parse_list(vcd.neurons));  // the first write
  }
  std::vector<float> rho(static_cast<size_t>(desc.shape.total_synapses()));
  for (int64_t g = 0; g < desc.shape.total_synapses(); ++g)
    rho[static_cast<size_t>(g)] = theta.get_global(desc.shape, g) ? 1.0f : 0.0f;
  sim.load_rho(rho);
  sim.sample(0);
  sim.reset(init_seed);
  std::ostringstream act_csv;
  act_csv << "step";
  for (int k = 0; k < desc.shape.d_out; ++k) act_csv << ",act_" << k;
  act_csv << ",spikes,chip_cycles\n";
  std::vector<float> obs(obs_cols.size()), action(static_cast<size_t>(desc.shape.d_out));
  for (size_t r = 0; r < trace.rows.size(); ++r) {
    for (size_t i = 0; i < obs_cols.size(); ++i) obs[i] = static_cast<float>(trace.rows[r][obs_cols[i]]);
    const uint64_t spikes0 = sim.events().spikes(), cycles0 = sim.cycles();
    sim.step(obs.data(), action.data());
    act_csv << r;
    for (float a : action) act_csv << ',' << fmt_float(a);
    act_csv << ',' << sim.events().spikes() - spikes0 << ',' << sim.cycles() - cycles0 << '\n';
  }
  // energy and traffic of the whole run (docs/energy.md): a table here, JSON and a plot beside --out,
  // all computed before the first output is written
  const energy::EnergyReport er = energy::estimate(cfg, table, desc.shape, sim.hw(), sim.events());
  const std::string stem = energy_stem(out_path);
  const std::string energy_json = boost::json::serialize(energy::report_json(er, 1)) + "\n";
  io::write_file_atomic(out_path, act_csv.str());
  io::write_file_atomic(stem + ".energy.json", energy_json);
  if (!save_theta_path.empty()) io::save_theta(save_theta_path, nd.shape, theta);
  std::string plot_note;
  try {
    energy::write_energy_plot(er, stem + ".energy.png");
    plot_note = " and " + stem + ".energy.png";
  } catch (const Error& e) {
    std::cerr << "ecsim simulate: warning: " << e.what() << "\n";
  }
  std::cout << sim.report() << energy::format_report(er, 1) << "wrote     " << out_path
            << (vcd.path.empty() ? "" : ", " + vcd.path) << ", " << stem << ".energy.json" << plot_note << "\n";
  return 0;
}

}  // namespace

int cmd_simulate(const Args& args) {
  std::string trace_path, theta_path, rho_path, out_path, raster_path, save_theta_path, backend = "functional",
                                                                                        chip_path;
  std::string vcd_path, vcd_steps = "0:0", trace_neurons, energy_table_path;
  double rho_const = -1.0;
  uint64_t seed = 0, init_seed = 0;
  int d_out = 0;
  NetworkFlags nf;
  po::options_description desc("ecsim simulate");
  desc.add_options()("trace", po::value(&trace_path)->required(),
                     "observation trace CSV: columns obs_0..obs_{d-1}, one row per env step (normalized observations)")(
      "theta", po::value(&theta_path), "θ bit file (from --save-theta or a training run); fixes the network shape")(
      "rho", po::value(&rho_path), "ρ text file, one probability per synapse (canonical order, docs/spec.md §6.2)")(
      "rho-const", po::value(&rho_const), "the same ρ for every synapse, e.g. 0.5")(
      "seed", po::value(&seed)->default_value(0), "64-bit seed that samples θ from ρ")(
      "init-seed", po::value(&init_seed), "64-bit seed of the initial membrane potentials (default: --seed)")(
      "d-out", po::value(&d_out), "action size (needed unless --theta gives it)")(
      "out", po::value(&out_path)->required(), "actions CSV to write: step, act_0.., spikes")(
      "raster", po::value(&raster_path),
      "spike raster CSV to write: env_step, inner_step, neuron, sign — one row per spike")(
      "save-theta", po::value(&save_theta_path), "also write the θ bits used to this file")(
      "backend", po::value(&backend)->default_value(backend), backend_flag_help().c_str())(
      "chip", po::value(&chip_path),
      chip_flag_help("checks the network against it and counts its activity over the trace (no cycles)").c_str())(
      "vcd", po::value(&vcd_path),
      "--backend systemc/rtl: write a VCD waveform (controller phase, core activity, traced neurons)")(
      "vcd-steps", po::value(&vcd_steps)->default_value(vcd_steps),
      "environment steps A:B (inclusive) the waveform covers")(
      "trace-neurons", po::value(&trace_neurons),
      "neurons whose v, i_syn, rate and spikes the waveform shows, e.g. 0,5,130")(
      "energy-table", po::value(&energy_table_path),
      "--backend systemc/rtl: energy table JSON (default: configs/energy_45nm.json; docs/energy.md)");
  nf.add_to(desc);
  po::variables_map vm;
  if (!parse_flags("simulate", args, desc, vm)) return 0;
  if (!vm.count("init-seed")) init_seed = seed;

  const io::NumericTable trace = io::read_numeric_csv(trace_path, /*allow_nan=*/true);
  const std::vector<size_t> obs_cols = trace.numbered_columns("obs_");
  if (obs_cols.empty())
    throw Error(trace_path + ": no observation columns (obs_0, obs_1, ...)", "name the columns obs_0, obs_1, ...");
  const int d_in = static_cast<int>(obs_cols.size());

  const int sources = int{vm.count("theta") > 0} + int{vm.count("rho") > 0} + int{vm.count("rho-const") > 0};
  if (sources != 1)
    throw Error("give exactly one network source: --theta FILE, --rho FILE or --rho-const P",
                "e.g. --rho-const 0.5 --seed 1 --d-out 3");

  ref::Theta theta;
  ref::NetworkDesc nd;
  if (vm.count("theta")) {
    ref::NetworkShape s;
    theta = io::load_theta(theta_path, &s);
    if (s.d_in != d_in)
      throw Error("the θ file is for d_in = " + std::to_string(s.d_in) + " but the trace has " + std::to_string(d_in) +
                      " obs columns",
                  "use a trace recorded for the same task");
    if (vm.count("d-out") && d_out != s.d_out)
      throw Error(
          "--d-out " + std::to_string(d_out) + " contradicts the θ file (d_out = " + std::to_string(s.d_out) + ")",
          "drop --d-out; the θ file fixes the shape");
    if (!vm["neurons"].defaulted() && nf.shape.n_neurons != s.n_neurons)
      throw Error("--neurons contradicts the θ file (N = " + std::to_string(s.n_neurons) + ")",
                  "drop --neurons; the θ file fixes the shape");
    nf.shape.n_neurons = s.n_neurons;
    nf.n_exc = s.n_exc;
    nd = nf.make_desc(s.d_in, s.d_out);
  } else {
    if (!vm.count("d-out")) throw Error("--d-out is required with --rho/--rho-const", "e.g. --d-out 3 for Hopper");
    nd = nf.make_desc(d_in, d_out);
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

  const eval::BackendInfo& info = eval::backend_info(backend);
  const std::string chip_backends = eval::backend_list(eval::simulates_chip);
  if (!info.simulates_chip && !vcd_path.empty())
    throw Error("--vcd needs --backend " + chip_backends,
                "add --backend systemc (waveforms come from the cycle-level chip)");
  if (!info.simulates_chip && vm.count("energy-table"))
    throw Error("--energy-table needs --backend " + chip_backends,
                "add --backend systemc (energy comes from the chip's counters)");
  // every output is checked now and written after the run: a failure on the way leaves no file
  std::vector<std::pair<std::string, std::string>> outputs{{"--out", out_path}};
  if (!raster_path.empty()) outputs.emplace_back("--raster", raster_path);
  if (!save_theta_path.empty()) outputs.emplace_back("--save-theta", save_theta_path);
  if (info.simulates_chip) {
    outputs.emplace_back("--out (energy JSON)", energy_stem(out_path) + ".energy.json");
    if (!vcd_path.empty()) outputs.emplace_back("--vcd", vcd_file(vcd_path));
  }
  check_outputs(outputs);
  if (info.simulates_chip)
    return run_on_chip(backend, chip_path, nd, theta, trace, obs_cols, init_seed, out_path, raster_path,
                       nf.arith_kind(), VcdRequest{vcd_path, vcd_steps, trace_neurons}, energy_table_path,
                       save_theta_path);
  const std::string chip_line =
      vm.count("chip") ? count_chip_activity(chip_path, nd, theta, nf.arith_kind(), trace.rows.size()) : std::string();

  const ref::CompiledNet net(nd, theta);
  const ref::Arith mode = nf.arith_kind();
  const ref::Kernel kernel = nf.kernel_kind();
  ref::FixedState fs;
  ref::FloatState ls;
  if (mode == ref::Arith::kFixed)
    ref::reset(net, fs, init_seed);
  else
    ref::reset(net, ls, init_seed);

  std::ostringstream act_csv, raster_csv;
  act_csv << "step";
  for (int k = 0; k < nd.shape.d_out; ++k) act_csv << ",act_" << k;
  act_csv << ",spikes\n";
  if (!raster_path.empty()) raster_csv << "env_step,inner_step,neuron,sign\n";

  std::vector<float> obs(static_cast<size_t>(d_in)), action(static_cast<size_t>(nd.shape.d_out));
  ref::SpikeRaster raster;
  const int sw = net.spike_words();
  for (size_t r = 0; r < trace.rows.size(); ++r) {
    for (int i = 0; i < d_in; ++i)
      obs[static_cast<size_t>(i)] = static_cast<float>(trace.rows[r][obs_cols[static_cast<size_t>(i)]]);
    raster.clear();
    ref::SpikeRaster* rp = raster_path.empty() ? nullptr : &raster;
    // spikes are counted from the raster, so it is always recorded here (cheap next to file I/O)
    if (mode == ref::Arith::kFixed)
      ref::step(net, fs, obs.data(), action.data(), &raster, kernel);
    else
      ref::step(net, ls, obs.data(), action.data(), &raster);
    uint64_t spikes = 0;
    for (uint64_t w : raster) spikes += static_cast<uint64_t>(std::popcount(w));
    act_csv << r;
    for (float a : action) act_csv << ',' << fmt_float(a);
    act_csv << ',' << spikes << '\n';
    if (rp) {
      for (int t = 0; t < nd.shape.inner_steps; ++t)
        for (int w = 0; w < sw; ++w)
          for (uint64_t bits = raster[static_cast<size_t>(t * sw + w)]; bits; bits &= bits - 1) {
            const int j = w * 64 + std::countr_zero(bits);
            raster_csv << r << ',' << t << ',' << j << ',' << (j < nd.shape.n_exc ? 1 : -1) << '\n';
          }
    }
  }
  io::write_file_atomic(out_path, act_csv.str());
  if (!raster_path.empty()) io::write_file_atomic(raster_path, raster_csv.str());
  if (!save_theta_path.empty()) io::save_theta(save_theta_path, nd.shape, theta);

  const ref::EventCounters& c = mode == ref::Arith::kFixed ? fs.counters : ls.counters;
  const double rate = c.neuron_updates ? static_cast<double>(c.spikes()) / static_cast<double>(c.neuron_updates) : 0.0;
  std::cout << "network   " << nd.describe() << "  arith=" << nf.arith_mode << "\n"
            << "synapses  " << theta.count_ones() << " of " << nd.shape.total_synapses() << " present\n"
            << "steps     " << c.env_steps << " env steps, " << c.inner_steps << " inner steps\n"
            << "spikes    " << c.spikes() << " (E " << c.spikes_exc << ", I " << c.spikes_inh
            << "), firing probability per neuron per inner step " << rate << "\n"
            << "synops    rec " << c.rec_synops << ", in " << c.in_synops << ", out " << c.out_synops << "\n"
            << "words     " << c.syn_words_read << " synapse words read (" << nd.arith.syn_word_bits << "-bit)\n"
            << "clipped   " << c.input_saturations << " inputs, " << c.action_saturations << " actions, "
            << c.input_nonfinite << " NaN inputs\n"
            << chip_line << "wrote     " << out_path << (raster_path.empty() ? "" : " and " + raster_path) << "\n";
  return 0;
}

}  // namespace ecsim::cli
