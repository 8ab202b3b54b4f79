#include "verify/input_campaign.h"

#include <deque>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>

#include "common/error.h"
#include "driver/input_driver.h"
#include "reference/arith.h"
#include "reference/network.h"
#include "reference/theta.h"

namespace ecsim::rtl {

std::map<int, std::string> input_mutants() {
  // the bugs of rtl/input_stage.sv's ECSIM_INPUT_MUTANT
  static const std::map<int, std::string> kBugs = {
      {1, "truncation instead of round half up"},
      {2, "the -x rows (K_in[d_in + i]) ignored"},
  };
  std::map<int, std::string> m;
  for (int n : kInputMutants) m[n] = kBugs.count(n) ? kBugs.at(n) : "unknown";
  return m;
}

namespace {

using P = InputStageParams;
using Beat = InputDriver::Beat;
constexpr int kNeurons = 64;  // neurons per reference network (one environment step = 64 beats)
constexpr int kD = P::kInputs;
constexpr int32_t kXMax = (1 << (P::kInputBits - 1)) - 1, kXMin = -(1 << (P::kInputBits - 1));
constexpr uint32_t kScaleMax = (1u << P::kScaleBits) - 1;
constexpr uint32_t kAllRows = (1u << kD) - 1;

ref::NetworkShape shape() {
  ref::NetworkShape s;
  s.n_neurons = kNeurons;
  s.n_exc = kNeurons / 2;
  s.d_in = kD;
  s.d_out = 3;
  return s;
}

// A reference network whose input columns cover the directed rows (neuron 0: every +x row,
// 1: every -x row, 2: none, 3: both) and random ones of density `density` for the rest; its R_in,q
// is replaced by r_in (a campaign knob: the unit takes R_in,q as an input).
std::unique_ptr<ref::CompiledNet> make_net(std::mt19937_64& rng, uint32_t r_in, double density) {
  const ref::NetworkShape s = shape();
  ref::NetworkDesc d = ref::make_network_desc(s);
  if (d.fixed.in_shift != P::kShift || d.arith.input_bits != P::kInputBits || d.arith.state_bits != P::kStateBits)
    throw Error("the RTL input stage's built parameter set is not the default arithmetic",
                "rebuild rtl/input_stage.sv with InputStageParams (rtl/CMakeLists.txt)");
  d.fixed.r_in_q = r_in;
  ref::Theta th = ref::Theta::zeros(s);
  std::bernoulli_distribution bit(density);
  for (int j = 0; j < kNeurons; ++j)
    for (int i = 0; i < kD; ++i) {
      bool p = bit(rng), n = bit(rng);
      if (j == 0 || j == 3) p = true;
      if (j == 1 || j == 3) n = true;
      if (j == 0 || j == 2) n = false;
      if (j == 1 || j == 2) p = false;
      th.in.set(i, j, p);
      th.in.set(kD + i, j, n);
    }
  return std::make_unique<ref::CompiledNet>(d, th);
}

Beat beat_of(const ref::CompiledNet& net, const std::vector<int32_t>& x, int j) {
  Beat b;
  for (int i = 0; i < kD; ++i) {
    b.x[static_cast<size_t>(i)] = x[static_cast<size_t>(i)];
    b.pos |= uint32_t{net.theta().in.get(i, j)} << i;
    b.neg |= uint32_t{net.theta().in.get(kD + i, j)} << i;
  }
  b.r_in = static_cast<uint32_t>(net.desc().fixed.r_in_q);
  return b;
}

std::string describe(const Beat& b) {
  std::ostringstream o;
  o << "x_q = [";
  for (int i = 0; i < kD; ++i) o << (i ? " " : "") << b.x[static_cast<size_t>(i)];
  o << "], pos = 0x" << std::hex << b.pos << ", neg = 0x" << b.neg << std::dec << ", R_in,q = " << b.r_in;
  return o.str();
}

// which saturation, rounding, row and x_q cases a beat exercises (the coverage of the report)
void count_branches(const Beat& b, std::map<std::string, uint64_t>& br) {
  int64_t acc = 0;
  for (int i = 0; i < kD; ++i)
    acc += b.x[static_cast<size_t>(i)] * ((int64_t{(b.pos >> i) & 1u}) - int64_t{(b.neg >> i) & 1u});
  const int64_t prod = acc * b.r_in, half = int64_t{1} << (P::kShift - 1);
  const int64_t rem = prod & ((int64_t{1} << P::kShift) - 1), r = ref::round_shift(prod, P::kShift);
  const int64_t hi = ref::smax(P::kStateBits), lo = ref::smin(P::kStateBits);
  ++br[r > hi ? "sat_high" : r < lo ? "sat_low" : "in_range"];
  if (r == hi) ++br["at_max_unclamped"];
  if (r == lo) ++br["at_min_unclamped"];
  if (rem == 0)
    ++br["round_exact"];
  else if (rem == half)
    ++br[prod > 0 ? "round_tie_pos" : "round_tie_neg"];
  else
    ++br[rem > half ? "round_up" : "round_down"];
  if (b.pos == kAllRows && b.neg == 0) ++br["rows_pos_all_ones"];
  if (b.neg == kAllRows && b.pos == 0) ++br["rows_neg_all_ones"];
  if (b.pos == kAllRows && b.neg == kAllRows) ++br["rows_both_all_ones"];
  if (b.pos == 0 && b.neg == 0) ++br["rows_all_zero"];
  bool all_max = true, all_min = true, all_zero = true;
  for (int32_t x : b.x) {
    all_max &= x == kXMax;
    all_min &= x == kXMin;
    all_zero &= x == 0;
  }
  if (all_max) ++br["x_all_max"];
  if (all_min) ++br["x_all_min"];
  if (all_zero) ++br["x_all_zero"];
  if (b.r_in == 0) ++br["scale_zero"];
  if (b.r_in == kScaleMax) ++br["scale_max"];
}

// the handshake pattern of one environment step
enum class Flow { kStream, kBubbles, kStalls, kBoth };

class Campaign {
 public:
  Campaign(const InputCampaignConfig& cfg) : m_cfg(cfg), m_drv(cfg.mutant), m_rng(cfg.seed) {
    m_drv.reset();
    m_report.mutant = cfg.mutant;
  }

