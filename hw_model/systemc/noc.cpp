#include "systemc/noc.h"

#include <algorithm>
#include <cstdlib>

#include "systemc/neuron_core.h"

namespace ecsim::sc {

Noc::Noc(const sc_core::sc_module_name& name, const ChipContext& ctx, HwCounters& counters)
    : sc_module(name), m_ctx(ctx), m_counters(counters) {
  const int cols = ctx.config.noc.columns, rows = ctx.config.noc.rows;
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < cols; ++x)
      m_routers.push_back(
          std::make_unique<Router>(("router_" + std::to_string(x) + "_" + std::to_string(y)).c_str(), x, y));
}

int Noc::hops(int a, int b) const {
  const int cols = m_ctx.config.noc.columns;
  return std::abs(a % cols - b % cols) + std::abs(a / cols - b / cols);
}

uint64_t Noc::idle_latency(int a, int b, uint64_t flits) const {
  const auto& n = m_ctx.config.noc;
  return static_cast<uint64_t>(hops(a, b)) * static_cast<uint64_t>(n.router_latency_cycles + n.link_latency_cycles) +
         flits;
}

uint64_t Noc::exchange(std::vector<NeuronCore*>& cores, int cores_used) {
  // functional delivery first: every core's spikes (each core sets only its own neurons' bits)
  // into every core's spike-in vector
  m_all.assign(cores.front()->spikes_in().size(), 0);
  for (int s = 0; s < cores_used; ++s) {
    const std::vector<uint64_t>& out = cores[static_cast<size_t>(s)]->spikes_out();
    for (size_t w = 0; w < m_all.size(); ++w) m_all[w] |= out[w];
  }
  for (int d = 0; d < cores_used; ++d) {
    std::vector<uint64_t>& in = cores[static_cast<size_t>(d)]->spikes_in();
    std::copy(m_all.begin(), m_all.end(), in.begin());
  }
  // The timing and the counts depend only on the cores' sizes (every packet carries a whole
  // bitmap), so an exchange repeats the last one's unless the mapping changed.
  m_sizes.clear();
  for (int c = 0; c < cores_used; ++c)
    m_sizes.push_back(cores[static_cast<size_t>(c)]->hi() - cores[static_cast<size_t>(c)]->lo());
  if (m_sizes != m_timed_sizes) {
    const HwCounters before = m_counters;
    m_last = route(m_sizes);
    m_per_exchange = m_counters - before;
    m_timed_sizes = m_sizes;
  } else {
    m_counters.noc_packets += m_per_exchange.noc_packets;
    m_counters.noc_flits += m_per_exchange.noc_flits;
    m_counters.noc_flit_hops += m_per_exchange.noc_flit_hops;
  }
  return m_last;
}

uint64_t Noc::route(const std::vector<int>& sizes) {
  const auto& n = m_ctx.config.noc;
  const int cols = n.columns, cores_used = static_cast<int>(sizes.size());
  for (auto& r : m_routers) r->reset();
  uint64_t end = 0;
  // packets injected in source order, each to the destinations in order, XY routes
  for (int s = 0; s < cores_used; ++s) {
    const auto bits = static_cast<uint64_t>(sizes[static_cast<size_t>(s)]);
    const uint64_t flits = 1 + (bits + static_cast<uint64_t>(n.flit_bits) - 1) / static_cast<uint64_t>(n.flit_bits);
    for (int d = 0; d < cores_used; ++d) {
      if (d == s) continue;
      ++m_counters.noc_packets;
      m_counters.noc_flits += flits;
      m_counters.noc_flit_hops += flits * static_cast<uint64_t>(hops(s, d));
      int x = s % cols, y = s / cols;
      const int tx = d % cols, ty = d / cols;
      uint64_t t = 0;  // head flit time, cycles from the start of the exchange
      while (x != tx || y != ty) {
        Router& r = *m_routers[static_cast<size_t>(y * cols + x)];
        Router::Port p;
        if (x != tx) {
          p = tx > x ? Router::kEast : Router::kWest;
          x += tx > x ? 1 : -1;
        } else {
          p = ty > y ? Router::kSouth : Router::kNorth;
          y += ty > y ? 1 : -1;
        }
        const uint64_t start = std::max(t + static_cast<uint64_t>(n.router_latency_cycles), r.link_free_at(p));
        r.link_free_at(p) = start + flits;  // the link is busy while the packet's flits cross it
        t = start + static_cast<uint64_t>(n.link_latency_cycles);
      }
      end = std::max(end, t + flits);  // the tail arrives flits cycles after the head
    }
  }
  return end;
}

}  // namespace ecsim::sc
