// popcount_unit: AND of a synapse word with the spike word, popcount, and the E−I signed
// accumulation over a row (docs/spec.md §5.2 step 1; the RTL core rtl/popcount_core.sv).
//
// A neuron core streams all its rows through the unit back to back in one STEP. This class is
// the unit model: it computes the sums with the reference popcount and its timing with the
// documented formula ⌈rows·words / P_p⌉ + L_p (docs/microarchitecture.md). `--backend rtl`
// replaces it, through a PopcountFactory (systemc/unit_factories.h), with a wrapper that clocks the Verilated RTL core
// (rtl/sc_bridge/rtl_popcount_unit.h) and measures the cycles instead of computing them.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <systemc>

#include "chip/chip_config.h"
#include "chip/hw_counters.h"
#include "reference/network.h"
#include "reference/popcount.h"
#include "systemc/measured_cycles.h"

namespace ecsim::sc {

class PopcountUnit : public sc_core::sc_module {
 public:
  PopcountUnit(const sc_core::sc_module_name& name, const chip::UnitTiming& timing, HwCounters& counters)
      : sc_module(name), m_timing(timing), m_counters(counters) {}
  ~PopcountUnit() override = default;

  // Called when a network is mapped: every row has `words` words of `word_bits` bits. An
  // implementation that cannot hold such rows throws ecsim::Error naming the limit.
  virtual void configure(int /*words*/, int /*word_bits*/) {}

  // Streams `rows` rows back to back (row r: syn + r·stride, `words` words), each against the
  // spike words `spk` and the E mask `exc`. Writes the signed sum of every row, adds the synaptic
  // events (synapse ∧ spike) to *hits and returns the cycles from the first word taken to the
  // last sum handed on. The words are counted here, the same for every implementation.
  uint64_t accumulate_rows(const uint64_t* syn, int64_t stride, int rows, int words, const uint64_t* spk,
                           const uint64_t* exc, int64_t* sums, uint64_t* hits) {
    m_counters.popcount_words += static_cast<uint64_t>(rows) * static_cast<uint64_t>(words);
    return stream_rows(syn, stride, rows, words, spk, exc, sums, hits);
  }

  // Whether the unit takes the rows word by word (an RTL unit: accumulate_rows). The unit model
  // forms the same sums from the spiking neurons' columns (accumulate_spikes), so the simulation's
  // cost follows the spikes while the unit's counts and cycles stay those of streaming every word.
  virtual bool streams_rows() const { return false; }

  // accumulate_rows in event form: the same sums, events, counts and cycles. Presynaptic neuron i
  // has `rows` signed entries at cols + i·col_stride (+1 excitatory, −1 inhibitory, 0 no synapse)
  // and fanout[i] non-zero ones; spikes lists the n_spikes neurons that fired.
  uint64_t accumulate_spikes(const int8_t* cols, int64_t col_stride, const int32_t* fanout, const int32_t* spikes,
                             int n_spikes, int rows, int words, int64_t* sums, uint64_t* hits) {
    if (m_avx2 && n_spikes <= 32767) {
      ref::detail::add_columns_avx2(cols, col_stride, spikes, n_spikes, rows, sums);
    } else {
      for (int r = 0; r < rows; ++r) sums[r] = 0;
      for (int k = 0; k < n_spikes; ++k) {
        const int8_t* c = cols + spikes[k] * col_stride;
        for (int r = 0; r < rows; ++r) sums[r] += c[r];
      }
    }
    return count_spikes(fanout, spikes, n_spikes, rows, words, hits);
  }
  // the same from bit columns (an eighth of the memory, for large chips): bit r of the words at
  // cols + i·words_per_col is set where neuron i connects to row r, excitatory if i < n_exc
  uint64_t accumulate_spikes(const uint64_t* cols, int64_t words_per_col, int n_exc, const int32_t* fanout,
                             const int32_t* spikes, int n_spikes, int rows, int words, int64_t* sums, uint64_t* hits) {
    if (m_avx2 && n_spikes <= 32767) {
      ref::detail::add_bit_columns_avx2(cols, words_per_col, spikes, n_spikes, n_exc, rows, sums);
    } else {
      for (int r = 0; r < rows; ++r) sums[r] = 0;
      for (int k = 0; k < n_spikes; ++k) {
        const uint64_t* c = cols + spikes[k] * words_per_col;
        for (int r = 0; r < rows; ++r)
          if ((c[r / 64] >> (r % 64)) & 1u) sums[r] += spikes[k] < n_exc ? 1 : -1;
      }
    }
    return count_spikes(fanout, spikes, n_spikes, rows, words, hits);
  }

  // cycles for `rows` rows of `words` words, pipelined back to back
  uint64_t cycles(uint64_t rows, uint64_t words) const {
    const uint64_t per = static_cast<uint64_t>(m_timing.per_cycle);
    return rows == 0 ? 0 : (rows * words + per - 1) / per + static_cast<uint64_t>(m_timing.latency_cycles);
  }
  virtual std::string describe() const { return "unit model (reference popcount, documented timing)"; }
  const MeasuredCycles& measured() const { return m_measured; }  // the RTL's (the model measures nothing)

 protected:
  // the implementation of accumulate_rows (the unit model: the reference popcount and the formula)
  virtual uint64_t stream_rows(const uint64_t* syn, int64_t stride, int rows, int words, const uint64_t* spk,
                               const uint64_t* exc, int64_t* sums, uint64_t* hits) {
    for (int r = 0; r < rows; ++r) {
      const ref::PopcountSplit p = ref::popcount_split(syn + r * stride, spk, exc, words);
      *hits += static_cast<uint64_t>(p.exc + p.inh);
      sums[r] = p.exc - p.inh;
    }
    return cycles(static_cast<uint64_t>(rows), static_cast<uint64_t>(words));
  }
  // the counts and cycles of an event-form step: those of streaming every word
  uint64_t count_spikes(const int32_t* fanout, const int32_t* spikes, int n_spikes, int rows, int words,
                        uint64_t* hits) {
    m_counters.popcount_words += static_cast<uint64_t>(rows) * static_cast<uint64_t>(words);
    for (int k = 0; k < n_spikes; ++k) *hits += static_cast<uint64_t>(fanout[spikes[k]]);
    return cycles(static_cast<uint64_t>(rows), static_cast<uint64_t>(words));
  }
  MeasuredCycles m_measured;
  const bool m_avx2 = ref::cpu_has_avx2();  // the event form adds 32 rows at a time
  const chip::UnitTiming m_timing;
  HwCounters& m_counters;
};

// Builds the popcount unit of each neuron core (during elaboration, as the core's child).
using PopcountFactory =
    std::function<std::unique_ptr<PopcountUnit>(const sc_core::sc_module_name&, const chip::UnitTiming&, HwCounters&)>;

}  // namespace ecsim::sc
