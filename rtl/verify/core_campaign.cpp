#include "verify/core_campaign.h"

#include <algorithm>
#include <bit>
#include <random>
#include <sstream>

#include "common/error.h"
#include "driver/neuron_core_driver.h"
#include "firmware/register_map.h"
#include "reference/network.h"
#include "reference/neuron.h"
#include "reference/popcount.h"
#include "reference/theta.h"

namespace ecsim::rtl {

// The reference's synapses of core [lo, lo + n) in the order SAMPLE walks them (the ρ SRAM's
// layout, docs/rtl.md): K_in rows, K_h rows, K_out, each restricted to the core's neurons.
std::vector<uint64_t> core_rho_words(const ref::NetworkShape& s, const std::vector<uint32_t>& rho_q, int lo, int n) {
  const int64_t N = s.n_neurons;
  std::vector<uint32_t> walk;
  for (int r = 0; r < 2 * s.d_in + s.n_neurons; ++r)
    for (int l = 0; l < n; ++l) walk.push_back(rho_q[static_cast<size_t>(r * N + lo + l)]);
  const int64_t off_out = s.in_synapses() + s.rec_synapses();
  for (int k = 0; k < n * s.d_out; ++k) walk.push_back(rho_q[static_cast<size_t>(off_out + lo * s.d_out + k)]);
  std::vector<uint64_t> words((walk.size() + CoreParams::kRhoPerWord - 1) / CoreParams::kRhoPerWord, 0);
  for (size_t g = 0; g < walk.size(); ++g)
    words[g / CoreParams::kRhoPerWord] |= uint64_t{walk[g]} << (11 * (g % CoreParams::kRhoPerWord));
  return words;
}

// the SystemC layout of neuron j's synapse words (hw_model/systemc/sampler.cpp): the recurrent
// row (bit i of word i/64: K_h[i][j]), the input column (bit r: K_in[r][j]), the output row
// (bit k: K_out[j][k])
std::vector<uint64_t> core_synapse_words(const ref::Theta& th, const ref::NetworkShape& s, int j) {
  const int wr = (s.n_neurons + 63) / 64;
  std::vector<uint64_t> w(static_cast<size_t>(wr + 2), 0);
  for (int i = 0; i < s.n_neurons; ++i)
    if (th.rec.get(i, j)) w[static_cast<size_t>(i / 64)] |= uint64_t{1} << (i % 64);
  for (int r = 0; r < 2 * s.d_in; ++r)
    if (th.in.get(r, j)) w[static_cast<size_t>(wr)] |= uint64_t{1} << r;
  for (int k = 0; k < s.d_out; ++k)
    if (th.out.get(j, k)) w[static_cast<size_t>(wr + 1)] |= uint64_t{1} << k;
  return w;
}

// one inner step of the whole network from the reference model's functions (spec §5.2)
void core_inner_step(const ref::CompiledNet& net, ref::FixedState& st) {
  const ref::NetworkDesc& d = net.desc();
  const int sw = net.spike_words();
  std::fill(st.spikes_next.begin(), st.spikes_next.end(), 0);
  for (int j = 0; j < net.n(); ++j) {
    const auto u = static_cast<size_t>(j);
    const int64_t diff = ref::popcount_accumulate(net.rec_post.data() + u * static_cast<size_t>(sw), st.spikes.data(),
                                                  net.exc_mask.data(), sw);
    ref::NeuronState ns{st.v[u], st.i_syn[u], st.rate[u]};
    if (ref::lif_update(d, diff, st.i_in[u], j < d.shape.n_exc, ns))
      st.spikes_next[static_cast<size_t>(j / 64)] |= uint64_t{1} << (j % 64);
    st.v[u] = ns.v;
    st.i_syn[u] = ns.i_syn;
    st.rate[u] = ns.rate;
  }
  st.spikes.swap(st.spikes_next);
}

namespace {

using P = CoreParams;
using regs::CoreCommand;
using regs::CoreReg;

constexpr const char* kCommandNames[] = {"", "SAMPLE", "RESET", "INPUT", "STEP", "READOUT"};

struct Shape {
  int n = 64, core = 0, cores = 1;
  std::string name() const {
    return "N=" + std::to_string(n) + " core " + std::to_string(core) + " of " + std::to_string(cores);
  }
};

Shape shape_of(int k) {
  switch (k % 3) {
    case 0:
      return {64, 0, 1};
    case 1:
      return {256, (k / 3) % 4, 4};
    default:
      return {128, 1, 2};
  }
}

int32_t field(uint64_t word, int at) { return static_cast<int16_t>((word >> at) & 0xffffu); }

class Campaign {
 public:
  Campaign(const CoreCampaignConfig& cfg, CoreCampaignReport& r) : m_cfg(cfg), m_r(r), m_rtl(cfg.mutant) {}

