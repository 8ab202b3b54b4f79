// The chip as data: shipped configs load and hold the paper's networks; every kind of bad config
// gets an error naming the key and the fix.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <functional>
#include <sstream>

#include "chip/chip_config.h"
#include "common/error.h"

using namespace ecsim;
using namespace ecsim::chip;

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string kDefault = std::string(ECSIM_SOURCE_DIR) + "/configs/chip_default.json";

ref::NetworkShape shape(int n, int d_in, int d_out) {
  ref::NetworkShape s;
  s.n_neurons = n;
  s.n_exc = n / 2;
  s.d_in = d_in;
  s.d_out = d_out;
  return s;
}

// the default config with one edit applied to its JSON tree
std::string edited(const std::function<void(boost::json::object&)>& edit) {
  boost::json::value v = boost::json::parse(read(kDefault));
  edit(v.as_object());
  return boost::json::serialize(v);
}

void expect_error(const std::string& text, const std::string& needle) {
  try {
    parse_chip_config(text, "'test.json'");
    FAIL() << "expected an error mentioning '" << needle << "'";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("test.json"), std::string::npos) << "the error names the file: " << e.what();
  }
}

}  // namespace

TEST(ChipConfig, ShippedConfigsLoadAndHoldThePapersNetworks) {
  const ChipConfig c = load_chip_config(kDefault);
  EXPECT_EQ(c.cores, 4);
  EXPECT_EQ(c.capacity_neurons(), 256);
  EXPECT_EQ(c.arith.state_bits, 16);
  EXPECT_EQ(c.arith.syn_word_bits, 64);
  for (auto [d_in, d_out] : {std::pair{11, 3}, {17, 6}, {376, 17}, {348, 17}}) {
    const Mapping m = map_network(c, shape(256, d_in, d_out));
    EXPECT_EQ(m.cores_used, 4);
    EXPECT_GT(m.synapse_bits_per_core, 64 * 256);  // at least the recurrent rows
  }
  for (const char* f : {"chip_16core_1024.json", "chip_64core_4096.json"}) {
    const ChipConfig big = load_chip_config(std::string(ECSIM_SOURCE_DIR) + "/configs/" + f);
    EXPECT_NO_THROW(map_network(big, shape(big.capacity_neurons(), 376, 17))) << f;
  }
}

TEST(ChipConfig, MappingCountsFollowTheDocumentedLayout) {
  const ChipConfig c = load_chip_config(kDefault);
  const Mapping m = map_network(c, shape(256, 11, 3));
  // per neuron: ceil(256/64) + ceil(22/64) + ceil(3/64) = 6 words; 64 neurons per core
  EXPECT_EQ(m.synapse_bits_per_core, 64 * 6 * 64);
  // synapses per core 64·(256+22+3) = 17984, 11-bit ρ, 5 per 64-bit word -> 3597 words
  EXPECT_EQ(m.rho_bits_per_core, 3597 * 64);
  // state: 3·16 + 16 + 1 = 65 bits -> 2 words per neuron
  EXPECT_EQ(m.state_bits_per_core, 64 * 2 * 64);
}

