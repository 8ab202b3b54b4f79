#include "systemc/controller.h"

#include "firmware/register_map.h"
#include "reference/neuron.h"
#include "systemc/neuron_core.h"
#include "systemc/noc.h"

namespace ecsim::sc {

using regs::CoreCommand;
using regs::CoreReg;
using regs::MailboxReg;

Controller::Controller(const sc_core::sc_module_name& name, const ChipContext& ctx, HwCounters& hw,
                       ref::EventCounters& events, std::vector<NeuronCore*> cores, Noc& noc)
    : sc_module(name),
      to_bus("to_bus"),
      from_host("from_host"),
      m_ctx(ctx),
      m_hw(hw),
      m_events(events),
      m_cores(std::move(cores)),
      m_noc(noc),
      m_mailbox(0x1000 / 4, 0) {
  from_host.register_b_transport(this, &Controller::b_transport_host);
  SC_HAS_PROCESS(Controller);
  SC_THREAD(run);
}

void Controller::run() { firmware::firmware_main(*this); }

void Controller::b_transport_host(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
  const uint64_t off = trans.get_address() - regs::kMailboxBase;
  const size_t words = trans.get_data_length() / 4;
  if (trans.get_address() < regs::kMailboxBase || off / 4 + words > m_mailbox.size()) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  auto* data = reinterpret_cast<uint32_t*>(trans.get_data_ptr());
  for (size_t i = 0; i < words; ++i) {
    if (trans.is_write())
      m_mailbox[off / 4 + i] = data[i];
    else
      data[i] = m_mailbox[off / 4 + i];
  }
  if (trans.is_write() && off == static_cast<uint64_t>(MailboxReg::HOST_CMD)) m_host_cmd.notify(sc_core::SC_ZERO_TIME);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

uint64_t Controller::now_cycles() const {
  return static_cast<uint64_t>(m_keeper.get_current_time().to_seconds() / m_ctx.period_s + 0.5);
}

void Controller::advance(const sc_core::sc_time& t) {
  m_keeper.inc(t);
  if (m_ctx.lockstep()) sync();
}

void Controller::sync() {
  if (m_keeper.get_local_time() != sc_core::SC_ZERO_TIME) m_keeper.sync();  // no delta cycle when in step
}

void Controller::enter_phase(uint64_t* counter) {
  if (counter == m_phase) return;
  finish_phase();
  m_phase = counter;
  TraceProbe& p = m_ctx.probe;
  if (p.active()) {
    p.phase = counter == &m_hw.cycles_sample    ? 1
              : counter == &m_hw.cycles_reset   ? 2
              : counter == &m_hw.cycles_input   ? 3
              : counter == &m_hw.cycles_inner   ? 4
              : counter == &m_hw.cycles_readout ? 5
                                                : 0;
    p.inner_step = 0;
  }
}

void Controller::finish_phase() {
  uint64_t busy = 0;
  for (int c = 0; c < m_ctx.mapping.cores_used; ++c) busy += m_cores[static_cast<size_t>(c)]->busy_cycles();
  const uint64_t now = now_cycles();
  if (m_phase) {
    *m_phase += now - m_phase_start;
    m_hw.core_busy_cycles += busy - m_phase_busy_start;
    m_hw.core_idle_cycles +=
        (now - m_phase_start) * static_cast<uint64_t>(m_ctx.mapping.cores_used) - (busy - m_phase_busy_start);
  }
  m_phase = nullptr;
  if (m_ctx.probe.active()) m_ctx.probe.phase = 0;
  m_phase_start = now;
  m_phase_busy_start = busy;
}

uint32_t Controller::access(bool write, uint32_t addr, uint32_t value) {
  const sc_core::sc_time& access_time =
      m_access_time.get(m_ctx, static_cast<uint64_t>(m_ctx.config.cycles_per_register_access));
  ++m_hw.register_accesses;
  if (addr >= regs::kMailboxBase && addr < regs::kCoreBase) {  // the controller's own mailbox
    uint32_t& reg = m_mailbox[(addr - regs::kMailboxBase) / 4];
    if (write) reg = value;
    advance(access_time);
    return reg;
  }
  // the core sees the access at the firmware's time: SystemC's plus the keeper's local time
  sc_core::sc_time delay = m_keeper.get_local_time() + access_time;
  tlm::tlm_generic_payload& trans = m_trans;
  trans.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  trans.set_address(addr);
  trans.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
  trans.set_data_length(4);
  trans.set_streaming_width(4);
  trans.set_byte_enable_ptr(nullptr);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  to_bus->b_transport(trans, delay);
  if (trans.is_response_error())
    SC_REPORT_ERROR(name(), ("firmware access to an unmapped register 0x" + std::to_string(addr)).c_str());
  m_keeper.set(delay);
  if (m_ctx.lockstep()) sync();
  return value;
}

uint32_t Controller::read32(uint32_t addr) {
  // A STATUS read of a busy core stalls until the core is done (wait-for-event), then completes:
  // every poll is exactly one register access, whatever the timing. (Reading first and re-reading
  // after the done event made the count depend on which of two same-time events SystemC ran first.)
  if (addr >= regs::kCoreBase &&
      (addr - regs::kCoreBase) % regs::kCoreStride == static_cast<uint32_t>(CoreReg::STATUS)) {
    NeuronCore* core = m_cores[(addr - regs::kCoreBase) / regs::kCoreStride];
    if (m_ctx.lockstep()) {
      if (core->busy()) sc_core::wait(core->done_event());
    } else if (core->free_at() > m_keeper.get_current_time()) {
      m_keeper.set(core->free_at() - sc_core::sc_time_stamp());
    }
  }
  return access(false, addr, 0);
}

void Controller::write32(uint32_t addr, uint32_t value) {
  // phases, for the cycle report: the command written to core 0 names the phase
  if (addr == regs::core_addr(0, CoreReg::CMD)) {
    if (static_cast<CoreCommand>(value) == CoreCommand::kStep) enter_phase(&m_hw.cycles_inner);
    if (static_cast<CoreCommand>(value) == CoreCommand::kReadout) enter_phase(&m_hw.cycles_readout);
  }
  access(true, addr, value);
  if (addr == regs::mailbox_addr(MailboxReg::HOST_DONE)) {
    sync();  // the host sees the reply at the firmware's time
    finish_phase();
    m_done.notify(sc_core::SC_ZERO_TIME);
  }
}

void Controller::wait_host_command() {
  sync();
  if (m_mailbox[static_cast<size_t>(MailboxReg::HOST_CMD) / 4] == 0) sc_core::wait(m_host_cmd);
  finish_phase();
  // everything the firmware does for a host command belongs to a phase, from its first access
  switch (static_cast<regs::HostCommand>(m_mailbox[static_cast<size_t>(MailboxReg::HOST_CMD) / 4])) {
    case regs::HostCommand::kSample:
      enter_phase(&m_hw.cycles_sample);
      break;
    case regs::HostCommand::kReset:
      enter_phase(&m_hw.cycles_reset);
      break;
    case regs::HostCommand::kStep:
      enter_phase(&m_hw.cycles_input);
      break;
    case regs::HostCommand::kNone:
      break;
  }
}

void Controller::barrier() {
  if (m_ctx.probe.active()) ++m_ctx.probe.inner_step;
  const uint64_t cycles =
      m_noc.exchange(m_cores, m_ctx.mapping.cores_used) + static_cast<uint64_t>(m_ctx.config.noc.barrier_cycles);
  advance(m_barrier_time.get(m_ctx, cycles));
}

int32_t Controller::action_from_sum(int64_t sum) const {
  bool sat = false;
  const int32_t aq = ref::action_from_sum(m_ctx.desc, sum, &sat);
  m_events.action_saturations += sat;
  return aq;
}

}  // namespace ecsim::sc
