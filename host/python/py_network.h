// ecsim.Network's C++ side (py_network.cpp binds it; py_chip.cpp loads it onto the chip).
#pragma once

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings.h"
#include "common/error.h"
#include "reference/network.h"
#include "tasks/normalizer.h"

namespace ecsim::py {

// A compiled network, its state in one arithmetic, and (for a policy) the observation normalizer.
class Network {
 public:
  Network(const ref::NetworkDesc& desc, const ref::Theta& theta, ref::Arith arith, ref::Kernel kernel)
      : m_net(std::make_shared<const ref::CompiledNet>(desc, theta)), m_arith(arith), m_kernel(kernel) {
    reset(1);
  }

  const ref::CompiledNet& net() const { return *m_net; }
  const ref::NetworkDesc& desc() const { return m_net->desc(); }
  ref::Arith arith() const { return m_arith; }
  bool fixed() const { return m_arith == ref::Arith::kFixed; }

  std::optional<tasks::RunningNormalizer> norm;
  std::string task;
  std::optional<uint64_t> generation;
  // when built from ρ and a seed: the chip can load ρ and draw the same θ with its own sampler
  std::vector<float> rho;
  std::optional<uint64_t> theta_seed;

  void reset(uint64_t seed) {
    if (fixed()) {
      ref::reset(*m_net, m_fx, seed);
      m_fx.counters = {};
    } else {
      ref::reset(*m_net, m_fl, seed);
      m_fl.counters = {};
    }
    m_spikes.clear();
  }

  // one env step on a prepared input; spikes appended to raster when given
  void step_input(const float* in, float* action, ref::SpikeRaster* raster) {
    if (fixed())
      ref::step(*m_net, m_fx, in, action, raster, m_kernel);
    else
      ref::step(*m_net, m_fl, in, action, raster);
  }

  pyb::array_t<float> step(const pyb::handle& obs, bool raster) {
    const std::vector<float> in = network_input(obs, norm ? &*norm : nullptr, static_cast<size_t>(desc().shape.d_in));
    pyb::array_t<float> action(desc().shape.d_out);
    float* const act = action.mutable_data();  // taken with the GIL held
    m_spikes.clear();
    {
      pyb::gil_scoped_release release;
      step_input(in.data(), act, raster ? &m_spikes : nullptr);
    }
    return action;
  }

  // the membrane potential in the spec's real units (V_th = 1)
  double v_real(int j) const {
    return fixed() ? std::ldexp(static_cast<double>(m_fx.v[static_cast<size_t>(j)]), -desc().arith.frac_bits)
                   : static_cast<double>(m_fl.v[static_cast<size_t>(j)]);
  }

  pyb::dict run(const pyb::handle& observations, bool raster, bool membrane) {
    const int d_in = desc().shape.d_in, d_out = desc().shape.d_out, n = desc().shape.n_neurons;
    auto obs = pyb::array_t<double, pyb::array::c_style | pyb::array::forcecast>::ensure(observations);
    if (!obs || obs.ndim() != 2 || obs.shape(1) != d_in)
      throw Error("observations must be a 2-D array (steps, " + std::to_string(d_in) + ")",
                  "give one row of " + std::to_string(d_in) + " values per env step");
    const auto steps = static_cast<size_t>(obs.shape(0));
    std::vector<float> in(steps * static_cast<size_t>(d_in));
    for (size_t t = 0; t < steps; ++t) {
      const double* row = obs.data() + t * static_cast<size_t>(d_in);
      if (norm)
        norm->normalize(row, in.data() + t * static_cast<size_t>(d_in));
      else
        for (int i = 0; i < d_in; ++i)
          in[t * static_cast<size_t>(d_in) + static_cast<size_t>(i)] = static_cast<float>(row[i]);
    }
    pyb::array_t<float> actions({static_cast<pyb::ssize_t>(steps), static_cast<pyb::ssize_t>(d_out)});
    pyb::array_t<double> v({static_cast<pyb::ssize_t>(membrane ? steps : 0), static_cast<pyb::ssize_t>(n)});
    ref::SpikeRaster spikes;
    float* const act = actions.mutable_data();  // taken with the GIL held
    double* const vp = v.mutable_data();
    {
      pyb::gil_scoped_release release;
      for (size_t t = 0; t < steps; ++t) {
        step_input(in.data() + t * static_cast<size_t>(d_in), act + t * static_cast<size_t>(d_out),
                   raster ? &spikes : nullptr);
        if (membrane)
          for (int j = 0; j < n; ++j) vp[t * static_cast<size_t>(n) + static_cast<size_t>(j)] = v_real(j);
      }
    }
    pyb::dict out;
    out["actions"] = actions;
    if (raster)
      out["raster"] = raster_array(spikes, n, m_net->spike_words())
                          .attr("reshape")(static_cast<pyb::ssize_t>(steps), desc().shape.inner_steps, n);
    if (membrane) out["v"] = v;
    return out;
  }

  pyb::array_t<bool> spikes() const { return raster_array(m_spikes, desc().shape.n_neurons, m_net->spike_words()); }
  const ref::EventCounters& counters() const { return fixed() ? m_fx.counters : m_fl.counters; }

  // a live view of one state vector (N entries of the padded one)
  template <class T>
  static pyb::array view(pyb::object self, std::vector<T>& vec, int n) {
    return pyb::array_t<T>({n}, {static_cast<pyb::ssize_t>(sizeof(T))}, vec.data(), self);
  }
  pyb::array state(pyb::object self, const std::string& which) {
    const int n = desc().shape.n_neurons;
    if (fixed()) {
      auto& v = which == "v" ? m_fx.v : which == "i_syn" ? m_fx.i_syn : which == "i_in" ? m_fx.i_in : m_fx.rate;
      return view(self, v, n);
    }
    auto& v = which == "v" ? m_fl.v : which == "i_syn" ? m_fl.i_syn : which == "i_in" ? m_fl.i_in : m_fl.rate;
    return view(self, v, n);
  }

 private:
  std::shared_ptr<const ref::CompiledNet> m_net;
  ref::Arith m_arith;
  ref::Kernel m_kernel;
  ref::FixedState m_fx;
  ref::FloatState m_fl;
  ref::SpikeRaster m_spikes;
};

}  // namespace ecsim::py