TEST(ChipConfig, NetworksThatDoNotFitAreRejectedWithTheShortfall) {
  const ChipConfig c = load_chip_config(kDefault);
  try {
    map_network(c, shape(512, 11, 3));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("holds 256"), std::string::npos) << e.what();
  }
  const ChipConfig tiny = parse_chip_config(
      edited([](boost::json::object& o) { o["memories"].as_object()["synapse_sram"].as_object()["words"] = 100; }),
      "'tiny.json'");
  try {
    map_network(tiny, shape(256, 11, 3));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("synapse_sram of a core needs 384 words"), std::string::npos) << e.what();
  }
  const ChipConfig narrow = parse_chip_config(
      edited([](boost::json::object& o) { o["memories"].as_object()["rho_sram"].as_object()["word_bits"] = 8; }),
      "'n.json'");
  EXPECT_THROW(map_network(narrow, shape(256, 11, 3)), Error);
  // float32 weights: 32 times the synapse words; the default chip's SRAM cannot hold them
  const ChipConfig fl = parse_chip_config(edited([](boost::json::object& o) { o["weight_bits"] = 32; }), "'f.json'");
  try {
    map_network(fl, shape(256, 11, 3));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("needs " + std::to_string(64 * (128 + 11 + 2))), std::string::npos)
        << e.what();
  }
  const ChipConfig fl16 = parse_chip_config(edited([](boost::json::object& o) {
                                              o["weight_bits"] = 32;
                                              o["memories"].as_object()["synapse_sram"].as_object()["word_bits"] = 16;
                                            }),
                                            "'f16.json'");
  try {
    map_network(fl16, shape(256, 11, 3));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("multiple of 32 bits"), std::string::npos) << e.what();
  }
}

TEST(ChipConfig, BadConfigsNameTheKey) {
  expect_error("{ not json", "not valid JSON");
  expect_error(edited([](boost::json::object& o) { o["weight_bits"] = 16; }), "weight_bits = 16 must be 1 or 32");
  expect_error(edited([](boost::json::object& o) {
                 o.erase("weight_bits");
                 o["synapse_weights"] = "float16";
               }),
               "synapse_weights is \"float16\"");
  expect_error(edited([](boost::json::object& o) { o["synapse_weights"] = "float32"; }),
               "synapse_weights and weight_bits are both given");
  expect_error(edited([](boost::json::object& o) { o["format"] = "ecsim-chip/9"; }), "format");
  expect_error(edited([](boost::json::object& o) { o.erase("noc"); }), "noc is missing");
  expect_error(edited([](boost::json::object& o) { o["clock_mhz"] = 5; }), "clock_mhz is not a known setting");
  expect_error(edited([](boost::json::object& o) { o["clock_hz"] = -1; }), "clock_hz = -1 must be positive");
  expect_error(edited([](boost::json::object& o) { o["cores"].as_object()["count"] = "4"; }),
               "cores.count must be a number");
  expect_error(edited([](boost::json::object& o) { o["cores"].as_object()["count"] = 2.5; }), "cores.count = 2.5");
  // beyond int64's range: a clear error, not an undefined cast (found by tests/fuzz/fuzz_chip_config)
  expect_error(edited([](boost::json::object& o) { o["cores"].as_object()["count"] = 6.4e20; }),
               "cores.count = 6.4e+20 must be an integer in [1, 65536]");
  expect_error(
      edited([](boost::json::object& o) { o["memories"].as_object()["state_sram"].as_object()["words"] = -1e19; }),
      "memories.state_sram.words = -1e+19 must be an integer in [1, 1099511627776]");
  expect_error(edited([](boost::json::object& o) { o["noc"].as_object()["columns"] = 3; }), "columns × rows");
  expect_error(edited([](boost::json::object& o) { o["noc"].as_object()["topology"] = "torus"; }), "noc.topology");
  expect_error(edited([](boost::json::object& o) { o["arith"].as_object()["frac_bits"] = 15; }), "frac_bits");
  expect_error(
      edited([](boost::json::object& o) { o["memories"].as_object()["state_sram"].as_object().erase("words"); }),
      "memories.state_sram.words is missing");
  EXPECT_THROW(load_chip_config("/nonexistent/chip.json"), Error);
}

TEST(ChipConfig, TheInCodeDefaultIsTheShippedDefault) {
  const ChipConfig shipped = load_chip_config(kDefault);
  ChipConfig in_code;
  in_code.path = shipped.path;
  EXPECT_TRUE(shipped == in_code) << "chip_config.h's defaults and configs/chip_default.json disagree";
}

