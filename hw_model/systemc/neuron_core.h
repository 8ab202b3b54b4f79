// neuron_core: one neuron core of the chip. It holds the synapse, ρ and state SRAMs of its
// neurons [lo, hi), the sampler, the popcount-accumulate unit and the LIF unit, and a register
// file (firmware/register_map.h) reached over TLM-2.0. A command written to CMD runs as one
// timed action: the core computes it, waits the cycles it costs, then clears STATUS.
#pragma once

#include <tlm_utils/simple_target_socket.h>
#include <memory>
#include <systemc>
#include <tlm>
#include <vector>

#include "reference/counters.h"
#include "reference/neuron.h"
#include "systemc/chip_context.h"
#include "systemc/sram.h"
#include "systemc/unit_factories.h"

namespace ecsim::sc {

class NeuronCore : public sc_core::sc_module {
 public:
  // ports
  tlm_utils::simple_target_socket<NeuronCore> socket;

  NeuronCore(const sc_core::sc_module_name& name, int index, const ChipContext& ctx, HwCounters& hw,
             ref::EventCounters& events);

  void load_network();  // sizes the SRAMs for ctx's network (a config change is fatal)
  int lo() const { return m_lo; }
  int hi() const { return m_hi; }
  bool busy() const { return m_busy; }                                      // lockstep: a command is running
  const sc_core::sc_event& done_event() const { return m_done; }            // lockstep: notified when it ends
  const sc_core::sc_time& free_at() const { return m_free_at; }             // decoupled: when the last command ends
  const std::vector<uint64_t>& spikes_out() const { return m_spikes_out; }  // its neurons' last spikes
  std::vector<uint64_t>& spikes_in() { return m_spikes_in; }                // every neuron's, from the NoC
  uint64_t busy_cycles() const { return m_busy_cycles; }
  uint64_t peek_synapse_word(int64_t addr) const { return m_synapse_sram.peek(addr); }  // backdoor
  const PopcountUnit& popcount_unit() const { return *m_popcount; }
  const LifUnit& lif_unit() const { return *m_lif; }
  const Sampler& sampler() const { return *m_sampler; }
  const InputStage& input_stage() const { return *m_input_stage; }
  const ReadoutUnit& readout_unit() const { return *m_readout; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  void run();                                         // SC_THREAD: executes commands in lockstep
  void start_command(const sc_core::sc_time& delay);  // CMD written, effective at now + delay
  uint64_t execute();                                 // computes m_cmd, returns its cycles
  uint64_t do_sample();
  uint64_t do_reset();
  uint64_t do_input();
  uint64_t do_step();
  uint64_t do_readout();
  static void to_sram_words(const std::vector<uint64_t>& bits, int n, int w, std::vector<uint64_t>& out);

  // Tables derived from the synapse SRAM's contents (1-bit chip), rebuilt when they change (after
  // SAMPLE). The unit models compute from them, so a step costs the spikes' work; every SRAM read,
  // unit word and event is still counted as the hardware makes it.
  struct SynapseView {
    uint64_t generation = ~uint64_t{0};
    // the recurrent columns: N × n int8 (±1, the sign of pre i, where pre i → post lo + r, else 0),
    // or, where the chip's int8 columns together would outgrow a last-level cache, N × bit_words
    // words of bits (bit r where pre i → post lo + r)
    bool bit_form = false;
    std::vector<int8_t> rec_cols;
    std::vector<uint64_t> rec_bits;
    int64_t bit_words = 0;
    std::vector<int32_t> rec_fanout;   // N: synapses of pre i onto this core's neurons
    std::vector<int8_t> in_sign;       // n × d_in: K_in[i][j] − K_in[d_in+i][j]
    std::vector<uint64_t> in_fanout;   // d_in: synapses of inputs i and d_in + i onto this core
    uint64_t input_adds = 0;           // (neuron, input) pairs whose two input bits differ
    std::vector<uint64_t> out_fanout;  // n: output synapses of neuron lo + r
    uint64_t readout_adds = 0;         // all of them: one rate add each
  };
  const SynapseView& synapse_view();

  const int m_index;
  const ChipContext& m_ctx;
  HwCounters& m_hw;
  ref::EventCounters& m_events;
  int m_lo = 0, m_hi = 0;

  // blocks
  Sram m_synapse_sram, m_rho_sram, m_state_sram;
  std::unique_ptr<Sampler> m_sampler;
  std::unique_ptr<PopcountUnit> m_popcount;
  std::unique_ptr<LifUnit> m_lif;
  std::unique_ptr<InputStage> m_input_stage;
  std::unique_ptr<ReadoutUnit> m_readout;

  // registers
  uint32_t m_cmd = 0, m_seed_lo = 0, m_seed_hi = 0, m_out_index = 0;
  std::vector<int32_t> m_input;    // x_q
  std::vector<int64_t> m_partial;  // readout partial sums per output
  uint32_t m_last_spikes = 0;
  int m_inner_step = 0;  // inner steps since the last input stage (for the raster backdoor)

  // neuron state (kept in the state SRAM: its accesses are counted there)
  std::vector<ref::NeuronState> m_state;
  std::vector<int32_t> m_i_in;
  std::vector<uint64_t> m_spikes_in, m_spikes_out;
  std::vector<uint64_t> m_exc_w, m_spk_w, m_rows_w;  // E mask, spikes and the recurrent rows in SRAM words
  std::vector<int64_t> m_sums;                       // popcount unit output, one per row
  std::vector<uint64_t> m_cols_w;                    // the input columns (INPUT) or output rows (READOUT)
  std::vector<int32_t> m_v0, m_rates;                // v(0) (RESET), the rates (READOUT)
  std::vector<uint8_t> m_fired;                      // LIF unit output, one per neuron
  int64_t m_state_words_per_neuron = 1;
  SynapseView m_view;
  std::vector<int32_t> m_spike_list;  // the spiking neurons of the step, for the event form

  bool m_busy = false;
  sc_core::sc_time m_free_at = sc_core::SC_ZERO_TIME;
  CycleTimeMemo m_command_time;
  uint64_t m_busy_cycles = 0;
  sc_core::sc_event m_start, m_done;
};

}  // namespace ecsim::sc
