// The evaluator seam: the functional backend's thread-count invariance (returns, counters and
// the observation statistics bit for bit), EC and ES jobs, clear backend errors; the backend
// registry and its capabilities; one --chip rule on every backend; one chip-construction function.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "../host/cli_util.h"
#include "backends/make_chip.h"
#include "backends/systemc_evaluator.h"
#include "common/error.h"
#include "eval/evaluator.h"
#include "eval/policy_image.h"
#include "nes/nes.h"
#include "small_config.h"
#include "train/trainer.h"

using namespace ecsim;

namespace {
eval::EvaluatorConfig small_config(eval::Method m, ref::Arith a, int threads) {
  eval::EvaluatorConfig c;
  ref::NetworkShape s;
  s.n_neurons = 64;
  s.n_exc = 32;
  s.d_in = 11;
  s.d_out = 3;
  c.net.method = m;
  c.net.arith = a;
  c.net.desc = ref::make_network_desc(s);
  c.task = "hopper";
  c.threads = threads;
  c.max_steps = 60;
  return c;
}

std::vector<eval::Job> jobs_for(eval::Method m) {
  std::vector<eval::Job> jobs;
  for (uint64_t i = 0; i < 12; ++i) {
    const uint64_t s = nes::individual_seed(3, 1, i);
    if (m == eval::Method::kEC)
      jobs.push_back({s, s, eval::JobKind::kSample, true});
    else
      jobs.push_back(
          {s, nes::individual_seed(3, 1, i & ~1ull), (i & 1) ? eval::JobKind::kMinus : eval::JobKind::kPlus, true});
  }
  jobs.push_back({nes::eval_seed(3, 0), 0, eval::JobKind::kDeterministic, false});
  return jobs;
}

std::vector<float> params_for(const eval::EvaluatorConfig& c) {
  std::vector<float> p(static_cast<size_t>(c.net.param_count()));
  if (c.net.method == eval::Method::kEC) {
    for (size_t i = 0; i < p.size(); ++i) p[i] = static_cast<float>(static_cast<double>(i * 7919 % 1000) / 1000.0);
  } else {
    nes::normal_noise(5, p.size(), p.data());
  }
  return p;
}
}  // namespace

class TrainEvaluatorThreads : public ::testing::TestWithParam<int> {};

TEST_P(TrainEvaluatorThreads, ResultsIdenticalForAnyThreadCount) {
  const int mode = GetParam();
  const eval::Method m = mode == 2 ? eval::Method::kES : eval::Method::kEC;
  const ref::Arith a = mode == 1 ? ref::Arith::kFloat : ref::Arith::kFixed;
  tasks::RunningNormalizer norm(11);
  std::vector<double> x(11, 0.25);
  norm.update(x.data());
  x.assign(11, -0.5);
  norm.update(x.data());
  std::vector<eval::BatchResult> results;
  for (int threads : {1, 2, 3}) {
    auto cfg = small_config(m, a, threads);
    auto ev = eval::make_evaluator("functional", cfg);
    ev->load(params_for(cfg), norm);
    results.push_back(ev->evaluate(jobs_for(m)));
  }
  for (size_t k = 1; k < results.size(); ++k) {
    ASSERT_EQ(results[k].results.size(), results[0].results.size());
    for (size_t i = 0; i < results[0].results.size(); ++i) {
      EXPECT_EQ(results[k].results[i].ret, results[0].results[i].ret) << i;
      EXPECT_EQ(results[k].results[i].steps, results[0].results[i].steps) << i;
      EXPECT_EQ(results[k].results[i].counters, results[0].results[i].counters) << i;
    }
    EXPECT_EQ(results[k].obs_stats.to_binary(), results[0].obs_stats.to_binary());
  }
  EXPECT_GT(results[0].obs_stats.count(), 0u);
  // the individuals differ from each other
  EXPECT_NE(results[0].results[0].ret, results[0].results[1].ret);
}

