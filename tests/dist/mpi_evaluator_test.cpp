// Run under mpirun (ctest does: mpirun -np 3 --oversubscribe). A deterministic fake backend
// evaluates jobs; the MpiEvaluator spread over the ranks must give exactly what the backend gives
// on all jobs in one process: returns, steps, counters, per-job and merged statistics. Then a
// mismatched configuration must stop every rank at start-up with a clear error.
#include <boost/mpi/environment.hpp>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "common/error.h"
#include "dist/mpi_evaluator.h"
#include "reference/theta.h"

using namespace ecsim;

namespace {

// rho_bits 0: it reads the parameters as floats (ES); q > 0: only as EC's backends do, through
// ρ_q = quantize(ρ) and θ* = (ρ > 0.5), so it sees a difference in either and in nothing else
class FakeEvaluator final : public eval::Evaluator {
 public:
  explicit FakeEvaluator(int rho_bits) : m_rho_bits(rho_bits) {}
  std::string name() const override { return "fake"; }
  void load(const std::vector<float>& params, const tasks::RunningNormalizer&) override {
    m_sum = 0;
    if (m_rho_bits == 0) {
      for (float p : params) m_sum += static_cast<double>(p);
      return;
    }
    const std::vector<uint32_t> rq = ref::quantize_rho(params, m_rho_bits);
    for (size_t i = 0; i < params.size(); ++i)
      m_sum += static_cast<double>(rq[i]) * static_cast<double>(i % 7 + 1) +
               (params[i] > 0.5f ? 1000.0 * static_cast<double>(i % 5 + 1) : 0.0);
  }
  eval::BatchResult evaluate(const std::vector<eval::Job>& jobs) override {
    eval::BatchResult b;
    for (const eval::Job& j : jobs) {
      eval::EpisodeResult r;
      r.ret = m_sum * static_cast<double>(j.seed % 1000) / 7.0 + static_cast<double>(j.param_seed % 13);
      r.steps = j.seed % 1000;
      r.reason = tasks::EndReason::kUnhealthy;
      r.counters.spikes_exc = j.seed % 97;
      r.counters.rec_synops = j.param_seed % 1009;
      b.results.push_back(r);
      tasks::RunningNormalizer s(3);
      if (j.observe)
        for (uint64_t k = 0; k < 5; ++k) {
          const double x[3] = {std::sin(static_cast<double>(j.seed + k)),
                               static_cast<double>((j.seed * 31 + k) % 17) * 0.1,
                               1.0 / static_cast<double>(1 + (j.param_seed + k) % 11)};
          s.update(x);
        }
      b.job_stats.push_back(s);
    }
    b.obs_stats = tasks::RunningNormalizer(3);
    for (const auto& s : b.job_stats)
      if (s.count() > 0) b.obs_stats.merge(s);
    return b;
  }

 private:
  int m_rho_bits;
  double m_sum = 0;
};

// EC parameters with every hard case of the quantized wire format: the bounds, exact 0.5, and ρ
// just either side of 0.5 that quantize to 2^(q-1) (where θ* differs)
std::vector<float> ec_params(size_t n, int gen) {
  std::vector<float> p(n);
  const float cases[] = {0.0f,
                         1.0f,
                         0.001f,
                         0.999f,
                         0.5f,
                         std::nextafter(0.5f, 1.0f),
                         std::nextafter(0.5f, 0.0f),
                         511.6f / 1024,
                         512.4f / 1024,
                         512.5f / 1024,
                         511.5f / 1024,
                         0.25f};
  uint64_t x = 88172645463325252ull + static_cast<uint64_t>(gen);
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    p[i] =
        i % 3 == 0 ? cases[(i / 3) % std::size(cases)] : static_cast<float>(x >> 40) / static_cast<float>(1ull << 24);
  }
  return p;
}

int failures = 0, checks = 0;

void check(bool ok, const std::string& what) {
  ++checks;
  if (!ok) {
    ++failures;
    std::fprintf(stderr, "FAILED: %s\n", what.c_str());
  }
}

