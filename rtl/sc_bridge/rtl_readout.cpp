#include "sc_bridge/rtl_readout.h"

#include <algorithm>
#include <memory>

#include "common/error.h"
#include "driver/readout_driver.h"
#include "sc_bridge/rtl_units.h"

namespace ecsim::rtl {

namespace {

using P = ReadoutParams;
const char* const kDrop = "drop readout from --rtl-units";

void check(bool ok, const std::string& what, int64_t has, int64_t built) {
  if (!ok)
    throw Error(
        "--backend rtl: the RTL readout is built for " + what + " = " + std::to_string(built) + ", the network has " +
            what + " = " + std::to_string(has),
        "use " + what + " = " + std::to_string(built) + " (Hopper's shape and the default arithmetic), or " + kDrop);
}

class RtlReadout final : public sc::ReadoutUnit {
 public:
  using ReadoutUnit::ReadoutUnit;
  ~RtlReadout() override {
    detail::before_model_destroyed();
    m_unit.reset();
  }

  void configure(const ref::NetworkDesc& d) override {
    check(d.shape.d_out == P::kOutputs, "d_out", d.shape.d_out, P::kOutputs);
    check(d.arith.rate_bits == P::kRateBits, "rate_bits (W_r)", d.arith.rate_bits, P::kRateBits);
    // the unit's actions are not used (the core hands on the raw sums): R_out,q only has to reach the port
    m_r_out = static_cast<uint32_t>(std::clamp<int64_t>(d.fixed.r_out_q, 0, (int64_t{1} << P::kScaleBits) - 1));
    if (!m_unit) {
      m_unit = std::make_unique<ReadoutDriver>();
      m_unit->reset();
    }
  }

  std::string describe() const override {
    return "RTL (Verilated rtl/readout.sv, d_out=" + std::to_string(P::kOutputs) +
           ", measured cycles, charged the formula)";
  }

 protected:
  // One neuron per beat, back to back (in_first on the core's first, in_last on its last); the
  // sums are taken the cycle they appear. Cycles: the edges from the one that takes the first
  // beat to the one that hands the sums on (n + 1).
  uint64_t stream_neurons(const ref::NetworkDesc& d, const int32_t* rate, const uint64_t* rows, int64_t stride, int w,
                          int n, int64_t* partial) override {
    if (!m_unit) throw Error("internal: the RTL readout ran before a network was mapped");
    if (n <= 0) return ReadoutUnit::stream_neurons(d, rate, rows, stride, w, n, partial);  // nothing to sum
    if (n > (1 << P::kNeuronBits))
      throw Error("--backend rtl: a core of " + std::to_string(n) + " neurons is beyond the RTL readout's 2^" +
                      std::to_string(P::kNeuronBits) + "-neuron sums",
                  std::string("use fewer neurons per core, or ") + kDrop);
    ReadoutDriver& u = *m_unit;
    ReadoutDriver::Inputs in;
    in.out_ready = true;
    in.beat.r_out = m_r_out;
    int taken = 0;
    bool done = false;
    uint64_t first_edge = 0, last_edge = 0;
    const uint64_t limit = u.cycles() + static_cast<uint64_t>(n) + 64;
    while (!done) {
      in.in_valid = taken < n;
      if (in.in_valid) {
        const uint64_t* row = rows + taken * stride;
        uint32_t bits = 0;
        for (int k = 0; k < P::kOutputs; ++k) bits |= static_cast<uint32_t>((row[k / w] >> (k % w)) & 1u) << k;
        in.beat.first = taken == 0;
        in.beat.last = taken == n - 1;
        in.beat.rate = rate[taken];
        in.beat.bits = bits;
      }
      const ReadoutDriver::Fired f = u.cycle(in);
      if (f.in && taken++ == 0) first_edge = u.cycles();
      if (f.out) {
        for (int k = 0; k < P::kOutputs; ++k) partial[k] = f.acc[static_cast<size_t>(k)];
        last_edge = u.cycles();
        done = true;
      }
      if (u.cycles() > limit)
        throw Error("the RTL readout did not hand on its sums within " + std::to_string(n + 64) + " cycles",
                    "run `ecsim verify-rtl --unit readout --fail-dir DIR` and inspect the waveform");
    }
    const uint64_t cycles = last_edge - first_edge + 1;
    m_measured.add(cycles);
    return cycles;
  }

 private:
  std::unique_ptr<ReadoutDriver> m_unit;
  uint32_t m_r_out = 0;
};

}  // namespace

sc::ReadoutFactory rtl_readout_factory() {
  return [](const sc_core::sc_module_name& name, sc::HwCounters& hw) {
    return std::unique_ptr<sc::ReadoutUnit>(new RtlReadout(name, hw));
  };
}

}  // namespace ecsim::rtl
