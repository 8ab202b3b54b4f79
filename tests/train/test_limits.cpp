// The documented upper limits (train/config.h, docs/guarantees.md "Limits"): a value above one is
// refused with rc 2 before anything is allocated or written, naming the value, the limit and the
// flag to lower; and running out of threads or memory is a clear error, never an abort.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "../common/cli.h"
#include "common/error.h"
#include "common/thread_group.h"
#include "small_config.h"
#include "train/config.h"

using namespace ecsim;
namespace fs = std::filesystem;

namespace {

std::string error_of(const train::TrainConfig& c) {
  try {
    c.validate();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// AddressSanitizer reserves terabytes of virtual address space for its shadow memory, so no process
// built with it can run under an address-space limit (RLIMIT_AS): the three tests that set one
// say so and skip in the sanitizer build (scripts/test-sanitize.sh); the plain build runs them.
#if defined(__SANITIZE_ADDRESS__)
#define ECSIM_SKIP_UNDER_ASAN()                                                                   \
  GTEST_SKIP() << "sets RLIMIT_AS, under which AddressSanitizer cannot start (its shadow memory " \
                  "needs terabytes of address space); the plain build runs this test"
#else
#define ECSIM_SKIP_UNDER_ASAN() (void)0
#endif

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

// `ecsim args...` with these soft limits (resource, bytes) set in the child only, between fork and
// exec (the test process keeps its own); like test::run_ecsim, no shell sees the arguments
test::CliResult run_ecsim_limited(const std::vector<std::string>& args,
                                  const std::vector<std::pair<int, rlim_t>>& limits) {
  std::vector<std::string> argv{ECSIM_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  test::ChildSetup setup;
  setup.limits = limits;
  return test::run_program(std::move(argv), setup);
}

}  // namespace

TEST(TrainLimits, ValuesAboveTheLimitsAreRefusedBeforeTheRunDirectoryExists) {
  const test::ScratchDir scratch("train_limits");
  const fs::path out = scratch / "run";
  const std::vector<std::string> small{"--max-steps", "5", "--no-plot", "--progress", "never"};
  struct Case {
    std::vector<std::string> flags;
    std::string needle;
  };
  const std::vector<Case> cases = {
      {{"--pop", "2000000000"}, "--pop 2000000000 is above ecsim's limit of 1000000"},
      {{"--eval-episodes", "1000000000"}, "--eval-episodes 1000000000 is above ecsim's limit of 100000"},
      {{"--episodes", "1000000000"}, "--episodes 1000000000 is above ecsim's limit of 10000"},
      {{"--threads", "5000"}, "--threads 5000 is above ecsim's limit of 1024"},
      {{"--neurons", "65536"}, "the network has 4296605696 parameters"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args{"train", "--out", out.string()};
    args.insert(args.end(), small.begin(), small.end());
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    const test::CliResult r = test::run_ecsim(args);
    EXPECT_EQ(r.code, 2) << c.flags[0] << "\n" << r.output;
    EXPECT_TRUE(contains(r.output, c.needle)) << r.output;
    EXPECT_TRUE(contains(r.output, "fix: lower --")) << r.output;
    EXPECT_FALSE(contains(r.output, "bad_alloc")) << r.output;
    EXPECT_FALSE(fs::exists(out)) << c.flags[0] << ": refused, yet the run directory was created";
  }
}

TEST(TrainLimits, TheLimitsThemselvesAreAccepted) {
  train::TrainConfig c = test::small_train_config(10);
  c.pop = train::kMaxPop;
  c.eval_episodes = train::kMaxEvalEpisodes;
  c.episodes_per_individual = train::kMaxEpisodesPerIndividual;
  c.threads = train::kMaxThreads;
  EXPECT_EQ(error_of(c), "");
  c.pop = train::kMaxPop + 2;
  EXPECT_TRUE(contains(error_of(c), "--pop 1000002 is above ecsim's limit of 1000000")) << error_of(c);
  // N = 8192 on Humanoid (376 observations, 17 actions) fits the parameter limit, for EC and ES
  ref::NetworkShape s;
  s.n_neurons = 8192;
  s.n_exc = 4096;
  s.d_in = 376;
  s.d_out = 17;
  train::TrainConfig big = test::small_train_config(10);
  big.net.desc = ref::make_network_desc(s);
  EXPECT_LE(big.net.param_count(), train::kMaxParams);
  EXPECT_EQ(error_of(big), "");
  s.n_neurons = 16384;
  s.n_exc = 8192;
  big.net.desc = ref::make_network_desc(s);
  EXPECT_TRUE(contains(error_of(big), "above ecsim's limit of 80000000")) << error_of(big);
}

TEST(TrainLimits, ConfigJsonAboveALimitIsRefused) {
  const train::TrainConfig c = test::small_train_config(10);
  boost::json::object o = c.to_json();
  o["identity"].as_object()["pop"] = 2000000000;
  try {
    train::TrainConfig::from_json(o, "config.json");
    ADD_FAILURE() << "accepted pop 2000000000";
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "identity.pop = 2000000000 must be an integer in [2, 1000000]")) << e.what();
  }
}

TEST(TrainLimits, EvalVerifyRtlAndSweepLimits) {
  const test::ScratchDir scratch("eval_limits");
  const std::string run = (scratch / "none").string();
  const auto expect_error = [](const std::vector<std::string>& args, const std::string& needle) {
    const test::CliResult r = test::run_ecsim(args);
    EXPECT_EQ(r.code, 2) << args[0] << "\n" << r.output;
    EXPECT_TRUE(contains(r.output, needle)) << r.output;
  };
  expect_error({"eval", run, "--episodes", "1000000"}, "--episodes 1000000 is above ecsim's limit of 100000");
  expect_error({"eval", run, "--threads", "5000"}, "--threads 5000 is outside [1, 1024]");
  expect_error({"verify-rtl", "--vectors", "1000000000"}, "--vectors 1000000000 is above ecsim's limit of 100000000");
  const std::string sweep_out = (scratch / "sweep").string();
  expect_error({"sweep", "--param", "cores=1", "--max-steps", "2000000000", "--out", sweep_out},
               "--max-steps 2000000000 is above ecsim's limit of 100000");
  EXPECT_FALSE(fs::exists(sweep_out));
}

// A start that fails under a memory limit joins the threads already started and lets the error
// out: no std::terminate ("terminate called without an active exception"). In a child process,
// whose address space is limited to what it uses now plus room for a few thread stacks.
TEST(TrainLimits, AThreadGroupJoinsItsThreadsWhenAStartFails) {
  ECSIM_SKIP_UNDER_ASAN();
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::atomic<bool> stop{false};
    std::atomic<int> started{0}, finished{0};
    rlimit stack{};
    ::getrlimit(RLIMIT_STACK, &stack);
    stack.rlim_cur = 64u << 20;  // 64 MiB per thread stack
    ::setrlimit(RLIMIT_STACK, &stack);
    rlimit as{};
    ::getrlimit(RLIMIT_AS, &as);
    as.rlim_cur = 1024u << 20;  // 1 GiB: at most a few threads of 64 MiB next to gtest
    ::setrlimit(RLIMIT_AS, &as);
    int code = 1;  // the group did not fail: the limit did not bite
    try {
      ThreadGroup group([&] { stop = true; });
      for (int i = 0; i < 1000; ++i)
        group.start([&] {
          ++started;
          while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(1));
          ++finished;
        });
    } catch (const std::system_error&) {
      code = started == finished ? 0 : 2;
    }
    ::_exit(code);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "the child was killed (std::terminate?)";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: no start failed; 2: a thread was left running";
}

// The same end to end: `ecsim train --threads 64` with room for the workers but not for their
// threads' stacks ends with a clear rc-2 error naming --threads, not an abort.
TEST(TrainLimits, RunningOutOfThreadsIsAClearError) {
  ECSIM_SKIP_UNDER_ASAN();
  const test::ScratchDir scratch("train_threads");
  // 512 MiB thread stacks under a 4 GiB address space: the 64 workers fit, their threads do not
  const test::CliResult r = run_ecsim_limited(
      {"train", "--threads", "64", "--pop", "64", "--generations", "1", "--max-steps", "2", "--eval-episodes", "1",
       "--no-plot", "--progress", "never", "--out", (scratch / "run").string()},
      {{RLIMIT_STACK, rlim_t{512} << 20}, {RLIMIT_AS, rlim_t{4} << 30}});
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "cannot start another thread")) << r.output;
  EXPECT_TRUE(contains(r.output, "fix: lower --threads")) << r.output;
  EXPECT_FALSE(contains(r.output, "terminate called")) << r.output;
}

// Values inside the limits can still need more memory than the machine gives: std::bad_alloc is
// an rc-2 error naming what to lower, not an internal error.
TEST(TrainLimits, OutOfMemoryIsAClearError) {
  ECSIM_SKIP_UNDER_ASAN();
  const test::ScratchDir scratch("train_oom");
  // 300 MiB of address space: a generation of 1.1 M jobs needs more
  const test::CliResult r = run_ecsim_limited(
      {"train", "--pop", "1000000", "--eval-episodes", "100000", "--threads", "1", "--generations", "1", "--max-steps",
       "1", "--no-plot", "--progress", "never", "--out", (scratch / "run").string()},
      {{RLIMIT_AS, rlim_t{300} << 20}});
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "out of memory while running `ecsim train`")) << r.output;
  EXPECT_TRUE(contains(r.output, "fix: lower --pop")) << r.output;
}
