#include "systemc/chip.h"

#include <filesystem>
#include <sstream>
#include <systemc>

#include "common/error.h"
#include "firmware/register_map.h"
#include "reference/network.h"
#include "reference/theta.h"
#include "systemc/bus.h"
#include "systemc/chip_context.h"
#include "systemc/controller.h"
#include "systemc/host_link.h"
#include "systemc/neuron_core.h"
#include "systemc/noc.h"

// SystemC's library main() calls sc_main; ecsim has its own main, which never calls the library's.
int sc_main(int, char**) { return 1; }

namespace ecsim::sc {

class Chip : public sc_core::sc_module {
 public:
  HwCounters hw;
  ref::EventCounters events;
  std::vector<std::unique_ptr<NeuronCore>> cores;
  Noc noc;
  Bus bus;
  std::unique_ptr<Controller> controller;
  HostLink host_link;

  Chip(const sc_core::sc_module_name& name, ChipContext& ctx)
      : sc_module(name), noc("noc", ctx, hw), bus("bus"), host_link("host_link", ctx, hw) {
    std::vector<NeuronCore*> raw;
    for (int c = 0; c < ctx.config.cores; ++c) {
      cores.push_back(std::make_unique<NeuronCore>(("core_" + std::to_string(c)).c_str(), c, ctx, hw, events));
      raw.push_back(cores.back().get());
      bus.to_cores.bind(cores.back()->socket);
    }
    controller = std::make_unique<Controller>("controller", ctx, hw, events, raw, noc);
    controller->to_bus.bind(bus.from_controller);
    host_link.to_controller.bind(controller->from_host);
  }
};

static bool g_exists = false;

ChipSim::ChipSim(const chip::ChipConfig& config, UnitFactories units) : m_ctx(std::make_unique<ChipContext>()) {
  if (g_exists)
    throw Error("only one SystemC chip can exist per process (SystemC elaborates once)",
                "reuse the ChipSim for every network and evaluation, or run one process per chip (MPI ranks)");
  g_exists = true;
  m_ctx->config = config;
  m_ctx->period_s = 1.0 / config.clock_hz;
  m_ctx->units = std::move(units);
  sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
  m_chip = std::make_unique<Chip>("chip", *m_ctx);
}

ChipSim::~ChipSim() {
  if (m_vcd) sc_core::sc_close_vcd_trace_file(static_cast<sc_core::sc_trace_file*>(m_vcd));
  g_exists = false;
}

void ChipSim::trace_vcd(const std::string& path, int64_t first_step, int64_t last_step,
                        const std::vector<int>& neurons) {
  if (m_started || m_vcd)
    throw Error("a VCD waveform must be opened before the chip's first command",
                "call trace_vcd right after load_network");
  if (m_ctx->desc.shape.n_neurons == 0) throw Error("load a network before tracing it", "call load_network first");
  for (int j : neurons)
    if (j < 0 || j >= m_ctx->desc.shape.n_neurons)
      throw Error("--trace-neurons: neuron " + std::to_string(j) +
                      " is outside the network (N = " + std::to_string(m_ctx->desc.shape.n_neurons) + ")",
                  "give neuron indices in [0, N)");
  std::string base = path;
  if (base.size() > 4 && base.substr(base.size() - 4) == ".vcd") base.resize(base.size() - 4);
  // SystemC writes base + ".vcd": refuse a directory (it would write DIR.vcd beside it) and anything
  // at the target that is not a regular file
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw Error("--vcd '" + path + "' is a directory",
                "give the path of a file, e.g. " + (fs::path(path) / "chip.vcd").string());
  const fs::file_status target = fs::status(base + ".vcd", ec);
  if (fs::exists(target) && !fs::is_regular_file(target))
    throw Error("--vcd '" + base + ".vcd' is not a regular file", "give the path of a regular file");
  sc_core::sc_trace_file* tf = sc_core::sc_create_vcd_trace_file(base.c_str());
  if (!tf) throw Error("cannot create the VCD file '" + path + "'", "check that the directory exists and is writable");
  tf->set_time_unit(1, sc_core::SC_NS);  // a power of ten (SystemC requires it); one cycle is period_s
  TraceProbe& p = m_ctx->probe;
  p.enabled = true;
  p.first_step = first_step;
  p.last_step = last_step;
  p.core_busy.assign(static_cast<size_t>(m_ctx->config.cores), 0);
  p.core_spikes.assign(static_cast<size_t>(m_ctx->config.cores), 0);
  p.neurons = neurons;
  p.v.assign(neurons.size(), 0);
  p.i_syn.assign(neurons.size(), 0);
  p.rate.assign(neurons.size(), 0);
  p.fired.assign(neurons.size(), 0);
  sc_core::sc_trace(tf, p.phase, "controller.phase");
  sc_core::sc_trace(tf, p.inner_step, "controller.inner_step");
  for (int c = 0; c < m_ctx->config.cores; ++c) {
    sc_core::sc_trace(tf, p.core_busy[static_cast<size_t>(c)], "core_" + std::to_string(c) + ".busy");
    sc_core::sc_trace(tf, p.core_spikes[static_cast<size_t>(c)], "core_" + std::to_string(c) + ".spikes");
  }
  for (size_t k = 0; k < neurons.size(); ++k) {
    const std::string n = "neuron_" + std::to_string(neurons[k]);
    sc_core::sc_trace(tf, p.v[k], n + ".v");
    sc_core::sc_trace(tf, p.i_syn[k], n + ".i_syn");
    sc_core::sc_trace(tf, p.rate[k], n + ".rate");
    sc_core::sc_trace(tf, p.fired[k], n + ".spike");
  }
  m_vcd = tf;
}  // SystemC cannot elaborate again; the flag only guards misuse

void ChipSim::load_network(const ref::NetworkDesc& desc) {
  ChipContext& c = *m_ctx;
  chip::check_network_arith(c.config, desc.arith);
  c.desc = desc;
  c.mapping = chip::map_network(c.config, desc.shape);
  const int N = desc.shape.n_neurons, w = c.config.synapse_sram.word_bits;
  c.spike_words = (N + 63) / 64;
  c.exc_mask.assign(static_cast<size_t>(c.spike_words), 0);
  for (int i = 0; i < desc.shape.n_exc; ++i) c.exc_mask[static_cast<size_t>(i / 64)] |= uint64_t{1} << (i % 64);
  const int b = c.config.weight_bits;
  c.words_rec = (N * b + w - 1) / w;
  c.words_in = (2 * desc.shape.d_in * b + w - 1) / w;
  c.words_out = (desc.shape.d_out * b + w - 1) / w;
  if (c.config.neurons_per_core % 8 != 0)
    throw Error("the SystemC sampler draws 8 synapses per Philox block: neurons_per_core must be a multiple of 8",
                "set cores.neurons_per_core to a multiple of 8");
  if (4u * static_cast<uint32_t>(desc.shape.d_in) >
          regs::kCoreStride - static_cast<uint32_t>(regs::CoreReg::INPUT_BASE) ||
      desc.shape.d_in > 0x3c0 || desc.shape.d_out > 0x3c0)
    throw Error("the network's d_in or d_out exceeds the register windows of the chip", "use d_in, d_out <= 960");
  for (auto& core : m_chip->cores) core->load_network();
  c.rho_q.assign(static_cast<size_t>(desc.shape.total_synapses()), 0);
}

void ChipSim::run_until_idle() {
  m_started = true;
  m_ctx->probe.env_step = m_env_step;
  sc_core::sc_start();
  if (!m_chip->host_link.idle())
    throw Error("the SystemC chip stopped before answering the host (a firmware or model deadlock)",
                "this is a bug in the chip model; please report it");
  m_chip->hw.cycles_total = cycles();
}

void ChipSim::load_rho(const std::vector<float>& rho) {
  m_ctx->rho_q = ref::quantize_rho(rho, m_ctx->desc.arith.rho_bits);
  if (static_cast<int64_t>(m_ctx->rho_q.size()) != m_ctx->desc.shape.total_synapses())
    throw Error("ρ has " + std::to_string(rho.size()) + " entries, the network " +
                    std::to_string(m_ctx->desc.shape.total_synapses()),
                "give one probability per synapse");
  // (q + 1) bits per synapse cross the link; each core writes its ρ SRAM
  const uint64_t bits = static_cast<uint64_t>(rho.size()) * static_cast<uint64_t>(m_ctx->desc.arith.rho_bits + 1);
  m_chip->hw.rho_sram.add_writes(
      static_cast<uint64_t>(m_ctx->mapping.rho_bits_per_core / m_ctx->config.rho_sram.word_bits) *
          static_cast<uint64_t>(m_ctx->mapping.cores_used),
      m_ctx->config.rho_sram.word_bits);
  m_chip->host_link.dma((bits + 7) / 8);
  run_until_idle();
}

void ChipSim::sample(uint64_t seed) {
  m_chip->host_link.request(static_cast<uint32_t>(regs::HostCommand::kSample), seed, {}, 0,
                            &m_chip->controller->command_done());
  run_until_idle();
}

void ChipSim::reset(uint64_t seed) {
  m_chip->host_link.request(static_cast<uint32_t>(regs::HostCommand::kReset), seed, {}, 0,
                            &m_chip->controller->command_done());
  run_until_idle();
}

void ChipSim::step(const float* obs, float* action, std::vector<uint64_t>* raster, MembraneTrace* membrane) {
  const ref::NetworkDesc& d = m_ctx->desc;
  ref::EventCounters& ev = m_chip->events;
  std::vector<uint32_t> xq(static_cast<size_t>(d.shape.d_in));
  for (int i = 0; i < d.shape.d_in; ++i) {  // the host quantizes (spec §4.1)
    bool sat = false, nonfinite = false;
    xq[static_cast<size_t>(i)] = static_cast<uint32_t>(ref::quantize_input(obs[i], d.arith, &sat, &nonfinite));
    ev.input_saturations += sat;
    ev.input_nonfinite += nonfinite;
  }
  std::vector<uint64_t> spikes;
  struct Detach {  // the cores never see a raster that outlives this step, even if it throws
    ChipContext& ctx;
    ~Detach() {
      ctx.raster = nullptr;
      ctx.membrane = nullptr;
    }
  } detach{*m_ctx};
  if (raster) {
    spikes.assign(static_cast<size_t>(d.shape.inner_steps) * static_cast<size_t>(m_ctx->spike_words), 0);
    m_ctx->raster = &spikes;
  }
  std::vector<int32_t> v;
  if (membrane) {
    for (int j : membrane->neurons)
      if (j < 0 || j >= d.shape.n_neurons)
        throw Error(
            "neuron " + std::to_string(j) + " is not in the network (N = " + std::to_string(d.shape.n_neurons) + ")",
            "trace neurons 0.." + std::to_string(d.shape.n_neurons - 1));
    m_ctx->membrane_neurons = membrane->neurons;
    v.assign(static_cast<size_t>(d.shape.inner_steps) * membrane->neurons.size(), 0);
    m_ctx->membrane = &v;
  }
  m_chip->host_link.request(static_cast<uint32_t>(regs::HostCommand::kStep), 0, xq, static_cast<size_t>(d.shape.d_out),
                            &m_chip->controller->command_done());
  run_until_idle();
  if (raster) raster->insert(raster->end(), spikes.begin(), spikes.end());
  if (membrane) membrane->v.insert(membrane->v.end(), v.begin(), v.end());
  const std::vector<uint32_t>& aq = m_chip->host_link.reply();
  for (int k = 0; k < d.shape.d_out; ++k)
    action[k] = static_cast<float>(static_cast<int32_t>(aq[static_cast<size_t>(k)])) *
                (1.0f / static_cast<float>(int64_t{1} << d.arith.action_frac_bits));
  ++ev.env_steps;
  ++m_env_step;
  ev.inner_steps += static_cast<uint64_t>(d.shape.inner_steps);
}

ref::Theta ChipSim::read_theta() const {
  const ChipContext& c = *m_ctx;
  const ref::NetworkShape& s = c.desc.shape;
  const int w = c.config.synapse_sram.word_bits;
  ref::Theta t = ref::Theta::zeros(s);
  for (const auto& core : m_chip->cores)
    for (int j = core->lo(); j < core->hi(); ++j) {
      const int64_t base = int64_t{j - core->lo()} * c.words_per_neuron();
      const int wb = c.config.weight_bits;  // a float32 weight is present when non-zero
      auto bit = [&](int64_t off, int b) {
        const int64_t at = int64_t{b} * wb;
        const uint64_t v = core->peek_synapse_word(base + off + at / w) >> (at % w);
        return (wb == 1 ? v & 1u : v & 0xffffffffu) != 0;
      };
      for (int i = 0; i < s.n_neurons; ++i) t.rec.set(i, j, bit(0, i));
      for (int r = 0; r < 2 * s.d_in; ++r) t.in.set(r, j, bit(c.words_rec, r));
      for (int k = 0; k < s.d_out; ++k) t.out.set(j, k, bit(c.words_rec + c.words_in, k));
    }
  return t;
}

int ChipSim::noc_hops(int a, int b) const { return m_chip->noc.hops(a, b); }
uint64_t ChipSim::noc_idle_latency(int a, int b, uint64_t flits) const { return m_chip->noc.idle_latency(a, b, flits); }
uint64_t ChipSim::last_exchange_cycles() const { return m_chip->noc.last_exchange(); }

const ref::EventCounters& ChipSim::events() const { return m_chip->events; }
const HwCounters& ChipSim::hw() const { return m_chip->hw; }
double ChipSim::simulated_seconds() const { return sc_core::sc_time_stamp().to_seconds(); }
uint64_t ChipSim::cycles() const { return static_cast<uint64_t>(simulated_seconds() * m_ctx->config.clock_hz + 0.5); }
const chip::ChipConfig& ChipSim::config() const { return m_ctx->config; }

std::string ChipSim::report() const {
  const HwCounters& h = m_chip->hw;
  const ref::EventCounters& e = m_chip->events;
  std::ostringstream os;
  auto mem = [&os](const char* name, const MemoryCounters& m) {
    os << name << ": " << m.words_read << " words (" << m.bits_read << " bits) read, " << m.words_written << " words ("
       << m.bits_written << " bits) written\n";
  };
  os << "chip " << describe(m_ctx->config) << "\n"
     << units() << "\n"
     << "cycles: total " << cycles() << " (sample " << h.cycles_sample << ", reset " << h.cycles_reset << ", input "
     << h.cycles_input << ", inner steps " << h.cycles_inner << ", readout " << h.cycles_readout << ", host link "
     << h.cycles_host_link << "); cores busy " << h.core_busy_cycles << ", idle " << h.core_idle_cycles << "\n";
  mem("synapse SRAM", h.synapse_sram);
  mem("rho SRAM", h.rho_sram);
  mem("state SRAM", h.state_sram);
  os << "popcount unit: " << h.popcount_words << " words; MAC unit (float32 weights): " << h.mac_ops
     << " multiply-accumulates; LIF unit: " << h.lif_updates << " updates, " << h.lif_multiplies << " multiplies, "
     << h.lif_adds << " adds, " << h.lif_compares << " compares\n"
     << "input stage: " << h.input_adds << " adds; readout: " << h.readout_adds << " adds; sampler: " << h.philox_blocks
     << " Philox blocks\n"
     << "NoC: " << h.noc_packets << " packets, " << h.noc_flits << " flits, " << h.noc_flit_hops << " flit-hops\n"
     << "host link: " << h.host_bytes_in << " B in, " << h.host_bytes_out << " B out; register accesses "
     << h.register_accesses << "\n"
     << "events: " << e.env_steps << " env steps, " << e.inner_steps << " inner steps, " << e.neuron_updates
     << " neuron updates, spikes " << e.spikes_exc << " E + " << e.spikes_inh << " I, synops " << e.rec_synops
     << " rec + " << e.in_synops << " in + " << e.out_synops << " out, " << e.syn_words_read << " synapse words read\n";
  return os.str();
}

std::string ChipSim::popcount_unit() const { return m_chip->cores.front()->popcount_unit().describe(); }

std::string ChipSim::units() const {
  const NeuronCore& c = *m_chip->cores.front();
  std::string out = "popcount unit: " + popcount_unit();
  // the unit models' descriptions start so; a swapped-in unit is listed
  auto add = [&out](const char* name, const std::string& what) {
    if (what.rfind("unit model", 0) != 0) out += std::string("; ") + name + ": " + what;
  };
  add("LIF unit", c.lif_unit().describe());
  add("sampler", c.sampler().describe());
  add("input stage", c.input_stage().describe());
  add("readout", c.readout_unit().describe());
  return out;
}

const NeuronCore& ChipSim::core(int index) const {
  if (index < 0 || index >= static_cast<int>(m_chip->cores.size()))
    throw Error(
        "core " + std::to_string(index) + " is not on the chip (" + std::to_string(m_chip->cores.size()) + " cores)",
        "give a core index in [0, cores)");
  return *m_chip->cores[static_cast<size_t>(index)];
}

}  // namespace ecsim::sc
