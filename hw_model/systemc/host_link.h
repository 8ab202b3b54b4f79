// host_link: the link between the host and the chip. A host command (seed or observation in,
// actions out) crosses it as a TLM-2.0 transaction into the controller's mailbox; its time is the
// link latency plus bytes / bandwidth each way (chip config), and its bytes are counted.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>
#include <vector>

#include "chip/hw_counters.h"
#include "systemc/chip_context.h"

namespace ecsim::sc {

class HostLink : public sc_core::sc_module {
 public:
  // ports
  tlm_utils::simple_initiator_socket<HostLink> to_controller;

  HostLink(const sc_core::sc_module_name& name, const ChipContext& ctx, HwCounters& hw);

  // what the host asks; the chip's answer lands in `reply` (HOST_DATA words)
  void request(uint32_t command, uint64_t seed, const std::vector<uint32_t>& data, size_t reply_words,
               const sc_core::sc_event* controller_done);
  bool idle() const { return !m_pending; }
  const std::vector<uint32_t>& reply() const { return m_reply; }
  // a bulk transfer straight into the chip's memories (ρ): only its time and bytes
  void dma(uint64_t bytes);

 private:
  void run();  // SC_THREAD
  void transfer(bool write, uint32_t addr, uint32_t* words, size_t n);
  sc_core::sc_time link_time(uint64_t bytes);  // also counts the cycles

  const ChipContext& m_ctx;
  HwCounters& m_hw;
  bool m_pending = false;
  uint32_t m_command = 0;
  uint64_t m_seed = 0, m_dma_bytes = 0;
  std::vector<uint32_t> m_data, m_reply;
  size_t m_reply_words = 0;
  const sc_core::sc_event* m_controller_done = nullptr;
  sc_core::sc_event m_request;
};

}  // namespace ecsim::sc
