#include "verify/readout_campaign.h"

#include <deque>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>

#include "common/error.h"
#include "driver/readout_driver.h"
#include "reference/arith.h"
#include "reference/network.h"
#include "reference/theta.h"

namespace ecsim::rtl {

std::map<int, std::string> readout_mutants() {
  // the bugs of rtl/readout.sv's ECSIM_READOUT_MUTANT
  static const std::map<int, std::string> kBugs = {
      {1, "the upper clamp at 2^F_a - 1 instead of 2^F_a"},
      {2, "in_first ignored: a step's sums start from the previous step's"},
  };
  std::map<int, std::string> m;
  for (int n : kReadoutMutants) m[n] = kBugs.count(n) ? kBugs.at(n) : "unknown";
  return m;
}

namespace {

using P = ReadoutParams;
using Beat = ReadoutDriver::Beat;
constexpr int kDo = P::kOutputs;
constexpr int32_t kRMax = (1 << (P::kRateBits - 1)) - 1, kRMin = -(1 << (P::kRateBits - 1));
constexpr uint32_t kScaleMax = (1u << P::kScaleBits) - 1;
constexpr uint32_t kAllOut = (1u << kDo) - 1;
constexpr int64_t kOne = int64_t{1} << P::kActionFrac;

ref::NetworkShape shape(int n) {
  ref::NetworkShape s;
  s.n_neurons = n;
  s.n_exc = (n + 1) / 2;
  s.d_in = 2;
  s.d_out = kDo;
  return s;
}

// A reference network of n neurons whose output rows cover the directed ones (neuron 0: all
// ones, 1: all zero) and random ones of density `density`; its R_out,q replaced by r_out.
std::unique_ptr<ref::CompiledNet> make_net(std::mt19937_64& rng, int n, uint32_t r_out, double density) {
  const ref::NetworkShape s = shape(n);
  ref::NetworkDesc d = ref::make_network_desc(s);
  if (d.fixed.out_shift != P::kShift || d.arith.rate_bits != P::kRateBits || d.arith.action_frac_bits != P::kActionFrac)
    throw Error("the RTL readout's built parameter set is not the default arithmetic",
                "rebuild rtl/readout.sv with ReadoutParams (rtl/CMakeLists.txt)");
  d.fixed.r_out_q = r_out;
  ref::Theta th = ref::Theta::zeros(s);
  std::bernoulli_distribution bit(density);
  for (int j = 0; j < n; ++j)
    for (int k = 0; k < kDo; ++k) th.out.set(j, k, j == 0 ? true : j == 1 ? false : bit(rng));
  return std::make_unique<ref::CompiledNet>(d, th);
}

struct Step {
  std::vector<Beat> beats;
  std::array<int32_t, kDo> want{};
  std::array<int64_t, kDo> want_acc{};  // the raw sums, which a core of a manycore chip hands on
};

std::string describe(const Step& s) {
  std::ostringstream o;
  o << s.beats.size() << " neurons, R_out,q = " << s.beats.front().r_out << ", (rate, row):";
  for (size_t j = 0; j < s.beats.size() && j < 8; ++j) o << " (" << s.beats[j].rate << ", " << s.beats[j].bits << ")";
  if (s.beats.size() > 8) o << " ...";
  return o.str();
}

void count_branches(const Step& s, std::map<std::string, uint64_t>& br) {
  for (int k = 0; k < kDo; ++k) {
    int64_t acc = 0;
    for (const Beat& b : s.beats) acc += (b.bits >> k) & 1u ? b.rate : 0;
    const int64_t prod = acc * s.beats.front().r_out, half = int64_t{1} << (P::kShift - 1);
    const int64_t rem = prod & ((int64_t{1} << P::kShift) - 1), r = ref::round_shift(prod, P::kShift);
    ++br[r > kOne ? "sat_high" : r < -kOne ? "sat_low" : "in_range"];
    if (r == kOne) ++br["at_plus_one_unclamped"];
    if (r == -kOne) ++br["at_minus_one_unclamped"];
    if (rem == 0)
      ++br["round_exact"];
    else if (rem == half)
      ++br[prod > 0 ? "round_tie_pos" : "round_tie_neg"];
    else
      ++br[rem > half ? "round_up" : "round_down"];
  }
  bool all_max = true, all_min = true, all_zero = true;
  for (const Beat& b : s.beats) {
    if (b.bits == kAllOut) ++br["row_all_ones"];
    if (b.bits == 0) ++br["row_all_zero"];
    all_max &= b.rate == kRMax;
    all_min &= b.rate == kRMin;
    all_zero &= b.rate == 0;
  }
  if (all_max) ++br["rates_all_max"];
  if (all_min) ++br["rates_all_min"];
  if (all_zero) ++br["rates_all_zero"];
  if (s.beats.size() == 2) ++br["smallest_network"];
  if (s.beats.front().r_out == 0) ++br["scale_zero"];
  if (s.beats.front().r_out == kScaleMax) ++br["scale_max"];
}

enum class Flow { kStream, kBubbles, kStalls, kBoth };

class Campaign {
 public:
  explicit Campaign(const ReadoutCampaignConfig& cfg) : m_cfg(cfg), m_drv(cfg.mutant), m_rng(cfg.seed) {
    m_drv.reset();
    m_report.mutant = cfg.mutant;
  }

