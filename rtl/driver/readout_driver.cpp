#include "driver/readout_driver.h"

#include <verilated.h>
#include <verilated_vcd_c.h>

#include <type_traits>

#include "Vreadout_m0.h"
#include "Vreadout_m1.h"
#include "Vreadout_m2.h"
#include "common/error.h"
#include "driver/verilated_harness.h"

namespace ecsim::rtl {

class ReadoutDriver::Model {
 public:
  virtual ~Model() = default;
  virtual void set_reset(bool active) = 0;
  virtual Fired cycle(const Inputs& in) = 0;
  uint64_t cycles = 0;
};

namespace {

using P = ReadoutParams;
constexpr int kOw = P::kActionFrac + 2;             // bits of one a_q
constexpr int kAw = P::kRateBits + P::kNeuronBits;  // bits of one acc_k
static_assert(kAw == 32, "the driver reads acc_k as one 32-bit word of out_acc");

template <class V>
class ModelOf final : public ReadoutDriver::Model {
 public:
  explicit ModelOf(const std::string& vcd_path) { m_h.open("readout", vcd_path); }
  ~ModelOf() override { m_h.close(std::is_same_v<V, Vreadout_m0> ? "readout_coverage" : ""); }  // the real unit only

  void set_reset(bool active) override { m_h->rst_n = !active; }

  ReadoutDriver::Fired cycle(const ReadoutDriver::Inputs& in) override {
    m_h->in_valid = in.in_valid;
    if (in.in_valid) {
      const ReadoutDriver::Beat& b = in.beat;
      m_h->in_first = b.first;
      m_h->in_last = b.last;
      m_h->in_rate = static_cast<uint16_t>(b.rate);
      m_h->in_bits = static_cast<uint8_t>(b.bits);
      m_h->in_r_out = b.r_out;
    }
    m_h->out_ready = in.out_ready;
    m_h.fall();
    ReadoutDriver::Fired f;
    f.in = in.in_valid && m_h->in_ready;
    f.out = m_h->out_valid && in.out_ready;
    if (f.out) {
      const uint64_t a = m_h->out_a;
      for (int k = 0; k < P::kOutputs; ++k) {
        const uint64_t raw = (a >> (k * kOw)) & ((uint64_t{1} << kOw) - 1);
        // sign-extend kOw bits
        f.a[static_cast<size_t>(k)] = static_cast<int32_t>(static_cast<int64_t>(raw << (64 - kOw)) >> (64 - kOw));
      }
      f.saturated = m_h->out_sat;
      for (int k = 0; k < P::kOutputs; ++k)  // acc_k is word k of the wide port (kAw = 32)
        f.acc[static_cast<size_t>(k)] = static_cast<int32_t>(m_h->out_acc[k]);
    }
    m_h.rise();
    ++cycles;
    return f;
  }

 private:
  VerilatedHarness<V> m_h;
};

static_assert(P::kOutputs * kOw <= 64, "the driver reads out_a as one 64-bit port");

}  // namespace

ReadoutDriver::ReadoutDriver(int mutant, const std::string& vcd_path) : m_mutant(mutant) {
  if (mutant == 0)
    m_model = std::make_unique<ModelOf<Vreadout_m0>>(vcd_path);
  else if (mutant == 1)
    m_model = std::make_unique<ModelOf<Vreadout_m1>>(vcd_path);
  else if (mutant == 2)
    m_model = std::make_unique<ModelOf<Vreadout_m2>>(vcd_path);
  else
    throw Error("no RTL readout with mutant " + std::to_string(mutant) + " is built in",
                "use mutant 0 (the real unit), 1 or 2");
}

ReadoutDriver::~ReadoutDriver() = default;

uint64_t ReadoutDriver::cycles() const { return m_model->cycles; }

void ReadoutDriver::reset() {
  m_model->set_reset(true);
  for (int k = 0; k < 2; ++k) m_model->cycle(Inputs{});
  m_model->set_reset(false);
}

ReadoutDriver::Fired ReadoutDriver::cycle(const Inputs& in) { return m_model->cycle(in); }

}  // namespace ecsim::rtl
