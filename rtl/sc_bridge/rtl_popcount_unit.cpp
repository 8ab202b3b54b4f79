// The Verilated headers come first: they were generated without SystemC and must not see its
// macros (verilated_funcs.h switches to sc_time_stamp() when SYSTEMC_VERSION is defined).
#include <verilated.h>

#include "Vpopcount_core_w32.h"
#include "Vpopcount_core_w64.h"
// the rest
#include "sc_bridge/rtl_popcount_unit.h"

#include <memory>
#include <type_traits>

#include "common/error.h"
#include "verify/popcount_campaign.h"

namespace ecsim::rtl {

namespace {

// Drives one Verilated core. The handshake is the chip's: a word is offered every cycle until
// the rows are in, and the LIF unit takes every sum the cycle it appears (out_ready = 1).
class Driver {
 public:
  virtual ~Driver() = default;
  virtual uint64_t run(const uint64_t* syn, int64_t stride, int rows, int words, const uint64_t* spk,
                       const uint64_t* exc, int64_t* sums) = 0;
};

template <class V>
class CoreDriver final : public Driver {
 public:
  CoreDriver(int width, int acc_width)
      : m_ctx(std::make_unique<VerilatedContext>()), m_mask(width >= 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1),
        m_acc_width(acc_width) {
    m_top = std::make_unique<V>(m_ctx.get(), "popcount_core");
    m_top->rst_n = 0;
    m_top->in_valid = 0;
    m_top->out_ready = 0;
    for (int k = 0; k < 2; ++k) edge();
    m_top->rst_n = 1;
  }
  ~CoreDriver() override { m_top->final(); }

  // Cycles: the clock edges from the one that takes the first word to the one that hands the
  // last sum on, inclusive (the unit model's ⌈rows·words/P_p⌉ + L_p).
  uint64_t run(const uint64_t* syn, int64_t stride, int rows, int words, const uint64_t* spk, const uint64_t* exc,
               int64_t* sums) override {
    if (rows <= 0) return 0;
    int r = 0, w = 0, out = 0;
    uint64_t cycles = 0;
    const uint64_t limit = static_cast<uint64_t>(rows) * static_cast<uint64_t>(words) + 64;
    m_top->out_ready = 1;
    while (out < rows) {
      const bool offer = r < rows;
      m_top->in_valid = offer;
      if (offer) {
        set_word(syn[r * stride + w] & m_mask, spk[w] & m_mask, exc[w] & m_mask);
        m_top->in_last = w + 1 == words;
      }
      m_top->clk = 0;
      m_top->eval();
      const bool fire_in = offer && m_top->in_ready;
      const bool fire_out = m_top->out_valid;
      const int64_t sum = sign_extend(static_cast<uint64_t>(m_top->out_sum));
      m_top->clk = 1;
      m_top->eval();
      if (fire_out) sums[out++] = sum;
      if (fire_in && ++w == words) {
        w = 0;
        ++r;
      }
      if (++cycles > limit)
        throw Error("the RTL popcount core did not return every row's sum within " + std::to_string(limit) + " cycles",
                    "run `ecsim verify-rtl --fail-dir DIR` and inspect the waveform");
    }
    m_top->in_valid = 0;
    return cycles;
  }

 private:
  void set_word(uint64_t s, uint64_t p, uint64_t e) {
    using In = std::remove_reference_t<decltype(m_top->in_syn)>;
    m_top->in_syn = static_cast<In>(s);
    m_top->in_spk = static_cast<In>(p);
    m_top->in_exc = static_cast<In>(e);
  }
  int64_t sign_extend(uint64_t raw) const {
    raw &= (uint64_t{1} << m_acc_width) - 1;
    return (raw >> (m_acc_width - 1)) ? static_cast<int64_t>(raw) - (int64_t{1} << m_acc_width) : static_cast<int64_t>(raw);
  }
  void edge() {
    m_top->clk = 0;
    m_top->eval();
    m_top->clk = 1;
    m_top->eval();
  }

