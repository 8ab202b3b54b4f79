// The network-on-chip of a 16-core 4×4 mesh (8 neurons per core): every spike reaches every core
// exactly once, in the right inner step (else θ, actions and counters would differ from the
// reference model), packet and flit counts follow the layout, and the exchange time lies between
// the idle-mesh latency and the fully serialized bound (contention).
#include <gtest/gtest.h>

#include <random>

#include "chip/chip_config.h"
#include "reference/network.h"
#include "systemc/chip.h"

using namespace ecsim;

namespace {

const char* kMesh16 = R"({
  "format": "ecsim-chip/1", "name": "mesh16", "clock_hz": 2e8,
  "cores": {"count": 16, "neurons_per_core": 8},
  "arith": {"rho_bits": 10, "state_bits": 16, "frac_bits": 10, "rate_bits": 16, "rate_frac_bits": 12,
            "const_bits": 15, "input_bits": 10, "input_frac_bits": 6, "action_frac_bits": 12},
  "memories": {
    "synapse_sram": {"word_bits": 32, "words": 256, "read_cycles": 1, "write_cycles": 1},
    "rho_sram": {"word_bits": 64, "words": 4096, "read_cycles": 1, "write_cycles": 1},
    "state_sram": {"word_bits": 64, "words": 64, "read_cycles": 1, "write_cycles": 1}},
  "units": {"popcount": {"words_per_cycle": 1, "latency_cycles": 2},
            "lif": {"neurons_per_cycle": 1, "latency_cycles": 4},
            "sampler": {"philox_blocks_per_cycle": 2, "latency_cycles": 10},
            "controller": {"cycles_per_register_access": 2}},
  "noc": {"topology": "mesh", "columns": 4, "rows": 4, "flit_bits": 8, "router_latency_cycles": 2,
          "link_latency_cycles": 1, "barrier_cycles": 4},
  "host_link": {"bytes_per_second": 1e9, "latency_ns": 500}})";

}  // namespace

TEST(SystemcNoc, EverySpikeOnceInTheRightStepWithContention) {
  sc::ChipSim sim(chip::parse_chip_config(kMesh16, "mesh16"));
  std::mt19937_64 g(5);
  for (int trial = 0; trial < 4; ++trial) {
    ref::NetworkShape s;
    s.n_neurons = trial == 3 ? 96 : 128;  // trial 3 leaves 4 cores unused
    s.n_exc = s.n_neurons / 2;
    s.d_in = 3 + trial;
    s.d_out = 2;
    s.inner_steps = 10;
    const ref::NetworkDesc d = ref::make_network_desc(s, sim.config().arith);
    std::vector<float> rho(static_cast<size_t>(s.total_synapses()));
    const float density = 0.2f + 0.2f * static_cast<float>(trial);  // randomized traffic: sparse to dense
    for (float& r : rho) r = std::uniform_real_distribution<float>(0.0f, 2.0f * density)(g);
    for (float& r : rho) r = std::min(r, 1.0f);
    sim.load_network(d);
    sim.load_rho(rho);
    sim.sample(100 + static_cast<uint64_t>(trial));
    sim.reset(200 + static_cast<uint64_t>(trial));
    const ref::CompiledNet net(d, ref::sample_theta(s, d.arith.rho_bits, ref::quantize_rho(rho, d.arith.rho_bits),
                                                    100 + static_cast<uint64_t>(trial)));
    ref::FixedState st;
    ref::reset(net, st, 200 + static_cast<uint64_t>(trial));
    const int cores = (s.n_neurons + 7) / 8;
    const uint64_t flits = 1 + 1;  // header + 8 spike bits in one 8-bit flit
    for (int e = 0; e < 5; ++e) {
      std::vector<float> obs(static_cast<size_t>(s.d_in)), a(2), b(2);
      for (float& x : obs) x = std::normal_distribution<float>(0.0f, 2.0f)(g);
      const uint64_t packets0 = sim.hw().noc_packets, hops0 = sim.hw().noc_flit_hops;
      sim.step(obs.data(), a.data());
      ref::step(net, st, obs.data(), b.data(), nullptr, ref::Kernel::kPortable);
      ASSERT_EQ(a, b) << "trial " << trial << " step " << e;
      // every core sends to every other core after each inner step
      EXPECT_EQ(sim.hw().noc_packets - packets0, static_cast<uint64_t>(s.inner_steps * cores * (cores - 1)));
      uint64_t hops = 0, idle_max = 0;
      for (int x = 0; x < cores; ++x)
        for (int y = 0; y < cores; ++y)
          if (x != y) {
            hops += static_cast<uint64_t>(sim.noc_hops(x, y));
            idle_max = std::max(idle_max, sim.noc_idle_latency(x, y, flits));
          }
      EXPECT_EQ(sim.hw().noc_flit_hops - hops0, static_cast<uint64_t>(s.inner_steps) * flits * hops);
      // contention: no faster than the slowest packet alone, no slower than all packets in a row
      const uint64_t E = sim.last_exchange_cycles();
      EXPECT_GE(E, idle_max);
      EXPECT_LE(E, static_cast<uint64_t>(cores * (cores - 1)) * (flits + 6 * 3) + idle_max);
      EXPECT_GT(E, idle_max) << "16 cores sending to all: packets must queue on shared links";
    }
  }
}
