// popcount_unit: AND of a synapse word with the spike word, popcount, and the E−I signed
// accumulation over a row (docs/spec.md §5.2 step 1; the RTL core rtl/popcount_core.sv).
// Timing: words / words_per_cycle + latency (docs/microarchitecture.md).
#pragma once

#include <systemc>

#include "chip/chip_config.h"
#include "reference/popcount.h"
#include "systemc/hw_counters.h"

namespace ecsim::sc {

class PopcountUnit : public sc_core::sc_module {
 public:
  PopcountUnit(const sc_core::sc_module_name& name, const chip::UnitTiming& timing, HwCounters& counters)
      : sc_module(name), m_timing(timing), m_counters(counters) {}

  // one row of `words` words; returns the signed sum and adds the synaptic events (hits)
  int64_t accumulate(const uint64_t* syn, const uint64_t* spk, const uint64_t* exc, int words, uint64_t* hits) {
    m_counters.popcount_words += static_cast<uint64_t>(words);
    const ref::PopcountSplit p = ref::popcount_split(syn, spk, exc, words);
    *hits += static_cast<uint64_t>(p.exc + p.inh);
    return p.exc - p.inh;
  }
  // cycles for `rows` rows of `words` words, pipelined back to back
  uint64_t cycles(uint64_t rows, uint64_t words) const {
    const uint64_t per = static_cast<uint64_t>(m_timing.per_cycle);
    return rows == 0 ? 0 : (rows * words + per - 1) / per + static_cast<uint64_t>(m_timing.latency_cycles);
  }

 private:
  const chip::UnitTiming m_timing;
  HwCounters& m_counters;
};

}  // namespace ecsim::sc
