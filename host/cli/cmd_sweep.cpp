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
  c.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  po::options_description desc(
      "usage: ecsim sweep --param KEY=v1,v2,... [--param ...] --out DIR [options]\n"
      "Design-space sweep over chip settings (docs/energy.md): every point of the grid runs the network on\n"
      "the SystemC chip and reports cycles, energy and SRAM bits; with --train-generations also the eval\n"
      "return of a short training with the point's arithmetic. Keys: cores, neurons_per_core, word_bits,\n"
      "rho_bits, state_bits, frac_bits, clock_hz, flit_bits, router_latency, link_latency, or a dotted\n"
      "chip config path (noc.barrier_cycles).");
  desc.add_options()("param", po::value(&c.params), "KEY=v1,v2,...: one axis of the grid (repeat for more)")(
      "grid-file", po::value(&c.grid_file), "JSON file {\"KEY\": [values], ...} with more axes")(
      "base", po::value(&c.base_path), "the chip config the points start from (default: configs/chip_default.json)")(
      "out", po::value(&c.out), "directory for sweep.csv, the plots and one folder per point")(
      "task", po::value(&c.task)->default_value(c.task), "the task whose observation and action sizes the network has")(
      "neurons", po::value(&c.neurons)->default_value(c.neurons), "N, recurrent neurons")(
      "rho", po::value(&c.rho)->default_value(c.rho), "connection probability of the simulated network")(
      "steps", po::value(&c.steps)->default_value(c.steps),
      "environment steps simulated per point (Gaussian observations); the energy per step includes loading ρ and θ "
      "once, spread over these steps")("seed", po::value(&c.seed)->default_value(c.seed),
                                       "seed of θ, v(0) and the observations")(
      "pop", po::value(&c.pop)->default_value(c.pop), "population of a generation (energy per generation; training)")(
      "horizon", po::value(&c.horizon)->default_value(c.horizon),
      "env steps per episode for the energy per generation")(
      "train-generations", po::value(&c.train_generations)->default_value(c.train_generations),
      "also train this many generations per point (functional backend, the point's arithmetic)")(
      "jobs", po::value(&c.jobs)->default_value(c.jobs), "points run at the same time");
  po::variables_map vm;
  if (!parse_flags("sweep", args, desc, vm)) return 0;
  return sweep::run_sweep(c, std::cout);
}

}  // namespace ecsim::cli
