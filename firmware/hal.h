// The register HAL the firmware is written against. In the SystemC model it is implemented by
// the controller's TLM initiator socket (every access a TLM-2.0 transaction, timed and counted).
#pragma once

#include <cstdint>

namespace ecsim::firmware {

class Hal {
 public:
  virtual ~Hal() = default;
  virtual uint32_t read32(uint32_t addr) = 0;
  virtual void write32(uint32_t addr, uint32_t value) = 0;
  virtual void wait_host_command() = 0;  // sleeps until the host writes HOST_CMD
  virtual void barrier() = 0;            // waits for the NoC to deliver every spike, then the barrier
  // the chip's static facts the firmware needs (from the chip config and the loaded network)
  virtual int cores_used() const = 0;
  virtual int inner_steps() const = 0;
  virtual int inputs() const = 0;
  virtual int outputs() const = 0;
  virtual int32_t action_from_sum(int64_t sum) const = 0;  // the readout's final scaling (spec §4.3)
};

// The firmware's entry point: serves host commands forever.
[[noreturn]] void firmware_main(Hal& hal);

}  // namespace ecsim::firmware
