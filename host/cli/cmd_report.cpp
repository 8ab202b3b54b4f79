// ecsim report --compare-methods: the memory footprint of EC, ES and BPTT for a network and a
// population (the paper's §8), from hw_model/energy/footprint.h.
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "common/error.h"
#include "energy/footprint.h"
#include "tasks/env.h"

namespace po = boost::program_options;

namespace ecsim::cli {

int cmd_report(const Args& args) {
  energy::FootprintInputs in;
  std::string task = "humanoid";
  int neurons = in.shape.n_neurons, d_in = 0, d_out = 0, inner = in.shape.inner_steps;
  po::options_description desc(
      "usage: ecsim report --compare-methods [options]\n"
      "Memory footprint of the training methods (paper §8): EC and ES hold N parameter sets, O(N|θ|),\n"
      "at 1 and 32 bits; BPTT holds the intermediate results of H steps, O(NHS + |θ|). docs/energy.md.");
  desc.add_options()
    ("compare-methods", "print the footprint of EC, ES and BPTT")
    ("task", po::value(&task)->default_value(task), "take d_in and d_out from this task")
    ("neurons", po::value(&neurons)->default_value(neurons), "recurrent neurons")
    ("d-in", po::value(&d_in), "observation size (instead of --task)")
    ("d-out", po::value(&d_out), "action size (instead of --task)")
    ("inner-steps", po::value(&inner)->default_value(inner), "network steps per environment step")
    ("pop", po::value(&in.population)->default_value(in.population), "N: individuals or parallel environments (paper: 10240)")
    ("horizon", po::value(&in.horizon)->default_value(in.horizon), "environment steps per episode (BPTT's H is this × inner steps)")
    ("rho-bits", po::value(&in.rho_bits)->default_value(in.rho_bits), "q: ρ is stored in q + 1 bits");
  po::variables_map vm;
  if (!parse_flags("report", args, desc, vm)) return 0;
  if (!vm.count("compare-methods"))
    throw Error("ecsim report needs --compare-methods (the one report it makes)", "e.g. ecsim report --compare-methods --task humanoid");
  if (neurons < 2 || neurons > 1 << 20) throw Error("--neurons must be in [2, 1048576]", "e.g. --neurons 256");
  if (inner < 1) throw Error("--inner-steps must be at least 1", "e.g. --inner-steps 33");
  if (in.population < 1 || in.horizon < 1) throw Error("--pop and --horizon must be at least 1", "e.g. --pop 10240 --horizon 1000");
  if (in.rho_bits < 1 || in.rho_bits > 30) throw Error("--rho-bits must be in [1, 30]", "e.g. --rho-bits 10");
  if (vm.count("d-in") != vm.count("d-out")) throw Error("give both --d-in and --d-out, or neither (then --task sets them)", "e.g. --d-in 11 --d-out 3");
  if (!vm.count("d-in")) {
    const tasks::TaskSpec& spec = tasks::make_task_spec(task);
    d_in = spec.obs_size;
    d_out = spec.act_size;
  }
  if (d_in < 1 || d_out < 1) throw Error("--d-in and --d-out must be at least 1", "e.g. --d-in 11 --d-out 3");
  in.shape.n_neurons = neurons;
  in.shape.n_exc = neurons / 2;
  in.shape.d_in = d_in;
  in.shape.d_out = d_out;
  in.shape.inner_steps = inner;
  const auto rows = energy::compare_methods(in);
  std::printf("memory footprint of the training methods (paper §8): N = %llu, |θ| = %lld connections (N_neurons %d, d_in %d, "
              "d_out %d), H = %llu × %d steps\n\n",
              static_cast<unsigned long long>(in.population), static_cast<long long>(in.shape.total_synapses()), neurons, d_in, d_out,
              static_cast<unsigned long long>(in.horizon), inner);
  std::printf("  %-28s %16s %12s   %s\n", "method", "MiB", "vs EC", "formula");
  const double ec = rows.front().bits;
  for (const auto& r : rows)
    std::printf("  %-28s %16.3f %11.4gx   %s\n", r.method.c_str(), r.bits / 8 / 1048576, r.bits / ec, r.formula.c_str());
  std::printf("\n");
  for (const auto& r : rows) std::printf("  %s: %s\n", r.method.c_str(), r.note.c_str());
  return 0;
}

}  // namespace ecsim::cli