  std::unique_ptr<VerilatedContext> m_ctx;
  std::unique_ptr<V> m_top;
  const uint64_t m_mask;
  const int m_acc_width;
};

class RtlPopcountUnit final : public sc::PopcountUnit {
 public:
  using PopcountUnit::PopcountUnit;

  void configure(int words, int word_bits) override {
    const auto sets = popcount_parameter_sets();
    const auto it = sets.find(word_bits);
    if (it == sets.end())
      throw Error("--backend rtl: the RTL popcount core is built for word widths 64 and 32, the chip's synapse SRAM has " +
                      std::to_string(word_bits) + "-bit words",
                  "set memories.synapse_sram.word_bits to 64 or 32 in the chip config");
    const int acc = it->second;
    const int64_t max_sum = int64_t{words} * word_bits;
    if (max_sum > (int64_t{1} << (acc - 1)) - 1)
      throw Error("--backend rtl: a row of " + std::to_string(words) + " words of " + std::to_string(word_bits) +
                      " bits can sum to ±" + std::to_string(max_sum) + ", beyond the core's " + std::to_string(acc) +
                      "-bit accumulator",
                  "use a smaller network or the 64-bit word width (16-bit accumulator)");
    if (word_bits != m_width) {
      m_width = word_bits;
      if (word_bits == 64)
        m_driver = std::make_unique<CoreDriver<Vpopcount_core_w64>>(64, acc);
      else
        m_driver = std::make_unique<CoreDriver<Vpopcount_core_w32>>(32, acc);
    }
  }

  uint64_t accumulate_rows(const uint64_t* syn, int64_t stride, int rows, int words, const uint64_t* spk, const uint64_t* exc,
                           int64_t* sums, uint64_t* hits) override {
    if (!m_driver) throw Error("internal: the RTL popcount unit ran before a network was mapped");
    // the synaptic-event counter is a monitor beside the core (the reference popcount): the core
    // computes only the signed sum
    for (int r = 0; r < rows; ++r) {
      const ref::PopcountSplit p = ref::popcount_split(syn + r * stride, spk, exc, words);
      *hits += static_cast<uint64_t>(p.exc + p.inh);
    }
    count_words(rows, words);
    return m_driver->run(syn, stride, rows, words, spk, exc, sums);
  }

  std::string describe() const override {
    return "RTL (Verilated rtl/popcount_core.sv, W=" + std::to_string(m_width) + ", measured cycles)";
  }

 private:
  int m_width = 0;
  std::unique_ptr<Driver> m_driver;
};

}  // namespace

void check_rtl_chip_config(const chip::ChipConfig& cfg, const std::string& where) {
  if (cfg.float_weights())
    throw Error(where + ": --backend rtl swaps in the popcount core of the 1-bit chip; this chip has float32 weights",
                "use --backend systemc for the float32-weight chip");
  const int w = cfg.synapse_sram.word_bits;
  if (!popcount_parameter_sets().count(w))
    throw Error(where + ": --backend rtl needs a synapse word width the RTL core is built for (64 or 32), not " + std::to_string(w),
                "set memories.synapse_sram.word_bits to 64 or 32");
  if (cfg.popcount.per_cycle != kRtlWordsPerCycle || cfg.popcount.latency_cycles != kRtlLatencyCycles)
    throw Error(where + ": the chip config's popcount unit (" + std::to_string(cfg.popcount.per_cycle) + " words/cycle, latency " +
                    std::to_string(cfg.popcount.latency_cycles) + ") is not the RTL core (" + std::to_string(kRtlWordsPerCycle) +
                    " word/cycle, latency " + std::to_string(kRtlLatencyCycles) + ")",
                "set units.popcount to {\"words_per_cycle\": 1, \"latency_cycles\": 2} to describe the RTL core");
}

sc::PopcountFactory rtl_popcount_factory() {
  return [](const sc_core::sc_module_name& name, const chip::UnitTiming& timing, sc::HwCounters& hw) {
    return std::unique_ptr<sc::PopcountUnit>(new RtlPopcountUnit(name, timing, hw));
  };
}

}  // namespace ecsim::rtl
