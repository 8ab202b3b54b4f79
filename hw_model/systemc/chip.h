// The SystemC chip: neuron cores with their SRAMs, sampler, popcount and LIF units, a
// mesh network-on-chip, the controller running the firmware, and the host link. ChipSim is the
// host's handle on it. SystemC elaborates once per process, so there is at most one ChipSim per
// process; it runs any number of networks and evaluations without re-elaboration.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "chip/chip_config.h"
#include "chip/hw_counters.h"
#include "reference/counters.h"
#include "reference/network_desc.h"
#include "reference/theta.h"
#include "systemc/unit_factories.h"

namespace ecsim::sc {

class Chip;
class NeuronCore;
struct ChipContext;

// The membrane potential of chosen neurons after every inner step, in the chip's units (Q.F:
// v / 2^F is the spec's real value; V_th = 1). ChipSim::step appends neurons.size() values per
// inner step to v.
struct MembraneTrace {
  std::vector<int> neurons;
  std::vector<int32_t> v;
};

class ChipSim {
 public:
  // throws ecsim::Error if one already exists. `units` builds every core's units (each empty:
  // the unit model; `--backend rtl` passes the Verilated RTL wrappers, rtl/sc_bridge/).
  explicit ChipSim(const chip::ChipConfig& config, UnitFactories units = {});
  ~ChipSim();
  ChipSim(const ChipSim&) = delete;
  ChipSim& operator=(const ChipSim&) = delete;

  // maps a network onto the cores (throws ecsim::Error naming what does not fit)
  void load_network(const ref::NetworkDesc& desc);
  // ρ over the host link into the cores' ρ SRAMs (quantized to q bits, docs/spec.md §6.2)
  void load_rho(const std::vector<float>& rho);
  void sample(uint64_t seed);  // every core draws θ of its synapses from the seed
  void reset(uint64_t seed);   // v(0) from the seed, the rest 0
  // one environment step: normalized observation in (d_in), actions in [-1, 1] out (d_out). With
  // a raster, the step's spikes are appended as ref::step appends them (spike_words() words per
  // inner step), read from the cores without time or counts; with a membrane trace, likewise v of
  // its neurons (each must be in the network, else an Error).
  void step(const float* obs, float* action, std::vector<uint64_t>* raster = nullptr,
            MembraneTrace* membrane = nullptr);

  const ref::EventCounters& events() const;  // docs/spec.md §7, comparable with the reference model
  const HwCounters& hw() const;              // every hardware action and cycles per phase
  double simulated_seconds() const;
  uint64_t cycles() const;
  const chip::ChipConfig& config() const;
  std::string report() const;         // a human-readable summary of cycles and counters
  std::string popcount_unit() const;  // which popcount unit the cores use
  // which unit each core uses: "popcount unit: …; LIF unit: …; sampler: …; input stage: …;
  // readout: …", the units other than the popcount's only where they are not the unit model
  std::string units() const;
  const NeuronCore& core(int index) const;  // for tests: a core's units and their measured cycles
  // Writes a VCD waveform (sc_trace) of the controller phase and inner step, every core's busy
  // flag and spike count, and the v, i_syn and rate of `neurons`, for environment steps
  // [first_step, last_step] (counted from 0 by step()). Call after load_network() and before the
  // chip's first command; throws ecsim::Error otherwise or for a neuron outside the network.
  void trace_vcd(const std::string& path, int64_t first_step, int64_t last_step, const std::vector<int>& neurons);

  // backdoor (no time, no counts): θ as the cores' synapse SRAMs hold it, for tests
  ref::Theta read_theta() const;
  // the NoC of this chip: hop count and idle-mesh packet latency between cores (for tests)
  int noc_hops(int a, int b) const;
  uint64_t noc_idle_latency(int a, int b, uint64_t flits) const;
  uint64_t last_exchange_cycles() const;  // the most recent NoC exchange, tail of the last packet

 private:
  void run_until_idle();
  bool m_started = false;
  int64_t m_env_step = 0;
  void* m_vcd = nullptr;  // sc_trace_file*
  std::unique_ptr<ChipContext> m_ctx;
  std::unique_ptr<Chip> m_chip;
};

}  // namespace ecsim::sc
