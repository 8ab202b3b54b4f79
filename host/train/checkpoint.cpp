#include "train/checkpoint.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <type_traits>

#include "common/binio.h"
#include "common/error.h"

namespace ecsim::train {

namespace {

constexpr char kMagic[9] = "ECSIMCK1";
const std::string kDamaged = "the file is damaged; start a new run";

// the "run" section: what ties the checkpoint to its config.json
#define ECSIM_CHECKPOINT_RUN_FIELDS(X)                                                    \
  X(uint32_t, method, 0, "0: EC, 1: ES")                                                  \
  X(uint32_t, identity_crc, 0, "CRC-32 of the config's identity (TrainConfig::identity)") \
  X(uint64_t, seed, 0, "the run seed")                                                    \
  X(uint64_t, adam_t, 0, "Adam steps taken (= generation)")
struct CheckpointRun {
  ECSIM_DESCRIBE(CheckpointRun, ECSIM_CHECKPOINT_RUN_FIELDS)
};

enum class Kind : uint8_t { kTagged = 1, kFloats = 2, kBytes = 3 };

uint32_t method_code(const TrainConfig& cfg) { return cfg.net.method == eval::Method::kEC ? 0u : 1u; }

void put_section(BinWriter& w, const std::string& name, Kind kind, const std::string& payload) {
  w.str(name);
  w.put<uint8_t>(static_cast<uint8_t>(kind));
  w.str(payload);
}
template <class S>
void put_tagged_section(BinWriter& w, const std::string& name, const S& s) {
  BinWriter p;
  fields::put_tagged(p, s);
  put_section(w, name, Kind::kTagged, p.s);
}
void put_floats_section(BinWriter& w, const std::string& name, const std::vector<float>& v) {
  BinWriter p;
  p.vec(v);
  put_section(w, name, Kind::kFloats, p.s);
}

// the sections of a version-3 file, by name (names this ecsim does not know are ignored)
class Sections {
 public:
  Sections(BinReader& r, const std::string& what) : m_what(what) {
    while (!r.at_end()) {
      std::string name = r.str();
      const auto kind = static_cast<Kind>(r.get<uint8_t>());
      std::string payload = r.str();
      if (!m_sections.emplace(name, Section{kind, std::move(payload)}).second)
        throw Error(m_what + " holds section '" + name + "' twice", kDamaged);
    }
  }
  template <class S>
  void tagged(const std::string& name, S& s) const {
    const std::string& p = payload(name, Kind::kTagged);
    BinReader r(p, m_what + " section '" + name + "'");
    fields::get_tagged(r, s);
    if (!r.at_end()) throw Error(r.what() + " has trailing bytes", kDamaged);
  }
  std::vector<float> floats(const std::string& name, uint64_t expected) const {
    const std::string& p = payload(name, Kind::kFloats);
    BinReader r(p, m_what + " section '" + name + "'");
    std::vector<float> v = r.vec<float>(expected);
    if (!r.at_end()) throw Error(r.what() + " has trailing bytes", kDamaged);
    return v;
  }
  const std::string& bytes(const std::string& name) const { return payload(name, Kind::kBytes); }

