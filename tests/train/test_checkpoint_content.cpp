// Checkpoint content after the checksum: a checkpoint resealed with a correct CRC around impossible
// values (ρ outside [0, 1], non-finite μ or Adam moments, negative second moments, damaged
// normalizer statistics, a normalizer size of 2^60) is refused with an error naming the field, and
// a refused --resume leaves the run directory as it was. The normalizer's JSON (a policy image's
// normalizer.json) is checked the same way.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "../common/cli.h"
#include "common/binio.h"
#include "common/error.h"
#include "small_config.h"
#include "train/checkpoint.h"

using namespace ecsim;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

train::TrainConfig config(eval::Method method) {
  train::TrainConfig c = test::small_train_config(10);
  c.net.method = method;
  if (method == eval::Method::kES) c.net.arith = ref::Arith::kFloat;
  return c;
}

// a sound state of c's sizes (what a run writes after three generations)
train::ControllerState sound_state(const train::TrainConfig& c) {
  train::ControllerState st;
  const auto n = static_cast<size_t>(c.net.param_count());
  st.generation = 3;
  st.adam.t = 3;
  st.elapsed = 1.5;
  for (size_t i = 0; i < n; ++i) {
    st.params.push_back(0.5f);
    st.adam.m.push_back(0.01f);
    st.adam.v.push_back(0.001f);
  }
  st.norm = tasks::RunningNormalizer(static_cast<size_t>(c.net.desc.shape.d_in));
  std::vector<double> obs(static_cast<size_t>(c.net.desc.shape.d_in));
  for (size_t i = 0; i < obs.size(); ++i) obs[i] = static_cast<double>(i);
  st.norm.update(obs.data());
  obs[0] = 2;
  st.norm.update(obs.data());
  return st;
}

