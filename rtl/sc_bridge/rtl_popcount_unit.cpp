#include "sc_bridge/rtl_popcount_unit.h"

#include <memory>

#include "common/error.h"
#include "driver/popcount_driver.h"
#include "reference/popcount.h"

namespace ecsim::rtl {

namespace {

// Streams rows through the core with the chip's handshake: a word is offered every cycle until
// the rows are in, and the LIF unit takes every sum the cycle it appears (out_ready = 1).
// Cycles: the clock edges from the one that takes the first word to the one that hands the last
// sum on, inclusive (the unit model's ⌈rows·words/P_p⌉ + L_p).
uint64_t stream(PopcountDriver& core, const uint64_t* syn, int64_t stride, int rows, int words, const uint64_t* spk,
                const uint64_t* exc, int64_t* sums) {
  if (rows <= 0) return 0;
  int r = 0, w = 0, out = 0;
  uint64_t cycles = 0;
  const uint64_t limit = static_cast<uint64_t>(rows) * static_cast<uint64_t>(words) + 64;
  PopcountDriver::Inputs in;
  in.out_ready = true;
  while (out < rows) {
    in.in_valid = r < rows;
    if (in.in_valid) {
      in.syn = syn[r * stride + w];
      in.spk = spk[w];
      in.exc = exc[w];
      in.in_last = w + 1 == words;
    }
    const PopcountDriver::Fired f = core.cycle(in);
    if (f.out) sums[out++] = f.sum;
    if (f.in && ++w == words) {
      w = 0;
      ++r;
    }
    if (++cycles > limit)
      throw Error("the RTL popcount core did not return every row's sum within " + std::to_string(limit) + " cycles",
                  "run `ecsim verify-rtl --fail-dir DIR` and inspect the waveform");
  }
  return cycles;
}

class RtlPopcountUnit final : public sc::PopcountUnit {
 public:
  using PopcountUnit::PopcountUnit;

  void configure(int words, int word_bits) override {
    const ParameterSet* set = find_parameter_set(word_bits);
    if (!set)
      throw Error("--backend rtl: the RTL popcount core is built for word widths " + built_widths("and") +
                      ", the chip's synapse SRAM has " + std::to_string(word_bits) + "-bit words",
                  "set memories.synapse_sram.word_bits to " + built_widths("or") + " in the chip config");
    const int acc = set->acc_width;
    const int64_t max_sum = int64_t{words} * word_bits;
    if (max_sum > (int64_t{1} << (acc - 1)) - 1)
      throw Error("--backend rtl: a row of " + std::to_string(words) + " words of " + std::to_string(word_bits) +
                      " bits can sum to ±" + std::to_string(max_sum) + ", beyond the core's " + std::to_string(acc) +
                      "-bit accumulator",
                  "use a smaller network or the 64-bit word width (16-bit accumulator)");
    if (word_bits != m_width) {
      m_width = word_bits;
      m_core = std::make_unique<PopcountDriver>(word_bits);
      m_core->reset();
    }
  }

  bool streams_rows() const override { return true; }  // the RTL takes every word
  std::string describe() const override {
    return "RTL (Verilated rtl/popcount_core.sv, W=" + std::to_string(m_width) + ", measured cycles)";
  }

 protected:
  uint64_t stream_rows(const uint64_t* syn, int64_t stride, int rows, int words, const uint64_t* spk,
                       const uint64_t* exc, int64_t* sums, uint64_t* hits) override {
    if (!m_core) throw Error("internal: the RTL popcount unit ran before a network was mapped");
    // the synaptic-event counter is a monitor beside the core (the reference popcount): the core
    // computes only the signed sum
    for (int r = 0; r < rows; ++r) {
      const ref::PopcountSplit p = ref::popcount_split(syn + r * stride, spk, exc, words);
      *hits += static_cast<uint64_t>(p.exc + p.inh);
    }
    const uint64_t cycles = stream(*m_core, syn, stride, rows, words, spk, exc, sums);
    if (rows > 0) m_measured.add(cycles);
    return cycles;
  }

 private:
  int m_width = 0;
  std::unique_ptr<PopcountDriver> m_core;
};

}  // namespace

void check_rtl_chip_config(const chip::ChipConfig& cfg, const std::string& where) {
  if (cfg.float_weights())
    throw Error(where + ": --backend rtl swaps in the popcount core of the 1-bit chip; this chip has float32 weights",
                "use --backend systemc for the float32-weight chip");
  const int w = cfg.synapse_sram.word_bits;
  if (!find_parameter_set(w))
    throw Error(where + ": --backend rtl needs a synapse word width the RTL core is built for (" + built_widths("or") +
                    "), not " + std::to_string(w),
                "set memories.synapse_sram.word_bits to " + built_widths("or"));
  if (cfg.popcount.per_cycle != kRtlWordsPerCycle || cfg.popcount.latency_cycles != kRtlLatencyCycles)
    throw Error(where + ": the chip config's popcount unit (" + std::to_string(cfg.popcount.per_cycle) +
                    " words/cycle, latency " + std::to_string(cfg.popcount.latency_cycles) + ") is not the RTL core (" +
                    std::to_string(kRtlWordsPerCycle) + " word/cycle, latency " + std::to_string(kRtlLatencyCycles) +
                    ")",
                "set units.popcount to {\"words_per_cycle\": 1, \"latency_cycles\": 2} to describe the RTL core");
}

sc::PopcountFactory rtl_popcount_factory() {
  return [](const sc_core::sc_module_name& name, const chip::UnitTiming& timing, sc::HwCounters& hw) {
    return std::unique_ptr<sc::PopcountUnit>(new RtlPopcountUnit(name, timing, hw));
  };
}

}  // namespace ecsim::rtl
