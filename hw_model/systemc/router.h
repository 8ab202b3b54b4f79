// router: one mesh router of the network-on-chip. It holds the state of its four output links
// (the time each is busy until), which is what contention needs; the Noc routes through them.
#pragma once

#include <array>
#include <systemc>

namespace ecsim::sc {

class Router : public sc_core::sc_module {
 public:
  enum Port { kEast = 0, kWest = 1, kNorth = 2, kSouth = 3, kLocal = 4 };

  Router(const sc_core::sc_module_name& name, int x, int y) : sc_module(name), m_x(x), m_y(y) {}

  int x() const { return m_x; }
  int y() const { return m_y; }
  uint64_t& link_free_at(Port p) { return m_free_at[static_cast<size_t>(p)]; }  // in cycles
  void reset() { m_free_at.fill(0); }

 private:
  int m_x, m_y;
  std::array<uint64_t, 5> m_free_at{};
};

}  // namespace ecsim::sc
