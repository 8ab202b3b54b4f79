#include "driver/philox_driver.h"

#include <verilated.h>
#include <verilated_vcd_c.h>

#include <iterator>
#include <type_traits>
#include <vector>

#include "common/error.h"
#include "driver/verilated_harness.h"
#include "philox_models.h"  // generated: the Verilated header of every Philox model

namespace ecsim::rtl {

class PhiloxDriver::Model {
 public:
  virtual ~Model() = default;
  virtual void set_reset(bool active) = 0;
  virtual Fired cycle(const Inputs& in) = 0;
  uint64_t cycles = 0;
};

namespace {

// bits [lo, lo + width) of a Verilated port, integral or VlWide (width <= 32)
template <class T>
void put_bits(T& port, int lo, int width, uint32_t v) {
  const uint64_t m = (uint64_t{1} << width) - 1;
  if constexpr (std::is_integral_v<T>) {
    port = static_cast<T>((static_cast<uint64_t>(port) & ~(m << lo)) | ((uint64_t{v} & m) << lo));
  } else {
    for (int b = 0; b < width; ++b) {
      const int bit = lo + b;
      uint32_t& w = port.at(static_cast<size_t>(bit >> 5));
      w = (w & ~(1u << (bit & 31))) | (((v >> b) & 1u) << (bit & 31));
    }
  }
}

template <class T>
uint32_t get_bits(const T& port, int lo, int width) {
  const uint64_t m = (uint64_t{1} << width) - 1;
  if constexpr (std::is_integral_v<T>) {
    return static_cast<uint32_t>((static_cast<uint64_t>(port) >> lo) & m);
  } else {
    uint32_t v = 0;
    for (int b = 0; b < width; ++b) {
      const int bit = lo + b;
      v |= ((port.at(static_cast<size_t>(bit >> 5)) >> (bit & 31)) & 1u) << b;
    }
    return v;
  }
}

template <class V>
class ModelOf final : public PhiloxDriver::Model {
 public:
  ModelOf(const PhiloxParameterSet& set, const std::string& vcd_path)
      : m_q(set.rho_bits), m_f(set.frac_bits), m_mutant(set.mutant) {
    m_h.open("philox_sampler", vcd_path);
  }
  ~ModelOf() override {
    m_h.close(m_mutant == 0 ? "philox_coverage_q" + std::to_string(m_q) : "");
  }  // real models only

  void set_reset(bool active) override { m_h->rst_n = !active; }

  PhiloxDriver::Fired cycle(const PhiloxDriver::Inputs& in) override {
    m_h->in_valid = in.in_valid;
    if (in.in_valid) {
      const PhiloxDriver::Request& r = in.req;
      m_h->in_mode = static_cast<uint8_t>(r.mode);
      m_h->in_seed = r.seed;
      m_h->in_stream = r.stream;
      m_h->in_index = r.index;
      for (int l = 0; l < 8; ++l) put_bits(m_h->in_rho, l * (m_q + 1), m_q + 1, r.rho[static_cast<size_t>(l)]);
    }
    m_h->out_ready = in.out_ready;
    m_h.fall();
    PhiloxDriver::Fired f;
    f.in = in.in_valid && m_h->in_ready;
    f.out = m_h->out_valid && in.out_ready;
    if (f.out) {
      f.result.mode = static_cast<PhiloxMode>(m_h->out_mode);
      for (int k = 0; k < 4; ++k) {
        f.result.words[static_cast<size_t>(k)] = get_bits(m_h->out_words, 32 * k, 32);
        f.result.v[static_cast<size_t>(k)] = get_bits(m_h->out_v, m_f * k, m_f);
      }
      f.result.theta = static_cast<uint8_t>(m_h->out_theta);
    }
    m_h.rise();
    ++cycles;
    return f;
  }

 private:
  // destroyed in reverse: the model, then its trace, then the context both belong to
  VerilatedHarness<V> m_h;
  const int m_q, m_f, m_mutant;
};

std::unique_ptr<PhiloxDriver::Model> make_model(const PhiloxParameterSet& set, const std::string& vcd_path) {
#define ECSIM_RTL_MAKE_PHILOX_MODEL_(Q, F, M)   \
  if (set.rho_bits == (Q) && set.mutant == (M)) \
    return std::make_unique<ModelOf<Vphilox_sampler_q##Q##_m##M>>(set, vcd_path);
  ECSIM_RTL_FOR_EACH_PHILOX_MODEL(ECSIM_RTL_MAKE_PHILOX_MODEL_)
#undef ECSIM_RTL_MAKE_PHILOX_MODEL_
  return nullptr;
}

}  // namespace

const PhiloxParameterSet* find_philox_set(int rho_bits, int mutant) {
  for (const PhiloxParameterSet& s : kPhiloxParameterSets)
    if (s.rho_bits == rho_bits && s.mutant == mutant) return &s;
  return nullptr;
}

std::string built_rho_bits(const std::string& joiner) {
  std::vector<int> qs;
  for (const PhiloxParameterSet& s : kPhiloxParameterSets)
    if (s.mutant == 0) qs.push_back(s.rho_bits);
  std::string out;
  for (size_t i = 0; i < qs.size(); ++i)
    out += (i == 0 ? "" : i + 1 == qs.size() ? " " + joiner + " " : ", ") + std::to_string(qs[i]);
  return out;
}

PhiloxDriver::PhiloxDriver(int rho_bits, int mutant, const std::string& vcd_path) {
  const PhiloxParameterSet* set = find_philox_set(rho_bits, mutant);
  if (!set)
    throw Error("no RTL Philox sampler with rho_bits " + std::to_string(rho_bits) +
                    (mutant ? " and mutant " + std::to_string(mutant) : std::string()) + " is built in",
                "use rho_bits " + built_rho_bits("or") + " (the parameter sets of docs/rtl.md)");
  m_set = *set;
  m_model = make_model(m_set, vcd_path);
}

PhiloxDriver::~PhiloxDriver() = default;

uint64_t PhiloxDriver::cycles() const { return m_model->cycles; }

void PhiloxDriver::reset() {
  m_model->set_reset(true);
  for (int k = 0; k < 2; ++k) m_model->cycle(Inputs{});
  m_model->set_reset(false);
}

PhiloxDriver::Fired PhiloxDriver::cycle(const Inputs& in) { return m_model->cycle(in); }

}  // namespace ecsim::rtl
