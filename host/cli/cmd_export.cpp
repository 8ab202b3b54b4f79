// ecsim export RUN|IMAGE --nir FILE.nir: a trained EC policy as a NIR graph (host/nir/nir_export.h,
// docs/nir.md), for snnTorch, Norse, Sinabs, Rockpool, Lava-DL and the other NIR readers.
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "common/error.h"
#include "eval/policy_image.h"
#include "nir/nir_export.h"

namespace po = boost::program_options;

namespace ecsim::cli {

int cmd_export(const Args& args_in) {
  Args args = args_in;
  std::string path = take_leading_operand(args), nir_path;
  po::options_description desc;
  const Usage usage{"RUN_DIR|IMAGE --nir FILE.nir",
                    "Writes a trained EC policy as a NIR graph (HDF5): the network's nodes with their parameters,\n"
                    "and the discretization, fixed-point widths, normalizer and raw bits as metadata (docs/nir.md)."};
  desc.add_options()("policy", po::value(&path),
                     "run directory, policy image directory or its policy.json (or give it first)")(
      "nir", po::value(&nir_path), "the NIR file to write (HDF5, e.g. policy.nir)");
  po::variables_map vm;
  if (!parse_flags("export", args, desc, vm, usage)) return 0;
  if (path.empty())
    throw Error("ecsim export needs a run directory or policy image", "e.g. ecsim export runs/hopper-ec --nir p.nir");
  if (nir_path.empty()) throw Error("ecsim export needs --nir FILE", "e.g. ecsim export runs/hopper-ec --nir p.nir");
  check_outputs({{"--nir", nir_path}});
  const eval::PolicyImage img = eval::load_policy_image(path);
  nir::export_nir(img, nir_path);
  std::printf("wrote %s (NIR %s: %s, N = %d, generation %llu)\n", nir_path.c_str(), nir::kNirVersion, img.task.c_str(),
              img.net.desc.shape.n_neurons, static_cast<unsigned long long>(img.generation));
  return 0;
}

}  // namespace ecsim::cli