// the error decode_checkpoint gives for this state's checkpoint ("" if it loads)
std::string decode_error(const train::TrainConfig& c, const std::string& file) {
  try {
    train::decode_checkpoint(file, c, "ckpt");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// the normalizer blob as RunningNormalizer::to_binary lays it out, with these values
std::string normalizer_blob(uint64_t size, uint64_t count, const std::vector<double>& mean,
                            const std::vector<double>& var) {
  BinWriter w;
  w.bytes("ECNORM\0\0", 8);
  w.put<uint32_t>(1);
  w.put<uint32_t>(0);
  w.put<uint64_t>(size);
  w.put<uint64_t>(count);
  for (double v : mean) w.put(v);
  for (double v : var) w.put(v);
  return w.s;
}

// a checkpoint whose normalizer section is `blob`, resealed with a correct CRC
std::string with_normalizer(const train::TrainConfig& c, const train::ControllerState& st, const std::string& blob) {
  const std::string good = train::encode_checkpoint(c, st);
  const std::string old = st.norm.to_binary();
  BinWriter w;
  w.str("normalizer");
  w.put<uint8_t>(3);  // bytes
  w.str(old);
  const size_t at = good.find(w.s);
  EXPECT_NE(at, std::string::npos);
  BinWriter nw;
  nw.str("normalizer");
  nw.put<uint8_t>(3);
  nw.str(blob);
  std::string body = good.substr(0, good.size() - 4);
  body.replace(at, w.s.size(), nw.s);
  BinWriter out;
  out.bytes(body.data(), body.size());
  return out.finish_with_crc();
}

std::string from_json_error(const std::string& text) {
  try {
    tasks::RunningNormalizer::from_json(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(TrainCheckpointContent, ImpossibleValuesAreRefusedNamingTheField) {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  struct Case {
    eval::Method method;
    std::function<void(train::ControllerState&)> damage;
    std::string needle;
  };
  const std::vector<Case> cases = {
      {eval::Method::kEC, [](auto& st) { st.params[17] = 5; }, "rho[17] = 5 is outside [0, 1]"},
      {eval::Method::kEC, [](auto& st) { st.params[0] = -0.25f; }, "rho[0] = -0.25 is outside [0, 1]"},
      {eval::Method::kEC, [&](auto& st) { st.params[3] = nan; }, "rho[3] = nan is outside [0, 1]"},
      {eval::Method::kES, [&](auto& st) { st.params[9] = inf; }, "mu[9] = inf is not finite"},
      {eval::Method::kEC, [&](auto& st) { st.adam.m[4] = nan; }, "adam_m[4] = nan is not finite"},
      {eval::Method::kEC, [](auto& st) { st.adam.v[2] = -1; }, "adam_v[2] = -1 is not a finite number >= 0"},
      {eval::Method::kES, [&](auto& st) { st.adam.v[5] = inf; }, "adam_v[5] = inf is not a finite number >= 0"},
      {eval::Method::kEC, [&](auto& st) { st.elapsed = -3; }, "elapsed = -3 s"},
      {eval::Method::kEC, [](auto& st) { st.run_first_generation = 9; }, "run_first_generation = 9"},
  };
  for (const Case& k : cases) {
    const train::TrainConfig c = config(k.method);
    train::ControllerState st = sound_state(c);
    ASSERT_EQ(decode_error(c, train::encode_checkpoint(c, st)), "");
    k.damage(st);
    const std::string e = decode_error(c, train::encode_checkpoint(c, st));  // resealed: the CRC is right
    EXPECT_TRUE(contains(e, "checkpoint 'ckpt': " + k.needle)) << e;
    EXPECT_TRUE(contains(e, "the checkpoint is damaged") || contains(e, "fix: the file is damaged")) << e;
  }
}

TEST(TrainCheckpointContent, DamagedNormalizerStatisticsAreRefused) {
  const train::TrainConfig c = config(eval::Method::kEC);
  const train::ControllerState st = sound_state(c);
  const size_t d = static_cast<size_t>(c.net.desc.shape.d_in);
  std::vector<double> mean(d, 0.5), var(d, 1.0);
  ASSERT_EQ(decode_error(c, with_normalizer(c, st, normalizer_blob(d, 10, mean, var))), "");
  struct Case {
    std::function<void(std::vector<double>&, std::vector<double>&)> damage;
    std::string needle;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  const std::vector<Case> cases = {
      {[&](auto& m, auto&) { m[3] = nan; }, "mean[3] = nan is not finite"},
      {[&](auto& m, auto&) { m[0] = -inf; }, "mean[0] = -inf is not finite"},
      {[](auto&, auto& v) { v[2] = -1; }, "summed_variance[2] = -1 is not a finite number >= 0"},
      {[&](auto&, auto& v) { v[1] = inf; }, "summed_variance[1] = inf is not a finite number >= 0"},
  };
  for (const Case& k : cases) {
    std::vector<double> m = mean, v = var;
    k.damage(m, v);
    const std::string e = decode_error(c, with_normalizer(c, st, normalizer_blob(d, 10, m, v)));
    EXPECT_TRUE(contains(e, k.needle)) << e;
  }
  // rounding a hair below zero (Welford's sums do) is not damage
  std::vector<double> v = var;
  v[0] = -1e-17;
  EXPECT_EQ(decode_error(c, with_normalizer(c, st, normalizer_blob(d, 10, mean, v))), "");
}

// A size of 2^60 makes 16 · size overflow to 0: the blob's own bytes bound it before any
// allocation, and the error names the size.
TEST(TrainCheckpointContent, AHugeNormalizerSizeIsRefusedWithoutAllocating) {
  const train::TrainConfig c = config(eval::Method::kEC);
  const train::ControllerState st = sound_state(c);
  for (const uint64_t size : {uint64_t{1} << 60, uint64_t{1} << 62, ~uint64_t{0}, uint64_t{12}}) {
    const std::string e = decode_error(c, with_normalizer(c, st, normalizer_blob(size, 1, {}, {})));
    EXPECT_TRUE(contains(e, "normalizer")) << e;
    EXPECT_TRUE(contains(e, "size " + std::to_string(size))) << e;
  }
  // the right byte count for another size than the network's
  const std::vector<double> two(2, 0.0);
  const std::string e = decode_error(c, with_normalizer(c, st, normalizer_blob(2, 1, two, two)));
  EXPECT_TRUE(contains(e, "the normalizer has the wrong size")) << e;
}

TEST(TrainCheckpointContent, NormalizerJsonIsCheckedTheSameWay) {
  const auto json_of = [](const std::string& size, const std::string& mean, const std::string& var) {
    return R"({"format":"ecsim-normalizer","version":1,"size":)" + size + R"(,"count":4,"mean":)" + mean +
           R"(,"summed_variance":)" + var + "}";
  };
  EXPECT_EQ(from_json_error(json_of("2", "[0.5,1]", "[1,2]")), "");
  EXPECT_TRUE(contains(from_json_error(json_of("2", "[0.5,1]", "[1,-2]")), "summed_variance[1] = -2"));
  EXPECT_TRUE(contains(from_json_error(json_of("2", "[1e999,1]", "[1,2]")), "mean[0] = inf is not finite"));
  // the arrays bound the size before anything is allocated
  EXPECT_TRUE(contains(from_json_error(json_of("1152921504606846976", "[0.5,1]", "[1,2]")),
                       "must have \"size\" (1152921504606846976)"));
  const std::string negative_count =
      R"({"format":"ecsim-normalizer","version":1,"size":1,"count":-4,"mean":[0],"summed_variance":[0]})";
  EXPECT_TRUE(contains(from_json_error(negative_count), "normalizer JSON")) << from_json_error(negative_count);
}

// A refused --resume changes nothing: config.json, the checkpoint and the directory's entries
// stay byte-identical (Trainer::resume reads the checkpoint before it rewrites config.json).
TEST(TrainCheckpointContent, ARefusedResumeLeavesTheRunDirectoryAsItWas) {
  const test::ScratchDir scratch("ckpt_content_resume");
  const fs::path d = scratch / "run";
  ASSERT_EQ(test::run_ecsim({"train", "--task", "hopper", "--neurons", "64", "--pop", "8", "--max-steps", "20",
                             "--eval-episodes", "2", "--no-plot", "--progress", "never", "--generations", "2", "--out",
                             d.string()})
                .code,
            0);
  const train::TrainConfig c =
      train::TrainConfig::from_json(boost::json::parse(test::read_text(d / "config.json")), "config.json");
  train::ControllerState st = train::decode_checkpoint(test::read_text(d / "checkpoint.ckpt"), c, "checkpoint.ckpt");
  st.params[17] = 5;
  {
    std::ofstream out(d / "checkpoint.ckpt", std::ios::binary);
    out << train::encode_checkpoint(c, st);
  }
  const std::string config_before = test::read_text(d / "config.json");
  const std::string ckpt_before = test::read_text(d / "checkpoint.ckpt");
  const std::set<std::string> entries_before = test::dir_entries(d);
  const test::CliResult r =
      test::run_ecsim({"train", "--resume", d.string(), "--generations", "4", "--threads", "1", "--progress", "never"});
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "rho[17] = 5 is outside [0, 1]; the checkpoint is damaged")) << r.output;
  EXPECT_EQ(test::read_text(d / "config.json"), config_before) << "the refused resume rewrote config.json";
  EXPECT_EQ(test::read_text(d / "checkpoint.ckpt"), ckpt_before);
  EXPECT_EQ(test::dir_entries(d), entries_before);
}