  void network(int k, std::mt19937_64& rng) {
    const Shape sh = shape_of(k);
    const int n = P::kNeuronsPerCore, lo = sh.core * n;
    ref::NetworkShape s;
    s.n_neurons = sh.n;
    s.n_exc = std::uniform_int_distribution<int>(sh.n / 2, sh.n - 1)(rng);
    s.d_in = P::kInputs;
    s.d_out = P::kOutputs;
    s.inner_steps = m_cfg.inner_steps;
    const ref::NetworkDesc d = ref::make_network_desc(s);
    const int q = d.arith.rho_bits;
    // ρ_q: a density per network, with the ends 0 and 2^q
    const double density = std::uniform_real_distribution<double>(0.02, 0.5)(rng);
    std::vector<uint32_t> rho_q(static_cast<size_t>(s.total_synapses()));
    const uint32_t top = 1u << q;
    for (auto& r : rho_q) {
      const int kind = std::uniform_int_distribution<int>(0, 7)(rng);
      r = kind == 0 ? 0
          : kind == 1
              ? top
              : std::min<uint32_t>(
                    top, static_cast<uint32_t>(std::uniform_real_distribution<double>(0, 2 * density)(rng) * top));
    }
    const uint64_t theta_seed = rng(), init_seed = rng();
    const ref::Theta th = ref::sample_theta(s, q, rho_q, theta_seed);
    const ref::CompiledNet net(d, th);

    NeuronCoreDriver::Config c;
    c.n = s.n_neurons;
    c.n_exc = s.n_exc;
    c.lo = lo;
    c.n_local = n;
    c.alpha_syn = d.fixed.alpha_syn_q;
    c.beta_m = d.fixed.beta_m_q;
    c.alpha_out = d.fixed.alpha_out_q;
    c.gamma = d.fixed.gamma_q;
    c.r_h = std::min<int64_t>(d.fixed.r_h_q, int64_t{1} << (d.arith.state_bits - 1));
    c.r_in = d.fixed.r_in_q;
    c.r_out = d.fixed.r_out_q;
    m_rtl.set_config(c);
    m_rtl.write_rho(core_rho_words(s, rho_q, lo, n));

    const bool first_of_shape = std::none_of(m_r.cycles_by_shape.begin(), m_r.cycles_by_shape.end(),
                                             [&](const CoreShapeCycles& x) { return x.shape == sh.name(); });
    CoreShapeCycles cyc{sh.name(), {}};
    auto timed = [&](CoreCommand cmd) {
      const uint64_t cycles = m_rtl.run(cmd);
      const int ci = static_cast<int>(cmd);
      if (first_of_shape && std::none_of(cyc.commands.begin(), cyc.commands.end(),
                                         [&](const CoreCommandCycles& x) { return x.command == kCommandNames[ci]; }))
        cyc.commands.push_back({kCommandNames[ci], cycles, systemc_core_cycles(ci, s.n_neurons, n)});
    };
    const std::string where = "network " + std::to_string(k) + " (" + sh.name() + ")";

    // SAMPLE: every θ bit of the core's synapse words
    m_rtl.write_reg(CoreReg::SEED_LO, static_cast<uint32_t>(theta_seed));
    m_rtl.write_reg(CoreReg::SEED_HI, static_cast<uint32_t>(theta_seed >> 32));
    timed(CoreCommand::kSample);
    const int wpn = (s.n_neurons + 63) / 64 + 2;
    for (int l = 0; l < n; ++l) {
      const std::vector<uint64_t> want = core_synapse_words(th, s, lo + l);
      for (int w = 0; w < wpn; ++w) {
        const uint64_t got = m_rtl.synapse_word(l * wpn + w);
        m_r.theta_bits += 64;
        if (got != want[static_cast<size_t>(w)])
          fail(where + " SAMPLE: neuron " + std::to_string(lo + l) + " synapse word " + std::to_string(w) + " is 0x" +
               hex(got) + ", the reference sampler gives 0x" + hex(want[static_cast<size_t>(w)]));
      }
    }

    // RESET: v(0), i_syn = rate = 0
    ref::FixedState st;
    ref::reset(net, st, init_seed);
    m_rtl.write_reg(CoreReg::SEED_LO, static_cast<uint32_t>(init_seed));
    m_rtl.write_reg(CoreReg::SEED_HI, static_cast<uint32_t>(init_seed >> 32));
    timed(CoreCommand::kReset);
    check_state(st, lo, n, where + " RESET");

    std::uniform_int_distribution<int> xd(-(1 << (d.arith.input_bits - 1)), (1 << (d.arith.input_bits - 1)) - 1);
    for (int e = 0; e < m_cfg.env_steps; ++e) {
      const std::string at = where + " env step " + std::to_string(e);
      ref::FixedState check = st;  // ref::step runs the same environment step on this copy
      std::vector<float> obs(static_cast<size_t>(s.d_in));
      // the activity varies: full-range inputs, small ones (÷16), then none (the recurrence alone)
      const int scale = e % 3 == 0 ? 1 : e % 3 == 1 ? 16 : 0;
      for (int i = 0; i < s.d_in; ++i) {
        const int xmax = (1 << (d.arith.input_bits - 1)) - 1;
        const int x = e == 0 && i == 0 ? xmax : e == 0 && i == 1 ? -xmax - 1 : scale == 0 ? 0 : xd(rng) / scale;
        st.x_q[static_cast<size_t>(i)] = x;
        obs[static_cast<size_t>(i)] = static_cast<float>(x) / static_cast<float>(1 << d.arith.input_frac_bits);
        m_rtl.write_reg(CoreReg::INPUT_BASE, static_cast<uint32_t>(x), static_cast<uint32_t>(i));
      }
      ref::detail::input_projection_reference(net, st);
      timed(CoreCommand::kInput);
      for (int l = 0; l < n; ++l) {
        const int32_t got = field(m_rtl.state_word(l), 48), want = st.i_in[static_cast<size_t>(lo + l)];
        ++m_r.state_values;
        if (got != want)
          fail(at + " INPUT: neuron " + std::to_string(lo + l) + " i_in " + std::to_string(got) +
               ", the reference model gives " + std::to_string(want));
      }
      for (int t = 0; t < s.inner_steps; ++t) {
        // the NoC: the reference's spikes of the other cores, the RTL's own of this core
        std::vector<uint64_t> spk(st.spikes.begin(), st.spikes.end());
        spk.resize(P::kMaxNeurons / 64, 0);
        const uint64_t own = m_rtl.spikes_out();
        spk[static_cast<size_t>(lo / 64)] = own;  // lo is a multiple of 64 here
        spk.resize(static_cast<size_t>(net.spike_words()));
        m_rtl.write_spikes(spk);
        core_inner_step(net, st);
        timed(CoreCommand::kStep);
        ++m_r.inner_steps;
        const uint64_t got = m_rtl.spikes_out(), want = st.spikes[static_cast<size_t>(lo / 64)];
        m_r.spike_bits += static_cast<uint64_t>(n);
        m_r.spikes += static_cast<uint64_t>(std::popcount(want));
        const std::string ts = at + " inner step " + std::to_string(t);
        if (got != want) fail(ts + ": spikes 0x" + hex(got) + ", the reference model gives 0x" + hex(want));
        const uint32_t count = m_rtl.read_reg(CoreReg::SPIKES);
        if (count != static_cast<uint32_t>(std::popcount(got)))
          fail(ts + ": SPIKES reads " + std::to_string(count) + ", spk_out has " + std::to_string(std::popcount(got)));
        check_state(st, lo, n, ts + " STEP");
      }
      timed(CoreCommand::kReadout);
      ++m_r.env_steps;
      // the partial sums of the core's neurons, and the reference's total
      std::vector<int64_t> total(static_cast<size_t>(s.d_out), 0);
      for (int k2 = 0; k2 < s.d_out; ++k2) {
        int64_t part = 0;
        for (int j = 0; j < s.n_neurons; ++j) {
          const int64_t r = th.out.get(j, k2) ? st.rate[static_cast<size_t>(j)] : 0;
          total[static_cast<size_t>(k2)] += r;
          if (j >= lo && j < lo + n) part += r;
        }
        m_rtl.write_reg(CoreReg::OUT_INDEX, static_cast<uint32_t>(k2));
        const uint64_t lo32 = m_rtl.read_reg(CoreReg::SUM_LO), hi32 = m_rtl.read_reg(CoreReg::SUM_HI);
        const auto got = static_cast<int64_t>((hi32 << 32) | lo32);
        ++m_r.partial_sums;
        if (got != part)
          fail(at + " READOUT: partial sum " + std::to_string(k2) + " is " + std::to_string(got) +
               ", the reference model gives " + std::to_string(part));
      }
      // the campaign's reference loop against the reference model's own environment step
      std::vector<float> action(static_cast<size_t>(s.d_out));
      ref::step(net, check, obs.data(), action.data(), nullptr, ref::Kernel::kPortable);
      bool same = check.spikes == st.spikes;
      for (int j = 0; j < s.n_neurons; ++j) {
        const auto u = static_cast<size_t>(j);
        same = same && check.v[u] == st.v[u] && check.i_syn[u] == st.i_syn[u] && check.rate[u] == st.rate[u] &&
               check.i_in[u] == st.i_in[u];
      }
      for (int k2 = 0; k2 < s.d_out; ++k2) {
        bool sat = false;
        same =
            same && ref::action_from_sum(d, total[static_cast<size_t>(k2)], &sat) == check.a_q[static_cast<size_t>(k2)];
      }
      if (!same) {
        ++m_r.reference_mismatches;
        fail(at + ": the campaign's inner-step loop differs from ref::step");
      }
      st.a_q = check.a_q;
      st.counters = check.counters;
    }
    if (first_of_shape) m_r.cycles_by_shape.push_back(std::move(cyc));
    ++m_r.networks;
    m_r.cycles = m_rtl.cycles();
  }

