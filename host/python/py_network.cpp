// ecsim.Network: the reference model (docs/spec.md) of one 1-bit network and its per-run state,
// and ecsim.load_policy. The network's description and θ are a shared, immutable ref::CompiledNet
// (like mjModel); the state (like mjData) lives in the Network and its arrays are numpy views of it.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <cmath>
#include <memory>
#include <optional>

#include "cli/network_flags.h"
#include "common/error.h"
#include "common/fields.h"
#include "eval/policy_image.h"
#include "io/network_files.h"
#include "nir/nir_export.h"
#include "nir/nir_import.h"
#include "py_network.h"
#include "reference/network.h"
#include "tasks/env.h"

namespace po = boost::program_options;

namespace ecsim::py {

namespace {

pyb::array_t<uint8_t> bits_array(const ref::BitMatrix& b) {
  pyb::array_t<uint8_t> a({b.rows(), b.cols()});
  auto r = a.mutable_unchecked<2>();
  for (int i = 0; i < b.rows(); ++i)
    for (int j = 0; j < b.cols(); ++j) r(i, j) = b.get(i, j) ? 1 : 0;
  return a;
}

// the network keywords (the CLI's network flags) plus those of the caller
struct NetKeywords {
  cli::NetworkFlags nf;
  po::options_description desc;
  po::variables_map vm;
  NetKeywords() { nf.add_to(desc); }
  void parse(const std::string& who, const pyb::kwargs& kw) { parse_keywords(who, kwargs_to_flags(kw), desc, vm); }
  bool given(const char* flag) const { return vm.count(flag) && !vm[flag].defaulted(); }
};

std::unique_ptr<Network> make_from_rho(const pyb::object& task, const pyb::object& obs_size,
                                       const pyb::object& act_size, const pyb::object& rho, uint64_t seed,
                                       const pyb::kwargs& kw) {
  NetKeywords k;
  k.parse("ecsim.Network", kw);
  int d_in = 0, d_out = 0;
  std::string task_name;
  if (!task.is_none()) {
    task_name = task.cast<std::string>();
    const tasks::TaskSpec& spec = tasks::make_task_spec(task_name);
    d_in = spec.obs_size;
    d_out = spec.act_size;
  }
  if (!obs_size.is_none()) d_in = obs_size.cast<int>();
  if (!act_size.is_none()) d_out = act_size.cast<int>();
  if (d_in <= 0 || d_out <= 0)
    throw Error("ecsim.Network needs its input and output sizes",
                "give task='hopper' (or walker2d, humanoid), or obs_size= and act_size=");
  const ref::NetworkDesc desc = k.nf.make_desc(d_in, d_out);
  const auto count = static_cast<size_t>(desc.shape.total_synapses());
  std::vector<float> r;
  if (pyb::isinstance<pyb::float_>(rho) || pyb::isinstance<pyb::int_>(rho)) {
    const double p = rho.cast<double>();
    if (!(p >= 0.0 && p <= 1.0))
      throw Error("ecsim.Network: rho = " + std::string(pyb::repr(rho)) + " is not a probability",
                  "give a value in [0, 1], or an array of one per synapse");
    r.assign(count, static_cast<float>(p));
  } else {
    r = float_vector(rho, count, "rho (one probability per synapse in the sampler's canonical order)");
    for (size_t g = 0; g < count; ++g)
      if (!(r[g] >= 0.0f && r[g] <= 1.0f))
        throw Error("ecsim.Network: rho[" + std::to_string(g) + "] = " + std::to_string(r[g]) + " is not a probability",
                    "give values in [0, 1]");
  }
  const ref::Theta theta =
      ref::sample_theta(desc.shape, desc.arith.rho_bits, ref::quantize_rho(r, desc.arith.rho_bits), seed);
  auto net = std::make_unique<Network>(desc, theta, k.nf.arith_kind(), k.nf.kernel_kind());
  net->task = task_name;
  net->rho = std::move(r);
  net->theta_seed = seed;
  return net;
}

std::unique_ptr<Network> make_from_theta(const std::filesystem::path& path, const pyb::kwargs& kw) {
  NetKeywords k;
  k.parse("ecsim.Network.from_theta", kw);
  ref::NetworkShape s;
  const ref::Theta theta = io::load_theta(path.string(), &s);
  if (k.given("neurons") && k.nf.shape.n_neurons != s.n_neurons)
    throw Error("ecsim.Network.from_theta: neurons contradicts the θ file (N = " + std::to_string(s.n_neurons) + ")",
                "leave neurons out; the θ file fixes the shape");
  k.nf.shape.n_neurons = s.n_neurons;
  k.nf.n_exc = s.n_exc;
  if (!k.given("inner-steps")) k.nf.shape.inner_steps = s.inner_steps;
  const ref::NetworkDesc desc = k.nf.make_desc(s.d_in, s.d_out);
  return std::make_unique<Network>(desc, theta, k.nf.arith_kind(), k.nf.kernel_kind());
}

std::unique_ptr<Network> load_policy(const std::filesystem::path& run) {
  const std::string path = run.string();
  // a .nir file is a NIR graph (docs/nir.md, "Import"), as `ecsim rollout --nir` reads it
  const eval::PolicyImage img = run.extension() == ".nir" ? nir::import_nir(path) : eval::load_policy_image(path);
  if (img.net.method != eval::Method::kEC)
    throw Error("'" + path + "' holds an ES policy (a dense float network); ecsim.Network runs EC's 1-bit networks",
                "use ecsim.evaluate for an ES run");
  const ref::Theta theta = ref::threshold_theta(img.net.desc.shape, img.params);
  auto net = std::make_unique<Network>(img.net.desc, theta, img.net.arith, img.net.kernel);
  net->norm = img.norm;
  net->task = img.task;
  net->generation = img.generation;
  return net;
}

}  // namespace

void bind_network(pyb::module_& m) {
  using pyb::arg;
  pyb::class_<Network>(m, "Network",
                       R"(A 1-bit EC network on the reference model (docs/spec.md), bit-exact with the chip.

Network(task=None, obs_size=None, act_size=None, rho=0.5, seed=1, **network)
  θ ~ Bernoulli(ρ) drawn with the chip's sampler from seed; rho is one probability for every synapse or an
  array of one per synapse (the sampler's canonical order). The sizes come from task= or obs_size=/act_size=.
  network keywords are `ecsim simulate`'s network flags: neurons, exc, inner_steps, arith ("fixed" or
  "float"), kernel, and every width (rho_bits, state_bits, frac_bits, ...).
Network.from_theta(path, **network): θ from a θ file (`ecsim simulate --theta` reads the same files).
ecsim.load_policy(run): θ* and the observation normalizer of a trained run or deploy image.)")
      .def(pyb::init(&make_from_rho), arg("task") = pyb::none(), arg("obs_size") = pyb::none(),
           arg("act_size") = pyb::none(), arg("rho") = 0.5, arg("seed") = 1)
      .def_static("from_theta", &make_from_theta, arg("path"), "θ from a θ file; network keywords as for Network()")
      .def("reset", &Network::reset, arg("seed") = 1,
           "Starts an episode: v(0) from seed (the chip's stream 1), the rest 0; clears the counters.")
      .def("step", &Network::step, arg("obs"), arg("raster") = false,
           "One env step (T inner steps): returns the d_out actions in [-1, 1] (float32). For a policy, obs is the\n"
           "raw observation (normalized as ecsim does); else the network's input. raster=True keeps the step's\n"
           "spikes in .spikes.")
      .def("run", &Network::run, arg("observations"), arg("raster") = false, arg("membrane") = false,
           "Steps through observations (steps × d_in) without the GIL. Returns a dict: actions (steps × d_out);\n"
           "with raster=True, raster (steps × T × N, bool); with membrane=True, v (steps × N) after each step's\n"
           "last inner step, in the spec's units (V_th = 1).")
      .def(
          "save_theta",
          [](const Network& n, const std::filesystem::path& path) {
            io::save_theta(path.string(), n.desc().shape, n.net().theta());
          },
          arg("path"), "Writes θ as a θ file (for `ecsim simulate --theta`).")
      .def_property_readonly("spikes", &Network::spikes, "the last step(raster=True)'s spikes, (T × N) bool")
      .def_property_readonly(
          "counters", [](const Network& n) { return json_to_py(fields::to_json(n.counters())); },
          "event counters since reset (docs/spec.md §7), a dict")
      .def_property_readonly(
          "v", [](pyb::object self) { return self.cast<Network&>().state(self, "v"); },
          "membrane potential, a live numpy view of the state (fixed: int32 Q.F; float: float32)")
      .def_property_readonly(
          "i_syn", [](pyb::object self) { return self.cast<Network&>().state(self, "i_syn"); },
          "synaptic current, a live view")
      .def_property_readonly(
          "i_in", [](pyb::object self) { return self.cast<Network&>().state(self, "i_in"); },
          "input current of the last step, a live view")
      .def_property_readonly(
          "rate", [](pyb::object self) { return self.cast<Network&>().state(self, "rate"); },
          "rate trace, a live view (fixed: Q.F_r)")
      .def_property_readonly(
          "theta",
          [](const Network& n) {
            const ref::Theta& t = n.net().theta();
            pyb::dict d;
            d["in"] = bits_array(t.in);
            d["rec"] = bits_array(t.rec);
            d["out"] = bits_array(t.out);
            return d;
          },
          "θ as uint8 arrays, rows presynaptic: in (2·d_in × N), rec (N × N), out (N × d_out)")
      .def_property_readonly("shape",
                             [](const Network& n) {
                               const ref::NetworkShape& s = n.desc().shape;
                               pyb::dict d;
                               d["n_neurons"] = s.n_neurons;
                               d["n_exc"] = s.n_exc;
                               d["d_in"] = s.d_in;
                               d["d_out"] = s.d_out;
                               d["inner_steps"] = s.inner_steps;
                               return d;
                             })
      .def_property_readonly(
          "arith",
          [](const Network& n) {
            pyb::dict d = json_to_py(fields::to_json(n.desc().arith));
            d["arithmetic"] = n.fixed() ? "fixed" : "float";
            return d;
          },
          "the widths (docs/spec.md §3.1) and the arithmetic")
      .def_property_readonly(
          "normalizer",
          [](const Network& n) -> pyb::object {
            if (!n.norm) return pyb::none();
            pyb::dict d;
            const size_t k = n.norm->size();
            pyb::array_t<double> mean(static_cast<pyb::ssize_t>(k)), sd(static_cast<pyb::ssize_t>(k));
            for (size_t i = 0; i < k; ++i) {
              mean.mutable_data()[i] = n.norm->mean()[i];
              sd.mutable_data()[i] = n.norm->std(i);
            }
            d["mean"] = mean;
            d["std"] = sd;
            d["count"] = n.norm->count();
            return d;
          },
          "a policy's observation normalizer (mean, std, count), or None")
      .def_readonly("task", &Network::task)
      .def_readonly("generation", &Network::generation)
      .def("__repr__", [](const Network& n) {
        const ref::NetworkShape& s = n.desc().shape;
        return "<ecsim.Network N=" + std::to_string(s.n_neurons) + " d_in=" + std::to_string(s.d_in) +
               " d_out=" + std::to_string(s.d_out) + " " + (n.fixed() ? "fixed" : "float") +
               (n.task.empty() ? "" : " task=" + n.task) + ">";
      });
  m.def(
      "export_nir",
      [](const std::filesystem::path& run, const std::filesystem::path& out) {
        nir::export_nir(eval::load_policy_image(run.string()), out.string());
      },
      arg("run"), arg("path"), "`ecsim export RUN --nir PATH`: the run's EC policy as a NIR graph (docs/nir.md).");
  m.def("load_policy", &load_policy, arg("run"),
        "The EC policy of a run directory, deploy image, policy.json or NIR file (.nir) as an ecsim.Network (θ*\n"
        "and the normalizer).");
}

}  // namespace ecsim::py
