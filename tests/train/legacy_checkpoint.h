// The checkpoint writer of versions 1 and 2 (raw structs), kept here so that tests can make the
// files older ecsim builds wrote and check that they still load.
#pragma once

#include <cstdint>
#include <string>

#include "common/binio.h"
#include "common/fields.h"
#include "train/checkpoint.h"

namespace ecsim::test {

// version 1: up to the frame count; version 2: then the counters as their u64 leaves in order
// (38 of HwCounters, 12 of EventCounters: as many as they had), u64 episodes, u64 first generation
inline std::string legacy_checkpoint(const train::TrainConfig& cfg, const train::ControllerState& st,
                                     uint32_t version) {
  BinWriter w;
  w.bytes("ECSIMCK1", 8);
  w.put<uint32_t>(version);
  w.put<uint32_t>(cfg.net.method == eval::Method::kEC ? 0u : 1u);
  w.put<uint32_t>(cfg.identity_crc());
  w.put<uint32_t>(0);
  w.put<uint64_t>(st.generation);
  w.put<uint64_t>(cfg.seed);
  w.vec(st.params);
  w.put<uint64_t>(st.adam.t);
  w.vec(st.adam.m);
  w.vec(st.adam.v);
  w.str(st.norm.to_binary());
  w.put<double>(st.elapsed);
  w.put<uint64_t>(st.frames_total);
  if (version >= 2) {
    auto put_words = [&w](const auto& counters, size_t words) {
      size_t i = 0;
      fields::for_each_leaf(counters, [&](const std::string&, const fields::Info&, const auto& v) {
        if (i++ < words) w.put<uint64_t>(v);
      });
    };
    put_words(st.run_hw, 38);
    put_words(st.run_events, 12);
    w.put<uint64_t>(st.run_episodes);
    w.put<uint64_t>(st.run_first_generation);
  }
  return w.finish_with_crc();
}

}  // namespace ecsim::test
