// The functional backend counts the chip's hardware activity bit-exactly: for the same
// jobs, its per-job chip::HwCounters (from chip::ActivityModel, no simulation) equal the SystemC
// chip's, every field but the cycles. Built once per chip config (ECSIM_TEST_CHIP): one SystemC
// chip per process.
#include <gtest/gtest.h>

#include "backends/systemc_evaluator.h"
#include "chip/activity.h"
#include "eval/evaluator.h"
#include "nes/nes.h"

using namespace ecsim;

namespace {

const std::string kChip = std::string(ECSIM_SOURCE_DIR) + "/configs/" + ECSIM_TEST_CHIP;

std::string diff_fields(const chip::HwCounters& a, const chip::HwCounters& b) {
  std::string out;
  std::vector<std::pair<std::string, uint64_t>> x;
  fields::for_each_leaf(a, [&](const std::string& path, const fields::Info&, uint64_t v) { x.emplace_back(path, v); });
  size_t i = 0;
  fields::for_each_leaf(b, [&](const std::string&, const fields::Info&, uint64_t v) {
    if (x[i].second != v)
      out += " " + x[i].first + ": " + std::to_string(x[i].second) + " vs " + std::to_string(v) + ";";
    ++i;
  });
  return out;
}

}  // namespace

TEST(SystemcActivity, FunctionalCountsEqualTheChipsPerJob) {
  backends::register_backends();
  eval::EvaluatorConfig c;
  ref::NetworkShape s;
  s.d_in = 11;
  s.d_out = 3;
  const chip::ChipConfig cfg = chip::load_chip_config(kChip);
  c.net.desc = ref::make_network_desc(s, cfg.arith);
  c.task = "hopper";
  c.threads = 2;
  c.max_steps = 30;
  c.episodes_per_job = 2;
  c.chip_path = kChip;
  auto chip_ev = eval::make_evaluator("systemc", c);
  auto fn_ev = eval::make_evaluator("functional", c);
  for (int gen = 0; gen < 2; ++gen) {
    std::vector<float> rho(static_cast<size_t>(c.net.param_count()));
    for (size_t g = 0; g < rho.size(); ++g)
      rho[g] = static_cast<float>((g * 2654435761u + static_cast<unsigned>(gen) * 97u) % 1000) / 1000.0f;
    chip_ev->load(rho, tasks::RunningNormalizer(11));
    fn_ev->load(rho, tasks::RunningNormalizer(11));
    std::vector<eval::Job> jobs;
    for (uint64_t i = 0; i < 4; ++i) {
      const uint64_t seed = nes::individual_seed(3, static_cast<uint64_t>(gen), i);
      jobs.push_back({seed, seed, eval::JobKind::kSample, true});
    }
    jobs.push_back({nes::eval_seed(3, 0), 0, eval::JobKind::kDeterministic, false});
    jobs.push_back({nes::eval_seed(3, 1), 0, eval::JobKind::kDeterministic, false});
    const eval::BatchResult a = chip_ev->evaluate(jobs), b = fn_ev->evaluate(jobs);
    ASSERT_EQ(a.results.size(), b.results.size());
    for (size_t i = 0; i < jobs.size(); ++i) {
      EXPECT_EQ(a.results[i].ret, b.results[i].ret);
      ref::EventCounters ea = a.results[i].counters;
      if (cfg.float_weights())
        ea.syn_words_read = b.results[i].counters.syn_words_read;  // 32-bit words read (its own count)
      EXPECT_EQ(ea, b.results[i].counters);
      const chip::HwCounters x = chip::ActivityModel::without_cycles(a.results[i].hw);
      const chip::HwCounters y = chip::ActivityModel::without_cycles(b.results[i].hw);
      EXPECT_TRUE(x == y) << ECSIM_TEST_CHIP << " gen " << gen << " job " << i << ":" << diff_fields(x, y);
      EXPECT_GT(y.register_accesses, 0u);
      EXPECT_GT(y.noc_flits + (cfg.cores == 1 ? 1u : 0u), 0u);
    }
  }
  // loading ρ (a per-chip cost, outside the jobs)
  sc::ChipSim& sim = backends::process_chip_for("systemc", kChip);
  const chip::HwCounters before = sim.hw();
  sim.load_rho(std::vector<float>(static_cast<size_t>(c.net.param_count()), 0.3f));
  const chip::ActivityModel model(cfg, c.net.desc);
  EXPECT_TRUE(chip::ActivityModel::without_cycles(sim.hw() - before) == model.load_rho())
      << diff_fields(chip::ActivityModel::without_cycles(sim.hw() - before), model.load_rho());
}
