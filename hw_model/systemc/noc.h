// noc: the 2-D mesh network-on-chip that carries spikes between cores. After every inner step
// each core sends its neurons' spike bitmap to every other core as one packet (a header flit and
// the bitmap in flits), routed XY through the routers. Each link carries one flit per cycle; a
// packet holds a link for its flit count, so packets that share a link wait (contention). The
// exchange ends when the last tail flit arrives; a barrier follows (docs/microarchitecture.md).
#pragma once

#include <memory>
#include <systemc>
#include <vector>

#include "chip/hw_counters.h"
#include "systemc/chip_context.h"
#include "systemc/router.h"

namespace ecsim::sc {

class NeuronCore;

class Noc : public sc_core::sc_module {
 public:
  Noc(const sc_core::sc_module_name& name, const ChipContext& ctx, HwCounters& counters);

  // Delivers every core's spikes to every core; returns the cycles from start to the last tail.
  uint64_t exchange(std::vector<NeuronCore*>& cores, int cores_used);
  // cycles a packet of `flits` flits takes from core a to core b on an idle mesh
  uint64_t idle_latency(int a, int b, uint64_t flits) const;
  int hops(int a, int b) const;
  uint64_t last_exchange() const { return m_last; }

 private:
  // times one exchange of cores with these sizes through the routers, counting its packets
  uint64_t route(const std::vector<int>& sizes);

  const ChipContext& m_ctx;
  HwCounters& m_counters;
  std::vector<std::unique_ptr<Router>> m_routers;
  uint64_t m_last = 0;
  std::vector<uint64_t> m_all;              // every core's spikes, OR-ed
  std::vector<int> m_sizes, m_timed_sizes;  // the cores' sizes now and at the last routing
  HwCounters m_per_exchange;                // the counts of one exchange of m_timed_sizes
};

}  // namespace ecsim::sc
