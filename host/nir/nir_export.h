// A trained EC policy as a NIR graph (the Neuromorphic Intermediate Representation, Pedersen et
// al., Nature Communications 15, 8122, 2024; reference implementation github.com/neuromorphs/NIR),
// written as HDF5 in the layout of NIR's nir/serialization.py. docs/nir.md has the mapping.
#pragma once

#include <string>

#include "eval/policy_image.h"

namespace ecsim::nir {

// the NIR version whose file layout this writes (root dataset `version`)
inline constexpr const char* kNirVersion = "1.0.7";
// the version of ecsim's own metadata in the graph (`ecsim.format_version`)
inline constexpr int kFormatVersion = 1;

// Writes img (an EC policy; an ES policy is an ecsim::Error) to path: a temporary beside it,
// then renamed over it. Throws ecsim::Error on any HDF5 failure, leaving no file behind.
void export_nir(const eval::PolicyImage& img, const std::string& path);

}  // namespace ecsim::nir
