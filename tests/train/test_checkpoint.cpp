// The checkpoint codec: round trip, the tagged sections of version 3 (a field added to a described
// struct, or a section added, is a compatible change), versions 1 and 2 (raw structs) and a
// newer version than this ecsim's.
#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/binio.h"
#include "common/fields.h"
#include "legacy_checkpoint.h"
#include "train/checkpoint.h"

using namespace ecsim;

namespace {

train::TrainConfig small_config() {
  train::TrainConfig c;
  ref::NetworkShape s;
  s.n_neurons = 16;
  s.n_exc = 8;
  s.d_in = 3;
  s.d_out = 2;
  c.net.desc = ref::make_network_desc(s);
  c.pop = 8;
  c.seed = 5;
  return c;
}

// a state with every part nonzero
train::ControllerState some_state(const train::TrainConfig& c) {
  train::ControllerState st;
  const auto n = static_cast<size_t>(c.net.param_count());
  st.generation = 7;
  st.elapsed = 12.5;
  st.frames_total = 4321;
  st.run_episodes = 99;
  st.run_first_generation = 2;
  for (size_t i = 0; i < n; ++i) {
    st.params.push_back(0.25f + 0.001f * static_cast<float>(i));
    st.adam.m.push_back(-0.5f * static_cast<float>(i));
    st.adam.v.push_back(0.125f * static_cast<float>(i));
  }
  st.adam.t = 7;
  st.norm = tasks::RunningNormalizer(3);
  uint64_t k = 1;
  fields::for_each_leaf(st.run_hw, [&](const std::string&, const fields::Info&, uint64_t& v) { v = k++; });
  fields::for_each_leaf(st.run_events, [&](const std::string&, const fields::Info&, uint64_t& v) { v = 1000 + k++; });
  return st;
}

void expect_same(const train::ControllerState& a, const train::ControllerState& b) {
  EXPECT_EQ(a.generation, b.generation);
  EXPECT_EQ(a.elapsed, b.elapsed);
  EXPECT_EQ(a.frames_total, b.frames_total);
  EXPECT_EQ(a.run_episodes, b.run_episodes);
  EXPECT_EQ(a.run_first_generation, b.run_first_generation);
  EXPECT_EQ(a.params, b.params);
  EXPECT_EQ(a.adam.t, b.adam.t);
  EXPECT_EQ(a.adam.m, b.adam.m);
  EXPECT_EQ(a.adam.v, b.adam.v);
  EXPECT_EQ(a.norm.to_binary(), b.norm.to_binary());
  EXPECT_TRUE(a.run_hw == b.run_hw);
  EXPECT_TRUE(a.run_events == b.run_events);
}

// a version-3 file's sections, and the file made of edited ones
struct Section {
  std::string name;
  uint8_t kind;
  std::string payload;
};
constexpr size_t kHeader = 12;  // magic, u32 version
std::vector<Section> sections_of(const std::string& ckpt) {
  const std::string body = ckpt.substr(0, ckpt.size() - 4);
  BinReader r(body, "test");
  r.pos = kHeader;
  std::vector<Section> s;
  while (!r.at_end()) {
    Section x;
    x.name = r.str();
    x.kind = r.get<uint8_t>();
    x.payload = r.str();
    s.push_back(std::move(x));
  }
  return s;
}
std::string file_of(const std::string& ckpt, const std::vector<Section>& sections) {
  BinWriter w;
  w.bytes(ckpt.data(), kHeader);
  for (const Section& x : sections) {
    w.str(x.name);
    w.put<uint8_t>(x.kind);
    w.str(x.payload);
  }
  return w.finish_with_crc();
}
Section& section(std::vector<Section>& s, const std::string& name) {
  for (Section& x : s)
    if (x.name == name) return x;
  throw std::runtime_error("no section " + name);
}

// The tagged record of counters (all u64) as a writer whose struct lacked `drop` and had `extra`
// would write it: what an older or a newer ecsim puts in the file.
template <class S>
std::string tagged_counters(const S& s, const std::string& drop, const std::string& extra = {}) {
  std::vector<std::pair<std::string, uint64_t>> leaves;
  fields::for_each_leaf(s, [&](const std::string& path, const fields::Info&, const uint64_t& v) {
    if (path != drop) leaves.emplace_back(path, v);
  });
  if (!extra.empty()) leaves.emplace_back(extra, 77);
  BinWriter w;
  w.put<uint32_t>(static_cast<uint32_t>(leaves.size()));
  for (const auto& l : leaves) {
    w.str(l.first);
    w.put<uint8_t>(static_cast<uint8_t>(fields::Type::kU64));
  }
  for (const auto& l : leaves) w.put<uint64_t>(l.second);
  return w.s;
}

// ControllerScalars as it was before a field (run_episodes) was added
#define ECSIM_OLD_SCALAR_FIELDS(X) \
  X(uint64_t, generation, 0, "")   \
  X(double, elapsed, 0, "")        \
  X(uint64_t, frames_total, 0, "") \
  X(uint64_t, run_first_generation, 1, "")
struct OldScalars {
  ECSIM_DESCRIBE(OldScalars, ECSIM_OLD_SCALAR_FIELDS)
};

}  // namespace