INSTANTIATE_TEST_SUITE_P(Modes, TrainEvaluatorThreads, ::testing::Values(0, 1, 2));

TEST(TrainEvaluator, SameJobSameResult) {
  auto cfg = small_config(eval::Method::kEC, ref::Arith::kFixed, 2);
  auto ev = eval::make_evaluator("functional", cfg);
  ev->load(params_for(cfg), tasks::RunningNormalizer(11));
  const uint64_t s = nes::individual_seed(1, 1, 0);
  const auto r = ev->evaluate({{s, s, eval::JobKind::kSample, true}, {s, s, eval::JobKind::kSample, true}});
  EXPECT_EQ(r.results[0].ret, r.results[1].ret);
}

TEST(TrainEvaluator, UnknownBackendsAreClearErrors) {
  backends::register_backends();
  auto cfg = small_config(eval::Method::kEC, ref::Arith::kFixed, 1);
  try {
    eval::make_evaluator("gpu", cfg);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'gpu' is not known"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("rtl"), std::string::npos) << "the fix names every backend: " << e.what();
  }
}

// The trainer's generation step is independent of the thread count (ρ, Adam, normalizer bits).
TEST(TrainEvaluator, TrainerStepIndependentOfThreads) {
  std::vector<train::ControllerState> states;
  for (int threads : {1, 2}) {
    train::TrainConfig c = test::small_train_config(50);
    c.threads = threads;
    c.plot = false;
    const std::string dir =
        testing::TempDir() + "/ecsim_train_threads_" + std::to_string(::getpid()) + "_" + std::to_string(threads);
    std::filesystem::remove_all(dir);
    auto t = train::Trainer::start(c, dir);
    auto ev = eval::make_evaluator("functional", train::evaluator_config(c));
    for (int g = 0; g < 3; ++g) t.step(*ev);
    states.push_back(t.state());
    std::filesystem::remove_all(dir);
  }
  EXPECT_EQ(states[0].params, states[1].params);
  EXPECT_EQ(states[0].adam.m, states[1].adam.m);
  EXPECT_EQ(states[0].adam.v, states[1].adam.v);
  EXPECT_EQ(states[0].norm.to_binary(), states[1].norm.to_binary());
}

// The registry: every backend in the order of registration, what each can do, and an unknown
// name's error listing them all. Registering again changes nothing.
TEST(TrainEvaluatorRegistry, BackendsDescribeWhatTheyCanDo) {
  EXPECT_EQ(eval::backend_info("functional").name, "functional") << "the functional backend needs no registration";
  for (int round = 0; round < 2; ++round) {
    backends::register_backends();
    EXPECT_EQ(eval::backend_names(), (std::vector<std::string>{"functional", "systemc", "rtl"}));
  }
  EXPECT_EQ(eval::backend_choices(), "functional|systemc|rtl");
  EXPECT_EQ(eval::backend_list(), "functional, systemc or rtl");
  EXPECT_EQ(eval::backend_list(eval::simulates_chip), "systemc or rtl");
  const eval::BackendInfo& f = eval::backend_info("functional");
  EXPECT_FALSE(f.simulates_chip);
  EXPECT_FALSE(f.has_clock);
  EXPECT_FALSE(f.counts_hardware) << "the functional backend counts the chip's activity only for --chip";
  EXPECT_TRUE(f.runs_dense_float);
  EXPECT_FALSE(f.uses_rtl_units);
  for (const std::string chip : {"systemc", "rtl"}) {
    const eval::BackendInfo& c = eval::backend_info(chip);
    EXPECT_EQ(c.name, chip);
    EXPECT_TRUE(c.simulates_chip) << chip;
    EXPECT_TRUE(c.has_clock) << chip;
    EXPECT_TRUE(c.counts_hardware) << chip;
    EXPECT_FALSE(c.runs_dense_float) << chip;
    EXPECT_EQ(c.uses_rtl_units, chip == "rtl");
  }
  for (const std::string& n : eval::backend_names()) EXPECT_FALSE(eval::backend_info(n).summary.empty()) << n;
  try {
    eval::backend_info("gpu");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--backend 'gpu' is not known"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("functional, systemc or rtl"), std::string::npos) << e.what();
  }
  // a backend without a chip has none to build
  try {
    backends::make_chip("", "functional");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("simulates no chip"), std::string::npos) << e.what();
  }
}

