// ecsim.Chip: the cycle-level SystemC chip (hw_model/systemc/chip.h), with the unit models
// (level "systemc") or the Verilated RTL units in every neuron core (level "rtl"). SystemC
// elaborates once per process, so a process has at most one Chip; it runs any number of networks.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <memory>

#include "backends/make_chip.h"
#include "chip/chip_config.h"
#include "cli/chip_outputs.h"
#include "common/error.h"
#include "common/fields.h"
#include "energy/energy_model.h"
#include "eval/evaluator.h"
#include "py_network.h"
#include "systemc/chip.h"

namespace ecsim::py {

namespace {

class Chip {
 public:
  Chip(const std::string& config, const std::string& level) : m_level(level) {
    const eval::BackendInfo& info = eval::backend_info(level);
    if (!info.simulates_chip)
      throw Error("ecsim.Chip: level '" + level + "' simulates no chip",
                  "give level='systemc' (the unit models) or level='rtl' (the Verilated RTL units)");
    m_config_path = config;
    m_chip = backends::make_chip(config, level);
  }

  // maps the network onto the cores; θ is drawn by the chip's own sampler: from the network's ρ
  // and seed when it has them, else from ρ ∈ {0, 1} (θ itself), which reproduces θ bit for bit
  void load(const Network& net) {
    const ref::NetworkDesc& desc = net.desc();
    if (!net.fixed())
      throw Error("ecsim.Chip: the network uses float arithmetic; the chip computes in fixed point",
                  "build the network with arith='fixed' (the default)");
    chip::check_network_arith(m_chip->config(), desc.arith);
    pyb::gil_scoped_release release;
    m_chip->load_network(desc);
    if (!net.rho.empty() && net.theta_seed) {
      m_chip->load_rho(net.rho);
      m_chip->sample(*net.theta_seed);
    } else {
      const auto count = desc.shape.total_synapses();
      std::vector<float> rho(static_cast<size_t>(count));
      for (int64_t g = 0; g < count; ++g)
        rho[static_cast<size_t>(g)] = net.net().theta().get_global(desc.shape, g) ? 1.0f : 0.0f;
      m_chip->load_rho(rho);
      m_chip->sample(0);
    }
    m_net = &net;
    m_desc = desc;
    m_norm = net.norm;
    mark();
  }

  // the counts since reset include the reset's own (as rollout's step 0 does)
  void reset(uint64_t seed) {
    need_network();
    mark();
    pyb::gil_scoped_release release;
    m_chip->reset(seed);
  }

  pyb::array_t<float> step(const pyb::handle& obs, bool raster, const std::vector<int>& membrane) {
    need_network();
    const std::vector<float> in =
        network_input(obs, m_norm ? &*m_norm : nullptr, static_cast<size_t>(m_desc.shape.d_in));
    pyb::array_t<float> action(m_desc.shape.d_out);
    float* const act = action.mutable_data();  // taken with the GIL held
    m_spikes.clear();
    m_membrane = {membrane, {}};
    {
      pyb::gil_scoped_release release;
      m_chip->step(in.data(), act, raster ? &m_spikes : nullptr, membrane.empty() ? nullptr : &m_membrane);
    }
    return action;
  }

  pyb::array_t<bool> spikes() const {
    return raster_array(m_spikes, m_desc.shape.n_neurons, (m_desc.shape.n_neurons + 63) / 64);
  }
  pyb::array_t<int32_t> membrane() const {
    const auto k = static_cast<pyb::ssize_t>(m_membrane.neurons.size());
    const pyb::ssize_t steps = k ? static_cast<pyb::ssize_t>(m_membrane.v.size()) / k : 0;
    pyb::array_t<int32_t> a({steps, k});
    std::copy(m_membrane.v.begin(), m_membrane.v.end(), a.mutable_data());
    return a;
  }

  uint64_t cycles() const { return m_chip->cycles() - m_cycles0; }
  chip::HwCounters hw() const { return fields::difference(m_chip->hw(), m_hw0); }
  ref::EventCounters events() const { return fields::difference(m_chip->events(), m_events0); }

