// The float32-weight variant of the chip (the ES-RSNN chip): the synapse SRAM holds a
// float32 weight per connection and the datapath multiplies and accumulates instead of popcount.
// On EC's networks (weights ±1 or 0) it must give exactly the 1-bit chip's θ, actions and event
// counters, while it reads 32 times the synapse bits and does one MAC per weight.
#include <gtest/gtest.h>

#include <random>

#include "chip/chip_config.h"
#include "reference/network.h"
#include "systemc/chip.h"

using namespace ecsim;

TEST(SystemcFloatChip, SameResultsAsTheReferenceWithFloat32Costs) {
  static sc::ChipSim sim(chip::load_chip_config(std::string(ECSIM_SOURCE_DIR) + "/configs/chip_default_float32.json"));
  ASSERT_TRUE(sim.config().float_weights());
  for (const int n : {256, 128}) {
    ref::NetworkShape s;
    s.n_neurons = n;
    s.n_exc = n / 2;
    s.d_in = 11;
    s.d_out = 3;
    const ref::NetworkDesc d = ref::make_network_desc(s, sim.config().arith);
    const uint64_t seed = 7 + static_cast<uint64_t>(n);
    std::vector<float> rho(static_cast<size_t>(s.total_synapses()), 0.4f);
    const ref::Theta theta = ref::sample_theta(s, d.arith.rho_bits, ref::quantize_rho(rho, d.arith.rho_bits), seed);
    sim.load_network(d);
    sim.load_rho(rho);
    sim.sample(seed);
    EXPECT_EQ(sim.read_theta(), theta) << "N=" << n;
    sim.reset(seed + 1);
    const ref::EventCounters ev0 = sim.events();
    const chip::HwCounters hw0 = sim.hw();
    const ref::CompiledNet net(d, theta);
    ref::FixedState st;
    ref::reset(net, st, seed + 1);
    std::mt19937_64 g(seed);
    std::normal_distribution<float> nd(0.0f, 1.5f);
    std::vector<float> obs(11), a(3), b(3);
    const int steps = 5;
    for (int e = 0; e < steps; ++e) {
      for (float& x : obs) x = nd(g);
      sim.step(obs.data(), a.data());
      ref::step(net, st, obs.data(), b.data(), nullptr, ref::Kernel::kPortable);
      ASSERT_EQ(a, b) << "actions differ at env step " << e << ", N=" << n;
    }
    ref::EventCounters ev = sim.events() - ev0;
    const chip::HwCounters hw = sim.hw() - hw0;
    EXPECT_GT(ev.spikes(), 0u);
    // the synapse words this chip reads: float32 weights, two per 64-bit word
    const uint64_t T = static_cast<uint64_t>(s.inner_steps), N = static_cast<uint64_t>(n);
    const uint64_t words = steps * (T * N * (N * 32 / 64) + N * ((2 * 11 * 32 + 63) / 64) + N * ((3 * 32 + 63) / 64));
    EXPECT_EQ(ev.syn_words_read, words);
    EXPECT_EQ(hw.synapse_sram.words_read, words);
    EXPECT_EQ(hw.synapse_sram.bits_read, words * 64);
    // one multiply-accumulate per weight: recurrent every inner step, input and output every env step
    EXPECT_EQ(hw.mac_ops, steps * (T * N * N + N * 2 * 11 + N * 3));
    EXPECT_EQ(hw.popcount_words, 0u);
    // everything else is the 1-bit chip's (the reference model's) count
    ev.syn_words_read = st.counters.syn_words_read;
    EXPECT_EQ(ev, st.counters) << "N=" << n;
  }
}
