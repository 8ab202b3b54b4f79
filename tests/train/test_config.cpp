// TrainConfig: config.json and the identity are byte-compatible with the runs earlier ecsim builds
// wrote (their checkpoints store the identity's CRC), reading is strict, and the identity holds
// exactly the settings that determine the trained bits.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <limits>
#include <string>
#include <type_traits>

#include "common/error.h"
#include "small_config.h"
#include "train/config.h"

using namespace ecsim;
namespace json = boost::json;

namespace {

// `ecsim train --task hopper --neurons 64 --pop 8 --max-steps 60 --eval-episodes 2 --generations 2`
// on a 2-core machine
train::TrainConfig small_run() {
  train::TrainConfig c = test::small_train_config(60);
  c.generations = 2;
  c.threads = 2;
  return c;
}

// that run's config.json and its checkpoint's identity CRC, as written before TrainConfig was
// listed with common/fields.h
const char* const kSmallRunJson =
    R"({"format":"ecsim-train-config","version":1,"identity":{"task":"hopper","model":"","network":{"method":"ec",)"
    R"("arith":"fixed","neurons":64,"exc":32,"d_in":11,"d_out":3,"inner_steps":33,"rho_bits":10,"state_bits":16,)"
    R"("frac_bits":10,"rate_bits":16,"rate_frac_bits":12,"const_bits":15,"input_bits":10,"input_frac_bits":6,)"
    R"("action_frac_bits":12,"word_bits":64},"pop":8,"seed":1,"lr":5E-2,"beta1":9E-1,"beta2":9.99E-1,"adam_eps":1E-8,)"
    R"("eps":1E-3,"rho_init":5E-1,"weight_decay":0E0,"es_sigma":3E-1,"es_weight_decay":1E-1,"eval_episodes":2,)"
    R"("episodes_per_individual":1,"max_steps":60,"obs_every":1},"backend":"functional","chip":"","energy_table":"",)"
    R"("kernel":"auto","generations":2,"threads":2,"checkpoint_every":10,"plot":true})";
constexpr uint32_t kSmallRunIdentityCrc = 876778423;

std::string error_of(const std::string& text) {
  try {
    train::TrainConfig::from_json(json::parse(text), "config.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

// config.json as written today: the file above plus the settings added since (time_limit_min,
// which is not part of the identity)
std::string current_json() {
  std::string s = kSmallRunJson;
  s.insert(s.size() - 1, ",\"time_limit_min\":0E0");
  return s;
}

TEST(TrainSettings, ConfigJsonAndIdentityAreByteCompatible) {
  const train::TrainConfig c = small_run();
  EXPECT_EQ(json::serialize(c.to_json()), current_json());
  EXPECT_EQ(c.identity_crc(), kSmallRunIdentityCrc);
  // the file written before time_limit_min existed still reads, with no limit
  const train::TrainConfig back = train::TrainConfig::from_json(json::parse(kSmallRunJson), "config.json");
  EXPECT_EQ(back.time_limit_min, 0.0);
  EXPECT_EQ(json::serialize(back.to_json()), current_json());
  EXPECT_EQ(back.identity_crc(), kSmallRunIdentityCrc);
  const train::TrainConfig now = train::TrainConfig::from_json(json::parse(current_json()), "config.json");
  EXPECT_EQ(json::serialize(now.to_json()), current_json());
}

TEST(TrainSettings, ReadingIsStrict) {
  const std::string good = kSmallRunJson;
  auto edited = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  EXPECT_EQ(error_of(good), "");
  EXPECT_NE(error_of(edited("\"pop\":8", "\"pops\":8")).find("pops is not a known setting"), std::string::npos);
  EXPECT_NE(error_of(edited("\"pop\":8", "\"pop\":8.5")).find("identity.pop"), std::string::npos);
  EXPECT_NE(error_of(edited("\"max_steps\":60,", "")).find("identity.max_steps is missing"), std::string::npos);
  EXPECT_NE(error_of(edited("\"threads\":2", "\"threads\":\"2\"")).find("threads must be a number"), std::string::npos);
  EXPECT_NE(error_of(edited("\"version\":1", "\"version\":2")).find("not an ecsim-train-config version 1 file"),
            std::string::npos);
  // runs written before --chip and --energy-table existed
  EXPECT_EQ(error_of(edited(R"("chip":"","energy_table":"",)", "")), "");
}

// The identity is the task, the network and the optimizer settings; the run settings (backend,
// threads, generations, ...) are not in it.
TEST(TrainSettings, IdentityHoldsWhatDeterminesTheBits) {
  const train::TrainConfig base = small_run();
  const uint32_t crc = base.identity_crc();
  auto perturb = [](auto& v) {
    using T = std::remove_cvref_t<decltype(v)>;
    if constexpr (std::is_same_v<T, bool>)
      v = !v;
    else if constexpr (std::is_arithmetic_v<T>)
      v = static_cast<T>(v + 1);
    else
      v += "x";
  };
  auto check = [&](const auto& part, bool in_identity) {
    using Part = std::remove_cvref_t<decltype(part)>;
    Part::for_each_field([&](const fields::Info& info, auto m) {
      train::TrainConfig c = base;
      perturb(static_cast<Part&>(c).*m);
      EXPECT_EQ(c.identity_crc() != crc, in_identity) << info.name;
    });
  };
  check(static_cast<const train::TrainTask&>(base), true);
  check(static_cast<const train::TrainOptimizer&>(base), true);
  check(static_cast<const train::TrainRun&>(base), false);
  train::TrainConfig es = base;
  es.net.method = eval::Method::kES;
  EXPECT_NE(es.identity_crc(), crc);
}

TEST(TrainSettings, ValidationNamesTheFlag) {
  train::TrainConfig c = small_run();
  c.es_sigma = -1;
  try {
    c.validate();
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--sigma"), std::string::npos) << e.what();
  }
  c = small_run();
  c.weight_decay = std::numeric_limits<double>::infinity();
  try {
    c.validate();
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--weight-decay must be a finite number"), std::string::npos) << e.what();
  }
}
