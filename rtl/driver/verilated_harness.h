// What every driver's Verilated model shares: the model V in a context of its own, an optional
// VCD waveform, the clock, and the teardown (the coverage file of a coverage build, the context
// made current first where the model needs it). Each driver adds only its ports.
#pragma once

#include <verilated.h>
#include <verilated_vcd_c.h>

#include <memory>
#include <string>

#include "driver/coverage.h"

namespace ecsim::rtl {

template <class V>
class VerilatedHarness {
 public:
  VerilatedHarness() = default;
  VerilatedHarness(const VerilatedHarness&) = delete;
  VerilatedHarness& operator=(const VerilatedHarness&) = delete;
  ~VerilatedHarness() { close(""); }  // a driver that did not close: no coverage, the model ends
  // a model named `top` (the VCD's scope); with a path, its waveform is written there
  void open(const char* top, const std::string& vcd_path) {
    if (!vcd_path.empty()) {
      m_ctx.traceEverOn(true);
      m_trace = std::make_unique<VerilatedVcdC>();
    }
    m_top = std::make_unique<V>(&m_ctx, top);
    if (m_trace) {
      m_top->trace(m_trace.get(), 99);
      m_trace->open(vcd_path.c_str());
    }
  }
  // Ends the model: the waveform closed, final blocks run, the coverage of a coverage build
  // written as `coverage_stem` (none if empty). Models with named assertions have scopes, which
  // Verilator 5.006 unregisters from the thread's current context rather than from their own; for
  // them `own_context_current` makes the model's context current while it goes.
  void close(const std::string& coverage_stem, bool own_context_current = false) {
    if (!m_top) return;
    if (m_trace) m_trace->close();
    m_top->final();
    if (!coverage_stem.empty()) write_coverage(m_ctx, coverage_stem);
    if (own_context_current) Verilated::threadContextp(&m_ctx);
    m_top.reset();
  }

  V* operator->() { return m_top.get(); }
  const V* operator->() const { return m_top.get(); }

  // clk low and evaluated: this cycle's combinational outputs (ready, valid) can be read
  void fall() {
    m_top->clk = 0;
    m_top->eval();
  }
  // the rising edge; with a waveform, the cycle's two samples (so it shows whole cycles)
  void rise() {
    m_top->clk = 1;
    m_top->eval();
    if (m_trace) {
      m_ctx.timeInc(1);
      m_trace->dump(m_ctx.time());
      m_top->clk = 0;
      m_top->eval();
      m_ctx.timeInc(1);
      m_trace->dump(m_ctx.time());
    }
  }

 private:
  VerilatedContext m_ctx;
  std::unique_ptr<VerilatedVcdC> m_trace;
  std::unique_ptr<V> m_top;
};

}  // namespace ecsim::rtl
