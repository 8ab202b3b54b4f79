#include "chip/activity.h"

#include <cstdlib>

namespace ecsim::chip {

namespace {

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }
uint64_t u(int64_t x) { return static_cast<uint64_t>(x); }

}  // namespace

ActivityModel::ActivityModel(const ChipConfig& chip, const ref::NetworkDesc& desc)
    : m_chip(chip), m_desc(desc), m_map(map_network(chip, desc.shape)) {
  const int w = chip.synapse_sram.word_bits, b = chip.weight_bits, N = desc.shape.n_neurons;
  m_words_rec = (N * b + w - 1) / w;
  m_words_in = (2 * desc.shape.d_in * b + w - 1) / w;
  m_words_out = (desc.shape.d_out * b + w - 1) / w;
  const int state_bits = 3 * desc.arith.state_bits + desc.arith.rate_bits + 1;
  m_state_words = (state_bits + chip.state_sram.word_bits - 1) / chip.state_sram.word_bits;
}

// SAMPLE and RESET around the cores' work. Firmware: HOST_CMD read, the seed (2 reads, 2 writes per
// core), CMD write and STATUS read per core, HOST_CMD clear, HOST_DONE read and write. Host link:
// the command and seed in, the done word out.
void ActivityModel::add_seeded_command(HwCounters& h) const {
  const uint64_t C = u(m_map.cores_used);
  h.register_accesses += 1 + 2 + 2 * C + 2 * C + 3;
  h.host_bytes_in += 4 + 8;
  h.host_bytes_out += 4;
}

HwCounters ActivityModel::load_rho() const {
  HwCounters h;
  const uint64_t cores = u(m_map.cores_used);
  h.rho_sram.add_writes(u(m_map.rho_bits_per_core / m_chip.rho_sram.word_bits) * cores, m_chip.rho_sram.word_bits);
  h.host_bytes_in = ceil_div(u(m_desc.shape.total_synapses()) * u(m_desc.arith.rho_bits + 1), 8);
  return h;
}

HwCounters ActivityModel::sample() const {
  HwCounters h;
  const ref::NetworkShape& s = m_desc.shape;
  const int64_t N = s.n_neurons, off_rec = s.in_synapses(), off_out = s.in_synapses() + s.rec_synapses();
  const uint64_t rho_per_word = u(m_chip.rho_sram.word_bits / (m_desc.arith.rho_bits + 1));
  auto blocks = [](int64_t g0, int64_t g1) { return g1 <= g0 ? uint64_t{0} : u((g1 + 7) / 8 - g0 / 8); };
  each_core([&](int lo, int hi) {
    const int64_t n = hi - lo;
    for (int64_t r = 0; r < 2 * s.d_in; ++r) h.philox_blocks += blocks(r * N + lo, r * N + hi);
    for (int64_t i = 0; i < N; ++i) h.philox_blocks += blocks(off_rec + i * N + lo, off_rec + i * N + hi);
    h.philox_blocks += blocks(off_out + lo * s.d_out, off_out + hi * s.d_out);
    const uint64_t synapses = u(n * (2 * s.d_in + N + s.d_out));
    h.synapses_drawn += synapses;
    h.rho_sram.add_reads(ceil_div(synapses, rho_per_word), m_chip.rho_sram.word_bits);
    h.synapse_sram.add_writes(u(n) * u(m_words_rec + m_words_in + m_words_out), m_chip.synapse_sram.word_bits);
  });
  add_seeded_command(h);
  return h;
}

HwCounters ActivityModel::reset() const {
  HwCounters h;
  each_core([&](int lo, int hi) {
    h.philox_blocks += u((hi + 3) / 4 - lo / 4);
    h.state_sram.add_writes(u(hi - lo) * u(m_state_words), m_chip.state_sram.word_bits);
  });
  add_seeded_command(h);
  return h;
}

