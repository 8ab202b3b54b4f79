// The chip's register map, defined once (X-macros) and used by the SystemC model and the
// firmware; the "Register map" section of docs/microarchitecture.md lists it (keep the two in
// step). Every register is 32 bits. Addresses: a window per neuron core, a window for the
// controller's host mailbox.
#pragma once

#include <cstdint>

namespace ecsim::regs {

// the address window of core c: kCoreBase + c · kCoreStride; the mailbox: kMailboxBase
constexpr uint32_t kCoreBase = 0x0001'0000;
constexpr uint32_t kCoreStride = 0x0001'0000;
constexpr uint32_t kMailboxBase = 0x0000'1000;

// core registers: X(name, offset, access, meaning)
#define ECSIM_CORE_REGISTERS(X)                                                             \
  X(CMD, 0x000, "W", "command to run: see CoreCommand")                                     \
  X(STATUS, 0x004, "R", "1 while a command runs, 0 when done")                              \
  X(SEED_LO, 0x008, "W", "seed of SAMPLE / RESET, low 32 bits")                             \
  X(SEED_HI, 0x00c, "W", "seed of SAMPLE / RESET, high 32 bits")                            \
  X(OUT_INDEX, 0x010, "W", "which output's partial sum SUM_LO / SUM_HI return")             \
  X(SUM_LO, 0x014, "R", "partial readout sum of OUT_INDEX, low 32 bits (two's complement)") \
  X(SUM_HI, 0x018, "R", "partial readout sum of OUT_INDEX, high 32 bits")                   \
  X(SPIKES, 0x01c, "R", "spikes of this core in the last inner step")                       \
  X(INPUT_BASE, 0x400, "W", "x_q[i] at INPUT_BASE + 4·i (int32), the quantized observation")

// The register enumerators keep the documented register names (CMD, SEED_LO, ...), so code and
// the map's table read alike; every other enumerator in ecsim is kCamelCase.
enum class CoreReg : uint32_t {
#define ECSIM_REG_ENUM(name, off, acc, doc) name = off,
  ECSIM_CORE_REGISTERS(ECSIM_REG_ENUM)
#undef ECSIM_REG_ENUM
};

enum class CoreCommand : uint32_t {
  kSample = 1,   // θ of this core's synapses from the ρ SRAM and SEED (docs/spec.md §6.2)
  kReset = 2,    // v(0) from SEED, i_syn = rate = spikes = 0 (§5.1)
  kInput = 3,    // i_in of this core's neurons from the x_q in INPUT_BASE (§4.2)
  kStep = 4,     // one inner step from the spikes delivered by the NoC (§5.2)
  kReadout = 5,  // partial readout sums of this core's neurons (§4.3)
};

// the controller's host mailbox: X(name, offset, access, meaning)
#define ECSIM_MAILBOX_REGISTERS(X)                                               \
  X(HOST_CMD, 0x000, "RW", "host command, see HostCommand; 0 when idle")         \
  X(HOST_SEED_LO, 0x004, "W", "seed argument, low 32 bits")                      \
  X(HOST_SEED_HI, 0x008, "W", "seed argument, high 32 bits")                     \
  X(HOST_DONE, 0x00c, "R", "incremented by the firmware when a command is done") \
  X(HOST_DATA, 0x100, "RW", "arguments and results: x_q in, a_q out (int32 each)")

enum class MailboxReg : uint32_t {
#define ECSIM_REG_ENUM(name, off, acc, doc) name = off,
  ECSIM_MAILBOX_REGISTERS(ECSIM_REG_ENUM)
#undef ECSIM_REG_ENUM
};

enum class HostCommand : uint32_t {
  kNone = 0,
  kSample = 1,  // every core samples θ from its ρ SRAM with HOST_SEED_LO/HI
  kReset = 2,   // every core resets its state with HOST_SEED_LO/HI
  kStep = 3,    // x_q in HOST_DATA: input, T inner steps, readout; a_q out in HOST_DATA
};

constexpr uint32_t core_addr(int core, CoreReg r) {
  return kCoreBase + static_cast<uint32_t>(core) * kCoreStride + static_cast<uint32_t>(r);
}
constexpr uint32_t mailbox_addr(MailboxReg r) { return kMailboxBase + static_cast<uint32_t>(r); }

}  // namespace ecsim::regs