namespace {
// a small EC policy image for hopper: θ* of params_for as ρ ∈ {0, 1}
std::string write_policy(const test::ScratchDir& dir) {
  const auto cfg = small_config(eval::Method::kEC, ref::Arith::kFixed, 1);
  eval::PolicyImage img;
  img.task = "hopper";
  img.net = cfg.net;
  img.generation = 1;
  img.norm = tasks::RunningNormalizer(11);
  for (float p : params_for(cfg)) img.params.push_back(p > 0.5f ? 1.0f : 0.0f);
  const std::string path = (dir / "policy").string();
  eval::save_policy_image(path, img);
  return path;
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n') + 1); }
}  // namespace

// The deploy image is written as one unit (staged, then swapped in) and its manifest holds each
// file's size and CRC-32: files of two different writes are refused, not mixed.
TEST(TrainPolicyImage, IsReplacedWholeAndRefusesFilesOfAnotherWrite) {
  const test::ScratchDir dir("policy_image_unit");
  const std::string path = write_policy(dir);
  eval::PolicyImage img = eval::load_policy_image(path);
  EXPECT_EQ(img.generation, 1u);
  // a second write replaces the directory: nothing staged is left beside or inside it
  img.generation = 2;
  img.norm = tasks::RunningNormalizer(11);
  std::vector<double> obs(11, 3.0);
  img.norm.update(obs.data());
  eval::save_policy_image(path, img);
  EXPECT_EQ(eval::load_policy_image(path).generation, 2u);
  EXPECT_EQ(test::dir_entries(dir.path()), std::set<std::string>({"policy"}));
  EXPECT_EQ(test::dir_entries(path), std::set<std::string>({"normalizer.json", "policy.json", "theta.bin"}));
  // the first image's normalizer beside the second image's manifest: a mix, refused
  const std::string other = (dir / "other").string();
  img.norm = tasks::RunningNormalizer(11);
  eval::save_policy_image(other, img);
  std::filesystem::copy_file(other + "/normalizer.json", path + "/normalizer.json",
                             std::filesystem::copy_options::overwrite_existing);
  try {
    eval::load_policy_image(path);
    FAIL() << "a normalizer of another write was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not match the checksum"), std::string::npos) << e.what();
  }
  // a file, not a directory, where the image goes: refused, and left as it is
  test::write_text(dir / "file", "mine");
  EXPECT_THROW(eval::save_policy_image((dir / "file").string(), img), Error);
  EXPECT_EQ(test::read_text(dir / "file"), "mine");
}

