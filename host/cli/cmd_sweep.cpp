// ecsim sweep: design-space exploration over a grid of chip settings (host/sweep/sweep.h,
// docs/energy.md). This file only maps the flags onto a SweepConfig.
#include <algorithm>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "sweep/sweep.h"

namespace po = boost::program_options;

namespace ecsim::cli {

int cmd_sweep(const Args& args) {
  sweep::SweepConfig c;
  c.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const Usage usage{
      "--param KEY=v1,v2,... [--param ...] --out DIR [options]",
      "Every point of the grid runs the network on the SystemC chip and reports cycles, energy and SRAM\n"
      "bits; with --train-generations also the eval return of a short training with the point's arithmetic\n"
      "(docs/energy.md). Keys: cores, neurons_per_core, word_bits, rho_bits, state_bits, frac_bits, clock_hz,\n"
      "flit_bits, router_latency, link_latency, or a dotted chip config path (noc.barrier_cycles)."};
  po::options_description desc;
  desc.add_options()("param", po::value(&c.params), "KEY=v1,v2,...: one axis of the grid (repeat for more)")(
      "grid-file", po::value(&c.grid_file), "JSON file {\"KEY\": [values], ...} with more axes")(
      "chip", po::value(&c.chip_path), "chip config JSON the points start from (default: configs/chip_default.json)")(
      "energy-table", po::value(&c.energy_table),
      "energy table JSON of the points' energy (default: configs/energy_45nm.json; docs/energy.md)")(
      "out", po::value(&c.out), "directory for sweep.csv, the plots and one folder per point")(
      "task", dflt(&c.task),
      "task id (hopper, walker2d, humanoid, *-v5); the network takes its observation and action sizes")(
      "neurons", dflt(&c.neurons), "N, recurrent neurons")("rho-const", dflt(&c.rho_const),
                                                           "the same ρ for every synapse of the simulated network")(
      "max-steps", dflt(&c.max_steps),
      "env steps simulated per point (Gaussian observations); the energy per step includes loading ρ and θ once, "
      "spread over these steps")("seed", dflt(&c.seed), "seed of θ, v(0) and the observations")(
      "pop", dflt(&c.pop), "individuals per generation (for the energy per generation and the training)")(
      "horizon", dflt(&c.horizon), "env steps per episode for the energy per generation")(
      "train-generations", dflt(&c.train_generations),
      "also train this many generations per point (functional backend, the point's arithmetic)")(
      "threads", dflt(&c.threads), "points run at the same time (one child process each)");
  po::variables_map vm;
  if (!parse_flags("sweep", args, desc, vm, usage,
                   {{"base", "chip"}, {"jobs", "threads"}, {"steps", "max-steps"}, {"rho", "rho-const"}}))
    return 0;
  return sweep::run_sweep(c, std::cout);
}

}  // namespace ecsim::cli
