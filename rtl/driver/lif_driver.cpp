#include "driver/lif_driver.h"

#include <verilated.h>
#include <verilated_vcd_c.h>

#include <algorithm>
#include <iterator>
#include <type_traits>

#include "common/error.h"
#include "driver/verilated_harness.h"
#include "rtl_lif_models.h"  // generated: the Verilated header of every LIF parameter set

namespace ecsim::rtl {

class LifDriver::Model {
 public:
  virtual ~Model() = default;
  virtual void set_reset(bool active) = 0;
  virtual void set_config(const Config& c) = 0;
  virtual Fired cycle(const Inputs& in) = 0;
  uint64_t cycles = 0;
};

namespace {

uint64_t mask_of(int bits) { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }

// a two's complement value of `bits` bits, for a port of type T
template <class T>
void drive(T& port, int64_t value, int bits) {
  port = static_cast<std::remove_reference_t<T>>(static_cast<uint64_t>(value) & mask_of(bits));
}

int32_t sign_extend(uint64_t raw, int bits) {
  raw &= mask_of(bits);
  const int64_t v = (raw >> (bits - 1)) ? static_cast<int64_t>(raw) - (int64_t{1} << bits) : static_cast<int64_t>(raw);
  return static_cast<int32_t>(v);
}

template <class V>
class ModelOf final : public LifDriver::Model {
 public:
  ModelOf(const LifParameterSet& set, const std::string& vcd_path) : m_set(set) { m_h.open("lif_unit", vcd_path); }
  ~ModelOf() override { m_h.close("lif_coverage_w" + std::to_string(m_set.state_bits), true); }  // named assertions

  void set_reset(bool active) override { m_h->rst_n = !active; }

  void set_config(const LifDriver::Config& c) override {
    drive(m_h->cfg_alpha_syn, c.alpha_syn, m_set.const_bits);
    drive(m_h->cfg_beta_m, c.beta_m, m_set.const_bits);
    drive(m_h->cfg_alpha_out, c.alpha_out, m_set.const_bits);
    drive(m_h->cfg_gamma, c.gamma, m_set.rate_bits - 1);
    drive(m_h->cfg_r_h, c.r_h, m_set.state_bits);
  }

  LifDriver::Fired cycle(const LifDriver::Inputs& in) override {
    m_h->in_valid = in.in_valid;
    if (in.in_valid) {
      drive(m_h->in_diff, in.diff, m_set.diff_bits);
      drive(m_h->in_i_in, in.i_in, m_set.state_bits);
      m_h->in_exc = in.exc;
      drive(m_h->in_v, in.v, m_set.state_bits);
      drive(m_h->in_i_syn, in.i_syn, m_set.state_bits);
      drive(m_h->in_rate, in.rate, m_set.rate_bits);
    }
    m_h->out_ready = in.out_ready;
    m_h.fall();
    LifDriver::Fired f;
    f.in = in.in_valid && m_h->in_ready;
    f.out = m_h->out_valid && in.out_ready;
    f.v = sign_extend(m_h->out_v, m_set.state_bits);
    f.i_syn = sign_extend(m_h->out_i_syn, m_set.state_bits);
    f.rate = sign_extend(m_h->out_rate, m_set.rate_bits);
    f.fired = m_h->out_fired;
    m_h.rise();
    ++cycles;
    return f;
  }

 private:
  // destroyed in reverse: the model, then its trace, then the context both belong to
  VerilatedHarness<V> m_h;
  const LifParameterSet m_set;
};

std::unique_ptr<LifDriver::Model> make_model(const LifParameterSet& set, const std::string& vcd_path) {
#define ECSIM_RTL_MAKE_LIF_MODEL_(W, F, WR, C, DW) \
  if (set.state_bits == (W)) return std::make_unique<ModelOf<Vlif_unit_w##W##f##F>>(set, vcd_path);
  ECSIM_RTL_FOR_EACH_LIF_PARAMETER_SET(ECSIM_RTL_MAKE_LIF_MODEL_)
#undef ECSIM_RTL_MAKE_LIF_MODEL_
  return nullptr;
}

}  // namespace

const LifParameterSet* find_lif_parameter_set(int state_bits) {
  for (const LifParameterSet& s : kLifParameterSets)
    if (s.state_bits == state_bits) return &s;
  return nullptr;
}

std::string built_lif_state_widths(const std::string& joiner) {
  std::string out;
  const size_t n = std::size(kLifParameterSets);
  for (size_t i = 0; i < n; ++i)
    out += (i == 0 ? "" : i + 1 == n ? " " + joiner + " " : ", ") + std::to_string(kLifParameterSets[i].state_bits);
  return out;
}

LifDriver::Config LifDriver::Config::from(int64_t alpha_syn_q, int64_t beta_m_q, int64_t alpha_out_q, int64_t gamma_q,
                                          int64_t r_h_q, int state_bits) {
  return {alpha_syn_q, beta_m_q, alpha_out_q, gamma_q, std::min(r_h_q, int64_t{1} << (state_bits - 1))};
}

LifDriver::LifDriver(int state_bits, const std::string& vcd_path) {
  const LifParameterSet* set = find_lif_parameter_set(state_bits);
  if (!set)
    throw Error("no RTL LIF unit with state width " + std::to_string(state_bits) + " is built in",
                "use a state width of " + built_lif_state_widths("or") + " (the parameter sets of docs/rtl.md)");
  m_set = *set;
  m_model = make_model(m_set, vcd_path);
}

LifDriver::~LifDriver() = default;

uint64_t LifDriver::cycles() const { return m_model->cycles; }

void LifDriver::set_config(const Config& c) { m_model->set_config(c); }

void LifDriver::reset() {
  m_model->set_reset(true);
  for (int k = 0; k < 2; ++k) m_model->cycle(Inputs{});
  m_model->set_reset(false);
}

LifDriver::Fired LifDriver::cycle(const Inputs& in) { return m_model->cycle(in); }

}  // namespace ecsim::rtl
