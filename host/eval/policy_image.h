// The deploy image of a trained policy (docs/training.md): what the chip needs to run it.
// A directory holding
//   policy.json      {"format":"ecsim-policy","version":1,"method":"ec"|"es","task":...,
//                     "network":{shape, arith widths, arithmetic}, "generation":g,
//                     "files":{"theta"|"weights":..., "normalizer":"normalizer.json"},
//                     "checksums":{FILE:{"bytes":n,"crc32":c}, ...}}
//   theta.bin        EC: θ* = (ρ > 0.5) in the θ file format (host/io/network_files.h), which
//                    `ecsim simulate --theta` reads
//   weights.bin      ES: the float32 weights μ, "ECSIMW01", u32 version, u64 count, floats, CRC-32
//   normalizer.json  the observation normalizer (RunningNormalizer::to_json)
#pragma once

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "eval/agent.h"
#include "reference/theta.h"
#include "tasks/normalizer.h"

namespace ecsim::eval {

struct PolicyImage {
  std::string task;
  NetSpec net;
  uint64_t generation = 0;
  tasks::RunningNormalizer norm;
  std::vector<float> params;  // EC: θ* as 0/1 in canonical order (so that ρ = params gives θ*); ES: μ
};

// network description <-> JSON (shape and widths; constants are the paper's defaults)
boost::json::object net_to_json(const NetSpec& n);
NetSpec net_from_json(const boost::json::value& v, const std::string& where);

// writes the image as one unit: staged beside dir, then swapped in (io::publish_directory)
void save_policy_image(const std::string& dir, const PolicyImage& img);
// path: the image directory, its policy.json, or a run directory (uses RUN/policy). A file whose
// size or CRC-32 differs from the manifest's checksums is an error.
PolicyImage load_policy_image(const std::string& path);

}  // namespace ecsim::eval
