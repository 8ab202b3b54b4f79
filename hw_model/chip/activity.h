// The chip's hardware activity without simulating it: the counts of chip::HwCounters
// that the SystemC model makes for each host command, from the chip config, the network's mapping
// and θ alone. Every count the SystemC blocks make depends only on these (docs/microarchitecture.md
// "Counters"): the dense datapath reads every row whatever the spikes, the NoC sends every core's
// spike bitmap to every other core, and the firmware's register accesses are fixed per command.
// So the functional backend can count a full-scale training's activity (and its dynamic energy)
// at no cost per step. The cycle counters are left at 0: cycles come from the SystemC model.
// `SystemcActivity.*` checks equality with the SystemC chip.
#pragma once

#include <algorithm>

#include "chip/chip_config.h"
#include "chip/hw_counters.h"
#include "reference/network_desc.h"
#include "reference/theta.h"

namespace ecsim::chip {

class ActivityModel {
 public:
  // throws ecsim::Error if the network does not fit (as ChipSim::load_network)
  ActivityModel(const ChipConfig& chip, const ref::NetworkDesc& desc);

  HwCounters load_rho() const;  // ρ over the host link into the ρ SRAMs
  HwCounters sample() const;    // SAMPLE: draw θ (θ-independent part; see theta_counts)
  HwCounters reset() const;     // RESET: v(0)
  HwCounters env_step() const;  // one environment step (θ-independent part)

  // the θ-dependent counts of one network: the sampler's present synapses, and the adds of the
  // input stage (one per input and neuron whose +x and −x synapses differ) and of the readout
  // (one per present output synapse) per env step
  struct ThetaCounts {
    uint64_t present = 0, input_adds = 0, readout_adds = 0;
  };
  ThetaCounts theta_counts(const ref::Theta& theta) const;
  HwCounters sample(const ThetaCounts& t) const;
  HwCounters env_step(const ThetaCounts& t) const;

  // bit-exactness helper: the counters with every cycle field cleared
  static HwCounters without_cycles(HwCounters h);

 private:
  void add_seeded_command(HwCounters& h) const;
  template <class F>
  void each_core(F f) const {  // f(lo, hi): the neurons of each used core
    for (int c = 0; c < m_map.cores_used; ++c)
      f(c * m_chip.neurons_per_core, std::min(m_desc.shape.n_neurons, (c + 1) * m_chip.neurons_per_core));
  }
  ChipConfig m_chip;
  ref::NetworkDesc m_desc;
  Mapping m_map;
  int m_words_rec = 0, m_words_in = 0, m_words_out = 0, m_state_words = 0;
};

}  // namespace ecsim::chip
