// Hardware activity of the chip: every access and operation, per unit, and cycles per phase.
// The SystemC model counts them (hw_model/systemc); hw_model/energy turns them into energy, so
// each is an exact count of a hardware action. A plain struct, so that it can travel with a job's
// result (and over MPI).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ecsim::chip {

struct MemoryCounters {
  uint64_t words_read = 0, words_written = 0, bits_read = 0, bits_written = 0;
  bool operator==(const MemoryCounters&) const = default;
  // n accesses of word_bits-bit words
  void add_reads(uint64_t n, int word_bits) {
    words_read += n;
    bits_read += n * static_cast<uint64_t>(word_bits);
  }
  void add_writes(uint64_t n, int word_bits) {
    words_written += n;
    bits_written += n * static_cast<uint64_t>(word_bits);
  }
};

struct HwCounters {
  MemoryCounters synapse_sram, rho_sram, state_sram;
  uint64_t popcount_words = 0;      // words through the popcount-accumulate unit
  uint64_t mac_ops = 0;             // float32 multiply-accumulates (the float32-weight chip's datapath)
  uint64_t lif_updates = 0;         // neuron updates of the LIF unit
  uint64_t lif_multiplies = 0;      // constant multiplies (4 per update: α_syn, R, β_m, α_out)
  uint64_t lif_adds = 0;            // adds/subtracts (5 per update) incl. the rate increment
  uint64_t lif_compares = 0;        // threshold compares (1 per update)
  uint64_t input_adds = 0;          // signed adds of x_q in the input stage
  uint64_t readout_adds = 0;        // rate adds in the readout
  uint64_t philox_blocks = 0;       // PRNG draws: Philox4x32-10 blocks (8 synapses or 4 v(0) each)
  uint64_t synapses_drawn = 0;      // synapses the sampler drew (written to the synapse SRAM)
  uint64_t synapses_present = 0;    // of those, present (θ = 1): connection sparsity
  uint64_t noc_packets = 0, noc_flits = 0, noc_flit_hops = 0;
  uint64_t host_bytes_in = 0, host_bytes_out = 0;  // over the host link (into / out of the chip)
  uint64_t register_accesses = 0;   // firmware reads and writes through the register bus
  // cycles (of the chip clock)
  uint64_t cycles_sample = 0, cycles_reset = 0, cycles_input = 0, cycles_inner = 0, cycles_readout = 0;
  uint64_t cycles_host_link = 0;    // commands and ρ crossing the host link (latency + bytes / bandwidth)
  uint64_t cycles_total = 0;
  uint64_t core_busy_cycles = 0;    // Σ over cores of cycles spent on commands
  uint64_t core_idle_cycles = 0;    // Σ over cores of cycles waiting in phases they took part in

  bool operator==(const HwCounters&) const = default;
  // every field (the counters only hold uint64_t): += and the difference since a snapshot
  HwCounters& operator+=(const HwCounters& o) {
    auto* a = reinterpret_cast<uint64_t*>(this);
    const auto* b = reinterpret_cast<const uint64_t*>(&o);
    for (size_t i = 0; i < kFields; ++i) a[i] += b[i];
    return *this;
  }
  HwCounters operator-(const HwCounters& o) const {
    HwCounters d = *this;
    auto* a = reinterpret_cast<uint64_t*>(&d);
    const auto* b = reinterpret_cast<const uint64_t*>(&o);
    for (size_t i = 0; i < kFields; ++i) a[i] -= b[i];
    return d;
  }
  HwCounters scaled(uint64_t k) const {  // every count times k (k repetitions of an action set)
    HwCounters d = *this;
    auto* a = reinterpret_cast<uint64_t*>(&d);
    for (size_t i = 0; i < kFields; ++i) a[i] *= k;
    return d;
  }
  static constexpr size_t kFields = 38;
};
static_assert(sizeof(HwCounters) == HwCounters::kFields * sizeof(uint64_t), "HwCounters holds only uint64_t fields");

}  // namespace ecsim::chip

namespace ecsim::sc {
using chip::HwCounters;
using chip::MemoryCounters;
}  // namespace ecsim::sc
