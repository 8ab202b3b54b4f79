#include "energy/energy_model.h"

#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

namespace ecsim::energy {

namespace {

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

}  // namespace

std::string energy_text(double pj) {
  const double a = std::abs(pj);
  if (a >= 1e12) return fmt("%.4g J", pj * 1e-12);
  if (a >= 1e9) return fmt("%.4g mJ", pj * 1e-9);
  if (a >= 1e6) return fmt("%.4g uJ", pj * 1e-6);
  if (a >= 1e3) return fmt("%.4g nJ", pj * 1e-3);
  return fmt("%.4g pJ", pj);
}

double EnergyReport::unit_pj(const std::string& unit) const {
  double s = 0;
  for (const EnergyLine& l : lines)
    if (l.unit == unit) s += l.pj;
  return s;
}

std::vector<std::string> EnergyReport::units() const {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const EnergyLine& l : lines)
    if (seen.insert(l.unit).second) out.push_back(l.unit);
  return out;
}

EnergyReport estimate(const chip::ChipConfig& c, const EnergyTable& t, const ref::NetworkShape& shape,
                      const chip::HwCounters& h, const ref::EventCounters& e) {
  EnergyReport r;
  r.technology = t.technology;
  r.chip = c.name;
  r.clock_hz = c.clock_hz;
  r.cycles = h.cycles_total;
  r.hw = h;
  r.events = e;
  auto add = [&r](const std::string& unit, const std::string& action, double count, double pj_each) {
    r.lines.push_back({unit, action, count, pj_each, count * pj_each});
  };
  const double syn_bits = static_cast<double>(c.synapse_sram.bits()), rho_bits = static_cast<double>(c.rho_sram.bits()),
               state_bits = static_cast<double>(c.state_sram.bits());
  auto u = [](uint64_t x) { return static_cast<double>(x); };
  // memories: per word of the macro's width, from the macro's size
  add("synapse SRAM", "read", u(h.synapse_sram.words_read), t.sram_read_pj(syn_bits, c.synapse_sram.word_bits));
  add("synapse SRAM", "write", u(h.synapse_sram.words_written), t.sram_write_pj(syn_bits, c.synapse_sram.word_bits));
  add("rho SRAM", "read", u(h.rho_sram.words_read), t.sram_read_pj(rho_bits, c.rho_sram.word_bits));
  add("rho SRAM", "write", u(h.rho_sram.words_written), t.sram_write_pj(rho_bits, c.rho_sram.word_bits));
  add("state SRAM", "read", u(h.state_sram.words_read), t.sram_read_pj(state_bits, c.state_sram.word_bits));
  add("state SRAM", "write", u(h.state_sram.words_written), t.sram_write_pj(state_bits, c.state_sram.word_bits));
  // datapaths at their operand widths
  const int w = c.arith.state_bits;
  add("popcount unit", "word", u(h.popcount_words), t.popcount_64b_word_pj * c.synapse_sram.word_bits / 64.0);
  if (h.mac_ops)  // the float32-weight chip: a float32 multiply and add per weight
    add("MAC unit", "multiply-accumulate", u(h.mac_ops),
        t.op_pj(t.fp_mult_pj, 32, "fp_mult") + t.op_pj(t.fp_add_pj, 32, "fp_add"));
  add("LIF unit", "multiply", u(h.lif_multiplies), t.op_pj(t.mult_pj, w, "mult"));
  add("LIF unit", "add", u(h.lif_adds), t.op_pj(t.add_pj, w, "add"));
  add("LIF unit", "compare", u(h.lif_compares), t.op_pj(t.compare_pj, w, "compare"));
  add("input stage", "add", u(h.input_adds), t.op_pj(t.add_pj, w, "add"));
  add("readout", "add", u(h.readout_adds), t.op_pj(t.add_pj, 32, "add"));  // Σ rates: a 32-bit accumulator
  add("sampler", "Philox block", u(h.philox_blocks), t.philox_block_pj);
  // NoC: a flit passes hops + 1 routers and hops links; energies are per 64-bit flit
  const double flit_scale = c.noc.flit_bits / 64.0;
  add("NoC", "router traversal", u(h.noc_flit_hops + h.noc_flits), t.noc_router_flit_pj * flit_scale);
  add("NoC", "link traversal", u(h.noc_flit_hops), t.noc_link_flit_pj * flit_scale);
  add("host link", "byte", u(h.host_bytes_in + h.host_bytes_out), t.host_link_byte_pj);
  add("controller", "register access", u(h.register_accesses), t.register_access_pj);
  for (const EnergyLine& l : r.lines) r.dynamic_pj += l.pj;
  // static: power × time, for the whole chip (every core leaks, used or not); pW × s = pJ
  const double s = r.seconds(), cores = c.cores;
  add("synapse SRAM", "leakage", s, t.sram_leakage_pw_per_bit * syn_bits * cores);
  add("rho SRAM", "leakage", s, t.sram_leakage_pw_per_bit * rho_bits * cores);
  add("state SRAM", "leakage", s, t.sram_leakage_pw_per_bit * state_bits * cores);
  add("neuron cores (logic)", "leakage", s, t.core_logic_leakage_uw * 1e6 * cores);
  add("NoC", "leakage", s, t.router_leakage_uw * 1e6 * cores);  // one router per core
  add("controller", "leakage", s, t.controller_leakage_uw * 1e6);
  for (const EnergyLine& l : r.lines)
    if (l.action == "leakage") r.static_pj += l.pj;
  r.total_pj = r.dynamic_pj + r.static_pj;

  NeuroBenchMetrics& nb = r.neurobench;
  nb.synops_ac = e.synops();
  const auto N = static_cast<uint64_t>(shape.n_neurons);
  nb.synops_dense = e.env_steps * (2 * static_cast<uint64_t>(shape.d_in) * N + N * static_cast<uint64_t>(shape.d_out)) +
                    e.inner_steps * N * N;
  nb.activation_sparsity = e.neuron_updates ? 1.0 - u(e.spikes()) / u(e.neuron_updates) : 0.0;
  nb.connection_sparsity = h.synapses_drawn ? 1.0 - u(h.synapses_present) / u(h.synapses_drawn) : -1.0;
  const auto syn = static_cast<uint64_t>(shape.total_synapses());
  nb.footprint_bits = syn * (1 + static_cast<uint64_t>(c.arith.rho_bits + 1)) +
                      N * static_cast<uint64_t>(3 * c.arith.state_bits + c.arith.rate_bits + 1);
  return r;
}

