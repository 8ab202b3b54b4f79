#include "sc_bridge/rtl_sampler.h"

#include <memory>

#include "common/error.h"
#include "driver/philox_driver.h"
#include "reference/network_desc.h"
#include "sc_bridge/rtl_units.h"

namespace ecsim::rtl {

namespace {

const char* const kDrop = " (or drop sampler from --rtl-units)";

std::string built_sets() {
  std::string out;
  for (const PhiloxParameterSet& s : kPhiloxParameterSets)
    if (s.mutant == 0)
      out += (out.empty() ? "" : ", ") + std::to_string(s.rho_bits) + ":" + std::to_string(s.frac_bits);
  return out;
}

const PhiloxParameterSet* set_with_frac_bits(int frac_bits) {
  for (const PhiloxParameterSet& s : kPhiloxParameterSets)
    if (s.mutant == 0 && s.frac_bits == frac_bits) return &s;
  return nullptr;
}

// Streams requests back to back: one is offered every cycle and every result is taken the cycle
// it appears (out_ready = 1). next(req) fills request k; take(k, result) consumes result k.
// Cycles: the edges from the one that takes the first request to the one that hands the last
// result on, inclusive (the unit model's ⌈blocks/P_s⌉ + L_s).
template <class Next, class Take>
uint64_t stream(PhiloxDriver& u, int64_t count, Next next, Take take) {
  if (count <= 0) return 0;
  PhiloxDriver::Inputs in;
  in.out_ready = true;
  int64_t taken = 0, out = 0;
  uint64_t first_edge = 0, last_edge = 0;
  const uint64_t limit = u.cycles() + static_cast<uint64_t>(count) + 64;
  bool offered = false;  // in.req holds request `taken` (a request not taken stays offered)
  while (out < count) {
    in.in_valid = taken < count;
    if (in.in_valid && !offered) {
      next(taken, in.req);
      offered = true;
    }
    const PhiloxDriver::Fired f = u.cycle(in);
    if (f.in) {
      if (taken++ == 0) first_edge = u.cycles();
      offered = false;
    }
    if (f.out) {
      take(out++, f.result);
      last_edge = u.cycles();
    }
    if (u.cycles() > limit)
      throw Error("the RTL Philox sampler did not return every block within " + std::to_string(count + 64) + " cycles",
                  "run `ecsim verify-rtl --unit philox --fail-dir DIR` and inspect the waveform");
  }
  return last_edge - first_edge + 1;
}

class RtlSampler final : public sc::Sampler {
 public:
  using Sampler::Sampler;
  ~RtlSampler() override {
    detail::before_model_destroyed();
    m_theta.reset();
    m_vinit.reset();
  }

  void configure(const ref::NetworkDesc& d, int lo, int /*hi*/) override {
    const ref::ArithConfig& a = d.arith;
    const PhiloxParameterSet* theta = find_philox_set(a.rho_bits);
    const PhiloxParameterSet* vinit = set_with_frac_bits(a.frac_bits);
    if (!theta || !vinit)
      throw Error("--backend rtl: the RTL Philox sampler is built for q:F = " + built_sets() +
                      "; the network has q = " + std::to_string(a.rho_bits) +
                      " (θ) and F = " + std::to_string(a.frac_bits) + " (v(0))",
                  "use --rho-bits " + built_rho_bits("or") + " and the F of its set" + std::string(kDrop));
    if (lo % 4 != 0)
      throw Error("--backend rtl: a core's first neuron " + std::to_string(lo) +
                      " is not on a v(0) block boundary (4 neurons per Philox block)",
                  "use a neurons_per_core that is a multiple of 4" + std::string(kDrop));
    if (!m_theta || m_theta->rho_bits() != theta->rho_bits) {
      detail::before_model_destroyed();
      m_theta = std::make_shared<PhiloxDriver>(theta->rho_bits);
      m_theta->reset();
    }
    if (vinit->rho_bits == theta->rho_bits) {
      m_vinit = m_theta;
    } else if (!m_vinit || m_vinit == m_theta || m_vinit->frac_bits() != vinit->frac_bits) {
      detail::before_model_destroyed();
      m_vinit = std::make_shared<PhiloxDriver>(vinit->rho_bits);
      m_vinit->reset();
    }
  }

  std::string describe() const override {
    return "RTL (Verilated rtl/philox_sampler.sv, q=" + (m_theta ? std::to_string(m_theta->rho_bits()) : "?") +
           ", measured cycles)";
  }