  std::mt19937_64& rng() { return m_rng; }

  // one readout: the reference model's actions from `rates`, then the n beats through the unit
  void step(const ref::CompiledNet& net, const std::vector<int32_t>& rates, Flow flow) {
    const int n = net.n();
    ref::FixedState st;
    ref::reset(net, st, 1);
    for (int j = 0; j < n; ++j) st.rate[static_cast<size_t>(j)] = rates[static_cast<size_t>(j)];
    std::vector<float> action(kDo);
    ref::detail::readout_reference(net, st, action.data());
    Step s;
    for (int j = 0; j < n; ++j) {
      Beat b;
      b.first = j == 0;
      b.last = j == n - 1;
      b.rate = rates[static_cast<size_t>(j)];
      for (int k = 0; k < kDo; ++k) b.bits |= uint32_t{net.theta().out.get(j, k)} << k;
      b.r_out = static_cast<uint32_t>(net.desc().fixed.r_out_q);
      s.beats.push_back(b);
    }
    for (int k = 0; k < kDo; ++k) s.want[static_cast<size_t>(k)] = st.a_q[static_cast<size_t>(k)];
    for (const Beat& b : s.beats)
      for (int k = 0; k < kDo; ++k) s.want_acc[static_cast<size_t>(k)] += (b.bits >> k) & 1u ? b.rate : 0;

    std::bernoulli_distribution valid(0.7), ready(0.6);
    const bool bubbles = flow == Flow::kBubbles || flow == Flow::kBoth;
    const bool stalls = flow == Flow::kStalls || flow == Flow::kBoth;
    size_t w = 0;
    bool done = false;
    uint64_t last_taken = 0;
    const uint64_t start = m_drv.cycles();
    while (!done) {
      ReadoutDriver::Inputs in;
      in.in_valid = w < s.beats.size() && (!bubbles || valid(m_rng));
      in.out_ready = !stalls || ready(m_rng);
      if (w < s.beats.size()) in.beat = s.beats[w];
      const uint64_t c = m_drv.cycles();
      const ReadoutDriver::Fired f = m_drv.cycle(in);
      if (f.out) {
        if (w < s.beats.size())
          throw Error("the RTL readout handed on actions before the last beat", "see its waveform");
        if (!m_report.latency_cycles) m_report.latency_cycles = c - last_taken;
        if (f.a != s.want || f.acc != s.want_acc) mismatch(s, f);
        done = true;
      }
      if (f.in) {
        last_taken = c;
        ++w;
      }
      if (m_drv.cycles() - start > 100 * s.beats.size() + 100) throw Error("the RTL readout hangs", "see its waveform");
    }
    count_branches(s, m_report.branches);
    if (flow == Flow::kStream) {
      m_stream_beats += s.beats.size();
      m_stream_cycles += m_drv.cycles() - start;
    }
    ++m_report.steps;
    m_report.beats += s.beats.size();
    m_report.actions += kDo;
  }

  ReadoutCampaignReport finish() {
    m_report.cycles = m_drv.cycles();
    if (m_stream_cycles)
      m_report.streaming_beats_per_cycle = static_cast<double>(m_stream_beats) / static_cast<double>(m_stream_cycles);
    return m_report;
  }

 private:
  void mismatch(const Step& s, const ReadoutDriver::Fired& fired) {
    const std::array<int32_t, kDo>& got = fired.a;
    if (m_report.mismatches++) return;
    std::ostringstream o;
    o << describe(s) << ": reference a_q";
    for (int32_t a : s.want) o << " " << a;
    o << " (sums";
    for (int64_t a : s.want_acc) o << " " << a;
    o << "), RTL";
    for (int32_t a : got) o << " " << a;
    o << " (sums";
    for (int64_t a : fired.acc) o << " " << a;
    o << ")";
    m_report.first_mismatch = o.str();
    if (m_cfg.fail_dir.empty()) return;
    const std::string csv = m_cfg.fail_dir + "/readout_mismatch.csv", vcd = m_cfg.fail_dir + "/readout_mismatch.vcd";
    std::ofstream f(csv);
    f << "neuron,rate,row,r_out\n";
    for (size_t j = 0; j < s.beats.size(); ++j)
      f << j << "," << s.beats[j].rate << "," << s.beats[j].bits << "," << s.beats[j].r_out << "\n";
    f << "reference";
    for (int32_t a : s.want) f << "," << a;
    f << "\nrtl";
    for (int32_t a : got) f << "," << a;
    f << "\nreference sums";
    for (int64_t a : s.want_acc) f << "," << a;
    f << "\nrtl sums";
    for (int64_t a : fired.acc) f << "," << a;
    f << "\n";
    m_report.written.push_back(csv);
    // the failing step alone through a fresh model of the same build, with its waveform
    ReadoutDriver replay(m_cfg.mutant, vcd);
    replay.reset();
    for (const Beat& b : s.beats) {
      ReadoutDriver::Inputs in;
      in.in_valid = in.out_ready = true;
      in.beat = b;
      replay.cycle(in);
    }
    replay.cycle(ReadoutDriver::Inputs{false, true, {}});
    m_report.written.push_back(vcd);
  }

