#include "driver/popcount_driver.h"

#include <verilated.h>
#include <verilated_vcd_c.h>

#include <iterator>
#include <type_traits>

#include "common/error.h"
#include "driver/verilated_harness.h"
#include "rtl_models.h"  // generated: the Verilated header of every parameter set

namespace ecsim::rtl {

class PopcountDriver::Model {
 public:
  virtual ~Model() = default;
  virtual void set_reset(bool active) = 0;
  virtual Fired cycle(const Inputs& in) = 0;
  uint64_t cycles = 0;
};

namespace {

template <class V>
class ModelOf final : public PopcountDriver::Model {
 public:
  ModelOf(const ParameterSet& set, const std::string& vcd_path)
      : m_mask(set.width >= 64 ? ~uint64_t{0} : (uint64_t{1} << set.width) - 1),
        m_acc_width(set.acc_width),
        m_width(set.width) {
    m_h.open("popcount_core", vcd_path);
  }
  ~ModelOf() override { m_h.close("popcount_coverage_w" + std::to_string(m_width)); }

  void set_reset(bool active) override { m_h->rst_n = !active; }

  PopcountDriver::Fired cycle(const PopcountDriver::Inputs& in) override {
    m_h->in_valid = in.in_valid;
    if (in.in_valid) {
      using W = std::remove_reference_t<decltype(m_h->in_syn)>;
      m_h->in_syn = static_cast<W>(in.syn & m_mask);
      m_h->in_spk = static_cast<W>(in.spk & m_mask);
      m_h->in_exc = static_cast<W>(in.exc & m_mask);
      m_h->in_last = in.in_last;
    }
    m_h->out_ready = in.out_ready;
    m_h.fall();
    const PopcountDriver::Fired f{in.in_valid && m_h->in_ready, m_h->out_valid && in.out_ready,
                                  sign_extend(static_cast<uint64_t>(m_h->out_sum))};
    m_h.rise();
    ++cycles;
    return f;
  }

 private:
  int64_t sign_extend(uint64_t raw) const {
    raw &= (uint64_t{1} << m_acc_width) - 1;
    return (raw >> (m_acc_width - 1)) ? static_cast<int64_t>(raw) - (int64_t{1} << m_acc_width)
                                      : static_cast<int64_t>(raw);
  }

  // destroyed in reverse: the model, then its trace, then the context both belong to
  VerilatedHarness<V> m_h;
  const uint64_t m_mask;
  const int m_acc_width;
  const int m_width;
};

std::unique_ptr<PopcountDriver::Model> make_model(const ParameterSet& set, const std::string& vcd_path) {
#define ECSIM_RTL_MAKE_MODEL_(W, ACC_W) \
  if (set.width == (W)) return std::make_unique<ModelOf<Vpopcount_core_w##W>>(set, vcd_path);
  ECSIM_RTL_FOR_EACH_PARAMETER_SET(ECSIM_RTL_MAKE_MODEL_)
#undef ECSIM_RTL_MAKE_MODEL_
  return nullptr;
}

}  // namespace

const ParameterSet* find_parameter_set(int width) {
  for (const ParameterSet& s : kParameterSets)
    if (s.width == width) return &s;
  return nullptr;
}

std::string built_widths(const std::string& joiner) {
  std::string out;
  const size_t n = std::size(kParameterSets);
  for (size_t i = 0; i < n; ++i)
    out += (i == 0 ? "" : i + 1 == n ? " " + joiner + " " : ", ") + std::to_string(kParameterSets[i].width);
  return out;
}

PopcountDriver::PopcountDriver(int width, const std::string& vcd_path) {
  const ParameterSet* set = find_parameter_set(width);
  if (!set)
    throw Error("no RTL popcount core with word width " + std::to_string(width) + " is built in",
                "use a word width of " + built_widths("or") + " (the parameter sets of docs/rtl.md)");
  m_set = *set;
  m_model = make_model(m_set, vcd_path);
}

PopcountDriver::~PopcountDriver() = default;

uint64_t PopcountDriver::cycles() const { return m_model->cycles; }

void PopcountDriver::reset() {
  m_model->set_reset(true);
  for (int k = 0; k < 2; ++k) m_model->cycle(Inputs{});
  m_model->set_reset(false);
}

PopcountDriver::Fired PopcountDriver::cycle(const Inputs& in) { return m_model->cycle(in); }

}  // namespace ecsim::rtl
