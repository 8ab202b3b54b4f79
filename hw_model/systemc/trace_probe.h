// What a VCD waveform of the chip shows (ChipSim::trace_vcd). The blocks write these probes only
// while the environment step lies in the requested window; outside it nothing changes, so the VCD
// (which records changes) stays small.
#pragma once

#include <cstdint>
#include <vector>

namespace ecsim::sc {

struct TraceProbe {
  bool enabled = false;
  int64_t first_step = 0, last_step = -1;  // window of environment steps, inclusive
  int64_t env_step = -1;                   // current environment step (set by ChipSim)
  bool active() const { return enabled && env_step >= first_step && env_step <= last_step; }

  int phase = 0;                        // controller: 0 idle, 1 sample, 2 reset, 3 input, 4 inner, 5 readout
  int inner_step = 0;                   // controller: inner step within the environment step
  std::vector<char> core_busy;          // per core
  std::vector<uint32_t> core_spikes;    // per core: spikes of its last inner step
  std::vector<int> neurons;             // traced neurons
  std::vector<int32_t> v, i_syn, rate;  // their state after each inner step
  std::vector<char> fired;              // whether they fired in it
};

}  // namespace ecsim::sc
