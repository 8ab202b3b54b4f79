#include "driver/input_driver.h"

#include <verilated.h>
#include <verilated_vcd_c.h>

#include <type_traits>

#include "Vinput_stage_m0.h"
#include "Vinput_stage_m1.h"
#include "Vinput_stage_m2.h"
#include "common/error.h"
#include "driver/verilated_harness.h"

namespace ecsim::rtl {

class InputDriver::Model {
 public:
  virtual ~Model() = default;
  virtual void set_reset(bool active) = 0;
  virtual Fired cycle(const Inputs& in) = 0;
  uint64_t cycles = 0;
};

namespace {

using P = InputStageParams;

template <class V>
class ModelOf final : public InputDriver::Model {
 public:
  explicit ModelOf(const std::string& vcd_path) { m_h.open("input_stage", vcd_path); }
  ~ModelOf() override { m_h.close(std::is_same_v<V, Vinput_stage_m0> ? "input_coverage" : ""); }  // the real unit only

  void set_reset(bool active) override { m_h->rst_n = !active; }

  InputDriver::Fired cycle(const InputDriver::Inputs& in) override {
    m_h->in_valid = in.in_valid;
    if (in.in_valid) {
      const InputDriver::Beat& b = in.beat;
      for (size_t q = 0; q < (P::kInputs * P::kInputBits + 31) / 32; ++q) m_h->in_x.at(q) = 0;
      for (int i = 0; i < P::kInputs; ++i) {
        const uint32_t v = static_cast<uint32_t>(b.x[static_cast<size_t>(i)]) & ((1u << P::kInputBits) - 1);
        for (int k = 0; k < P::kInputBits; ++k) {
          const int bit = i * P::kInputBits + k;
          m_h->in_x.at(static_cast<size_t>(bit >> 5)) |= ((v >> k) & 1u) << (bit & 31);
        }
      }
      m_h->in_pos = static_cast<uint16_t>(b.pos);
      m_h->in_neg = static_cast<uint16_t>(b.neg);
      m_h->in_r_in = b.r_in;
    }
    m_h->out_ready = in.out_ready;
    m_h.fall();
    InputDriver::Fired f;
    f.in = in.in_valid && m_h->in_ready;
    f.out = m_h->out_valid && in.out_ready;
    if (f.out) {
      f.i_in = static_cast<int16_t>(m_h->out_i_in);  // sign-extend W = 16
      f.saturated = m_h->out_sat;
    }
    m_h.rise();
    ++cycles;
    return f;
  }

 private:
  VerilatedHarness<V> m_h;
};

static_assert(P::kStateBits == 16, "the driver sign-extends i_in as int16_t");

}  // namespace

InputDriver::InputDriver(int mutant, const std::string& vcd_path) : m_mutant(mutant) {
  if (mutant == 0)
    m_model = std::make_unique<ModelOf<Vinput_stage_m0>>(vcd_path);
  else if (mutant == 1)
    m_model = std::make_unique<ModelOf<Vinput_stage_m1>>(vcd_path);
  else if (mutant == 2)
    m_model = std::make_unique<ModelOf<Vinput_stage_m2>>(vcd_path);
  else
    throw Error("no RTL input stage with mutant " + std::to_string(mutant) + " is built in",
                "use mutant 0 (the real unit), 1 or 2");
}

InputDriver::~InputDriver() = default;

uint64_t InputDriver::cycles() const { return m_model->cycles; }

void InputDriver::reset() {
  m_model->set_reset(true);
  for (int k = 0; k < 2; ++k) m_model->cycle(Inputs{});
  m_model->set_reset(false);
}

InputDriver::Fired InputDriver::cycle(const Inputs& in) { return m_model->cycle(in); }

}  // namespace ecsim::rtl
