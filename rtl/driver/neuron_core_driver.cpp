#include "driver/neuron_core_driver.h"

#include <verilated.h>
#include <verilated_vcd_c.h>

#include "Vneuron_core_m0.h"
#include "Vneuron_core_m0___024root.h"
#include "Vneuron_core_m1.h"
#include "Vneuron_core_m1___024root.h"
#include "common/error.h"
#include "driver/verilated_harness.h"

namespace ecsim::rtl {

// what the driver holds on the core's inputs in one cycle (everything else stays at 0)
struct Pins {
  bool reg_we = false, reg_re = false;
  uint32_t reg_addr = 0, reg_wdata = 0;
  bool spk_we = false;
  uint32_t spk_widx = 0;
  uint64_t spk_wdata = 0;
  bool rho_we = false;
  uint32_t rho_waddr = 0;
  uint64_t rho_wdata = 0;
};

// what the core shows after the rising edge
struct Seen {
  bool busy = false, rvalid = false;
  uint32_t rdata = 0;
};

class NeuronCoreDriver::Model {
 public:
  virtual ~Model() = default;
  virtual void set_reset(bool active) = 0;
  virtual void set_config(const Config& c) = 0;
  virtual Seen cycle(const Pins& p) = 0;
  virtual uint64_t spikes_out() const = 0;
  virtual uint64_t synapse_word(int addr) const = 0;
  virtual uint64_t state_word(int addr) const = 0;
  uint64_t cycles = 0;
};

namespace {

template <class V>
class ModelOf final : public NeuronCoreDriver::Model {
 public:
  explicit ModelOf(const std::string& vcd_path) { m_h.open("neuron_core", vcd_path); }
  ~ModelOf() override { m_h.close(""); }  // (the coverage build does not Verilate the core with --coverage)

  void set_reset(bool active) override { m_h->rst_n = !active; }

  void set_config(const NeuronCoreDriver::Config& c) override {
    m_h->cfg_n = static_cast<uint16_t>(c.n);
    m_h->cfg_n_exc = static_cast<uint16_t>(c.n_exc);
    m_h->cfg_lo = static_cast<uint16_t>(c.lo);
    m_h->cfg_n_local = static_cast<uint16_t>(c.n_local);
    m_h->cfg_alpha_syn = static_cast<uint16_t>(c.alpha_syn);
    m_h->cfg_beta_m = static_cast<uint16_t>(c.beta_m);
    m_h->cfg_alpha_out = static_cast<uint16_t>(c.alpha_out);
    m_h->cfg_gamma = static_cast<uint16_t>(c.gamma);
    m_h->cfg_r_h = static_cast<uint16_t>(c.r_h);
    m_h->cfg_r_in = static_cast<uint32_t>(c.r_in);
    m_h->cfg_r_out = static_cast<uint32_t>(c.r_out);
  }

  Seen cycle(const Pins& p) override {
    m_h->reg_we = p.reg_we;
    m_h->reg_re = p.reg_re;
    m_h->reg_addr = static_cast<uint16_t>(p.reg_addr);
    m_h->reg_wdata = p.reg_wdata;
    m_h->spk_we = p.spk_we;
    m_h->spk_widx = static_cast<uint8_t>(p.spk_widx);
    m_h->spk_wdata = p.spk_wdata;
    m_h->rho_we = p.rho_we;
    m_h->rho_waddr = static_cast<uint16_t>(p.rho_waddr);
    m_h->rho_wdata = p.rho_wdata;
    m_h.fall();
    m_h.rise();
    ++cycles;
    return {m_h->busy != 0, m_h->reg_rvalid != 0, m_h->reg_rdata};
  }

  uint64_t spikes_out() const override { return m_h->spk_out; }
  uint64_t synapse_word(int addr) const override {
    return m_h->rootp->neuron_core__DOT__u_syn_sram__DOT__mem[static_cast<size_t>(addr)];
  }
  uint64_t state_word(int addr) const override {
    return m_h->rootp->neuron_core__DOT__u_state_sram__DOT__mem[static_cast<size_t>(addr)];
  }

