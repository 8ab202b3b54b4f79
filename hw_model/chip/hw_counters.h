// Hardware activity of the chip: every access and operation, per unit, and cycles per phase.
// The SystemC model counts them (hw_model/systemc); hw_model/energy turns them into energy, so
// each is an exact count of a hardware action.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/fields.h"

namespace ecsim::chip {

// The counters, listed once (common/fields.h): the members, +=, −, scaling, JSON and the tagged
// encoding of checkpoints and MPI messages all come from these lists.
#define ECSIM_MEMORY_COUNTER_FIELDS(X)           \
  X(uint64_t, words_read, 0, "words read")       \
  X(uint64_t, words_written, 0, "words written") \
  X(uint64_t, bits_read, 0, "bits read")         \
  X(uint64_t, bits_written, 0, "bits written")

struct MemoryCounters {
  ECSIM_DESCRIBE(MemoryCounters, ECSIM_MEMORY_COUNTER_FIELDS)
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

#define ECSIM_HW_COUNTER_FIELDS(X)                                                                          \
  X(MemoryCounters, synapse_sram, {}, "the synapse SRAM")                                                   \
  X(MemoryCounters, rho_sram, {}, "the rho SRAM")                                                           \
  X(MemoryCounters, state_sram, {}, "the state SRAM")                                                       \
  X(uint64_t, popcount_words, 0, "words through the popcount-accumulate unit")                              \
  X(uint64_t, mac_ops, 0, "float32 multiply-accumulates (the float32-weight chip's datapath)")              \
  X(uint64_t, lif_updates, 0, "neuron updates of the LIF unit")                                             \
  X(uint64_t, lif_multiplies, 0, "constant multiplies (4 per update: alpha_syn, R, beta_m, alpha_out)")     \
  X(uint64_t, lif_adds, 0, "adds/subtracts (5 per update) incl. the rate increment")                        \
  X(uint64_t, lif_compares, 0, "threshold compares (1 per update)")                                         \
  X(uint64_t, input_adds, 0, "signed adds of x_q in the input stage")                                       \
  X(uint64_t, readout_adds, 0, "rate adds in the readout")                                                  \
  X(uint64_t, philox_blocks, 0, "PRNG draws: Philox4x32-10 blocks (8 synapses or 4 v(0) each)")             \
  X(uint64_t, synapses_drawn, 0, "synapses the sampler drew (written to the synapse SRAM)")                 \
  X(uint64_t, synapses_present, 0, "of those, present (theta = 1): connection sparsity")                    \
  X(uint64_t, noc_packets, 0, "network-on-chip packets")                                                    \
  X(uint64_t, noc_flits, 0, "network-on-chip flits")                                                        \
  X(uint64_t, noc_flit_hops, 0, "flits times the router hops they took")                                    \
  X(uint64_t, host_bytes_in, 0, "bytes over the host link into the chip")                                   \
  X(uint64_t, host_bytes_out, 0, "bytes over the host link out of the chip")                                \
  X(uint64_t, register_accesses, 0, "firmware reads and writes through the register bus")                   \
  X(uint64_t, cycles_sample, 0, "cycles (chip clock) of the sample phase")                                  \
  X(uint64_t, cycles_reset, 0, "cycles of the reset phase")                                                 \
  X(uint64_t, cycles_input, 0, "cycles of the input phase")                                                 \
  X(uint64_t, cycles_inner, 0, "cycles of the inner steps")                                                 \
  X(uint64_t, cycles_readout, 0, "cycles of the readout")                                                   \
  X(uint64_t, cycles_host_link, 0, "commands and rho crossing the host link (latency + bytes / bandwidth)") \
  X(uint64_t, cycles_total, 0, "cycles in all")                                                             \
  X(uint64_t, core_busy_cycles, 0, "sum over cores of cycles spent on commands")                            \
  X(uint64_t, core_idle_cycles, 0, "sum over cores of cycles waiting in phases they took part in")

struct HwCounters {
  ECSIM_DESCRIBE(HwCounters, ECSIM_HW_COUNTER_FIELDS)

  bool operator==(const HwCounters&) const = default;
  HwCounters& operator+=(const HwCounters& o) {
    fields::add_to(*this, o);
    return *this;
  }
  // the difference since a snapshot o
  HwCounters operator-(const HwCounters& o) const { return fields::difference(*this, o); }
  // every count times k (k repetitions of an action set)
  HwCounters scaled(uint64_t k) const { return fields::scaled(*this, k); }
};

}  // namespace ecsim::chip

namespace ecsim::sc {
using chip::HwCounters;
using chip::MemoryCounters;
}  // namespace ecsim::sc