  // one environment step: the reference projection of x, then its 64 beats through the unit
  void step(const ref::CompiledNet& net, const std::vector<int32_t>& x, Flow flow) {
    ref::FixedState st;
    ref::reset(net, st, 1);
    st.x_q = x;
    ref::detail::input_projection_reference(net, st);
    std::bernoulli_distribution valid(0.7), ready(0.6);
    const bool bubbles = flow == Flow::kBubbles || flow == Flow::kBoth;
    const bool stalls = flow == Flow::kStalls || flow == Flow::kBoth;
    std::deque<Beat> pending;
    int w = 0, r = 0;
    const uint64_t start = m_drv.cycles();
    Beat next = beat_of(net, x, 0);
    while (r < kNeurons) {
      InputDriver::Inputs in;
      in.in_valid = w < kNeurons && (!bubbles || valid(m_rng));
      in.out_ready = !stalls || ready(m_rng);
      in.beat = next;
      const uint64_t c = m_drv.cycles();
      const InputDriver::Fired f = m_drv.cycle(in);
      if (f.out) {
        const Beat& b = pending.front();
        const int32_t want = st.i_in[static_cast<size_t>(r)];
        if (m_taken_at && !m_report.latency_cycles) m_report.latency_cycles = c - m_taken_at;
        if (f.i_in != want) mismatch(b, want, f.i_in);
        count_branches(b, m_report.branches);
        pending.pop_front();
        ++r;
        ++m_report.beats;
      }
      if (f.in) {
        if (!m_taken_at) m_taken_at = c;
        pending.push_back(next);
        if (++w < kNeurons) next = beat_of(net, x, w);
      }
      if (m_drv.cycles() - start > 100 * kNeurons) throw Error("the RTL input stage hangs", "see its waveform");
    }
    if (flow == Flow::kStream) {
      m_stream_beats += kNeurons;
      m_stream_cycles += m_drv.cycles() - start;
    }
    ++m_report.steps;
  }

  std::mt19937_64& rng() { return m_rng; }

  InputCampaignReport finish() {
    m_report.cycles = m_drv.cycles();
    if (m_stream_cycles)
      m_report.streaming_beats_per_cycle = static_cast<double>(m_stream_beats) / static_cast<double>(m_stream_cycles);
    return m_report;
  }

 private:
  void mismatch(const Beat& b, int32_t want, int32_t got) {
    if (m_report.mismatches++) return;
    m_report.first_mismatch = describe(b) + ": reference i_in " + std::to_string(want) + ", RTL " + std::to_string(got);
    if (m_cfg.fail_dir.empty()) return;
    const std::string csv = m_cfg.fail_dir + "/input_mismatch.csv", vcd = m_cfg.fail_dir + "/input_mismatch.vcd";
    std::ofstream o(csv);
    o << "x_q,pos,neg,r_in,reference_i_in,rtl_i_in\n";
    for (int i = 0; i < kD; ++i) o << (i ? " " : "") << b.x[static_cast<size_t>(i)];
    o << "," << b.pos << "," << b.neg << "," << b.r_in << "," << want << "," << got << "\n";
    m_report.written.push_back(csv);
    // the failing beat alone through a fresh model of the same build, with its waveform
    InputDriver replay(m_cfg.mutant, vcd);
    replay.reset();
    InputDriver::Inputs in;
    in.in_valid = in.out_ready = true;
    in.beat = b;
    replay.cycle(in);
    in.in_valid = false;
    replay.cycle(in);
    m_report.written.push_back(vcd);
  }