TEST(ChipConfig, TheOldWeightKeyStillLoadsWithANoteOnce) {
  const std::string old_key = edited([](boost::json::object& o) {
    o.erase("weight_bits");
    o["synapse_weights"] = "float32";
  });
  testing::internal::CaptureStderr();
  const ChipConfig old_config = parse_chip_config(old_key, "'old.json'");
  const ChipConfig again = parse_chip_config(old_key, "'old.json'");
  const std::string note = testing::internal::GetCapturedStderr();
  EXPECT_EQ(note, "note: chip config 'old.json': key \"synapse_weights\" is deprecated, write \"weight_bits\"\n");
  ChipConfig new_config =
      parse_chip_config(edited([](boost::json::object& o) { o["weight_bits"] = 32; }), "'old.json'");
  EXPECT_TRUE(old_config == new_config);
  EXPECT_TRUE(again == new_config);
  EXPECT_EQ(old_config.weight_bits, 32);
  // a config without either key has 1-bit weights
  EXPECT_EQ(parse_chip_config(edited([](boost::json::object& o) { o.erase("weight_bits"); }), "'t.json'").weight_bits,
            1);
}

// the arith section has one key per field of ECSIM_ARITH_FIELDS the chip fixes, with the list's range
TEST(ChipConfig, EveryArithFieldIsReadFromItsKey) {
  const ChipConfig base = load_chip_config(kDefault);
  int fixed = 0;
  ref::ArithConfig::for_each_field([&](const fields::Info& info, auto m) {
    const std::string key(info.external());
    if (!chip_fixes(m)) {
      EXPECT_EQ(base.arith.*m, base.synapse_sram.word_bits) << key << " comes from memories.synapse_sram.word_bits";
      expect_error(edited([&](boost::json::object& o) { o["arith"].as_object()[key] = 64; }),
                   "arith." + key + " is not a known setting");
      return;
    }
    ++fixed;
    const int value = base.arith.*m - 1;  // one below the default: in range, and valid with the other defaults
    const ChipConfig c =
        parse_chip_config(edited([&](boost::json::object& o) { o["arith"].as_object()[key] = value; }), "'t.json'");
    ref::ArithConfig want = base.arith;
    want.*m = value;
    EXPECT_TRUE(c.arith == want) << key;
    const int lo = static_cast<int>(info.lo), hi = static_cast<int>(info.hi);
    expect_error(edited([&](boost::json::object& o) { o["arith"].as_object()[key] = lo - 1; }),
                 "arith." + key + " = " + std::to_string(lo - 1) + " must be an integer in [" + std::to_string(lo) +
                     ", " + std::to_string(hi) + "]");
    expect_error(edited([&](boost::json::object& o) { o["arith"].as_object().erase(key); }),
                 "arith." + key + " is missing");
  });
  EXPECT_EQ(fixed, static_cast<int>(fields::count<ref::ArithConfig>()) - 1);
}

TEST(ChipConfig, OneArithmeticCheckNamesEveryDifferingField) {
  const ChipConfig chip = load_chip_config(kDefault);
  EXPECT_NO_THROW(check_network_arith(chip, chip.arith));
  ref::ArithConfig::for_each_field([&](const fields::Info& info, auto m) {
    ref::ArithConfig net = chip.arith;
    net.*m = chip.arith.*m / 2;
    if (!chip_fixes(m)) {
      EXPECT_NO_THROW(check_network_arith(chip, net)) << info.name << ": the chip derives it";
      return;
    }
    try {
      check_network_arith(chip, net);
      ADD_FAILURE() << info.name << " differs and passed";
    } catch (const Error& e) {
      const std::string want = std::string(info.name) + " = " + std::to_string(net.*m) +
                               " (the chip's: " + std::to_string(chip.arith.*m) + ")";
      EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(chip.path), std::string::npos) << e.what();
    }
  });
  ref::ArithConfig two = chip.arith;
  two.state_bits = 12;
  two.action_frac_bits = 8;
  try {
    check_network_arith(chip, two);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("state_bits = 12 (the chip's: 16), action_frac_bits = 8 (the chip's: 12)"),
              std::string::npos)
        << e.what();
  }
}
