// ecsim sweep as a library: every point of a grid of chip settings runs as its own
// `ecsim simulate --backend systemc` process (and, when asked, a short functional training with
// the point's arithmetic), `threads` at a time; the results are one CSV row per point and a plot.
// A point that is invalid or crashes is reported in its row, and the others go on. docs/energy.md.
#pragma once

#include <cmath>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "chip/chip_config.h"

namespace ecsim::sweep {

struct SweepConfig {
  std::vector<std::string> params;  // KEY=v1,v2,... axes
  std::string grid_file;            // more axes from JSON; empty: none
  std::string chip_path;            // the chip config the points start from; empty: the default
  std::string energy_table;         // the energy table of the points' energy; empty: the default
  std::string out;                  // sweep.csv, sweep.png, trace.csv and point_<k>/
  std::string task = "hopper";
  int neurons = 256;
  int max_steps = 100;  // environment steps each point simulates
  int threads = 1;      // points run at the same time
  int train_generations = 0, pop = 16;
  uint64_t seed = 1, horizon = 1000;
  double rho_const = 0.5;  // the same ρ for every synapse of the simulated network
  std::string ecsim;       // the ecsim binary the points run; empty: this process's own

  // Throws ecsim::Error naming the first bad setting.
  void validate() const;
};

struct PointResult {
  std::string status = "ok", error;
  double cycles_per_step = NAN, energy_per_step_nj = NAN, energy_per_generation_mj = NAN, sram_bits = NAN,
         eval_return = NAN;
};

// The child argument vectors of one point (argv[0] is cfg.ecsim): the point's arithmetic is
// passed as the flags of ref::ArithConfig's fields (--rho-bits 10 ...) after --neurons.
std::vector<std::string> arith_args(const SweepConfig& cfg, const chip::ChipConfig& chip);
std::vector<std::string> simulate_args(const SweepConfig& cfg, const chip::ChipConfig& chip,
                                       const std::string& point_dir, int act_size);
std::vector<std::string> train_args(const SweepConfig& cfg, const chip::ChipConfig& chip, const std::string& point_dir);

// Runs the sweep, printing a line per finished point and a summary to `log`. Returns the exit
// code of `ecsim sweep`: 0 when every point is ok, else 3.
int run_sweep(SweepConfig cfg, std::ostream& log);

}  // namespace ecsim::sweep
