// bus: the register interconnect from the controller to the neuron cores. It decodes the address
// (firmware/register_map.h: one window per core) and forwards the transaction with the window's
// offset. Each hop costs no extra cycles beyond the controller's access time (chip config).
#pragma once

#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include "firmware/register_map.h"

namespace ecsim::sc {

class Bus : public sc_core::sc_module {
 public:
  // ports
  tlm_utils::simple_target_socket<Bus> from_controller;
  tlm_utils::multi_passthrough_initiator_socket<Bus> to_cores;

  explicit Bus(const sc_core::sc_module_name& name)
      : sc_module(name), from_controller("from_controller"), to_cores("to_cores") {
    from_controller.register_b_transport(this, &Bus::b_transport);
  }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const uint64_t addr = trans.get_address();
    if (addr < regs::kCoreBase) {
      trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    const uint64_t core = (addr - regs::kCoreBase) / regs::kCoreStride;
    if (core >= static_cast<uint64_t>(to_cores.size())) {
      trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    trans.set_address((addr - regs::kCoreBase) % regs::kCoreStride);
    to_cores[static_cast<int>(core)]->b_transport(trans, delay);
    trans.set_address(addr);
  }
};

}  // namespace ecsim::sc
