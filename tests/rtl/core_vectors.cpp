// Writes the directed test of the whole RTL neuron core under Icarus (tests/rtl/tb_neuron_core.sv):
// one network per shape (N = 64 on one core; N = 256, core 2 of 4), its ρ SRAM words, seeds and
// inputs, and what the reference model expects after each command: every synapse word after
// SAMPLE, v(0) after RESET, i_in after INPUT, spikes and state after each STEP, the partial sums
// after READOUT. Text, one number per line (decimal, or hex where the testbench reads %h).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>

#include "reference/network.h"
#include "reference/theta.h"
#include "verify/core_campaign.h"

namespace {

using namespace ecsim;

void write_case(std::ofstream& f, std::mt19937_64& rng, int n_neurons, int core, int env_steps, int inner_steps) {
  const int n = 64, lo = core * n;
  ref::NetworkShape s;
  s.n_neurons = n_neurons;
  s.n_exc = n_neurons * 3 / 4 + 1;
  s.d_in = 11;
  s.d_out = 3;
  s.inner_steps = inner_steps;
  const ref::NetworkDesc d = ref::make_network_desc(s);
  const int q = d.arith.rho_bits;
  std::vector<uint32_t> rho_q(static_cast<size_t>(s.total_synapses()));
  std::uniform_int_distribution<uint32_t> rd(0, (1u << q) / 3);
  for (auto& r : rho_q) r = rd(rng);
  rho_q[0] = 1u << q;
  const uint64_t theta_seed = rng(), init_seed = rng();
  const ref::Theta th = ref::sample_theta(s, q, rho_q, theta_seed);
  const ref::CompiledNet net(d, th);
  const int64_t r_h = std::min<int64_t>(d.fixed.r_h_q, int64_t{1} << (d.arith.state_bits - 1));
  f << s.n_neurons << "\n"
    << s.n_exc << "\n"
    << lo << "\n"
    << n << "\n"
    << d.fixed.alpha_syn_q << "\n"
    << d.fixed.beta_m_q << "\n"
    << d.fixed.alpha_out_q << "\n"
    << d.fixed.gamma_q << "\n"
    << r_h << "\n"
    << d.fixed.r_in_q << "\n"
    << d.fixed.r_out_q << "\n";
  const std::vector<uint64_t> rho = rtl::core_rho_words(s, rho_q, lo, n);
  f << rho.size() << "\n" << std::hex;
  for (uint64_t w : rho) f << w << "\n";
  f << theta_seed << "\n" << init_seed << "\n" << std::dec;
  const int wpn = (s.n_neurons + 63) / 64 + 2;
  f << wpn << "\n" << std::hex;
  for (int l = 0; l < n; ++l)
    for (uint64_t w : rtl::core_synapse_words(th, s, lo + l)) f << w << "\n";
  ref::FixedState st;
  ref::reset(net, st, init_seed);
  auto state = [&](int j) {  // v, i_syn, rate: the low 48 bits of the state word
    const auto u = static_cast<size_t>(j);
    return (uint64_t{static_cast<uint16_t>(st.v[u])}) | (uint64_t{static_cast<uint16_t>(st.i_syn[u])} << 16) |
           (uint64_t{static_cast<uint16_t>(st.rate[u])} << 32);
  };
  for (int l = 0; l < n; ++l) f << state(lo + l) << "\n";
  f << std::dec << env_steps << "\n";
  std::uniform_int_distribution<int> xd(-512, 511);
  for (int e = 0; e < env_steps; ++e) {
    for (int i = 0; i < s.d_in; ++i) {
      st.x_q[static_cast<size_t>(i)] = e == 0 && i == 0 ? 511 : e == 0 && i == 1 ? -512 : xd(rng);
      f << st.x_q[static_cast<size_t>(i)] << "\n";
    }
    ref::detail::input_projection_reference(net, st);
    for (int l = 0; l < n; ++l) f << st.i_in[static_cast<size_t>(lo + l)] << "\n";
    f << s.inner_steps << "\n" << std::hex;
    for (int t = 0; t < s.inner_steps; ++t) {
      for (int w = 0; w < 4; ++w) f << (w < net.spike_words() ? st.spikes[static_cast<size_t>(w)] : 0) << "\n";
      rtl::core_inner_step(net, st);
      f << st.spikes[static_cast<size_t>(lo / 64)] << "\n";
      for (int l = 0; l < n; ++l) f << state(lo + l) << "\n";
    }
    f << std::dec;
    for (int k = 0; k < s.d_out; ++k) {
      int64_t part = 0;
      for (int l = 0; l < n; ++l)
        if (th.out.get(lo + l, k)) part += st.rate[static_cast<size_t>(lo + l)];
      f << part << "\n";
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: core_vectors OUT.txt\n";
    return 2;
  }
  std::ofstream f(argv[1]);
  std::mt19937_64 rng(20261201);
  f << 2 << "\n";  // cases
  write_case(f, rng, 64, 0, 2, 5);
  write_case(f, rng, 256, 2, 1, 4);
  return f ? 0 : 1;
}