std::vector<eval::Job> make_jobs(size_t n, uint64_t salt) {
  std::vector<eval::Job> jobs(n);
  for (size_t i = 0; i < n; ++i) {
    jobs[i].seed = 1000003 * (i + 1) + salt;
    jobs[i].param_seed = 7919 * (i + 3) + salt;
    jobs[i].kind = i % 5 == 4 ? eval::JobKind::kDeterministic : eval::JobKind::kSample;
    jobs[i].observe = i % 3 != 1;
  }
  return jobs;
}

}  // namespace

int main(int argc, char** argv) {
  boost::mpi::environment env(argc, argv);
  boost::mpi::communicator world;
  for (int rho_bits : {0, 10}) {  // ES's float parameters, then EC's quantized ρ
    if (world.rank() != 0) {
      FakeEvaluator local(rho_bits);
      dist::serve(world, local);
      continue;
    }
    FakeEvaluator reference(rho_bits);
    {
      dist::MpiEvaluator mpi(world, std::make_unique<FakeEvaluator>(rho_bits), 4096, 3, rho_bits);
      for (int gen = 0; gen < 3; ++gen) {
        const std::vector<float> params =
            rho_bits ? ec_params(4096, gen) : std::vector<float>(4096, 0.25f + static_cast<float>(gen));
        mpi.load(params, tasks::RunningNormalizer(3));
        reference.load(params, tasks::RunningNormalizer(3));
        for (size_t n : {size_t{1}, size_t{2}, size_t{17}, size_t{64}}) {  // fewer jobs than ranks too
          const auto jobs = make_jobs(n, static_cast<uint64_t>(gen));
          const eval::BatchResult a = mpi.evaluate(jobs), b = reference.evaluate(jobs);
          const std::string tag =
              "q " + std::to_string(rho_bits) + " gen " + std::to_string(gen) + " n " + std::to_string(n);
          check(a.results.size() == b.results.size(), tag + ": result count");
          for (size_t i = 0; i < std::min(a.results.size(), b.results.size()); ++i) {
            check(a.results[i].ret == b.results[i].ret && a.results[i].steps == b.results[i].steps &&
                      a.results[i].reason == b.results[i].reason && a.results[i].counters == b.results[i].counters,
                  tag + ": result " + std::to_string(i));
            check(a.job_stats[i].count() == b.job_stats[i].count() &&
                      (b.job_stats[i].count() == 0 || a.job_stats[i].to_binary() == b.job_stats[i].to_binary()),
                  tag + ": statistics of job " + std::to_string(i));
          }
          check(a.obs_stats.to_binary() == b.obs_stats.to_binary(), tag + ": merged statistics, bit for bit");
        }
      }
      const dist::WireStats& w = mpi.wire();
      std::printf("q %d, ranks %d: broadcast %llu B, gathered %llu B, sending θ instead %llu B\n", rho_bits,
                  world.size(), static_cast<unsigned long long>(w.broadcast_bytes),
                  static_cast<unsigned long long>(w.gathered_bytes),
                  static_cast<unsigned long long>(w.theta_bytes_equivalent));
      check(world.size() == 1 || w.gathered_bytes > 0, "ranks > 0 sent results");
      // EC's ρ goes out in 11 bits per synapse, not 32
      if (rho_bits && world.size() > 1)
        check(w.broadcast_bytes / 3 / static_cast<uint64_t>(world.size() - 1) < 4096 * 11 / 8 + 2048,
              "quantized ρ is compact");
    }  // ~MpiEvaluator stops the serving ranks
  }

  // a rank with another configuration stops everyone before any work
  const std::string fingerprint = world.rank() == world.size() - 1 && world.size() > 1 ? "other" : "same";
  bool threw = false;
  try {
    dist::check_same_config(world, fingerprint);
  } catch (const Error& e) {
    threw = std::strstr(e.what(), "different configuration") != nullptr;
  }
  if (world.rank() == 0) check(threw == (world.size() > 1), "mismatched configuration detected on rank 0");
  if (world.rank() == 0) {
    std::printf("%d passed, %d failed\n", checks - failures, failures);
    return failures ? 1 : 0;
  }
  return threw == (world.size() > 1) ? 0 : 1;
}
