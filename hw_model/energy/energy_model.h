// Energy and memory traffic from the chip's exact activity counts:
//   energy = Σ_units Σ_actions count × energy per action  +  Σ_units static power × time,
// with the per-action energies of an EnergyTable, plus NeuroBench-style workload metrics.
// docs/energy.md gives every formula; EnergyReport keeps every term so a total can be audited.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "chip/chip_config.h"
#include "chip/hw_counters.h"
#include "energy/energy_table.h"
#include "reference/counters.h"
#include "reference/network_desc.h"

namespace ecsim::energy {

struct EnergyLine {
  std::string unit, action;  // e.g. "synapse SRAM", "read"; action "leakage" for static energy
  double count = 0;          // actions (for leakage: seconds)
  double pj_each = 0;        // energy per action (for leakage: power in pW)
  double pj = 0;             // count × pj_each
};

struct NeuroBenchMetrics {
  uint64_t synops_ac = 0;           // effective synaptic operations, all accumulates (spikes are ±1)
  uint64_t synops_dense = 0;        // every synapse of every layer, every time step
  double activation_sparsity = 0;   // 1 − spikes / neuron updates
  double connection_sparsity = -1;  // 1 − present / drawn synapses (−1: nothing was sampled)
  uint64_t footprint_bits = 0;      // θ (1 bit) + ρ_q (q+1 bits) per synapse + the LIF state
};

struct EnergyReport {
  std::string technology, chip;
  double clock_hz = 0;
  uint64_t cycles = 0;
  chip::HwCounters hw;
  ref::EventCounters events;
  std::vector<EnergyLine> lines;
  double dynamic_pj = 0, static_pj = 0, total_pj = 0;
  NeuroBenchMetrics neurobench;

  double seconds() const { return clock_hz > 0 ? static_cast<double>(cycles) / clock_hz : 0; }
  // Σ of the lines of one unit (dynamic and leakage)
  double unit_pj(const std::string& unit) const;
  std::vector<std::string> units() const;  // in the order of the lines
};

EnergyReport estimate(const chip::ChipConfig& chip, const EnergyTable& table, const ref::NetworkShape& shape,
                      const chip::HwCounters& hw, const ref::EventCounters& events);

// A printed table: energy by unit and action, traffic, NeuroBench metrics, and the totals per
// env step, per episode (if episodes > 0) and per generation (if generations > 0).
std::string format_report(const EnergyReport& r, uint64_t episodes = 0, uint64_t generations = 0);
boost::json::object report_json(const EnergyReport& r, uint64_t episodes = 0, uint64_t generations = 0);
// An energy with a readable unit ("3.2 nJ"), as the reports print it.
std::string energy_text(double pj);
// The plot of a report (a stacked bar by unit) is drawn by the host: host/io/energy_plot.h.

}  // namespace ecsim::energy
