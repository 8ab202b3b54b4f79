#include "systemc/host_link.h"

#include "firmware/register_map.h"

#include <cmath>

namespace ecsim::sc {

using regs::MailboxReg;

HostLink::HostLink(const sc_core::sc_module_name& name, const ChipContext& ctx, HwCounters& hw)
    : sc_module(name), to_controller("to_controller"), m_ctx(ctx), m_hw(hw) {
  SC_HAS_PROCESS(HostLink);
  SC_THREAD(run);
}

sc_core::sc_time HostLink::link_time(uint64_t bytes) {
  // whole cycles, so that the cycle report adds up exactly
  const double s =
      m_ctx.config.host_link.latency_ns * 1e-9 + static_cast<double>(bytes) / m_ctx.config.host_link.bytes_per_second;
  const auto cycles = static_cast<uint64_t>(std::ceil(s / m_ctx.period_s));
  m_hw.cycles_host_link += cycles;
  return sc_core::sc_time(static_cast<double>(cycles) * m_ctx.period_s, sc_core::SC_SEC);
}

void HostLink::request(uint32_t command, uint64_t seed, const std::vector<uint32_t>& data, size_t reply_words,
                       const sc_core::sc_event* controller_done) {
  m_command = command;
  m_seed = seed;
  m_data = data;
  m_reply_words = reply_words;
  m_controller_done = controller_done;
  m_pending = true;
  m_request.notify(sc_core::SC_ZERO_TIME);
}

void HostLink::dma(uint64_t bytes) {
  m_dma_bytes = bytes;
  m_command = 0;
  m_pending = true;
  m_request.notify(sc_core::SC_ZERO_TIME);
}

void HostLink::transfer(bool write, uint32_t addr, uint32_t* words, size_t n) {
  tlm::tlm_generic_payload trans;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  trans.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  trans.set_address(addr);
  trans.set_data_ptr(reinterpret_cast<unsigned char*>(words));
  trans.set_data_length(static_cast<unsigned>(4 * n));
  trans.set_streaming_width(static_cast<unsigned>(4 * n));
  trans.set_byte_enable_ptr(nullptr);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  to_controller->b_transport(trans, delay);
  if (trans.is_response_error()) SC_REPORT_ERROR(name(), "host link transfer to an unmapped mailbox address");
}

void HostLink::run() {
  while (true) {
    // the flag, not only the event: a request made before the first sc_start() has no waiter yet
    while (!m_pending) sc_core::wait(m_request);
    if (m_command == 0) {  // DMA of ρ
      m_hw.host_bytes_in += m_dma_bytes;
      sc_core::wait(link_time(m_dma_bytes));
      m_pending = false;
      continue;
    }
    // in: the command word, the seed and the data
    const uint64_t in_bytes = 4 + 8 + 4 * m_data.size();
    m_hw.host_bytes_in += in_bytes;
    sc_core::wait(link_time(in_bytes));
    if (!m_data.empty()) transfer(true, regs::mailbox_addr(MailboxReg::HOST_DATA), m_data.data(), m_data.size());
    uint32_t seed[2] = {static_cast<uint32_t>(m_seed), static_cast<uint32_t>(m_seed >> 32)};
    transfer(true, regs::mailbox_addr(MailboxReg::HOST_SEED_LO), seed, 2);
    transfer(true, regs::mailbox_addr(MailboxReg::HOST_CMD), &m_command, 1);
    sc_core::wait(*m_controller_done);
    // out: the result words and the done flag
    m_reply.assign(m_reply_words, 0);
    if (m_reply_words) transfer(false, regs::mailbox_addr(MailboxReg::HOST_DATA), m_reply.data(), m_reply_words);
    const uint64_t out_bytes = 4 + 4 * m_reply_words;
    m_hw.host_bytes_out += out_bytes;
    sc_core::wait(link_time(out_bytes));
    m_pending = false;
  }
}

}  // namespace ecsim::sc
