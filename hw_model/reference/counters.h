// Event counters of the reference datapath (docs/spec.md §7). Every level counts the same events
// with the same definitions, so the SystemC model's counters can be checked against these.
#pragma once

#include <cstdint>

#include "common/fields.h"

namespace ecsim::ref {

// The counters, listed once (common/fields.h): the members, +=, −, JSON and the tagged encoding of
// checkpoints and MPI messages all come from this list.
#define ECSIM_EVENT_COUNTER_FIELDS(X)                                                                \
  X(uint64_t, env_steps, 0, "env steps")                                                             \
  X(uint64_t, inner_steps, 0, "LIF inner steps")                                                     \
  X(uint64_t, neuron_updates, 0, "LIF updates: N per inner step")                                    \
  X(uint64_t, spikes_exc, 0, "spikes of neurons [0, N_E)")                                           \
  X(uint64_t, spikes_inh, 0, "spikes of neurons [N_E, N)")                                           \
  X(uint64_t, rec_synops, 0, "recurrent accumulates: sum over spikes of the neuron's fan-out")       \
  X(uint64_t, in_synops, 0, "input accumulates: sum over nonzero x_q[i] of fan-out of rows i, d+i")  \
  X(uint64_t, out_synops, 0, "readout accumulates: sum over nonzero rates of output fan-out")        \
  X(uint64_t, syn_words_read, 0, "synapse-memory words read by the dense datapath (spec section 7)") \
  X(uint64_t, input_saturations, 0, "observation components clipped by the input quantizer")         \
  X(uint64_t, input_nonfinite, 0, "observation components that were NaN (mapped to 0)")              \
  X(uint64_t, action_saturations, 0, "action components clamped to +-1")

struct EventCounters {
  ECSIM_DESCRIBE(EventCounters, ECSIM_EVENT_COUNTER_FIELDS)

  uint64_t spikes() const { return spikes_exc + spikes_inh; }
  uint64_t synops() const { return rec_synops + in_synops + out_synops; }
  EventCounters& operator+=(const EventCounters& o) {
    fields::add_to(*this, o);
    return *this;
  }
  // counts since an earlier snapshot o
  EventCounters operator-(const EventCounters& o) const { return fields::difference(*this, o); }
  bool operator==(const EventCounters&) const = default;
};

}  // namespace ecsim::ref
