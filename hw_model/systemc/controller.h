// controller: the chip's control processor. It runs the firmware (firmware/firmware.cpp) in an
// SC_THREAD; the firmware's register accesses become TLM-2.0 transactions on the register bus,
// each timed and counted (loosely timed: the delay argument carries the firmware's local time
// when it runs ahead, ChipContext::lockstep). It owns the host mailbox, which the host link writes.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>
#include <systemc>
#include <tlm>
#include <vector>

#include "chip/hw_counters.h"
#include "firmware/hal.h"
#include "reference/counters.h"
#include "systemc/chip_context.h"

namespace ecsim::sc {

class NeuronCore;
class Noc;

class Controller : public sc_core::sc_module, private firmware::Hal {
 public:
  // ports
  tlm_utils::simple_initiator_socket<Controller> to_bus;
  tlm_utils::simple_target_socket<Controller> from_host;

  Controller(const sc_core::sc_module_name& name, const ChipContext& ctx, HwCounters& hw, ref::EventCounters& events,
             std::vector<NeuronCore*> cores, Noc& noc);

  const sc_core::sc_event& command_done() const { return m_done; }
  void finish_phase();  // attributes the cycles since the last phase change (called at command end)

 private:
  void run();  // SC_THREAD: the firmware
  void b_transport_host(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  uint32_t access(bool write, uint32_t addr, uint32_t value);

  // firmware::Hal
  uint32_t read32(uint32_t addr) override;
  void write32(uint32_t addr, uint32_t value) override;
  void wait_host_command() override;
  void barrier() override;
  int cores_used() const override { return m_ctx.mapping.cores_used; }
  int inner_steps() const override { return m_ctx.desc.shape.inner_steps; }
  int inputs() const override { return m_ctx.desc.shape.d_in; }
  int outputs() const override { return m_ctx.desc.shape.d_out; }
  int32_t action_from_sum(int64_t sum) const override;

  void enter_phase(uint64_t* counter);
  uint64_t now_cycles() const;
  // time passes for the firmware: waited in lockstep, else added to the keeper's local time
  void advance(const sc_core::sc_time& t);
  void sync();  // SystemC time catches up with the firmware's

  const ChipContext& m_ctx;
  HwCounters& m_hw;
  ref::EventCounters& m_events;
  std::vector<NeuronCore*> m_cores;
  Noc& m_noc;
  std::vector<uint32_t> m_mailbox;
  sc_core::sc_event m_host_cmd, m_done;
  uint64_t* m_phase = nullptr;
  uint64_t m_phase_start = 0, m_phase_busy_start = 0;
  // the firmware's time ahead of SystemC's (always zero in lockstep); synced before the controller
  // waits for the host or tells it a command is done
  tlm_utils::tlm_quantumkeeper m_keeper;
  tlm::tlm_generic_payload m_trans;  // reused by every register access
  CycleTimeMemo m_access_time, m_barrier_time;
};

}  // namespace ecsim::sc
