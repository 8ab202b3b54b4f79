#include "driver/input_driver.h"

#include <verilated.h>
#include <verilated_vcd_c.h>

#include <type_traits>

#include "Vinput_stage_m0.h"
#include "Vinput_stage_m1.h"
#include "Vinput_stage_m2.h"
#include "common/error.h"
#include "driver/coverage.h"

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
  explicit ModelOf(const std::string& vcd_path) {
    if (!vcd_path.empty()) {
      m_ctx.traceEverOn(true);
      m_trace = std::make_unique<VerilatedVcdC>();
    }
    m_top = std::make_unique<V>(&m_ctx, "input_stage");
    if (m_trace) {
      m_top->trace(m_trace.get(), 99);
      m_trace->open(vcd_path.c_str());
    }
  }
  ~ModelOf() override {
    if (m_trace) m_trace->close();
    m_top->final();
    if constexpr (std::is_same_v<V, Vinput_stage_m0>) write_coverage(m_ctx, "input_coverage");  // the real unit only
  }

  void set_reset(bool active) override { m_top->rst_n = !active; }

  InputDriver::Fired cycle(const InputDriver::Inputs& in) override {
    m_top->in_valid = in.in_valid;
    if (in.in_valid) {
      const InputDriver::Beat& b = in.beat;
      for (size_t q = 0; q < (P::kInputs * P::kInputBits + 31) / 32; ++q) m_top->in_x.at(q) = 0;
      for (int i = 0; i < P::kInputs; ++i) {
        const uint32_t v = static_cast<uint32_t>(b.x[static_cast<size_t>(i)]) & ((1u << P::kInputBits) - 1);
        for (int k = 0; k < P::kInputBits; ++k) {
          const int bit = i * P::kInputBits + k;
          m_top->in_x.at(static_cast<size_t>(bit >> 5)) |= ((v >> k) & 1u) << (bit & 31);
        }
      }
      m_top->in_pos = static_cast<uint16_t>(b.pos);
      m_top->in_neg = static_cast<uint16_t>(b.neg);
      m_top->in_r_in = b.r_in;
    }
    m_top->out_ready = in.out_ready;
    m_top->clk = 0;
    m_top->eval();
    InputDriver::Fired f;
    f.in = in.in_valid && m_top->in_ready;
    f.out = m_top->out_valid && in.out_ready;
    if (f.out) {
      f.i_in = static_cast<int16_t>(m_top->out_i_in);  // sign-extend W = 16
      f.saturated = m_top->out_sat;
    }
    m_top->clk = 1;
    m_top->eval();
    ++cycles;
    if (m_trace) {
      m_ctx.timeInc(1);
      m_trace->dump(m_ctx.time());
      m_top->clk = 0;
      m_top->eval();
      m_ctx.timeInc(1);
      m_trace->dump(m_ctx.time());
    }
    return f;
  }

 private:
  VerilatedContext m_ctx;
  std::unique_ptr<VerilatedVcdC> m_trace;
  std::unique_ptr<V> m_top;
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
