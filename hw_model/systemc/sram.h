// sram: one on-chip SRAM macro of a neuron core (synapse, ρ or state memory). Holds words of up
// to 64 bits, counts every access, and gives the cycles an access costs (from the chip config).
#pragma once

#include <algorithm>
#include <systemc>
#include <vector>

#include "chip/chip_config.h"
#include "chip/hw_counters.h"
#include "common/error.h"

namespace ecsim::sc {

class Sram : public sc_core::sc_module {
 public:
  Sram(const sc_core::sc_module_name& name, const chip::SramConfig& cfg, MemoryCounters& counters)
      : sc_module(name), m_cfg(cfg), m_counters(counters) {
    if (cfg.word_bits > 64)
      throw Error(std::string("the SystemC model stores SRAM words of at most 64 bits; ") + this->name() + " has " +
                      std::to_string(cfg.word_bits),
                  "use word_bits <= 64 in the chip config");
  }

  void resize(int64_t words) {
    if (words > m_cfg.words)
      throw Error(std::string(name()) + ": the network needs " + std::to_string(words) + " words, the SRAM has " +
                      std::to_string(m_cfg.words),
                  "use a chip config with a larger SRAM");
    m_data.assign(static_cast<size_t>(words), 0);
    ++m_generation;
  }
  uint64_t read(int64_t addr) {
    m_counters.add_reads(1, m_cfg.word_bits);
    return m_data[static_cast<size_t>(addr)];
  }
  void write(int64_t addr, uint64_t word) {
    m_counters.add_writes(1, m_cfg.word_bits);
    m_data[static_cast<size_t>(addr)] = word;
    ++m_generation;
  }
  // n consecutive words into out, counted as n reads (one call per row: the model's hot path)
  void read_block(int64_t addr, int64_t n, uint64_t* out) {
    m_counters.add_reads(static_cast<uint64_t>(n), m_cfg.word_bits);
    const uint64_t* src = m_data.data() + addr;
    for (int64_t k = 0; k < n; ++k) out[k] = src[k];  // rows are a few words: no memmove call
  }
  // accesses whose data the model keeps elsewhere (the state and ρ memories): counted only
  void count_reads(uint64_t n) { m_counters.add_reads(n, m_cfg.word_bits); }
  void count_writes(uint64_t n) { m_counters.add_writes(n, m_cfg.word_bits); }
  uint64_t peek(int64_t addr) const { return m_data[static_cast<size_t>(addr)]; }  // backdoor: not counted
  // changes whenever the contents may have: a model that keeps tables derived from the contents
  // rebuilds them when it differs
  uint64_t generation() const { return m_generation; }
  int word_bits() const { return m_cfg.word_bits; }
  uint64_t read_cycles(uint64_t words) const { return words * static_cast<uint64_t>(m_cfg.read_cycles); }
  uint64_t write_cycles(uint64_t words) const { return words * static_cast<uint64_t>(m_cfg.write_cycles); }

 private:
  const chip::SramConfig m_cfg;
  MemoryCounters& m_counters;
  std::vector<uint64_t> m_data;
  uint64_t m_generation = 0;
};

}  // namespace ecsim::sc