HwCounters ActivityModel::env_step() const {
  HwCounters h;
  const ref::NetworkShape& s = m_desc.shape;
  const uint64_t T = u(s.inner_steps), N = u(s.n_neurons);
  const bool fw = m_chip.float_weights();
  each_core([&](int lo, int hi) {
    const uint64_t n = u(hi - lo);
    // INPUT, T × STEP, READOUT: every row read whatever the spikes
    h.synapse_sram.add_reads(n * u(m_words_in) + T * n * u(m_words_rec) + n * u(m_words_out),
                             m_chip.synapse_sram.word_bits);
    const uint64_t state = T * n * u(m_state_words);
    h.state_sram.add_reads(state, m_chip.state_sram.word_bits);
    h.state_sram.add_writes(state, m_chip.state_sram.word_bits);
    if (fw)
      h.mac_ops += n * u(2 * s.d_in) + T * n * N + n * u(s.d_out);
    else
      h.popcount_words += T * n * u(m_words_rec);
    h.lif_updates += T * n;
    h.lif_multiplies += 4 * T * n;
    h.lif_adds += 5 * T * n;
    h.lif_compares += T * n;
  });
  // the NoC: every inner step, every used core sends its spike bitmap (a head flit and
  // ⌈n / flit_bits⌉ flits) to every other used core over XY routes
  const int cols = m_chip.noc.columns;
  for (int src = 0; src < m_map.cores_used; ++src) {
    const uint64_t n = u(std::min(s.n_neurons, (src + 1) * m_chip.neurons_per_core) - src * m_chip.neurons_per_core);
    const uint64_t flits = 1 + ceil_div(n, u(m_chip.noc.flit_bits));
    for (int dst = 0; dst < m_map.cores_used; ++dst) {
      if (dst == src) continue;
      const uint64_t hops = u(std::abs(src % cols - dst % cols) + std::abs(src / cols - dst / cols));
      h.noc_packets += T;
      h.noc_flits += T * flits;
      h.noc_flit_hops += T * flits * hops;
    }
  }
  // firmware: HOST_CMD; d_in mailbox reads and d_in·C input writes; CMD + STATUS per core for
  // INPUT, T STEPs and READOUT; per output: OUT_INDEX, SUM_LO, SUM_HI per core and the mailbox
  // write; HOST_CMD clear, HOST_DONE read and write. Host link: command, seed word, x_q in; done
  // word and a_q out.
  const uint64_t C = u(m_map.cores_used), din = u(s.d_in), dout = u(s.d_out);
  h.register_accesses = 1 + din * (1 + C) + 2 * C * (T + 2) + dout * (3 * C + 1) + 3;
  h.host_bytes_in = 4 + 8 + 4 * din;
  h.host_bytes_out = 4 + 4 * dout;
  return h;
}

ActivityModel::ThetaCounts ActivityModel::theta_counts(const ref::Theta& t) const {
  ThetaCounts c;
  const ref::NetworkShape& s = m_desc.shape;
  c.present = static_cast<uint64_t>(t.count_ones());
  if (m_chip.float_weights()) return c;  // the MAC datapath does every weight: no data-dependent adds
  for (int j = 0; j < s.n_neurons; ++j)
    for (int i = 0; i < s.d_in; ++i) c.input_adds += t.in.get(i, j) != t.in.get(s.d_in + i, j);
  c.readout_adds = static_cast<uint64_t>(t.out.count_ones());
  return c;
}

HwCounters ActivityModel::sample(const ThetaCounts& t) const {
  HwCounters h = sample();
  h.synapses_present = t.present;
  return h;
}

HwCounters ActivityModel::env_step(const ThetaCounts& t) const {
  HwCounters h = env_step();
  h.input_adds = t.input_adds;
  h.readout_adds = t.readout_adds;
  return h;
}

HwCounters ActivityModel::without_cycles(HwCounters h) {
  h.cycles_sample = h.cycles_reset = h.cycles_input = h.cycles_inner = h.cycles_readout = 0;
  h.cycles_host_link = h.cycles_total = h.core_busy_cycles = h.core_idle_cycles = 0;
  return h;
}

}  // namespace ecsim::chip