 private:
  struct Section {
    Kind kind;
    std::string payload;
  };
  const std::string& payload(const std::string& name, Kind kind) const {
    const auto it = m_sections.find(name);
    if (it == m_sections.end()) throw Error(m_what + " has no section '" + name + "'", kDamaged);
    if (it->second.kind != kind)
      throw Error(m_what + ": section '" + name + "' has another kind than this ecsim's", kDamaged);
    return it->second.payload;
  }
  std::string m_what;
  std::map<std::string, Section> m_sections;
};

// Versions 1 and 2 wrote the counters as raw structs: their u64 leaves in order, as many as
// HwCounters and EventCounters had then (later fields keep their defaults).
constexpr size_t kV2HwWords = 38, kV2EventWords = 12;
template <class S>
void get_raw_words(BinReader& r, S& s, size_t words) {
  size_t i = 0;
  fields::for_each_leaf(s, [&](const std::string&, const fields::Info&, auto& v) {
    static_assert(std::is_same_v<std::remove_cvref_t<decltype(v)>, uint64_t>, "version-2 counters were all u64");
    if (i++ < words) v = r.get<uint64_t>();
  });
  if (i < words)
    throw Error(r.what() + " holds more counters than this ecsim knows", "resume it with the ecsim that wrote it");
}

// checked before the state is read: a wrong config gives this error, not a size mismatch
void check_run(const CheckpointRun& run, const TrainConfig& cfg, const std::string& what) {
  if (run.method != method_code(cfg))
    throw Error(what + " was written by a --method " + (run.method ? "es" : "ec") + " run, the config says --method " +
                    eval::method_name(cfg.net.method),
                "the run directory is inconsistent; start a new run");
  if (run.identity_crc != cfg.identity_crc())
    throw Error(what + " belongs to a different configuration than the run's config.json",
                "config.json was edited or replaced; restore it or start a new run");
  if (run.seed != cfg.seed) throw Error(what + ": the run seed differs from config.json", "restore config.json");
}

void check_generation(const ControllerState& st, const std::string& what) {
  if (st.generation > static_cast<uint64_t>(1) << 40 || st.adam.t != st.generation)
    throw Error(what + " has an inconsistent generation counter", kDamaged);
}

std::string number_text(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.9g", v);
  return b;
}

// the values, after the CRC and the sizes: a checkpoint resealed with a correct CRC around
// impossible numbers is refused before training uses them
void check_content(const ControllerState& st, const TrainConfig& cfg, const std::string& what) {
  const auto refuse = [&](const std::string& name, size_t i, float v, const std::string& rule) {
    throw Error(what + ": " + name + "[" + std::to_string(i) + "] = " + number_text(v) + " " + rule +
                    "; the checkpoint is damaged",
                kDamaged);
  };
  const bool is_ec = cfg.net.method == eval::Method::kEC;
  for (size_t i = 0; i < st.params.size(); ++i) {
    const float v = st.params[i];
    if (is_ec && !(v >= 0.0f && v <= 1.0f)) refuse("rho", i, v, "is outside [0, 1]");
    if (!is_ec && !std::isfinite(v)) refuse("mu", i, v, "is not finite");
  }
  for (size_t i = 0; i < st.adam.m.size(); ++i)
    if (!std::isfinite(st.adam.m[i])) refuse("adam_m", i, st.adam.m[i], "is not finite");
  for (size_t i = 0; i < st.adam.v.size(); ++i)
    if (!(std::isfinite(st.adam.v[i]) && st.adam.v[i] >= 0.0f))
      refuse("adam_v", i, st.adam.v[i], "is not a finite number >= 0");
  if (!(std::isfinite(st.elapsed) && st.elapsed >= 0))
    throw Error(what + ": elapsed = " + number_text(st.elapsed) + " s is not a finite number >= 0", kDamaged);
  if (st.run_first_generation < 1 || st.run_first_generation > st.generation + 1)
    throw Error(what + ": run_first_generation = " + std::to_string(st.run_first_generation) +
                    " is outside [1, generation + 1 = " + std::to_string(st.generation + 1) + "]",
                kDamaged);
}

tasks::RunningNormalizer get_normalizer(const std::string& blob, const TrainConfig& cfg, const std::string& what) {
  tasks::RunningNormalizer norm;
  try {
    norm = tasks::RunningNormalizer::from_binary(blob);
  } catch (const Error& e) {
    throw Error(what + ": the normalizer blob is bad (" + e.what() + ")", kDamaged);
  }
  if (norm.size() != static_cast<size_t>(cfg.net.desc.shape.d_in))
    throw Error(what + ": the normalizer has the wrong size", kDamaged);
  return norm;
}

// versions 1 and 2: u32 method, u32 identity CRC, u32 reserved, u64 generation, u64 seed, params,
// u64 adam t, adam m, adam v, normalizer blob, f64 elapsed, u64 frames, then (version 2) the
// counters as raw structs, u64 episodes, u64 first generation
ControllerState decode_raw(BinReader& r, uint32_t version, const TrainConfig& cfg, const std::string& what) {
  CheckpointRun run;
  run.method = r.get<uint32_t>();
  run.identity_crc = r.get<uint32_t>();
  r.get<uint32_t>();
  ControllerState st;
  st.generation = r.get<uint64_t>();
  run.seed = r.get<uint64_t>();
  check_run(run, cfg, what);
  const auto n = static_cast<uint64_t>(cfg.net.param_count());
  st.params = r.vec<float>(n);
  st.adam.t = r.get<uint64_t>();
  st.adam.m = r.vec<float>(n);
  st.adam.v = r.vec<float>(n);
  st.norm = get_normalizer(r.str(), cfg, what);
  st.elapsed = r.get<double>();
  st.frames_total = r.get<uint64_t>();
  if (version >= 2) {
    get_raw_words(r, st.run_hw, kV2HwWords);
    get_raw_words(r, st.run_events, kV2EventWords);
    st.run_episodes = r.get<uint64_t>();
    st.run_first_generation = r.get<uint64_t>();
  } else {
    st.run_first_generation = st.generation + 1;  // the totals start at this resume
  }
  if (!r.at_end()) throw Error(what + " has trailing bytes", kDamaged);
  check_generation(st, what);
  check_content(st, cfg, what);
  return st;
}

}  // namespace

std::string encode_checkpoint(const TrainConfig& cfg, const ControllerState& st) {
  BinWriter w;
  w.bytes(kMagic, 8);
  w.put<uint32_t>(kCheckpointVersion);
  CheckpointRun run;
  run.method = method_code(cfg);
  run.identity_crc = cfg.identity_crc();
  run.seed = cfg.seed;
  run.adam_t = st.adam.t;
  put_tagged_section(w, "run", run);
  put_tagged_section(w, "state", static_cast<const ControllerScalars&>(st));
  put_floats_section(w, "params", st.params);
  put_floats_section(w, "adam_m", st.adam.m);
  put_floats_section(w, "adam_v", st.adam.v);
  put_section(w, "normalizer", Kind::kBytes, st.norm.to_binary());
  put_tagged_section(w, "run_hw", st.run_hw);
  put_tagged_section(w, "run_events", st.run_events);
  return w.finish_with_crc();
}

ControllerState decode_checkpoint(const std::string& data, const TrainConfig& cfg, const std::string& where) {
  const std::string what = "checkpoint '" + where + "'";
  if (data.size() < 8 || data.compare(0, 8, kMagic, 8) != 0)
    throw Error(what + " is not an ecsim checkpoint (bad magic)", "the file is damaged; restore it or start a new run");
  check_crc(data, what);
  const std::string body = data.substr(0, data.size() - 4);
  BinReader r(body, what);
  r.pos = 8;
  const uint32_t version = r.get<uint32_t>();
  if (version < 1 || version > kCheckpointVersion)
    throw Error(what + " has format version " + std::to_string(version) + ", this ecsim reads versions 1 to " +
                    std::to_string(kCheckpointVersion),
                "resume it with the ecsim that wrote it");
  if (version < 3) return decode_raw(r, version, cfg, what);

  const Sections sections(r, what);
  CheckpointRun run;
  sections.tagged("run", run);
  check_run(run, cfg, what);
  ControllerState st;
  st.adam.t = run.adam_t;
  sections.tagged("state", static_cast<ControllerScalars&>(st));
  const auto n = static_cast<uint64_t>(cfg.net.param_count());
  st.params = sections.floats("params", n);
  st.adam.m = sections.floats("adam_m", n);
  st.adam.v = sections.floats("adam_v", n);
  st.norm = get_normalizer(sections.bytes("normalizer"), cfg, what);
  sections.tagged("run_hw", st.run_hw);
  sections.tagged("run_events", st.run_events);
  check_generation(st, what);
  check_content(st, cfg, what);
  return st;
}

}  // namespace ecsim::train
