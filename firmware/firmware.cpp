// The chip controller's firmware: serves the host's commands by driving the neuron cores through
// their registers. It runs inside the SystemC model on the controller (firmware/hal.h).
#include "firmware/hal.h"
#include "firmware/register_map.h"

namespace ecsim::firmware {

using regs::CoreCommand;
using regs::CoreReg;
using regs::MailboxReg;

namespace {

// start a command on every used core, then wait until all are done
void run_on_all_cores(Hal& hal, CoreCommand cmd) {
  for (int c = 0; c < hal.cores_used(); ++c) hal.write32(regs::core_addr(c, CoreReg::CMD), static_cast<uint32_t>(cmd));
  for (int c = 0; c < hal.cores_used(); ++c)
    while (hal.read32(regs::core_addr(c, CoreReg::STATUS)) != 0) {
    }
}

void copy_seed(Hal& hal) {
  const uint32_t lo = hal.read32(regs::mailbox_addr(MailboxReg::HOST_SEED_LO));
  const uint32_t hi = hal.read32(regs::mailbox_addr(MailboxReg::HOST_SEED_HI));
  for (int c = 0; c < hal.cores_used(); ++c) {
    hal.write32(regs::core_addr(c, CoreReg::SEED_LO), lo);
    hal.write32(regs::core_addr(c, CoreReg::SEED_HI), hi);
  }
}

void step(Hal& hal) {
  // the quantized observation goes to every core's input buffer
  const uint32_t data = regs::mailbox_addr(MailboxReg::HOST_DATA);
  for (int i = 0; i < hal.inputs(); ++i) {
    const uint32_t x = hal.read32(data + 4 * static_cast<uint32_t>(i));
    for (int c = 0; c < hal.cores_used(); ++c)
      hal.write32(regs::core_addr(c, CoreReg::INPUT_BASE) + 4 * static_cast<uint32_t>(i), x);
  }
  run_on_all_cores(hal, CoreCommand::kInput);
  for (int t = 0; t < hal.inner_steps(); ++t) {
    run_on_all_cores(hal, CoreCommand::kStep);
    hal.barrier();  // every core's spikes reach every core before the next step
  }
  run_on_all_cores(hal, CoreCommand::kReadout);
  for (int k = 0; k < hal.outputs(); ++k) {
    int64_t sum = 0;
    for (int c = 0; c < hal.cores_used(); ++c) {
      hal.write32(regs::core_addr(c, CoreReg::OUT_INDEX), static_cast<uint32_t>(k));
      const uint64_t lo = hal.read32(regs::core_addr(c, CoreReg::SUM_LO));
      const uint64_t hi = hal.read32(regs::core_addr(c, CoreReg::SUM_HI));
      sum += static_cast<int64_t>(lo | (hi << 32));
    }
    hal.write32(data + 4 * static_cast<uint32_t>(k), static_cast<uint32_t>(hal.action_from_sum(sum)));
  }
}

}  // namespace

void firmware_main(Hal& hal) {
  while (true) {
    hal.wait_host_command();
    const auto cmd = static_cast<regs::HostCommand>(hal.read32(regs::mailbox_addr(MailboxReg::HOST_CMD)));
    switch (cmd) {
      case regs::HostCommand::kSample:
        copy_seed(hal);
        run_on_all_cores(hal, CoreCommand::kSample);
        break;
      case regs::HostCommand::kReset:
        copy_seed(hal);
        run_on_all_cores(hal, CoreCommand::kReset);
        break;
      case regs::HostCommand::kStep:
        step(hal);
        break;
      case regs::HostCommand::kNone:
        break;
    }
    hal.write32(regs::mailbox_addr(MailboxReg::HOST_CMD), 0);
    hal.write32(regs::mailbox_addr(MailboxReg::HOST_DONE), hal.read32(regs::mailbox_addr(MailboxReg::HOST_DONE)) + 1);
  }
}

}  // namespace ecsim::firmware