std::string format_report(const EnergyReport& r, uint64_t episodes, uint64_t generations) {
  std::ostringstream os;
  os << "energy (" << r.technology << ", chip " << r.chip << "): " << energy_text(r.total_pj) << " = dynamic "
     << energy_text(r.dynamic_pj) << " + static " << energy_text(r.static_pj) << " over " << r.cycles << " cycles ("
     << fmt("%.6g", r.seconds()) << " s)\n";
  if (r.cycles == 0)
    os << "  (no cycles were simulated: static energy is not included; counted by the functional backend)\n";
  char line[200];
  std::snprintf(line, sizeof line, "  %-22s %-18s %16s %14s %14s %7s\n", "unit", "action", "count", "pJ each", "energy",
                "share");
  os << line;
  for (const std::string& unit : r.units())
    for (const EnergyLine& l : r.lines) {
      if (l.unit != unit || (l.count == 0 && l.action != "leakage")) continue;
      const std::string count = l.action == "leakage" ? fmt("%.6g s", l.count) : fmt("%.0f", l.count);
      const std::string each = l.action == "leakage" ? fmt("%.4g uW", l.pj_each * 1e-6) : fmt("%.4g", l.pj_each);
      std::snprintf(line, sizeof line, "  %-22s %-18s %16s %14s %14s %6.2f%%\n", l.unit.c_str(), l.action.c_str(),
                    count.c_str(), each.c_str(), energy_text(l.pj).c_str(),
                    r.total_pj > 0 ? 100.0 * l.pj / r.total_pj : 0.0);
      os << line;
    }
  const chip::HwCounters& h = r.hw;
  os << "traffic: synapse SRAM " << h.synapse_sram.bits_read << " bits read, " << h.synapse_sram.bits_written
     << " written; rho SRAM " << h.rho_sram.bits_read << " / " << h.rho_sram.bits_written << "; state SRAM "
     << h.state_sram.bits_read << " / " << h.state_sram.bits_written << "; NoC " << h.noc_flits << " flits ("
     << h.noc_flit_hops << " flit-hops); host link " << h.host_bytes_in + h.host_bytes_out << " bytes\n";
  const NeuroBenchMetrics& nb = r.neurobench;
  os << "NeuroBench: " << nb.synops_ac << " synaptic operations (ACs; dense " << nb.synops_dense
     << "), activation sparsity " << fmt("%.4f", nb.activation_sparsity) << ", connection sparsity "
     << (nb.connection_sparsity < 0 ? std::string("n/a") : fmt("%.4f", nb.connection_sparsity)) << ", footprint "
     << nb.footprint_bits << " bits\n";
  os << "per synaptic operation "
     << (nb.synops_ac ? energy_text(r.total_pj / static_cast<double>(nb.synops_ac)) : "n/a") << ", per neuron update "
     << (r.events.neuron_updates ? energy_text(r.total_pj / static_cast<double>(r.events.neuron_updates)) : "n/a");
  if (r.events.env_steps) os << ", per env step " << energy_text(r.total_pj / static_cast<double>(r.events.env_steps));
  if (episodes) os << ", per episode " << energy_text(r.total_pj / static_cast<double>(episodes));
  if (generations) os << ", per generation " << energy_text(r.total_pj / static_cast<double>(generations));
  os << "\n";
  return os.str();
}

