// The SystemC chip against the reference model (the cross-level backbone): the same seeds give the
// same θ, actions and event counters, for several networks on one elaborated chip.
#include <gtest/gtest.h>

#include <random>

#include "chip/chip_config.h"
#include "reference/network.h"
#include "systemc/chip.h"

using namespace ecsim;

namespace {

sc::ChipSim& the_chip() {
  static sc::ChipSim sim(chip::load_chip_config(std::string(ECSIM_SOURCE_DIR) + "/configs/chip_default.json"));
  return sim;
}

ref::NetworkDesc desc_for(int n, int d_in, int d_out) {
  ref::NetworkShape s;
  s.n_neurons = n;
  s.n_exc = n / 2;
  s.d_in = d_in;
  s.d_out = d_out;
  return ref::make_network_desc(s, the_chip().config().arith);
}

}  // namespace

TEST(SystemcChip, SameThetaActionsAndCountersAsTheReferenceModel) {
  struct Case {
    int n, d_in, d_out;
    float rho;
    float obs_scale;
    uint64_t seed;
  };
  for (const Case& c : {Case{256, 11, 3, 0.5f, 1.0f, 1}, Case{256, 17, 6, 0.3f, 2.0f, 2},
                        Case{128, 5, 2, 0.7f, 1.5f, 3}, Case{192, 11, 3, 0.5f, 3.0f, 4}}) {
    const ref::NetworkDesc d = desc_for(c.n, c.d_in, c.d_out);
    std::vector<float> rho(static_cast<size_t>(d.shape.total_synapses()));
    std::mt19937_64 g(c.seed);
    for (float& r : rho)
      r = std::uniform_real_distribution<float>(0.0f, 2.0f * c.rho)(g) > c.rho ? 1.0f - c.rho : c.rho;
    const ref::Theta theta =
        ref::sample_theta(d.shape, d.arith.rho_bits, ref::quantize_rho(rho, d.arith.rho_bits), c.seed);

    sc::ChipSim& sim = the_chip();
    sim.load_network(d);
    sim.load_rho(rho);
    sim.sample(c.seed);
    EXPECT_EQ(sim.read_theta(), theta) << "the on-chip sampler wrote other bits than the reference sampler, N=" << c.n;
    sim.reset(c.seed + 100);
    const ref::EventCounters before = sim.events();

    const ref::CompiledNet net(d, theta);
    ref::FixedState st;
    ref::reset(net, st, c.seed + 100);
    std::normal_distribution<float> nd(0.0f, c.obs_scale);
    std::vector<float> obs(static_cast<size_t>(d.shape.d_in)), a(static_cast<size_t>(d.shape.d_out)),
        b(static_cast<size_t>(d.shape.d_out));
    for (int e = 0; e < 8; ++e) {
      for (float& x : obs) x = nd(g);
      // the raster backdoor on every other step: the same spikes, inner step by inner step, and
      // a step without it changes nothing
      ref::SpikeRaster chip_raster{7}, ref_raster{7};  // rasters are appended to
      const bool raster = e % 2 == 0;
      // and the membrane backdoor: v after the step's last inner step is the reference's v
      sc::MembraneTrace membrane{{0, c.n / 2, c.n - 1}, {}};
      sim.step(obs.data(), a.data(), raster ? &chip_raster : nullptr, raster ? nullptr : &membrane);
      ref::step(net, st, obs.data(), b.data(), raster ? &ref_raster : nullptr, ref::Kernel::kPortable);
      ASSERT_EQ(a, b) << "actions differ at env step " << e << ", N=" << c.n;
      if (!raster) {
        const size_t nt = membrane.neurons.size(), last = static_cast<size_t>(d.shape.inner_steps - 1) * nt;
        ASSERT_EQ(membrane.v.size(), static_cast<size_t>(d.shape.inner_steps) * nt);
        for (size_t k = 0; k < nt; ++k)
          EXPECT_EQ(membrane.v[last + k], st.v[static_cast<size_t>(membrane.neurons[k])])
              << "neuron " << membrane.neurons[k] << ", env step " << e << ", N=" << c.n;
      }
      if (raster) {
        ASSERT_EQ(chip_raster.size(), 1 + static_cast<size_t>(d.shape.inner_steps * net.spike_words()));
        EXPECT_EQ(chip_raster, ref_raster) << "spike rasters differ at env step " << e << ", N=" << c.n;
      }
    }
    const ref::EventCounters diff = sim.events() - before;  // counters since the reset
    EXPECT_EQ(diff, st.counters) << "event counters differ, N=" << c.n;
    EXPECT_GT(st.counters.spikes(), 0u) << "a silent network tests nothing";
  }
  std::printf("%s", the_chip().report().c_str());
}
