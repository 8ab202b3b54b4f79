#include "sc_bridge/rtl_lif_unit.h"

#include <memory>

#include "common/error.h"
#include "driver/lif_driver.h"
#include "driver/popcount_driver.h"
#include "sc_bridge/rtl_units.h"

namespace ecsim::rtl {

namespace {

const char* const kDrop = " (or drop lif from --rtl-units)";

std::string built_sets() {
  std::string out;
  for (const LifParameterSet& s : kLifParameterSets)
    out += (out.empty() ? "" : ", ") + std::string("W=") + std::to_string(s.state_bits) +
           " F=" + std::to_string(s.frac_bits) + " W_r=" + std::to_string(s.rate_bits) +
           " C=" + std::to_string(s.const_bits);
  return out;
}

// a configuration input: the value must be in (0, 2^bits) to reach the unit unchanged
void check_port(const char* what, int64_t v, int bits, int64_t hi_inclusive) {
  if (v <= 0 || v > hi_inclusive)
    throw Error("--backend rtl: the network's " + std::string(what) + " = " + std::to_string(v) +
                    " does not fit the RTL LIF unit's " + std::to_string(bits) + "-bit configuration input",
                std::string("use network constants whose quantized values fit (docs/rtl.md, the LIF unit)") + kDrop);
}

class RtlLifUnit final : public sc::LifUnit {
 public:
  using LifUnit::LifUnit;
  ~RtlLifUnit() override {
    m_unit.reset();  // its driver makes its own context current while the model goes
    detail::before_model_destroyed();
  }

  void configure(const ref::NetworkDesc& d, int word_bits) override {
    const ref::ArithConfig& a = d.arith;
    const LifParameterSet* set = find_lif_parameter_set(a.state_bits);
    if (!set || set->frac_bits != a.frac_bits || set->rate_bits != a.rate_bits || set->const_bits != a.const_bits)
      throw Error("--backend rtl: the RTL LIF unit is built for " + built_sets() +
                      "; the network has W=" + std::to_string(a.state_bits) + " F=" + std::to_string(a.frac_bits) +
                      " W_r=" + std::to_string(a.rate_bits) + " C=" + std::to_string(a.const_bits),
                  "use the arithmetic of a built parameter set (--state-bits, --frac-bits, --rate-bits, "
                  "--const-bits)" +
                      std::string(kDrop));
    // the popcount difference reaches the unit on DW bits: the popcount core's accumulator width
    const ParameterSet* pop = find_parameter_set(word_bits);
    if (!pop || pop->acc_width != set->diff_bits)
      throw Error(
          "--backend rtl: the RTL LIF unit with W=" + std::to_string(set->state_bits) + " takes a " +
              std::to_string(set->diff_bits) + "-bit popcount difference, the chip's " + std::to_string(word_bits) +
              "-bit synapse words give " +
              (pop ? std::to_string(pop->acc_width) + "-bit sums" : std::string("no built popcount core")),
          "pair state_bits 16 with 64-bit synapse words and 14 with 32-bit ones (docs/rtl.md)" + std::string(kDrop));
    if (d.shape.n_neurons > (int64_t{1} << (set->diff_bits - 1)) - 1)
      throw Error("--backend rtl: a popcount difference of N = " + std::to_string(d.shape.n_neurons) +
                      " neurons does not fit the RTL LIF unit's " + std::to_string(set->diff_bits) + "-bit input",
                  "use a smaller network" + std::string(kDrop));
    const ref::FixedConstants& f = d.fixed;
    const int64_t c_max = (int64_t{1} << a.const_bits) - 1;
    check_port("α_syn,q", f.alpha_syn_q, a.const_bits, c_max);
    check_port("β_m,q", f.beta_m_q, a.const_bits, c_max);
    check_port("α_out,q", f.alpha_out_q, a.const_bits, c_max);
    check_port("γ_q", f.gamma_q, a.rate_bits - 1, (int64_t{1} << (a.rate_bits - 1)) - 1);
    if (f.r_h_q <= 0)
      throw Error("--backend rtl: the network's R_q is not positive",
                  "use other network constants" + std::string(kDrop));
    if (!m_unit || m_unit->parameters().state_bits != set->state_bits) {
      m_unit.reset();  // its driver makes its own context current while the model goes
      detail::before_model_destroyed();
      m_unit = std::make_unique<LifDriver>(set->state_bits);
    }
    m_unit->set_config(
        LifDriver::Config::from(f.alpha_syn_q, f.beta_m_q, f.alpha_out_q, f.gamma_q, f.r_h_q, set->state_bits));
    m_unit->reset();
  }