TEST(TrainCheckpoint, RoundTripsEveryPart) {
  const train::TrainConfig c = small_config();
  const train::ControllerState st = some_state(c);
  const std::string data = train::encode_checkpoint(c, st);
  expect_same(train::decode_checkpoint(data, c, "t"), st);
  std::vector<std::string> names;
  for (const Section& s : sections_of(data)) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"run", "state", "params", "adam_m", "adam_v", "normalizer", "run_hw",
                                             "run_events"}));
}

// A checkpoint written before a counter existed loads after it was added: the counter is 0, the
// rest as written. Also for a nested counter and a state scalar.
TEST(TrainCheckpoint, AFieldAddedLaterLoadsWithItsDefault) {
  const train::TrainConfig c = small_config();
  const train::ControllerState st = some_state(c);
  const std::string data = train::encode_checkpoint(c, st);
  std::vector<Section> s = sections_of(data);
  section(s, "run_events").payload = tagged_counters(st.run_events, "action_saturations");
  section(s, "run_hw").payload = tagged_counters(st.run_hw, "state_sram.bits_written");
  {  // the state record without run_episodes
    OldScalars old;
    old.generation = st.generation;
    old.elapsed = st.elapsed;
    old.frames_total = st.frames_total;
    old.run_first_generation = st.run_first_generation;
    BinWriter w;
    fields::put_tagged(w, old);
    section(s, "state").payload = w.s;
  }
  const train::ControllerState got = train::decode_checkpoint(file_of(data, s), c, "t");
  train::ControllerState want = st;
  want.run_events.action_saturations = 0;
  want.run_hw.state_sram.bits_written = 0;
  want.run_episodes = 0;
  expect_same(got, want);
  EXPECT_NE(st.run_events.action_saturations, 0u);
}

// What a newer writer adds (a field it knows, a section it knows) is skipped.
TEST(TrainCheckpoint, FieldsAndSectionsOfANewerWriterAreSkipped) {
  const train::TrainConfig c = small_config();
  const train::ControllerState st = some_state(c);
  const std::string data = train::encode_checkpoint(c, st);
  std::vector<Section> s = sections_of(data);
  section(s, "run_events").payload = tagged_counters(st.run_events, "", "dendrite_events");
  s.insert(s.begin() + 2, Section{"future", 3, "whatever it holds"});
  expect_same(train::decode_checkpoint(file_of(data, s), c, "t"), st);
  // but a section this ecsim needs must be there
  s.erase(s.begin() + 2);
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i].name == "adam_v") s.erase(s.begin() + static_cast<long>(i));
  try {
    train::decode_checkpoint(file_of(data, s), c, "t");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no section 'adam_v'"), std::string::npos) << e.what();
  }
}

TEST(TrainCheckpoint, ANewerVersionIsAClearError) {
  const train::TrainConfig c = small_config();
  std::string data = train::encode_checkpoint(c, some_state(c));
  data.resize(data.size() - 4);
  const uint32_t v = train::kCheckpointVersion + 1;
  std::memcpy(&data[8], &v, 4);
  BinWriter w;
  w.bytes(data.data(), data.size());
  try {
    train::decode_checkpoint(w.finish_with_crc(), c, "t");
    FAIL();
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("has format version " + std::to_string(v)), std::string::npos) << msg;
    EXPECT_NE(msg.find("reads versions 1 to " + std::to_string(train::kCheckpointVersion)), std::string::npos) << msg;
  }
}

// The raw-struct files of versions 1 and 2 still load; version 1 has no run totals (they start at
// the resume).
TEST(TrainCheckpoint, VersionsOneAndTwoStillLoad) {
  const train::TrainConfig c = small_config();
  const train::ControllerState st = some_state(c);
  expect_same(train::decode_checkpoint(test::legacy_checkpoint(c, st, 2), c, "t"), st);
  const train::ControllerState v1 = train::decode_checkpoint(test::legacy_checkpoint(c, st, 1), c, "t");
  train::ControllerState want = st;
  want.run_hw = {};
  want.run_events = {};
  want.run_episodes = 0;
  want.run_first_generation = st.generation + 1;
  expect_same(v1, want);
}

TEST(TrainCheckpoint, AnotherConfigurationIsRefused) {
  const train::TrainConfig c = small_config();
  const std::string data = train::encode_checkpoint(c, some_state(c));
  train::TrainConfig other = c;
  other.lr = 0.2;
  for (const std::string& ckpt : {data, test::legacy_checkpoint(c, some_state(c), 2)}) {
    try {
      train::decode_checkpoint(ckpt, other, "t");
      FAIL();
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("different configuration"), std::string::npos) << e.what();
    }
  }
  train::TrainConfig threads = c;  // not part of the identity
  threads.threads = 7;
  threads.generations = 3;
  EXPECT_NO_THROW(train::decode_checkpoint(data, threads, "t"));
}