 protected:
  uint64_t theta_blocks(uint64_t seed, const std::vector<sc::BlockRange>& ranges, const uint32_t* rho_q,
                        int64_t synapses, int /*rho_bits*/, uint8_t* bytes) override {
    if (!m_theta) throw Error("internal: the RTL sampler ran before a network was mapped");
    m_blocks.clear();
    for (const sc::BlockRange& r : ranges)
      for (int64_t b = r.first; b < r.first + r.count; ++b) m_blocks.push_back(b);
    if (m_blocks.empty()) return Sampler::theta_blocks(seed, ranges, rho_q, synapses, 0, bytes);  // nothing drawn
    const uint64_t cycles = stream(
        *m_theta, static_cast<int64_t>(m_blocks.size()),
        [&](int64_t k, PhiloxDriver::Request& req) {
          const int64_t b = m_blocks[static_cast<size_t>(k)];
          req.mode = PhiloxMode::kTheta;
          req.seed = seed;
          req.index = static_cast<uint64_t>(b);
          // the tail block's synapses beyond the last one draw with ρ = 0 (θ = 0), as the reference's
          for (int l = 0; l < 8; ++l) {
            const int64_t g = 8 * b + l;
            req.rho[static_cast<size_t>(l)] = g < synapses ? rho_q[g] : 0u;
          }
        },
        [&](int64_t k, const PhiloxDriver::Result& res) { bytes[k] = res.theta; });
    m_measured.add(cycles);
    return cycles;
  }

  uint64_t membrane_blocks(uint64_t seed, int lo, int hi, int /*frac_bits*/, int32_t* v) override {
    if (!m_vinit) throw Error("internal: the RTL sampler ran before a network was mapped");
    if (hi <= lo) return Sampler::membrane_blocks(seed, lo, hi, 0, v);  // nothing drawn
    const int64_t b0 = lo / 4, b1 = (hi + 3) / 4;
    const uint64_t cycles = stream(
        *m_vinit, b1 - b0,
        [&](int64_t k, PhiloxDriver::Request& req) {
          req.mode = PhiloxMode::kVinit;
          req.seed = seed;
          req.index = static_cast<uint64_t>(b0 + k);
        },
        [&](int64_t k, const PhiloxDriver::Result& res) {
          for (int m = 0; m < 4; ++m) {
            const int64_t j = 4 * (b0 + k) + m;
            if (j >= lo && j < hi) v[j - lo] = static_cast<int32_t>(res.v[static_cast<size_t>(m)]);
          }
        });
    m_measured.add(cycles);
    return cycles;
  }

 private:
  std::shared_ptr<PhiloxDriver> m_theta, m_vinit;  // the same model when one set serves both
  std::vector<int64_t> m_blocks;
};

}  // namespace

void check_rtl_sampler_chip_config(const chip::ChipConfig& cfg, const std::string& where) {
  if (cfg.sampler.per_cycle != kRtlSamplerBlocksPerCycle || cfg.sampler.latency_cycles != kRtlSamplerLatencyCycles)
    throw Error(where + ": the chip config's sampler (" + std::to_string(cfg.sampler.per_cycle) +
                    " blocks/cycle, latency " + std::to_string(cfg.sampler.latency_cycles) +
                    ") is not the RTL sampler (" + std::to_string(kRtlSamplerBlocksPerCycle) +
                    " block/cycle, latency " + std::to_string(kRtlSamplerLatencyCycles) + ")",
                "set units.sampler to {\"philox_blocks_per_cycle\": 1, \"latency_cycles\": 10} to describe the RTL "
                "sampler" +
                    std::string(kDrop));
  if (cfg.neurons_per_core % 4 != 0)
    throw Error(where + ": neurons_per_core = " + std::to_string(cfg.neurons_per_core) +
                    " is not a multiple of 4: the RTL sampler draws v(0) in blocks of 4 neurons from a core's first",
                "use a multiple of 4" + std::string(kDrop));
}

sc::SamplerFactory rtl_sampler_factory() {
  return [](const sc_core::sc_module_name& name, const chip::UnitTiming& timing, sc::HwCounters& hw) {
    return std::unique_ptr<sc::Sampler>(new RtlSampler(name, timing, hw));
  };
}

}  // namespace ecsim::rtl
