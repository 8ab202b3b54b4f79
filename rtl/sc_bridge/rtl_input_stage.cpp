#include "sc_bridge/rtl_input_stage.h"

#include <memory>

#include "common/error.h"
#include "driver/input_driver.h"
#include "sc_bridge/rtl_units.h"

namespace ecsim::rtl {

namespace {

using P = InputStageParams;
const char* const kDrop = "drop input from --rtl-units";

void check(bool ok, const std::string& what, int64_t has, int64_t built) {
  if (!ok)
    throw Error(
        "--backend rtl: the RTL input stage is built for " + what + " = " + std::to_string(built) +
            ", the network has " + what + " = " + std::to_string(has),
        "use " + what + " = " + std::to_string(built) + " (Hopper's shape and the default arithmetic), or " + kDrop);
}

class RtlInputStage final : public sc::InputStage {
 public:
  using InputStage::InputStage;
  ~RtlInputStage() override {
    detail::before_model_destroyed();
    m_unit.reset();
  }

  void configure(const ref::NetworkDesc& d) override {
    check(d.shape.d_in == P::kInputs, "d_in", d.shape.d_in, P::kInputs);
    check(d.arith.input_bits == P::kInputBits, "input_bits (B_x)", d.arith.input_bits, P::kInputBits);
    check(d.arith.state_bits == P::kStateBits, "state_bits (W)", d.arith.state_bits, P::kStateBits);
    check(d.fixed.in_shift == P::kShift, "the input shift s_in = F_x + C - F", d.fixed.in_shift, P::kShift);
    if (d.fixed.r_in_q < 0 || d.fixed.r_in_q >= (int64_t{1} << P::kScaleBits))
      throw Error("--backend rtl: the network's R_in,q = " + std::to_string(d.fixed.r_in_q) +
                      " does not fit the RTL input stage's " + std::to_string(P::kScaleBits) + "-bit scale input",
                  std::string("use other network constants, or ") + kDrop);
    m_r_in = static_cast<uint32_t>(d.fixed.r_in_q);
    if (!m_unit) {
      m_unit = std::make_unique<InputDriver>();
      m_unit->reset();
    }
  }

  bool streams_columns() const override { return true; }  // the RTL takes every word
  std::string describe() const override {
    return "RTL (Verilated rtl/input_stage.sv, d_in=" + std::to_string(P::kInputs) +
           ", measured cycles, charged the serial formula)";
  }

 protected:
  // One neuron per beat, back to back; every i_in is taken the cycle it appears. Cycles: the
  // edges from the one that takes the first beat to the one that hands the last i_in on (n + 1).
  uint64_t stream_neurons(const ref::NetworkDesc& d, const int32_t* x, const uint64_t* cols, int64_t stride, int w,
                          int n, int32_t* i_in) override {
    if (!m_unit) throw Error("internal: the RTL input stage ran before a network was mapped");
    if (n <= 0) return 0;
    InputDriver& u = *m_unit;
    InputDriver::Inputs in;
    in.out_ready = true;
    for (int i = 0; i < P::kInputs; ++i) in.beat.x[static_cast<size_t>(i)] = x[i];
    in.beat.r_in = m_r_in;
    const int d_in = d.shape.d_in;
    int taken = 0, out = 0;
    uint64_t first_edge = 0, last_edge = 0;
    const uint64_t limit = u.cycles() + static_cast<uint64_t>(n) + 64;
    while (out < n) {
      in.in_valid = taken < n;
      if (in.in_valid) {
        const uint64_t* col = cols + taken * stride;
        uint32_t pos = 0, neg = 0;
        for (int i = 0; i < d_in; ++i) {
          pos |= static_cast<uint32_t>(bit(col, i, w)) << i;
          neg |= static_cast<uint32_t>(bit(col, d_in + i, w)) << i;
        }
        in.beat.pos = pos;
        in.beat.neg = neg;
      }
      const InputDriver::Fired f = u.cycle(in);
      if (f.in && taken++ == 0) first_edge = u.cycles();
      if (f.out) {
        i_in[out++] = f.i_in;
        last_edge = u.cycles();
      }
      if (u.cycles() > limit)
        throw Error("the RTL input stage did not return every neuron within " + std::to_string(n + 64) + " cycles",
                    "run `ecsim verify-rtl --unit input --fail-dir DIR` and inspect the waveform");
    }
    const uint64_t cycles = last_edge - first_edge + 1;
    m_measured.add(cycles);
    return cycles;
  }

 private:
  std::unique_ptr<InputDriver> m_unit;
  uint32_t m_r_in = 0;
};

}  // namespace

sc::InputStageFactory rtl_input_stage_factory() {
  return [](const sc_core::sc_module_name& name, sc::HwCounters& hw) {
    return std::unique_ptr<sc::InputStage>(new RtlInputStage(name, hw));
  };
}

}  // namespace ecsim::rtl