  std::string describe() const override {
    return "RTL (Verilated rtl/lif_unit.sv, W=" + (m_unit ? std::to_string(m_unit->parameters().state_bits) : "?") +
           ", measured cycles)";
  }

 protected:
  // The neurons stream back to back: one is offered every cycle and the state SRAM takes every
  // result the cycle it appears (out_ready = 1). Cycles: the edges from the one that takes the
  // first neuron to the one that hands the last state on, inclusive (the unit model's
  // ⌈n/P_l⌉ + L_l).
  uint64_t stream_neurons(const ref::NetworkDesc& d, int first, int n, const int64_t* diff, const int32_t* i_in,
                          ref::NeuronState* s, uint8_t* fired) override {
    if (!m_unit) throw Error("internal: the RTL LIF unit ran before a network was mapped");
    if (n <= 0) return 0;
    LifDriver& u = *m_unit;
    LifDriver::Inputs in;
    in.out_ready = true;
    int taken = 0, out = 0;
    uint64_t first_edge = 0, last_edge = 0;
    const uint64_t limit = u.cycles() + static_cast<uint64_t>(n) + 64;
    while (out < n) {
      in.in_valid = taken < n;
      if (in.in_valid) {
        const ref::NeuronState& st = s[taken];
        in.diff = diff[taken];
        in.i_in = i_in[taken];
        in.exc = first + taken < d.shape.n_exc;
        in.v = st.v;
        in.i_syn = st.i_syn;
        in.rate = st.rate;
      }
      const LifDriver::Fired f = u.cycle(in);
      if (f.in && taken++ == 0) first_edge = u.cycles();
      if (f.out) {
        s[out] = ref::NeuronState{f.v, f.i_syn, f.rate};
        fired[out] = f.fired ? 1 : 0;
        ++out;
        last_edge = u.cycles();
      }
      if (u.cycles() > limit)
        throw Error("the RTL LIF unit did not return every neuron within " + std::to_string(n + 64) + " cycles",
                    "run `ecsim verify-rtl --unit lif --fail-dir DIR` and inspect the waveform");
    }
    const uint64_t cycles = last_edge - first_edge + 1;
    m_measured.add(cycles);
    return cycles;
  }

 private:
  std::unique_ptr<LifDriver> m_unit;
};

}  // namespace

void check_rtl_lif_chip_config(const chip::ChipConfig& cfg, const std::string& where) {
  if (cfg.lif.per_cycle != kRtlLifNeuronsPerCycle || cfg.lif.latency_cycles != kRtlLifLatencyCycles)
    throw Error(where + ": the chip config's LIF unit (" + std::to_string(cfg.lif.per_cycle) +
                    " neurons/cycle, latency " + std::to_string(cfg.lif.latency_cycles) + ") is not the RTL unit (" +
                    std::to_string(kRtlLifNeuronsPerCycle) + " neuron/cycle, latency " +
                    std::to_string(kRtlLifLatencyCycles) + ")",
                "set units.lif to {\"neurons_per_cycle\": 1, \"latency_cycles\": 4} to describe the RTL unit" +
                    std::string(kDrop));
}

sc::LifFactory rtl_lif_factory() {
  return [](const sc_core::sc_module_name& name, const chip::UnitTiming& timing, sc::HwCounters& hw) {
    return std::unique_ptr<sc::LifUnit>(new RtlLifUnit(name, timing, hw));
  };
}

}  // namespace ecsim::rtl
