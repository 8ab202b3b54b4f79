#include "systemc/neuron_core.h"

#include <bit>
#include <cstring>

#include "common/error.h"
#include "firmware/register_map.h"
#include "reference/network.h"

namespace ecsim::sc {

using regs::CoreCommand;
using regs::CoreReg;

NeuronCore::NeuronCore(const sc_core::sc_module_name& name, int index, const ChipContext& ctx, HwCounters& hw,
                       ref::EventCounters& events)
    : sc_module(name),
      socket("socket"),
      m_index(index),
      m_ctx(ctx),
      m_hw(hw),
      m_events(events),
      m_synapse_sram("synapse_sram", ctx.config.synapse_sram, hw.synapse_sram),
      m_rho_sram("rho_sram", ctx.config.rho_sram, hw.rho_sram),
      m_state_sram("state_sram", ctx.config.state_sram, hw.state_sram),
      m_sampler(ctx.units.sampler ? ctx.units.sampler("sampler", ctx.config.sampler, hw)
                                  : std::make_unique<Sampler>("sampler", ctx.config.sampler, hw)),
      m_popcount(ctx.units.popcount ? ctx.units.popcount("popcount_unit", ctx.config.popcount, hw)
                                    : std::make_unique<PopcountUnit>("popcount_unit", ctx.config.popcount, hw)),
      m_lif(ctx.units.lif ? ctx.units.lif("lif_unit", ctx.config.lif, hw)
                          : std::make_unique<LifUnit>("lif_unit", ctx.config.lif, hw)),
      m_input_stage(ctx.units.input ? ctx.units.input("input_stage", hw)
                                    : std::make_unique<InputStage>("input_stage", hw)),
      m_readout(ctx.units.readout ? ctx.units.readout("readout", hw) : std::make_unique<ReadoutUnit>("readout", hw)) {
  socket.register_b_transport(this, &NeuronCore::b_transport);
  SC_HAS_PROCESS(NeuronCore);
  SC_THREAD(run);
}

// the float32 weight `index` of a region of w-bit SRAM words (the float32-weight chip)
static float weight_at(const uint64_t* words, int index, int w) {
  const int64_t at = int64_t{index} * 32;
  const auto bits = static_cast<uint32_t>((words[at / w] >> (at % w)) & 0xffffffffu);
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// bits [k·w, (k+1)·w) of a bit vector (64-bit words) as word k, for k < ceil(n/w)
void NeuronCore::to_sram_words(const std::vector<uint64_t>& bits, int n, int w, std::vector<uint64_t>& out) {
  const size_t words = static_cast<size_t>((n + w - 1) / w);
  out.resize(words);
  if (w == 64) {
    std::copy(bits.begin(), bits.begin() + static_cast<long>(words), out.begin());
    return;
  }
  const uint64_t mask = (uint64_t{1} << w) - 1;
  for (size_t k = 0; k < words; ++k) {
    const size_t b = k * static_cast<size_t>(w), lo = b / 64, sh = b % 64;
    uint64_t v = bits[lo] >> sh;
    if (sh + static_cast<size_t>(w) > 64 && lo + 1 < bits.size()) v |= bits[lo + 1] << (64 - sh);
    out[k] = v & mask;
  }
}

void NeuronCore::load_network() {
  const ref::NetworkShape& s = m_ctx.desc.shape;
  const int npc = m_ctx.config.neurons_per_core;
  m_lo = std::min(s.n_neurons, m_index * npc);
  m_hi = std::min(s.n_neurons, (m_index + 1) * npc);
  const int n = m_hi - m_lo;
  m_synapse_sram.resize(int64_t{n} * m_ctx.words_per_neuron());
  const int64_t synapses = int64_t{n} * (2 * s.d_in + s.n_neurons + s.d_out);
  const int64_t rho_per_word = m_ctx.config.rho_sram.word_bits / (m_ctx.desc.arith.rho_bits + 1);
  m_rho_sram.resize((synapses + rho_per_word - 1) / rho_per_word);
  const int64_t state_bits = 3 * m_ctx.desc.arith.state_bits + m_ctx.desc.arith.rate_bits + 1;
  m_state_words_per_neuron = (state_bits + m_ctx.config.state_sram.word_bits - 1) / m_ctx.config.state_sram.word_bits;
  m_state_sram.resize(int64_t{n} * m_state_words_per_neuron);
  m_state.assign(static_cast<size_t>(n), {});
  m_i_in.assign(static_cast<size_t>(n), 0);
  m_input.assign(static_cast<size_t>(s.d_in), 0);
  m_partial.assign(static_cast<size_t>(s.d_out), 0);
  m_spikes_in.assign(static_cast<size_t>(m_ctx.spike_words), 0);
  m_spikes_out.assign(static_cast<size_t>(m_ctx.spike_words), 0);
  to_sram_words(m_ctx.exc_mask, s.n_neurons, m_synapse_sram.word_bits(), m_exc_w);
  m_rows_w.assign(static_cast<size_t>(n) * static_cast<size_t>(m_ctx.words_rec), 0);
  m_sums.assign(static_cast<size_t>(n), 0);
  m_fired.assign(static_cast<size_t>(n), 0);
  m_v0.assign(static_cast<size_t>(n), 0);
  m_rates.assign(static_cast<size_t>(n), 0);
  m_popcount->configure(m_ctx.words_rec, m_synapse_sram.word_bits());
  m_lif->configure(m_ctx.desc, m_synapse_sram.word_bits());
  m_sampler->configure(m_ctx.desc, m_lo, m_hi);
  if (!m_ctx.config.float_weights()) {  // the float32 chip keeps its MAC paths in the core
    m_input_stage->configure(m_ctx.desc);
    m_readout->configure(m_ctx.desc);
  }
}

const NeuronCore::SynapseView& NeuronCore::synapse_view() {
  if (m_view.generation == m_synapse_sram.generation()) return m_view;
  const ref::NetworkShape& s = m_ctx.desc.shape;
  const int N = s.n_neurons, n = m_hi - m_lo, d_in = s.d_in, w = m_synapse_sram.word_bits();
  const int64_t wpn = m_ctx.words_per_neuron();
  SynapseView& v = m_view;
  // 4 MB of int8 columns over the chip's cores: about half of a server core's share of L3
  constexpr int64_t kInt8ColumnsBytes = int64_t{4} << 20;
  v.bit_form = int64_t{N} * n * m_ctx.mapping.cores_used > kInt8ColumnsBytes;
  v.bit_words = (n + 63) / 64;
  v.rec_cols.assign(v.bit_form ? 0 : static_cast<size_t>(N) * static_cast<size_t>(n), 0);
  v.rec_bits.assign(v.bit_form ? static_cast<size_t>(N) * static_cast<size_t>(v.bit_words) : 0, 0);
  v.rec_fanout.assign(static_cast<size_t>(N), 0);
  v.in_sign.assign(static_cast<size_t>(n) * static_cast<size_t>(d_in), 0);
  v.in_fanout.assign(static_cast<size_t>(d_in), 0);
  v.input_adds = 0;
  v.out_fanout.assign(static_cast<size_t>(n), 0);
  v.readout_adds = 0;
  for (int r = 0; r < n; ++r) {
    const int64_t base = r * wpn;
    auto bit = [&](int64_t off, int b) { return (m_synapse_sram.peek(base + off + b / w) >> (b % w)) & 1u; };
    for (int k = 0; k < m_ctx.words_rec; ++k)  // the row's present synapses, word by word
      for (uint64_t bits = m_synapse_sram.peek(base + k); bits; bits &= bits - 1) {
        const int i = k * w + std::countr_zero(bits);
        if (i >= N) break;
        if (v.bit_form)
          v.rec_bits[static_cast<size_t>(i) * static_cast<size_t>(v.bit_words) + static_cast<size_t>(r / 64)] |=
              uint64_t{1} << (r % 64);
        else
          v.rec_cols[static_cast<size_t>(i) * static_cast<size_t>(n) + static_cast<size_t>(r)] =
              i < s.n_exc ? int8_t{1} : int8_t{-1};
        ++v.rec_fanout[static_cast<size_t>(i)];
      }
    for (int i = 0; i < d_in; ++i) {
      const auto plus = static_cast<int>(bit(m_ctx.words_rec, i)),
                 minus = static_cast<int>(bit(m_ctx.words_rec, d_in + i));
      v.in_sign[static_cast<size_t>(r) * static_cast<size_t>(d_in) + static_cast<size_t>(i)] =
          static_cast<int8_t>(plus - minus);
      v.in_fanout[static_cast<size_t>(i)] += static_cast<uint64_t>(plus + minus);
      v.input_adds += plus != minus;
    }
    for (int k = 0; k < s.d_out; ++k) v.out_fanout[static_cast<size_t>(r)] += bit(m_ctx.words_rec + m_ctx.words_in, k);
    v.readout_adds += v.out_fanout[static_cast<size_t>(r)];
  }
  v.generation = m_synapse_sram.generation();
  return v;
}

void NeuronCore::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  if (trans.get_data_length() != 4) {
    trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  const uint32_t off = static_cast<uint32_t>(trans.get_address());
  uint32_t* data = reinterpret_cast<uint32_t*>(trans.get_data_ptr());
  const bool write = trans.is_write();
  const auto in_base = static_cast<uint32_t>(CoreReg::INPUT_BASE);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  if (write && off == static_cast<uint32_t>(CoreReg::CMD)) {
    m_cmd = *data;
    start_command(delay);
  } else if (write && off == static_cast<uint32_t>(CoreReg::SEED_LO)) {
    m_seed_lo = *data;
  } else if (write && off == static_cast<uint32_t>(CoreReg::SEED_HI)) {
    m_seed_hi = *data;
  } else if (write && off == static_cast<uint32_t>(CoreReg::OUT_INDEX)) {
    m_out_index = *data;
  } else if (write && off >= in_base && off < in_base + 4 * m_input.size()) {
    m_input[(off - in_base) / 4] = static_cast<int32_t>(*data);
  } else if (!write && off == static_cast<uint32_t>(CoreReg::STATUS)) {
    *data = (m_ctx.lockstep() ? m_busy : sc_core::sc_time_stamp() + delay < m_free_at) ? 1u : 0u;
  } else if (!write &&
             (off == static_cast<uint32_t>(CoreReg::SUM_LO) || off == static_cast<uint32_t>(CoreReg::SUM_HI))) {
    const auto v = static_cast<uint64_t>(m_out_index < m_partial.size() ? m_partial[m_out_index] : 0);
    *data = static_cast<uint32_t>(off == static_cast<uint32_t>(CoreReg::SUM_LO) ? v : v >> 32);
  } else if (!write && off == static_cast<uint32_t>(CoreReg::SPIKES)) {
    *data = m_last_spikes;
  } else {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  }
}

// Decoupled, the command's results are computed now: the firmware writes a core's inputs (seed,
// INPUT, the NoC's spikes) before its CMD and reads its outputs only after STATUS shows it done,
// so computing at the write gives what computing at the start would.
void NeuronCore::start_command(const sc_core::sc_time& delay) {
  if (m_ctx.lockstep()) {
    m_busy = true;
    m_start.notify(delay);
    return;
  }
  const uint64_t cycles = execute();
  m_free_at = sc_core::sc_time_stamp() + delay + m_command_time.get(m_ctx, cycles);
}

uint64_t NeuronCore::execute() {
  uint64_t cycles = 0;
  switch (static_cast<CoreCommand>(m_cmd)) {
    case CoreCommand::kSample:
      cycles = do_sample();
      break;
    case CoreCommand::kReset:
      cycles = do_reset();
      break;
    case CoreCommand::kInput:
      cycles = do_input();
      break;
    case CoreCommand::kStep:
      cycles = do_step();
      break;
    case CoreCommand::kReadout:
      cycles = do_readout();
      break;
    default:
      SC_REPORT_ERROR(name(), ("unknown core command " + std::to_string(m_cmd)).c_str());
  }
  m_busy_cycles += cycles;
  return cycles;
}

void NeuronCore::run() {
  while (true) {
    sc_core::wait(m_start);
    const uint64_t cycles = execute();
    TraceProbe& p = m_ctx.probe;
    if (p.active()) p.core_busy[static_cast<size_t>(m_index)] = 1;
    sc_core::wait(m_command_time.get(m_ctx, cycles));
    if (p.active()) {
      p.core_busy[static_cast<size_t>(m_index)] = 0;
      if (static_cast<CoreCommand>(m_cmd) == CoreCommand::kStep) {
        p.core_spikes[static_cast<size_t>(m_index)] = m_last_spikes;
        for (size_t k = 0; k < p.neurons.size(); ++k) {
          const int j = p.neurons[k];
          if (j < m_lo || j >= m_hi) continue;
          const ref::NeuronState& s = m_state[static_cast<size_t>(j - m_lo)];
          p.v[k] = s.v;
          p.i_syn[k] = s.i_syn;
          p.rate[k] = s.rate;
          p.fired[k] = static_cast<char>((m_spikes_out[static_cast<size_t>(j / 64)] >> (j % 64)) & 1u);
        }
      }
    }
    m_busy = false;
    m_done.notify(sc_core::SC_ZERO_TIME);
  }
}

uint64_t NeuronCore::do_sample() {
  const uint64_t seed = (uint64_t{m_seed_hi} << 32) | m_seed_lo;
  return m_sampler->sample(m_ctx, seed, m_lo, m_hi, m_synapse_sram, m_rho_sram);
}

uint64_t NeuronCore::do_reset() {
  const uint64_t seed = (uint64_t{m_seed_hi} << 32) | m_seed_lo;
  const uint64_t draw = m_sampler->initial_membranes(m_ctx.desc, seed, m_lo, m_hi, m_v0.data());
  for (int j = m_lo; j < m_hi; ++j)
    m_state[static_cast<size_t>(j - m_lo)] = ref::NeuronState{m_v0[static_cast<size_t>(j - m_lo)], 0, 0};
  m_state_sram.count_writes(static_cast<uint64_t>(m_hi - m_lo) * static_cast<uint64_t>(m_state_words_per_neuron));
  std::fill(m_spikes_in.begin(), m_spikes_in.end(), 0);
  std::fill(m_spikes_out.begin(), m_spikes_out.end(), 0);
  const uint64_t n = static_cast<uint64_t>(m_hi - m_lo);
  return draw + m_state_sram.write_cycles(n * static_cast<uint64_t>(m_state_words_per_neuron));
}

uint64_t NeuronCore::do_input() {
  const ref::NetworkShape& s = m_ctx.desc.shape;
  const int w = m_synapse_sram.word_bits(), wpn = m_ctx.words_per_neuron(), n = m_hi - m_lo;
  const bool fw = m_ctx.config.float_weights();
  const size_t wi = static_cast<size_t>(m_ctx.words_in);
  if (fw) {
    m_cols_w.resize(static_cast<size_t>(n) * wi);
    for (int j = m_lo; j < m_hi; ++j) {
      uint64_t* col = m_cols_w.data() + static_cast<size_t>(j - m_lo) * wi;
      m_synapse_sram.read_block(int64_t{j - m_lo} * wpn + m_ctx.words_rec, m_ctx.words_in, col);
      // two multiply-accumulates per input: x·w(+x) + (−x)·w(−x), exact in float for these values
      double f = 0;
      for (int i = 0; i < s.d_in; ++i) {
        const double x = m_input[static_cast<size_t>(i)];
        const float wp = weight_at(col, i, w), wm = weight_at(col, s.d_in + i, w);
        if (x != 0) m_events.in_synops += static_cast<uint64_t>(wp != 0.0f) + static_cast<uint64_t>(wm != 0.0f);
        f += x * wp - x * wm;
      }
      m_hw.mac_ops += 2 * static_cast<uint64_t>(s.d_in);
      m_i_in[static_cast<size_t>(j - m_lo)] = ref::input_current(m_ctx.desc, static_cast<int64_t>(f));
    }
  } else {
    // the events and adds are counted here from the synapses, whichever input stage computes i_in
    const SynapseView& v = synapse_view();
    for (int i = 0; i < s.d_in; ++i)
      if (m_input[static_cast<size_t>(i)] != 0) m_events.in_synops += v.in_fanout[static_cast<size_t>(i)];
    m_hw.input_adds += v.input_adds;
    if (m_input_stage->streams_columns()) {
      m_cols_w.resize(static_cast<size_t>(n) * wi);
      for (int r = 0; r < n; ++r)
        m_synapse_sram.read_block(int64_t{r} * wpn + m_ctx.words_rec, m_ctx.words_in,
                                  m_cols_w.data() + static_cast<size_t>(r) * wi);
      m_input_stage->project(m_ctx.desc, m_input.data(), m_cols_w.data(), static_cast<int64_t>(wi), w, n,
                             m_i_in.data());
    } else {
      m_synapse_sram.count_reads(static_cast<uint64_t>(n) * wi);
      m_input_stage->project_signs(m_ctx.desc, m_input.data(), v.in_sign.data(), n, m_i_in.data());
    }
  }
  m_events.syn_words_read += static_cast<uint64_t>(n) * static_cast<uint64_t>(m_ctx.words_in);
  m_inner_step = 0;  // the inner steps of this environment step follow
  const uint64_t un = static_cast<uint64_t>(n);
  // one word per cycle from the synapse SRAM, one signed add per input and neuron (float32: one
  // multiply-accumulate per weight, 2·d_in per neuron)
  return m_synapse_sram.read_cycles(un * static_cast<uint64_t>(m_ctx.words_in)) +
         un * static_cast<uint64_t>(s.d_in) * (fw ? 2u : 1u);
}

uint64_t NeuronCore::do_step() {
  const int N = m_ctx.desc.shape.n_neurons, w = m_synapse_sram.word_bits(), wpn = m_ctx.words_per_neuron();
  const int n = m_hi - m_lo;
  std::fill(m_spikes_out.begin(), m_spikes_out.end(), 0);
  // the rows stream from the synapse SRAM through the popcount unit into the LIF unit
  const int wr = m_ctx.words_rec;
  const bool rows_needed = m_ctx.config.float_weights() || m_popcount->streams_rows();
  if (rows_needed)
    for (int j = m_lo; j < m_hi; ++j)
      m_synapse_sram.read_block(int64_t{j - m_lo} * wpn, wr,
                                m_rows_w.data() + static_cast<size_t>(j - m_lo) * static_cast<size_t>(wr));
  else
    m_synapse_sram.count_reads(static_cast<uint64_t>(n) * static_cast<uint64_t>(wr));
  uint64_t hits = 0, fired_count = 0;
  uint64_t pop = 0;
  if (!rows_needed) {  // the unit model, in event form: the same sums from the spiking neurons' columns
    m_spike_list.clear();
    for (size_t k = 0; k < m_spikes_in.size(); ++k)
      for (uint64_t bits = m_spikes_in[k]; bits; bits &= bits - 1)
        m_spike_list.push_back(static_cast<int32_t>(k * 64 + static_cast<size_t>(std::countr_zero(bits))));
    const SynapseView& v = synapse_view();
    const int spikes = static_cast<int>(m_spike_list.size());
    pop = v.bit_form ? m_popcount->accumulate_spikes(v.rec_bits.data(), v.bit_words, m_ctx.desc.shape.n_exc,
                                                     v.rec_fanout.data(), m_spike_list.data(), spikes, n, wr,
                                                     m_sums.data(), &hits)
                     : m_popcount->accumulate_spikes(v.rec_cols.data(), n, v.rec_fanout.data(), m_spike_list.data(),
                                                     spikes, n, wr, m_sums.data(), &hits);
  } else if (m_ctx.config.float_weights()) {
    // the float32 chip's MAC unit: every weight of the row times its presynaptic spike (0 or 1),
    // accumulated; the same words-per-cycle timing as the popcount unit
    for (int r = 0; r < n; ++r) {
      const uint64_t* row = m_rows_w.data() + static_cast<size_t>(r) * static_cast<size_t>(wr);
      double sum = 0;
      for (int i = 0; i < N; ++i) {
        if (!((m_spikes_in[static_cast<size_t>(i / 64)] >> (i % 64)) & 1u)) continue;
        const float wt = weight_at(row, i, w);
        sum += wt;
        hits += wt != 0.0f;
      }
      m_sums[static_cast<size_t>(r)] = static_cast<int64_t>(sum);
    }
    m_hw.mac_ops += static_cast<uint64_t>(n) * static_cast<uint64_t>(N);
    pop = m_popcount->cycles(static_cast<uint64_t>(n), static_cast<uint64_t>(wr));
  } else {
    // the spike vector as words of the SRAM width (w <= 64); the E mask was cut once per network
    to_sram_words(m_spikes_in, N, w, m_spk_w);
    pop = m_popcount->accumulate_rows(m_rows_w.data(), wr, n, wr, m_spk_w.data(), m_exc_w.data(), m_sums.data(), &hits);
  }
  const uint64_t lif =
      m_lif->update_neurons(m_ctx.desc, m_lo, n, m_sums.data(), m_i_in.data(), m_state.data(), m_fired.data());
  for (int j = m_lo; j < m_hi; ++j) {
    if (j + 8 <= m_hi) {  // few neurons fire: skip eight quiet ones at a time
      uint64_t eight;
      std::memcpy(&eight, m_fired.data() + (j - m_lo), sizeof eight);
      if (eight == 0) {
        j += 7;
        continue;
      }
    }
    if (!m_fired[static_cast<size_t>(j - m_lo)]) continue;
    m_spikes_out[static_cast<size_t>(j / 64)] |= uint64_t{1} << (j % 64);
    ++fired_count;
    (j < m_ctx.desc.shape.n_exc ? m_events.spikes_exc : m_events.spikes_inh) += 1;
  }
  // every neuron's state is read and written back once per step
  m_state_sram.count_reads(static_cast<uint64_t>(n) * static_cast<uint64_t>(m_state_words_per_neuron));
  m_state_sram.count_writes(static_cast<uint64_t>(n) * static_cast<uint64_t>(m_state_words_per_neuron));
  m_last_spikes = static_cast<uint32_t>(fired_count);
  if (m_ctx.raster) {  // m_spikes_out holds only this core's neurons, so OR-ing every word is exact
    const size_t sw = static_cast<size_t>(m_ctx.spike_words), at = static_cast<size_t>(m_inner_step) * sw;
    if (at + sw <= m_ctx.raster->size())
      for (size_t k = 0; k < sw; ++k) (*m_ctx.raster)[at + k] |= m_spikes_out[k];
  }
  if (m_ctx.membrane) {
    const size_t nt = m_ctx.membrane_neurons.size(), at = static_cast<size_t>(m_inner_step) * nt;
    for (size_t k = 0; k < nt && at + k < m_ctx.membrane->size(); ++k) {
      const int j = m_ctx.membrane_neurons[k];
      if (j >= m_lo && j < m_hi) (*m_ctx.membrane)[at + k] = m_state[static_cast<size_t>(j - m_lo)].v;
    }
  }
  ++m_inner_step;
  m_events.rec_synops += hits;
  m_events.neuron_updates += static_cast<uint64_t>(n);
  m_events.syn_words_read += static_cast<uint64_t>(n) * static_cast<uint64_t>(m_ctx.words_rec);
  // popcount and LIF are pipelined behind the SRAM: the slowest stage sets the pace
  const uint64_t rows = static_cast<uint64_t>(n);
  const uint64_t sram = m_synapse_sram.read_cycles(rows * static_cast<uint64_t>(m_ctx.words_rec));
  return std::max({sram, pop, lif}) + static_cast<uint64_t>(m_ctx.config.lif.latency_cycles);
}

uint64_t NeuronCore::do_readout() {
  const ref::NetworkShape& s = m_ctx.desc.shape;
  const int w = m_synapse_sram.word_bits(), wpn = m_ctx.words_per_neuron();
  std::fill(m_partial.begin(), m_partial.end(), 0);
  const size_t wo = static_cast<size_t>(m_ctx.words_out);
  if (!m_ctx.config.float_weights()) {
    m_cols_w.resize(static_cast<size_t>(m_hi - m_lo) * wo);
    synapse_view();  // out_fanout, readout_adds
  }
  for (int j = m_lo; j < m_hi; ++j) {
    const int64_t base = int64_t{j - m_lo} * wpn + m_ctx.words_rec + m_ctx.words_in;
    const int32_t r = m_state[static_cast<size_t>(j - m_lo)].rate;
    if (m_ctx.config.float_weights()) {       // one multiply-accumulate per output weight
      std::vector<uint64_t>& out = m_rows_w;  // scratch: the output row's words
      out.resize(std::max(out.size(), static_cast<size_t>(m_ctx.words_out)));
      for (int k = 0; k < m_ctx.words_out; ++k) out[static_cast<size_t>(k)] = m_synapse_sram.read(base + k);
      for (int k = 0; k < s.d_out; ++k) {
        const float wt = weight_at(out.data(), k, w);
        m_partial[static_cast<size_t>(k)] += static_cast<int64_t>(static_cast<double>(r) * wt);
        if (r != 0 && wt != 0.0f) ++m_events.out_synops;
      }
      m_hw.mac_ops += static_cast<uint64_t>(s.d_out);
      continue;
    }
    // the adds and events are counted here from the synapses, whichever readout unit sums
    m_rates[static_cast<size_t>(j - m_lo)] = r;
    if (r != 0) m_events.out_synops += m_view.out_fanout[static_cast<size_t>(j - m_lo)];
    m_synapse_sram.read_block(base, m_ctx.words_out, m_cols_w.data() + static_cast<size_t>(j - m_lo) * wo);
  }
  if (!m_ctx.config.float_weights()) {
    m_hw.readout_adds += m_view.readout_adds;
    m_readout->accumulate(m_ctx.desc, m_rates.data(), m_cols_w.data(), static_cast<int64_t>(wo), w, m_hi - m_lo,
                          m_partial.data());
  }
  m_events.syn_words_read += static_cast<uint64_t>(m_hi - m_lo) * static_cast<uint64_t>(m_ctx.words_out);
  const uint64_t n = static_cast<uint64_t>(m_hi - m_lo);
  return m_synapse_sram.read_cycles(n * static_cast<uint64_t>(m_ctx.words_out)) +
         n * (m_ctx.config.float_weights() ? static_cast<uint64_t>(s.d_out) : 1u);
}

}  // namespace ecsim::sc
