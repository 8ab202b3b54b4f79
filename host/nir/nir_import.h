// A NIR graph that fits the chip, read back as a policy image: the `--nir FILE` of `ecsim simulate`
// and `ecsim rollout`, which then run it exactly as they run `--policy` (docs/nir.md, "Import").
#pragma once

#include <string>

#include "eval/policy_image.h"

namespace ecsim::nir {

// A file that export_nir wrote (it has `ecsim.format` in its metadata) is restored exactly from
// the metadata: θ*'s bits, widths, arithmetic, normalizer, task and generation; its weights must
// be what those bits and the scales give. A graph without that metadata (from another tool) gets
// θ from its weights' zero pattern, the default widths, fixed arithmetic, an identity normalizer
// and the task its sizes fit; `task` (a task id, or "") settles a choice between tasks of the
// same sizes. Anything the chip cannot run is an ecsim::Error naming the node, the parameter,
// its value and what the chip has.
eval::PolicyImage import_nir(const std::string& path, const std::string& task = "");

}  // namespace ecsim::nir