 private:
  VerilatedHarness<V> m_h;
};

}  // namespace

NeuronCoreDriver::NeuronCoreDriver(int mutant, const std::string& vcd_path) {
  if (mutant == 0)
    m_model = std::make_unique<ModelOf<Vneuron_core_m0>>(vcd_path);
  else if (mutant == 1)
    m_model = std::make_unique<ModelOf<Vneuron_core_m1>>(vcd_path);
  else
    throw Error("no RTL neuron core with mutant " + std::to_string(mutant) + " is built in",
                "use mutant 0 (the real core) or 1 (STEP ignores each row's last spike word)");
  reset();
}

NeuronCoreDriver::~NeuronCoreDriver() = default;

uint64_t NeuronCoreDriver::cycles() const { return m_model->cycles; }

void NeuronCoreDriver::reset() {
  m_model->set_reset(true);
  for (int k = 0; k < 2; ++k) m_model->cycle(Pins{});
  m_model->set_reset(false);
}

void NeuronCoreDriver::set_config(const Config& c) { m_model->set_config(c); }

void NeuronCoreDriver::write_reg(regs::CoreReg r, uint32_t value, uint32_t index) {
  Pins p;
  p.reg_we = true;
  p.reg_addr = static_cast<uint32_t>(r) + 4 * index;
  p.reg_wdata = value;
  m_model->cycle(p);
}

uint32_t NeuronCoreDriver::read_reg(regs::CoreReg r) {
  Pins p;
  p.reg_re = true;
  p.reg_addr = static_cast<uint32_t>(r);
  const Seen s = m_model->cycle(p);  // reg_rvalid and reg_rdata after the edge that takes reg_re
  if (!s.rvalid) throw Error("the RTL neuron core did not answer a register read", "check reg_rvalid in the RTL");
  return s.rdata;
}

uint64_t NeuronCoreDriver::run(regs::CoreCommand c, uint64_t max_cycles) {
  Pins p;
  p.reg_we = true;
  p.reg_addr = static_cast<uint32_t>(regs::CoreReg::CMD);
  p.reg_wdata = static_cast<uint32_t>(c);
  Seen s = m_model->cycle(p);
  uint64_t n = 1;
  while (s.busy) {
    if (n > max_cycles)
      throw Error("the RTL neuron core's command " + std::to_string(static_cast<uint32_t>(c)) + " ran over " +
                      std::to_string(max_cycles) + " cycles",
                  "look at the command FSM in rtl/neuron_core.sv (a VCD: NeuronCoreDriver's vcd_path)");
    s = m_model->cycle(Pins{});
    ++n;
  }
  if (read_reg(regs::CoreReg::STATUS) != 0)
    throw Error("the RTL neuron core's STATUS is not 0 after busy fell", "check the STATUS read in the RTL");
  return n;
}

void NeuronCoreDriver::write_spikes(const std::vector<uint64_t>& words) {
  for (size_t k = 0; k < words.size(); ++k) {
    Pins p;
    p.spk_we = true;
    p.spk_widx = static_cast<uint32_t>(k);
    p.spk_wdata = words[k];
    m_model->cycle(p);
  }
}

uint64_t NeuronCoreDriver::spikes_out() const { return m_model->spikes_out(); }

void NeuronCoreDriver::write_rho(const std::vector<uint64_t>& words) {
  for (size_t k = 0; k < words.size(); ++k) {
    Pins p;
    p.rho_we = true;
    p.rho_waddr = static_cast<uint32_t>(k);
    p.rho_wdata = words[k];
    m_model->cycle(p);
  }
}

uint64_t NeuronCoreDriver::synapse_word(int addr) const { return m_model->synapse_word(addr); }
uint64_t NeuronCoreDriver::state_word(int addr) const { return m_model->state_word(addr); }

}  // namespace ecsim::rtl