  InputCampaignConfig m_cfg;
  InputDriver m_drv;
  std::mt19937_64 m_rng;
  InputCampaignReport m_report;
  uint64_t m_taken_at = 0, m_stream_beats = 0, m_stream_cycles = 0;
};

}  // namespace

InputCampaignReport run_input_campaign(const InputCampaignConfig& cfg) {
  Campaign cam(cfg);
  std::mt19937_64& rng = cam.rng();
  const uint32_t r_default = static_cast<uint32_t>(ref::make_network_desc(shape()).fixed.r_in_q);
  // the directed scales: the network's own, 0, 1, exact (2^s), ties for odd sums (2^(s-1)), ties
  // for sums of 2 mod 4 (3·2^(s-2)), the largest, and the two that put a sum exactly on a bound
  const uint32_t r_exact = 1u << P::kShift, r_max_bound = 7u << P::kShift, r_min_bound = 8u << P::kShift;
  const std::vector<uint32_t> scales = {r_default,         0,         1,           r_exact,    r_exact / 2,
                                        3 * (r_exact / 4), kScaleMax, r_max_bound, r_min_bound};
  std::uniform_int_distribution<int32_t> xfull(kXMin, kXMax), xsmall(-3, 3);
  std::uniform_int_distribution<int> coin(0, 1);
  const auto x_of = [&](int pattern) {
    std::vector<int32_t> x(kD);
    for (int32_t& v : x) switch (pattern) {
        case 0:
          v = kXMax;
          break;
        case 1:
          v = kXMin;
          break;
        case 2:
          v = 0;
          break;
        case 3:
          v = coin(rng) ? kXMax : kXMin;
          break;
        case 4:
          v = xsmall(rng);
          break;
        default:
          v = xfull(rng);
          break;
      }
    return x;
  };
  // directed: every scale × every x_q pattern × a sparse, a half and a dense network
  for (uint32_t r : scales)
    for (double density : {0.1, 0.5, 0.9}) {
      const auto net = make_net(rng, r, density);
      for (int pattern = 0; pattern <= 5; ++pattern) cam.step(*net, x_of(pattern), Flow::kStream);
    }
  // directed: neuron 0 (every +x row) exactly on and just past each saturation bound:
  // 7·2^s·4681 = 32767·2^s, 8·2^s·(-4096) = -32768·2^s
  {
    const auto at_max = make_net(rng, r_max_bound, 0.5), at_min = make_net(rng, r_min_bound, 0.5);
    std::vector<int32_t> x(kD, 0);
    for (int i = 0; i < 9; ++i) x[static_cast<size_t>(i)] = kXMax;
    x[9] = 4681 - 9 * kXMax;
    cam.step(*at_max, x, Flow::kStream);
    x[10] = 1;
    cam.step(*at_max, x, Flow::kStream);
    std::vector<int32_t> y(kD, 0);
    for (int i = 0; i < 8; ++i) y[static_cast<size_t>(i)] = kXMin;
    cam.step(*at_min, y, Flow::kStream);
    y[8] = -1;
    cam.step(*at_min, y, Flow::kStream);
  }
  // random: a fresh network every 8 steps, its scale one of the directed ones or uniform
  std::uniform_int_distribution<size_t> pick(0, scales.size());
  std::uniform_int_distribution<uint32_t> rfull(0, kScaleMax);
  std::uniform_real_distribution<double> dens(0.05, 0.95);
  std::uniform_int_distribution<int> pattern(0, 11), flow(0, 3);
  std::unique_ptr<ref::CompiledNet> net;
  for (uint64_t beats = 0, k = 0; beats < cfg.vectors; beats += kNeurons, ++k) {
    if (k % 8 == 0) {
      const size_t s = pick(rng);
      net = make_net(rng, s < scales.size() ? scales[s] : rfull(rng), dens(rng));
    }
    const int p = pattern(rng);
    cam.step(*net, x_of(p < 5 ? p : 5), static_cast<Flow>(flow(rng)));
  }
  return cam.finish();
}

std::vector<InputMutantResult> run_input_mutation_check(uint64_t vectors, uint64_t seed) {
  std::vector<InputMutantResult> out;
  for (const auto& [m, bug] : input_mutants()) {
    InputCampaignConfig cfg;
    cfg.mutant = m;
    cfg.vectors = vectors;
    cfg.seed = seed;
    const InputCampaignReport r = run_input_campaign(cfg);
    out.push_back({m, bug, r.beats, r.mismatches, r.mismatches > 0, r.first_mismatch});
  }
  return out;
}

}  // namespace ecsim::rtl