boost::json::object report_json(const EnergyReport& r, uint64_t episodes, uint64_t generations) {
  namespace json = boost::json;
  json::object o;
  o["format"] = "ecsim-energy-report";
  o["version"] = 1;
  o["technology"] = r.technology;
  o["chip"] = r.chip;
  o["clock_hz"] = r.clock_hz;
  o["cycles"] = r.cycles;
  o["seconds"] = r.seconds();
  json::array lines;
  for (const EnergyLine& l : r.lines)
    lines.push_back(
        json::object{{"unit", l.unit}, {"action", l.action}, {"count", l.count}, {"pj_each", l.pj_each}, {"pj", l.pj}});
  o["lines"] = std::move(lines);
  json::object by_unit;
  for (const std::string& u : r.units()) by_unit[u] = r.unit_pj(u);
  o["by_unit_pj"] = std::move(by_unit);
  o["dynamic_pj"] = r.dynamic_pj;
  o["static_pj"] = r.static_pj;
  o["total_pj"] = r.total_pj;
  if (r.cycles == 0)
    o["note"] =
        "no cycles were simulated (the functional backend counts actions, not time): static energy is not included";
  const chip::HwCounters& h = r.hw;
  auto mem = [](const chip::MemoryCounters& m) {
    return json::object{{"words_read", m.words_read},
                        {"words_written", m.words_written},
                        {"bits_read", m.bits_read},
                        {"bits_written", m.bits_written}};
  };
  o["traffic"] = json::object{{"synapse_sram", mem(h.synapse_sram)},
                              {"rho_sram", mem(h.rho_sram)},
                              {"state_sram", mem(h.state_sram)},
                              {"noc_packets", h.noc_packets},
                              {"noc_flits", h.noc_flits},
                              {"noc_flit_hops", h.noc_flit_hops},
                              {"host_link_bytes_in", h.host_bytes_in},
                              {"host_link_bytes_out", h.host_bytes_out}};
  const NeuroBenchMetrics& nb = r.neurobench;
  o["neurobench"] = json::object{
      {"synaptic_operations_ac", nb.synops_ac},
      {"synaptic_operations_dense", nb.synops_dense},
      {"activation_sparsity", nb.activation_sparsity},
      {"connection_sparsity", nb.connection_sparsity < 0 ? json::value(nullptr) : json::value(nb.connection_sparsity)},
      {"footprint_bits", nb.footprint_bits}};
  json::object per;
  if (nb.synops_ac) per["synaptic_operation_pj"] = r.total_pj / static_cast<double>(nb.synops_ac);
  if (r.events.neuron_updates) per["neuron_update_pj"] = r.total_pj / static_cast<double>(r.events.neuron_updates);
  if (r.events.env_steps) per["env_step_pj"] = r.total_pj / static_cast<double>(r.events.env_steps);
  if (episodes) per["episode_pj"] = r.total_pj / static_cast<double>(episodes);
  if (generations) per["generation_pj"] = r.total_pj / static_cast<double>(generations);
  o["per"] = std::move(per);
  o["env_steps"] = r.events.env_steps;
  o["episodes"] = episodes;
  o["generations"] = generations;
  return o;
}

}  // namespace ecsim::energy