  pyb::object energy(const pyb::object& table_arg) const {
    const std::string table = table_arg.is_none() ? std::string() : table_arg.cast<std::filesystem::path>().string();
    need_network();
    const std::optional<cli::ChipEnergy> e =
        cli::chip_energy(eval::backend_info(m_level), m_config_path, table, m_desc.shape);
    return json_to_py(energy::report_json(e->estimate(hw(), events())));
  }

  sc::ChipSim& sim() { return *m_chip; }
  const std::string& level() const { return m_level; }

 private:
  void need_network() const {
    if (!m_net) throw Error("ecsim.Chip: no network is loaded", "call chip.load(network) first");
  }
  // counts are reported from here on (load, reset)
  void mark() {
    m_cycles0 = m_chip->cycles();
    m_hw0 = m_chip->hw();
    m_events0 = m_chip->events();
  }
  std::string m_level, m_config_path;
  std::unique_ptr<sc::ChipSim> m_chip;
  const Network* m_net = nullptr;
  ref::NetworkDesc m_desc;
  std::optional<tasks::RunningNormalizer> m_norm;
  std::vector<uint64_t> m_spikes;
  sc::MembraneTrace m_membrane;
  uint64_t m_cycles0 = 0;
  chip::HwCounters m_hw0;
  ref::EventCounters m_events0;
};

}  // namespace

void bind_chip(pyb::module_& m) {
  using pyb::arg;
  pyb::class_<Chip>(m, "Chip", R"(The cycle-level SystemC chip (docs/architecture.md), one per process.

Chip(config=None, level="systemc")
  config: a chip config JSON (default configs/chip_default.json); level: "systemc" (the unit models) or
  "rtl" (the Verilated RTL units in every neuron core). Counts and cycles are since the last
  load() or reset().)")
      .def(pyb::init([](const pyb::object& config, const std::string& level) {
             return std::make_unique<Chip>(
                 config.is_none() ? std::string() : config.cast<std::filesystem::path>().string(), level);
           }),
           arg("config") = pyb::none(), arg("level") = "systemc")
      .def("load", &Chip::load, arg("network"), pyb::keep_alive<1, 2>(),
           "Maps an ecsim.Network (fixed arithmetic, the chip's widths) onto the cores; the cores' sampler\n"
           "draws its θ (from its ρ and seed, or from θ as ρ ∈ {0, 1}).")
      .def("reset", &Chip::reset, arg("seed") = 1, "Starts an episode: v(0) from seed, the rest 0.")
      .def("step", &Chip::step, arg("obs"), arg("raster") = false, arg("membrane") = std::vector<int>{},
           "One env step: returns the actions (float32). raster=True keeps the spikes in .spikes; membrane=[j, ...]\n"
           "keeps those neurons' v after every inner step in .membrane (chip units, Q.F).")
      .def_property_readonly("spikes", &Chip::spikes, "the last step's spikes, (T × N) bool")
      .def_property_readonly("membrane", &Chip::membrane, "the last step's traced v, (T × neurons) int32 (Q.F)")
      .def_property_readonly("cycles", &Chip::cycles, "chip cycles since the last load() or reset()")
      .def_property_readonly(
          "total_cycles", [](Chip& c) { return c.sim().cycles(); }, "every cycle so far")
      .def_property_readonly("clock_hz", [](Chip& c) { return c.sim().config().clock_hz; })
      .def_property_readonly(
          "hw_counters", [](const Chip& c) { return json_to_py(fields::to_json(c.hw())); },
          "hardware actions since the last load() or reset() (docs/energy.md), a dict")
      .def_property_readonly(
          "events", [](const Chip& c) { return json_to_py(fields::to_json(c.events())); },
          "event counters (docs/spec.md §7) since the last load() or reset(), a dict")
      .def("energy", &Chip::energy, arg("table") = pyb::none(),
           "The energy report of the counts since the last load() or reset(), a dict (docs/energy.md); table: an\n"
           "energy table JSON (default configs/energy_45nm.json).")
      .def(
          "report", [](Chip& c) { return c.sim().report(); }, "cycles and counters as text")
      .def_property_readonly(
          "name", [](Chip& c) { return c.sim().config().name; }, "the chip config's name")
      .def_property_readonly("level", &Chip::level)
      .def_property_readonly("popcount_unit", [](Chip& c) { return c.sim().popcount_unit(); });
}

}  // namespace ecsim::py