 private:
  void check_state(const ref::FixedState& st, int lo, int n, const std::string& at) {
    for (int l = 0; l < n; ++l) {
      const uint64_t w = m_rtl.state_word(l);
      const auto u = static_cast<size_t>(lo + l);
      const int32_t got[3] = {field(w, 0), field(w, 16), field(w, 32)};
      const int32_t want[3] = {st.v[u], st.i_syn[u], st.rate[u]};
      const char* names[3] = {"v", "i_syn", "rate"};
      for (int f = 0; f < 3; ++f) {
        ++m_r.state_values;
        if (got[f] != want[f])
          fail(at + ": neuron " + std::to_string(lo + l) + " " + names[f] + " " + std::to_string(got[f]) +
               ", the reference model gives " + std::to_string(want[f]));
      }
    }
  }

  void fail(const std::string& what) {
    if (m_r.mismatches == 0) m_r.first_mismatch = what;
    ++m_r.mismatches;
  }

  static std::string hex(uint64_t v) {
    std::ostringstream o;
    o << std::hex << v;
    return o.str();
  }

  const CoreCampaignConfig& m_cfg;
  CoreCampaignReport& m_r;
  NeuronCoreDriver m_rtl;
};

}  // namespace

uint64_t systemc_core_cycles(int command, int n_neurons, int n_local) {
  // configs/chip_default.json: SRAM reads and writes 1 cycle per word, sampler {1, 10},
  // popcount {1, 2}, lif {1, 4}; 2 state words per neuron (3·16 + 16 + 1 = 65 bits)
  const uint64_t n = static_cast<uint64_t>(n_local), wr = static_cast<uint64_t>((n_neurons + 63) / 64);
  const uint64_t wpn = wr + 2;
  switch (command) {
    case 1: {  // ⌈blocks / P_s⌉ + L_s + the synapse words written; the rows start on whole blocks here
      const uint64_t blocks = static_cast<uint64_t>(2 * P::kInputs + n_neurons) * (n / 8) + n * P::kOutputs / 8;
      return blocks + 10 + n * wpn;
    }
    case 2:
      return (n + 3) / 4 + 10 + n * 2;
    case 3:
      return n * 1 + n * static_cast<uint64_t>(P::kInputs);
    case 4:
      // max(SRAM words, popcount ⌈words/P_p⌉ + L_p, LIF ⌈n/P_l⌉ + L_l) + L_l
      return std::max({n * wr, n * wr + 2, n + 4}) + 4;
    case 5:
      return n * 1 + n;
    default:
      throw Error("no core command " + std::to_string(command), "use 1 (SAMPLE) .. 5 (READOUT)");
  }
}

CoreCampaignReport run_core_campaign(const CoreCampaignConfig& cfg) {
  CoreCampaignReport r;
  std::mt19937_64 rng(cfg.seed);
  Campaign c(cfg, r);
  for (int k = 0; k < cfg.networks; ++k) c.network(k, rng);
  return r;
}

}  // namespace ecsim::rtl
