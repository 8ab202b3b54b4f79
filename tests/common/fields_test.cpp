// The one description per boundary struct (common/fields.h): arithmetic, strict JSON and the
// tagged encoding, in which adding or removing a field is a compatible change.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "chip/hw_counters.h"
#include "common/fields.h"
#include "common/file.h"
#include "reference/counters.h"

namespace ecsim {
namespace {

// the same record before and after a field was added (as a checkpoint of today and one of a
// later version would hold it)
#define OLD_FIELDS(X)                \
  X(uint64_t, steps, 0, "steps")     \
  X(double, seconds, 0.0, "seconds") \
  X(std::string, task, "hopper", "task")
struct Old {
  ECSIM_DESCRIBE(Old, OLD_FIELDS)
};
#define NEW_FIELDS(X)                \
  X(uint64_t, steps, 0, "steps")     \
  X(int, spikes, 7, "spikes")        \
  X(double, seconds, 0.0, "seconds") \
  X(std::string, task, "hopper", "task")
struct New {
  ECSIM_DESCRIBE(New, NEW_FIELDS)
};
#define RANGED_FIELDS(X) X(int, bits, 10, "bits of rho", "rho_bits", 1, 16)
struct Ranged {
  ECSIM_DESCRIBE(Ranged, RANGED_FIELDS)
};

TEST(Fields, CountersAddSubtractAndScaleEveryField) {
  chip::HwCounters a, b;
  uint64_t i = 0;
  fields::for_each_leaf(a, [&](const std::string&, const fields::Info&, uint64_t& v) { v = 10 + i++; });
  EXPECT_EQ(i, 38u);  // every leaf, the SRAMs' included
  b = a;
  b += a;
  EXPECT_EQ(b, a.scaled(2));
  EXPECT_EQ(b - a, a);
  EXPECT_EQ(b.state_sram.bits_written, 2 * a.state_sram.bits_written);
  EXPECT_EQ(b.core_idle_cycles, 2 * a.core_idle_cycles);
  ref::EventCounters e;
  e.action_saturations = 3;
  e.env_steps = 1;
  ref::EventCounters f = e;
  f += e;
  EXPECT_EQ(f.action_saturations, 6u);
  EXPECT_EQ((f - e), e);
}

TEST(Fields, JsonRoundTripAndStrictReading) {
  New n;
  n.steps = 12;
  n.spikes = -3;
  n.seconds = 0.25;
  n.task = "walker2d";
  const boost::json::object o = fields::to_json(n);
  New m;
  fields::from_json(o, m, "test");
  EXPECT_EQ(m.steps, 12u);
  EXPECT_EQ(m.spikes, -3);
  EXPECT_EQ(m.seconds, 0.25);
  EXPECT_EQ(m.task, "walker2d");

  auto parse = [](const char* text) { return boost::json::parse(text).as_object(); };
  EXPECT_THROW(fields::from_json(parse(R"({"stepz": 1})"), m, "test"), Error);            // unknown key
  EXPECT_THROW(fields::from_json(parse(R"({"spikes": 4294967304})"), m, "test"), Error);  // not truncated to 8
  EXPECT_THROW(fields::from_json(parse(R"({"steps": -1})"), m, "test"), Error);           // no unsigned wrap
  EXPECT_THROW(fields::from_json(parse(R"({"steps": 1.5})"), m, "test"), Error);
  EXPECT_THROW(fields::from_json(parse(R"({"task": 3})"), m, "test"), Error);
  EXPECT_THROW(fields::from_json(parse(R"({})"), m, "test", /*require_all=*/true), Error);
  Ranged r;
  EXPECT_THROW(fields::from_json(parse(R"({"rho_bits": 17})"), r, "test"), Error);
  fields::from_json(parse(R"({"rho_bits": 16})"), r, "test");
  EXPECT_EQ(r.bits, 16);
  try {
    fields::from_json(parse(R"({"rho_bits": 0})"), r, "chip config 'x.json'");
    FAIL();
  } catch (const Error& err) {
    EXPECT_NE(std::string(err.what()).find("chip config 'x.json': rho_bits = 0 must be an integer in [1, 16]"),
              std::string::npos)
        << err.what();
  }
  try {
    fields::from_json(parse(R"({"steps": -1})"), m, "test");
    FAIL();
  } catch (const Error& err) {
    EXPECT_NE(std::string(err.what()).find("steps = -1 must be an integer in [0, 18446744073709551615]"),
              std::string::npos)
        << err.what();
  }
  EXPECT_EQ(fields::count<Ranged>(), 1u);

  New inf;
  inf.seconds = std::numeric_limits<double>::infinity();
  EXPECT_THROW(fields::to_json(inf), Error);  // JSON has no Infinity: never written
}

TEST(Fields, TaggedEncodingLoadsDataWrittenBeforeAFieldWasAdded) {
  Old old;
  old.steps = 99;
  old.seconds = 1.5;
  old.task = "humanoid";
  BinWriter w;
  fields::put_tagged(w, old);
  New n;
  BinReader r(w.s, "test data");
  fields::get_tagged(r, n);
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(n.steps, 99u);
  EXPECT_EQ(n.seconds, 1.5);
  EXPECT_EQ(n.task, "humanoid");
  EXPECT_EQ(n.spikes, 7);  // the added field keeps its default

  // and the other way: a field this version does not know is skipped, and counted
  New later;
  later.spikes = 5;
  later.steps = 3;
  BinWriter w2;
  fields::put_tagged(w2, later);
  BinReader r2(w2.s, "test data");
  const fields::Schema<Old> schema(r2);
  EXPECT_EQ(schema.unknown_fields(), 1u);
  Old o2;
  schema.get_values(r2, o2);
  EXPECT_TRUE(r2.at_end());
  EXPECT_EQ(o2.steps, 3u);
}

TEST(Fields, TaggedEncodingRejectsTruncatedOrMistypedData) {
  chip::HwCounters h;
  h.noc_flits = 77;
  BinWriter w;
  fields::put_tagged(w, h);
  for (size_t cut : {size_t{0}, size_t{3}, w.s.size() / 2, w.s.size() - 1}) {
    const std::string part = w.s.substr(0, cut);
    BinReader r(part, "test data");
    chip::HwCounters back;
    EXPECT_THROW(fields::get_tagged(r, back), Error) << cut;
  }
  BinReader r(w.s, "test data");
  chip::HwCounters back;
  fields::get_tagged(r, back);
  EXPECT_EQ(back, h);
  // the old counters under a new type: refused, not misread
  BinWriter wt;
  fields::put_tagged(wt, Old{});
  std::string bad = wt.s;
  const size_t pos = bad.find("seconds") + 7;
  bad[pos] = static_cast<char>(fields::Type::kU64);
  BinReader rt(bad, "test data");
  New nt;
  EXPECT_THROW(fields::get_tagged(rt, nt), Error);
}

TEST(Fields, ReadFileRefusesDirectoriesAndDevices) {
  const auto dir = std::filesystem::temp_directory_path() / "ecsim_fields_test";
  std::filesystem::create_directories(dir);
  EXPECT_THROW(read_file(dir.string(), "chip config"), Error);
  EXPECT_THROW(read_file("/dev/zero", "chip config"), Error);
  EXPECT_THROW(read_file((dir / "absent").string(), "chip config"), Error);
  std::ofstream(dir / "x.txt") << "abc";
  EXPECT_EQ(read_file((dir / "x.txt").string(), "x"), "abc");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ecsim