  ReadoutCampaignConfig m_cfg;
  ReadoutDriver m_drv;
  std::mt19937_64 m_rng;
  ReadoutCampaignReport m_report;
  uint64_t m_stream_beats = 0, m_stream_cycles = 0;
};

}  // namespace

ReadoutCampaignReport run_readout_campaign(const ReadoutCampaignConfig& cfg) {
  Campaign cam(cfg);
  std::mt19937_64& rng = cam.rng();
  const uint32_t r_exact = 1u << P::kShift;
  // the directed scales: exact (2^s), ties for odd sums (2^(s-1)), 0, 1, the largest, and the
  // network's own (per n, below)
  const std::vector<uint32_t> fixed_scales = {r_exact, r_exact / 2, 0, 1, kScaleMax};
  const auto rates_of = [&](int n, int pattern) {
    std::vector<int32_t> r(static_cast<size_t>(n));
    static constexpr int32_t kSpan[] = {kRMax, 1 << 11, 1 << 8, 1 << 5, 3};
    std::uniform_int_distribution<int> coin(0, 1);
    for (int32_t& v : r) switch (pattern) {
        case 0:
          v = kRMax;
          break;
        case 1:
          v = kRMin;
          break;
        case 2:
          v = 0;
          break;
        case 3:
          v = coin(rng) ? kRMax : kRMin;
          break;
        default: {
          const int32_t span = kSpan[(pattern - 4) % 5];
          v = std::uniform_int_distribution<int32_t>(span == kRMax ? kRMin : -span, span)(rng);
        }
      }
    return r;
  };
  // directed: n = 2 (the smallest network), 3, 16, 64 × every scale × every rate pattern
  for (int n : {2, 3, 16, 64}) {
    std::vector<uint32_t> scales = fixed_scales;
    scales.push_back(static_cast<uint32_t>(ref::make_network_desc(shape(n)).fixed.r_out_q));
    for (uint32_t r : scales) {
      const auto net = make_net(rng, n, r, 0.5);
      for (int pattern = 0; pattern < 9; ++pattern) cam.step(*net, rates_of(n, pattern), Flow::kStream);
    }
  }
  // directed: exactly ±1 and one past (R_out,q = 2^s, so a_q = the sum; neuron 0 feeds every output)
  {
    const auto net = make_net(rng, 4, r_exact, 0.0);
    for (int32_t r0 : {4096, 4097, -4096, -4097}) cam.step(*net, {r0, 0, 0, 0}, Flow::kStream);
  }
  // random: a fresh network every 32 steps (n from 2 to 24, mostly 16)
  std::uniform_int_distribution<int> nsize(2, 24), pattern(0, 13), flow(0, 3), pick(0, 6);
  std::uniform_int_distribution<uint32_t> rfull(0, kScaleMax);
  std::uniform_real_distribution<double> dens(0.05, 0.95);
  std::unique_ptr<ref::CompiledNet> net;
  for (uint64_t k = 0; k < cfg.vectors; ++k) {
    if (k % 32 == 0) {
      const int n = nsize(rng) <= 12 ? 16 : nsize(rng);
      const int p = pick(rng);
      const uint32_t r = p < 5    ? fixed_scales[static_cast<size_t>(p)]
                         : p == 5 ? static_cast<uint32_t>(ref::make_network_desc(shape(n)).fixed.r_out_q)
                                  : rfull(rng);
      net = make_net(rng, n, r, dens(rng));
    }
    const int p = pattern(rng);
    cam.step(*net, rates_of(net->n(), p), static_cast<Flow>(flow(rng)));
  }
  return cam.finish();
}

std::vector<ReadoutMutantResult> run_readout_mutation_check(uint64_t vectors, uint64_t seed) {
  std::vector<ReadoutMutantResult> out;
  for (const auto& [m, bug] : readout_mutants()) {
    ReadoutCampaignConfig cfg;
    cfg.mutant = m;
    cfg.vectors = vectors;
    cfg.seed = seed;
    const ReadoutCampaignReport r = run_readout_campaign(cfg);
    out.push_back({m, bug, r.steps, r.mismatches, r.mismatches > 0, r.first_mismatch});
  }
  return out;
}

}  // namespace ecsim::rtl
