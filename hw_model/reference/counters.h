// Event counters of the reference datapath (docs/spec.md §7). Every level counts the same events
// with the same definitions, so the SystemC model's counters can be checked against these.
#pragma once

#include <cstdint>

namespace ecsim::ref {

struct EventCounters {
  uint64_t env_steps = 0;
  uint64_t inner_steps = 0;
  uint64_t neuron_updates = 0;     // LIF updates: N per inner step
  uint64_t spikes_exc = 0;         // spikes of neurons [0, N_E)
  uint64_t spikes_inh = 0;         // spikes of neurons [N_E, N)
  uint64_t rec_synops = 0;         // recurrent accumulates: Σ over spikes of the neuron's fan-out
  uint64_t in_synops = 0;          // input accumulates: Σ over nonzero x_q[i] of fan-out of rows i, d+i
  uint64_t out_synops = 0;         // readout accumulates: Σ over nonzero rates of output fan-out
  uint64_t syn_words_read = 0;     // synapse-memory words read by the dense datapath (spec §7)
  uint64_t input_saturations = 0;  // observation components clipped by the input quantizer
  uint64_t input_nonfinite = 0;    // observation components that were NaN (mapped to 0)
  uint64_t action_saturations = 0; // action components clamped to ±1

  uint64_t spikes() const { return spikes_exc + spikes_inh; }
  uint64_t synops() const { return rec_synops + in_synops + out_synops; }
  EventCounters& operator+=(const EventCounters& o);
  EventCounters operator-(const EventCounters& o) const;  // counts since an earlier snapshot o
  bool operator==(const EventCounters&) const = default;
};

inline EventCounters& EventCounters::operator+=(const EventCounters& o) {
  env_steps += o.env_steps;
  inner_steps += o.inner_steps;
  neuron_updates += o.neuron_updates;
  spikes_exc += o.spikes_exc;
  spikes_inh += o.spikes_inh;
  rec_synops += o.rec_synops;
  in_synops += o.in_synops;
  out_synops += o.out_synops;
  syn_words_read += o.syn_words_read;
  input_saturations += o.input_saturations;
  input_nonfinite += o.input_nonfinite;
  action_saturations += o.action_saturations;
  return *this;
}

inline EventCounters EventCounters::operator-(const EventCounters& o) const {
  EventCounters d;
  d.env_steps = env_steps - o.env_steps;
  d.inner_steps = inner_steps - o.inner_steps;
  d.neuron_updates = neuron_updates - o.neuron_updates;
  d.spikes_exc = spikes_exc - o.spikes_exc;
  d.spikes_inh = spikes_inh - o.spikes_inh;
  d.rec_synops = rec_synops - o.rec_synops;
  d.in_synops = in_synops - o.in_synops;
  d.out_synops = out_synops - o.out_synops;
  d.syn_words_read = syn_words_read - o.syn_words_read;
  d.input_saturations = input_saturations - o.input_saturations;
  d.input_nonfinite = input_nonfinite - o.input_nonfinite;
  d.action_saturations = action_saturations - o.action_saturations;
  return d;
}

}  // namespace ecsim::ref
