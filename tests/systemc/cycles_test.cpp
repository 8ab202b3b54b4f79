// Cycle counts of a one-core chip against the formulas of docs/microarchitecture.md.
#include <gtest/gtest.h>

#include <cmath>

#include "chip/chip_config.h"
#include "reference/network.h"
#include "systemc/chip.h"

using namespace ecsim;

namespace {

constexpr int A = 3, B = 5, Lp = 2, Ll = 4, Ls = 10, N = 64, D_IN = 11, D_OUT = 3, T = 33;

const char* kOneCore = R"({
  "format": "ecsim-chip/1", "name": "one-core", "clock_hz": 1e8,
  "cores": {"count": 1, "neurons_per_core": 64},
  "arith": {"rho_bits": 10, "state_bits": 16, "frac_bits": 10, "rate_bits": 16, "rate_frac_bits": 12,
            "const_bits": 15, "input_bits": 10, "input_frac_bits": 6, "action_frac_bits": 12},
  "memories": {
    "synapse_sram": {"word_bits": 64, "words": 1024, "read_cycles": 1, "write_cycles": 2},
    "rho_sram": {"word_bits": 64, "words": 8192, "read_cycles": 1, "write_cycles": 1},
    "state_sram": {"word_bits": 32, "words": 256, "read_cycles": 1, "write_cycles": 1}},
  "units": {"popcount": {"words_per_cycle": 1, "latency_cycles": 2},
            "lif": {"neurons_per_cycle": 1, "latency_cycles": 4},
            "sampler": {"philox_blocks_per_cycle": 1, "latency_cycles": 10},
            "controller": {"cycles_per_register_access": 3}},
  "noc": {"topology": "mesh", "columns": 1, "rows": 1, "flit_bits": 64, "router_latency_cycles": 2,
          "link_latency_cycles": 1, "barrier_cycles": 5},
  "host_link": {"bytes_per_second": 1e8, "latency_ns": 100}})";

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

}  // namespace

TEST(SystemcCycles, OneCoreMatchesTheDocumentedFormulas) {
  sc::ChipSim sim(chip::parse_chip_config(kOneCore, "one-core"));
  ref::NetworkShape s;
  s.n_neurons = N;
  s.n_exc = N / 2;
  s.d_in = D_IN;
  s.d_out = D_OUT;
  s.inner_steps = T;
  const ref::NetworkDesc d = ref::make_network_desc(s, sim.config().arith);
  sim.load_network(d);
  sim.load_rho(std::vector<float>(static_cast<size_t>(s.total_synapses()), 0.5f));
  const uint64_t wr = 1, wi = 1, wo = 1, n = N, sw = ceil_div(3 * 16 + 16 + 1, 32);  // 3 state words

  const uint64_t before_sample = sim.hw().cycles_sample;
  sim.sample(9);
  const uint64_t blocks = (2 * D_IN + N) * n / 8 + ceil_div(n * D_OUT, 8);
  const uint64_t sample = ceil_div(blocks, 1) + Ls + n * (wr + wi + wo) * 2;
  EXPECT_EQ(sim.hw().philox_blocks, blocks);
  EXPECT_EQ(sim.hw().cycles_sample - before_sample, A + 2 * A + 2 * A + (sample + 2 * A) + 3 * A);

  sim.reset(4);
  const uint64_t reset = ceil_div(n, 4) + Ls + n * sw * 1;
  EXPECT_EQ(sim.hw().cycles_reset, A + 2 * A + 2 * A + (reset + 2 * A) + 3 * A);

  const uint64_t host_before = sim.hw().cycles_host_link, cycles_before = sim.cycles();
  std::vector<float> obs(D_IN, 0.5f), act(D_OUT);
  sim.step(obs.data(), act.data());
  const uint64_t input = n * wi * 1 + n * D_IN;
  const uint64_t step = std::max({n * wr * 1, ceil_div(n * wr, 1) + Lp, ceil_div(n, 1) + Ll}) + Ll;
  const uint64_t readout = n * wo * 1 + n;
  EXPECT_EQ(sim.hw().cycles_input, A + D_IN * A + D_IN * 1 * A + (input + 2 * A));
  EXPECT_EQ(sim.hw().cycles_inner, T * (step + 2 * A + 0 + B));
  EXPECT_EQ(sim.hw().cycles_readout, (readout + 2 * A) + D_OUT * 4 * A + 3 * A);
  // host link: 100 ns = 10 cycles at 100 MHz, plus bytes at 1 byte per cycle
  const uint64_t link = (10 + 12 + 4 * D_IN) + (10 + 4 + 4 * D_OUT);
  EXPECT_EQ(sim.hw().cycles_host_link - host_before, link);
  // the phases and the link account for every cycle of the step
  EXPECT_EQ(sim.cycles() - cycles_before,
            sim.hw().cycles_input + sim.hw().cycles_inner + sim.hw().cycles_readout + link);
}
