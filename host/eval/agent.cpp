#include "eval/agent.h"

#include <bit>
#include <cmath>

#include "common/error.h"
#include "nes/nes.h"

namespace ecsim::eval {

const char* method_name(Method m) { return m == Method::kEC ? "ec" : "es"; }

Method parse_method(const std::string& s) {
  if (s == "ec") return Method::kEC;
  if (s == "es") return Method::kES;
  throw Error("--method '" + s + "' is not known",
              "use --method ec (Evolving Connectivity, 1-bit) or --method es (ES on a dense float RSNN)");
}

int64_t NetSpec::param_count() const {
  const auto& s = desc.shape;
  if (method == Method::kEC) return s.total_synapses();
  return int64_t{s.d_in} * s.n_neurons + int64_t{s.n_neurons} * s.n_neurons + int64_t{s.n_neurons} * s.d_out;
}

namespace {
struct DenseScales {
  float r_in, r_h, r_out;
};
DenseScales dense_scales(const ref::NetworkDesc& d) {
  const auto& c = d.consts;
  const double n = d.shape.n_neurons, din = d.shape.d_in;
  return {static_cast<float>(c.k_in * c.tau_m_ms * std::sqrt(2.0 / din)),
          static_cast<float>(c.k_h * c.tau_m_ms / c.tau_syn_ms * std::sqrt(2.0 / n)),
          static_cast<float>(c.k_out * std::sqrt(1.0 / n))};
}
void prepare(const ref::NetworkDesc& d, ref::DenseFloatNet& net) {
  const auto& s = d.shape;
  net.set_dynamics(d);
  const size_t N = static_cast<size_t>(s.n_neurons);
  net.w_in.resize(static_cast<size_t>(s.d_in) * N);
  net.w_h.resize(N * N);
  net.w_out.resize(N * static_cast<size_t>(s.d_out));
}
}  // namespace

void fill_dense_net(const ref::NetworkDesc& d, const float* w, ref::DenseFloatNet& net) {
  prepare(d, net);
  const DenseScales r = dense_scales(d);
  size_t k = 0;
  for (float& x : net.w_in) x = r.r_in * w[k++];
  for (float& x : net.w_h) x = r.r_h * w[k++];
  for (float& x : net.w_out) x = r.r_out * w[k++];
}

void fill_dense_net_perturbed(const ref::NetworkDesc& d, const std::vector<float>& mu, float sigma, int sign,
                              uint64_t noise_seed, std::vector<float>& eps, ref::DenseFloatNet& net) {
  eps.resize(mu.size());
  nes::normal_noise(noise_seed, mu.size(), eps.data());
  const float s = sign >= 0 ? sigma : -sigma;
  for (size_t i = 0; i < mu.size(); ++i) eps[i] = mu[i] + s * eps[i];
  fill_dense_net(d, eps.data(), net);
}

ref::Theta theta_from_bits(const ref::NetworkShape& s, const std::vector<uint64_t>& bits) {
  if (static_cast<int64_t>(bits.size()) * 64 < s.total_synapses())
    throw Error("θ bits are shorter than the network", "this is a bug; please report it");
  return ref::theta_from_canonical_words(s, bits.data());
}

Agent::Agent(const NetSpec& spec) : m_spec(spec) {
  m_obs.resize(static_cast<size_t>(spec.desc.shape.d_in));
  m_act.resize(static_cast<size_t>(spec.desc.shape.d_out));
  if (spec.method == Method::kES) prepare(spec.desc, m_dense);
}

void Agent::set_net(std::shared_ptr<const ref::CompiledNet> net) { m_net = std::move(net); }

void Agent::reset(uint64_t seed) {
  if (m_spec.method == Method::kES) {
    ref::reset(m_dense, m_dstate, seed);
    m_dense_counters = {};
  } else if (m_spec.arith == ref::Arith::kFixed) {
    ref::reset(*m_net, m_fixed, seed);
    m_fixed.counters = {};
  } else {
    ref::reset(*m_net, m_float, seed);
    m_float.counters = {};
  }
}

void Agent::act(const double* obs, const tasks::RunningNormalizer& norm, const double* ctrl_high, double* ctrl,
                ref::SpikeRaster* raster) {
  norm.normalize(obs, m_obs.data());
  if (raster && m_spec.method == Method::kES)
    throw Error("ES's dense float network records no spike raster", "drop --raster, or use an EC policy");
  if (m_spec.method == Method::kES) {
    const uint64_t before = m_dstate.spikes;
    ref::step(m_dense, m_dstate, m_obs.data(), m_act.data(), ref::DenseMode::kEvent);
    m_dense_counters.env_steps += 1;
    m_dense_counters.inner_steps += static_cast<uint64_t>(m_dense.inner_steps);
    m_dense_counters.neuron_updates += static_cast<uint64_t>(m_dense.inner_steps) * static_cast<uint64_t>(m_dense.n);
    m_dense_counters.spikes_exc += m_dstate.spikes - before;
  } else if (m_spec.arith == ref::Arith::kFixed) {
    ref::step(*m_net, m_fixed, m_obs.data(), m_act.data(), raster, m_spec.kernel);
  } else {
    ref::step(*m_net, m_float, m_obs.data(), m_act.data(), raster);
  }
  for (size_t k = 0; k < m_act.size(); ++k) ctrl[k] = static_cast<double>(m_act[k]) * ctrl_high[k];
}

const ref::EventCounters& Agent::counters() const {
  if (m_spec.method == Method::kES) return m_dense_counters;
  return m_spec.arith == ref::Arith::kFixed ? m_fixed.counters : m_float.counters;
}

}  // namespace ecsim::eval