// One --chip rule: eval, simulate and train take --chip on every backend, with one meaning: the
// chip backends simulate that chip, the functional backend counts its activity. The returns do not
// depend on it, and a missing config is the same error on every backend and subcommand.
TEST(TrainEvaluatorChipFlag, EveryBackendTakesChipWithOneMeaning) {
  const test::ScratchDir dir("chip_rule");
  const std::string policy = write_policy(dir);
  const std::string chip = std::string(ECSIM_SOURCE_DIR) + "/configs/chip_default.json";
  const std::string none = (dir / "none.json").string();
  const std::string eval = "eval " + policy + " --episodes 2 --max-steps 40 --threads 1";
  const auto plain = test::run_ecsim(eval);
  ASSERT_EQ(plain.code, 0) << plain.output;
  for (const std::string backend : {"functional", "systemc", "rtl"}) {
    const auto r = test::run_ecsim(eval + " --backend " + backend + " --chip " + chip);
    ASSERT_EQ(r.code, 0) << backend << ": " << r.output;
    EXPECT_EQ(first_line(r.output), first_line(plain.output)) << backend;
    const std::string counted =
        "chip activity counted by the functional backend (" + chip + ", no cycles): synapse SRAM ";
    if (backend == "functional")
      EXPECT_NE(r.output.find(counted), std::string::npos) << r.output;
    else
      EXPECT_NE(r.output.find("chip (" + backend + "): "), std::string::npos) << r.output;
    for (const std::string& cmd :
         {eval + " --backend " + backend + " --chip " + none,
          "train --task hopper --neurons 64 --pop 4 --generations 1 --progress never --backend " + backend +
              " --chip " + none + " --out " + (dir / ("run_" + backend)).string()}) {
      const auto bad = test::run_ecsim(cmd);
      EXPECT_EQ(bad.code, 2) << cmd;
      EXPECT_NE(bad.output.find("cannot open chip config '" + none + "'"), std::string::npos) << cmd << "\n"
                                                                                              << bad.output;
    }
  }
  EXPECT_EQ(plain.output.find("chip"), std::string::npos) << "no chip without --chip on the functional backend";
  std::string help;  // the help with its line wrapping undone
  std::istringstream help_text(test::run_ecsim("eval --help").output);
  for (std::string word; help_text >> word;) help += word + ' ';
  EXPECT_NE(help.find("the same chip on every backend: --backend systemc/rtl simulate it"), std::string::npos) << help;
  EXPECT_NE(help.find("--backend functional checks the policy against it and counts its activity"), std::string::npos)
      << help;
}

// The chip evaluator and `ecsim simulate` build their chips with the one backends::make_chip: a
// chip config the RTL core is not is the same error from eval, simulate and train.
TEST(TrainEvaluatorChipFlag, EvaluatorAndSimulateBuildTheSameChip) {
  const test::ScratchDir dir("chip_same");
  const std::string policy = write_policy(dir);
  std::string cfg = test::read_text(std::string(ECSIM_SOURCE_DIR) + "/configs/chip_default.json");
  const size_t at = cfg.find("\"latency_cycles\": 2");  // the popcount unit's, the first unit listed
  ASSERT_NE(at, std::string::npos);
  cfg.replace(at, 19, "\"latency_cycles\": 3");
  test::write_text(dir / "slow.json", cfg);
  std::string trace = "obs_0";
  for (int i = 1; i < 11; ++i) trace += ",obs_" + std::to_string(i);
  trace += "\n0,0,0,0,0,0,0,0,0,0,0\n";
  test::write_text(dir / "trace.csv", trace);
  const std::string slow = " --chip " + (dir / "slow.json").string();
  std::vector<std::string> errors;
  for (const std::string& cmd :
       {"eval " + policy + " --backend rtl" + slow,
        "simulate --trace " + (dir / "trace.csv").string() + " --rho-const 0.5 --d-out 3 --backend rtl" + slow +
            " --out " + (dir / "a.csv").string(),
        "train --task hopper --neurons 64 --pop 4 --progress never --backend rtl" + slow + " --out " +
            (dir / "run").string()}) {
    const auto r = test::run_ecsim(cmd);
    EXPECT_EQ(r.code, 2) << cmd << "\n" << r.output;
    EXPECT_NE(r.output.find("latency 3"), std::string::npos) << cmd << "\n" << r.output;
    errors.push_back(r.output.substr(r.output.find(": error: ")));
  }
  EXPECT_EQ(errors[0], errors[1]);
  EXPECT_EQ(errors[0], errors[2]);
  // the same config on the SystemC unit model is fine, in both
  EXPECT_EQ(test::run_ecsim("eval " + policy + " --episodes 1 --max-steps 10 --backend systemc" + slow).code, 0);
}
