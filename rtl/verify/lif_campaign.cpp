#include "verify/lif_campaign.h"

#include <algorithm>
#include <deque>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <sstream>

#include "common/error.h"
#include "driver/lif_driver.h"
#include "reference/network_desc.h"
#include "reference/neuron.h"

namespace ecsim::rtl {

namespace {

// one neuron's inputs
struct Vec {
  int64_t diff = 0;
  int32_t i_in = 0;
  bool exc = true;
  int32_t v = 0, i_syn = 0, rate = 0;
};
struct Out {
  int32_t v = 0, i_syn = 0, rate = 0;
  bool fired = false;
  bool operator==(const Out&) const = default;
};

// a constant set: the reference model's description and what the configuration inputs receive
struct Consts {
  std::string name;
  ref::NetworkDesc desc;
  LifDriver::Config config;
};

// docs/spec.md §5.2 steps 2-7 written out step by step, keeping every exact intermediate: the
// branch counts come from it, and so does the expected value of a mutation. Without a mutation it
// must equal ref::lif_update (the campaign checks that on every vector).
struct Trace {
  int64_t p_isyn = 0, isyn_dec = 0, p_drh = 0, drh = 0, s_isyn = 0, isyn = 0, s_u = 0, u = 0, s_d = 0, d = 0;
  int64_t p_m = 0, m = 0, s_v = 0, v1 = 0, p_rate = 0, rate_dec = 0, s_rate = 0;
  Out out;
};

int64_t wrap(int64_t x, int bits) {  // two's complement wrap-around, for the mutations
  const uint64_t m = (uint64_t{1} << bits) - 1;
  const uint64_t r = static_cast<uint64_t>(x) & m;
  return (r >> (bits - 1)) ? static_cast<int64_t>(r) - (int64_t{1} << bits) : static_cast<int64_t>(r);
}

Trace trace(const ref::NetworkDesc& d, const Vec& x, LifMutation mut = LifMutation::kNone) {
  using ref::round_shift;
  using ref::saturate;
  const int W = d.arith.state_bits, C = d.arith.const_bits, WR = d.arith.rate_bits;
  const ref::FixedConstants& f = d.fixed;
  Trace t;
  t.p_isyn = int64_t{x.i_syn} * f.alpha_syn_q;
  t.isyn_dec = round_shift(t.p_isyn, C);
  t.p_drh = x.diff * f.r_h_q;
  t.drh = mut == LifMutation::kNoDiffSaturation ? wrap(t.p_drh, W) : saturate(t.p_drh, W);
  t.s_isyn = t.isyn_dec + t.drh;
  t.isyn = saturate(t.s_isyn, W);
  t.s_u = t.isyn + x.i_in;
  t.u = saturate(t.s_u, W);
  t.s_d = t.u - x.v;
  t.d = saturate(t.s_d, W);
  t.p_m = t.d * f.beta_m_q;
  t.m = mut == LifMutation::kTiesRoundDown ? (t.p_m + (int64_t{1} << (C - 1)) - 1) >> C : round_shift(t.p_m, C);
  t.s_v = x.v + t.m;
  t.v1 = saturate(t.s_v, W);
  t.out.fired = mut == LifMutation::kThresholdInclusive ? t.v1 >= f.theta_q : t.v1 > f.theta_q;
  t.out.v = static_cast<int32_t>(t.out.fired ? 0 : t.v1);
  t.out.i_syn = static_cast<int32_t>(t.isyn);
  t.p_rate = int64_t{x.rate} * f.alpha_out_q;
  t.rate_dec = round_shift(t.p_rate, C);
  const int64_t sgn = !t.out.fired ? 0 : (x.exc || mut == LifMutation::kSpikeSignIgnored) ? 1 : -1;
  t.s_rate = t.rate_dec + sgn * f.gamma_q;
  t.out.rate =
      static_cast<int32_t>(mut == LifMutation::kNoRateSaturation ? wrap(t.s_rate, WR) : saturate(t.s_rate, WR));
  return t;
}

Out reference(const ref::NetworkDesc& d, const Vec& x) {
  ref::NeuronState s{x.v, x.i_syn, x.rate};
  const bool fired = ref::lif_update(d, x.diff, x.i_in, x.exc, s);
  return {s.v, s.i_syn, s.rate, fired};
}

// ---- the branches ------------------------------------------------------------------------------

const char* const kRoundPoints[] = {"step 2 round_shift(i_syn*alpha_syn)", "step 4 round_shift(sat(u-v)*beta_m)",
                                    "step 7 round_shift(rate*alpha_out)"};
const char* const kRoundCases[] = {"exact", "below half (down)", "tie, x > 0 (up)", "tie, x < 0 (up, toward 0)",
                                   "above half (up)"};
const char* const kSatPoints[] = {"step 2 sat(diff*R)", "step 2 sat(i_syn sum)", "step 3 sat(u)",
                                  "step 4 sat(u-v)",    "step 4 sat(v+step)",    "step 7 sat(rate)"};
const char* const kSatCases[] = {"< min (clamped)", "= min", "= min+1", "= max-1", "= max", "> max (clamped)"};
const char* const kThresholdCases[] = {"v = theta (no spike)", "v = theta+1 (spike)", "spike, excitatory (+gamma)",
                                       "spike, inhibitory (-gamma)", "no spike"};
const char* const kClampBranch = "config R_q > 2^(W-1) (the port takes 2^(W-1))";

std::string join(const char* point, const char* c) { return std::string(point) + ": " + c; }

int round_case(int64_t x, int C) {
  const int64_t r = x & ((int64_t{1} << C) - 1), half = int64_t{1} << (C - 1);
  if (r == 0) return 0;
  if (r < half) return 1;
  if (r == half) return x > 0 ? 2 : 3;
  return 4;
}

// -1 when strictly inside and not next to a bound
int sat_case(int64_t x, int bits) {
  const int64_t lo = ref::smin(bits), hi = ref::smax(bits);
  if (x < lo) return 0;
  if (x == lo) return 1;
  if (x == lo + 1) return 2;
  if (x == hi - 1) return 3;
  if (x == hi) return 4;
  if (x > hi) return 5;
  return -1;
}

// Counts the branches of one vector.
class BranchCounter {
 public:
  BranchCounter() {
    for (const std::string& n : lif_branch_names()) m_counts[n] = 0;
  }
  void count(const Consts& k, const Vec& x, const Trace& t) {
    const ref::NetworkDesc& d = k.desc;
    const int W = d.arith.state_bits, C = d.arith.const_bits, WR = d.arith.rate_bits;
    ++m_counts[join(kRoundPoints[0], kRoundCases[round_case(t.p_isyn, C)])];
    ++m_counts[join(kRoundPoints[1], kRoundCases[round_case(t.p_m, C)])];
    ++m_counts[join(kRoundPoints[2], kRoundCases[round_case(t.p_rate, C)])];
    const int64_t sums[] = {t.p_drh, t.s_isyn, t.s_u, t.s_d, t.s_v, t.s_rate};
    for (int p = 0; p < 6; ++p) {
      const int c = sat_case(sums[p], p == 5 ? WR : W);
      if (c >= 0) ++m_counts[join(kSatPoints[p], kSatCases[c])];
    }
    const char* th = "step 5 threshold";
    if (t.v1 == d.fixed.theta_q) ++m_counts[join(th, kThresholdCases[0])];
    if (t.v1 == d.fixed.theta_q + 1) ++m_counts[join(th, kThresholdCases[1])];
    ++m_counts[join(th, kThresholdCases[!t.out.fired ? 4 : x.exc ? 2 : 3])];
    if (d.fixed.r_h_q > (int64_t{1} << (W - 1))) ++m_counts[kClampBranch];
  }
  const std::map<std::string, uint64_t>& counts() const { return m_counts; }

 private:
  std::map<std::string, uint64_t> m_counts;
};

// ---- constant sets -----------------------------------------------------------------------------

ref::ArithConfig arith_of(const LifParameterSet& ps) {
  ref::ArithConfig a;
  a.state_bits = ps.state_bits;
  a.frac_bits = ps.frac_bits;
  a.rate_bits = ps.rate_bits;
  a.rate_frac_bits = std::min(12, ps.rate_bits - 3);
  a.const_bits = ps.const_bits;
  return a;
}

Consts consts_of(const std::string& name, const ref::NetworkDesc& d) {
  const ref::FixedConstants& f = d.fixed;
  return {name, d,
          LifDriver::Config::from(f.alpha_syn_q, f.beta_m_q, f.alpha_out_q, f.gamma_q, f.r_h_q, d.arith.state_bits)};
}

ref::NetworkDesc network(const LifParameterSet& ps, int n) {
  ref::NetworkShape s;
  s.n_neurons = n;
  s.n_exc = n / 2;
  return ref::make_network_desc(s, arith_of(ps));
}

Consts custom(const std::string& name, const ref::NetworkDesc& base, int64_t a_syn, int64_t beta, int64_t a_out,
              int64_t gamma, int64_t r_h) {
  ref::NetworkDesc d = base;
  d.fixed.alpha_syn_q = a_syn;
  d.fixed.beta_m_q = beta;
  d.fixed.alpha_out_q = a_out;
  d.fixed.gamma_q = gamma;
  d.fixed.r_h_q = r_h;
  return consts_of(name, d);
}

// The chip's own constants first (most random vectors run there), then other network sizes, R at
// and around the port's range, decay factors at their extremes, and random constants.
std::vector<Consts> constant_sets(const LifParameterSet& ps, std::mt19937_64& g) {
  std::vector<Consts> v;
  const ref::NetworkDesc chip = network(ps, 256);
  v.push_back(consts_of("chip constants, N = 256", chip));
  for (int n : {2, 16, 1024, 65536}) v.push_back(consts_of("chip constants, N = " + std::to_string(n), network(ps, n)));
  const int W = ps.state_bits, C = ps.const_bits, WR = ps.rate_bits;
  const ref::FixedConstants& f = chip.fixed;
  const int64_t smax = ref::smax(W), top = int64_t{1} << (W - 1), one = int64_t{1} << C, rmax = ref::smax(WR);
  for (int64_t r : {int64_t{1}, int64_t{2}, int64_t{3}, smax - 1, smax, top, top + 1, 3 * (int64_t{1} << W)})
    v.push_back(custom("R = " + std::to_string(r), chip, f.alpha_syn_q, f.beta_m_q, f.alpha_out_q, f.gamma_q, r));
  const int64_t half = one / 2, max = one - 1;
  struct Decays {
    int64_t a, b, o, g;
  };
  for (const Decays& k : {Decays{1, 1, 1, 1}, Decays{half, half, half, f.gamma_q}, Decays{max, max, max, rmax},
                          Decays{max, 1, half, rmax}, Decays{1, max, max - 1, 1}, Decays{half + 1, half - 1, 3, 7}})
    v.push_back(custom("decays " + std::to_string(k.a) + "/" + std::to_string(k.b) + "/" + std::to_string(k.o) +
                           ", gamma " + std::to_string(k.g),
                       chip, k.a, k.b, k.o, k.g, f.r_h_q));
  for (int k = 0; k < 16; ++k) {
    auto in = [&](int64_t lo, int64_t hi) {
      return lo + static_cast<int64_t>(g() % static_cast<uint64_t>(hi - lo + 1));
    };
    v.push_back(custom("random constants " + std::to_string(k), chip, in(1, max), in(1, max), in(1, max), in(1, rmax),
                       in(1, int64_t{1} << (W + 1))));
  }
  return v;
}

// ---- vectors -----------------------------------------------------------------------------------

struct Ranges {
  int W, WR, DW;
  int64_t smin, smax, rmin, rmax, dmin, dmax, theta;
  explicit Ranges(const ref::NetworkDesc& d, int diff_bits)
      : W(d.arith.state_bits),
        WR(d.arith.rate_bits),
        DW(diff_bits),
        smin(ref::smin(W)),
        smax(ref::smax(W)),
        rmin(ref::smin(WR)),
        rmax(ref::smax(WR)),
        dmin(ref::smin(DW)),
        dmax(ref::smax(DW)),
        theta(d.fixed.theta_q) {}
  bool state(int64_t x) const { return x >= smin && x <= smax; }
  bool rate(int64_t x) const { return x >= rmin && x <= rmax; }
  bool diff(int64_t x) const { return x >= dmin && x <= dmax; }
};

int64_t uniform(std::mt19937_64& g, int64_t lo, int64_t hi) {
  return lo + static_cast<int64_t>(g() % static_cast<uint64_t>(hi - lo + 1));
}

// a field: uniform over its range, at or next to a bound or the threshold, or a typical value
int64_t field(std::mt19937_64& g, int64_t lo, int64_t hi, int64_t typical, int64_t theta) {
  const uint64_t mode = g() % 8;
  if (mode < 2) return uniform(g, lo, hi);
  if (mode == 2) {
    const int64_t pool[] = {lo, lo + 1, lo + 2, -theta, -1, 0, 1, theta - 1, theta, theta + 1, hi - 2, hi - 1, hi};
    return std::clamp(pool[g() % std::size(pool)], lo, hi);
  }
  return uniform(g, std::max(lo, -typical), std::min(hi, typical));
}

Vec random_vec(std::mt19937_64& g, const Ranges& r) {
  Vec x;
  x.diff = field(g, r.dmin, r.dmax, 64, r.theta);
  x.i_in = static_cast<int32_t>(field(g, r.smin, r.smax, 4 * r.theta, r.theta));
  x.exc = g() % 2 == 0;
  x.v = static_cast<int32_t>(field(g, r.smin, r.smax, 2 * r.theta, r.theta));
  x.i_syn = static_cast<int32_t>(field(g, r.smin, r.smax, 4 * r.theta, r.theta));
  x.rate = static_cast<int32_t>(field(g, r.rmin, r.rmax, int64_t{1} << (r.WR - 3), r.theta));
  return x;
}

// x in [lo, hi] with round_shift(x·a, C) == target, if there is one (a > 0)
std::optional<int64_t> inverse_round(int64_t a, int C, int64_t target, int64_t lo, int64_t hi) {
  const int64_t x0 = (target * (int64_t{1} << C)) / a;
  for (int64_t x = x0 - 3; x <= x0 + 3; ++x)
    if (x >= lo && x <= hi && ref::round_shift(x * a, C) == target) return x;
  return std::nullopt;
}

// the x of smallest magnitude in [lo, hi] with sign s whose product with a is a rounding tie
std::optional<int64_t> tie(int64_t a, int C, int64_t lo, int64_t hi, int s) {
  const int64_t half = int64_t{1} << (C - 1), mask = (int64_t{1} << C) - 1;
  for (int64_t x = s; x >= lo && x <= hi; x += s)
    if (((x * a) & mask) == half) return x;
  return std::nullopt;
}

// Directed vectors of one constant set: at and next to every saturation bound, the threshold and
// the rounding ties, each built by solving the step for one free input.
std::vector<Vec> directed(const Consts& k, const Ranges& r, std::mt19937_64& g) {
  const ref::NetworkDesc& d = k.desc;
  const ref::FixedConstants& f = d.fixed;
  const int C = d.arith.const_bits;
  std::vector<Vec> out;
  auto base = [&] { return random_vec(g, r); };
  auto with_exc = [&](Vec x) {  // every directed vector for both spike signs
    x.exc = true;
    out.push_back(x);
    x.exc = false;
    out.push_back(x);
  };
  const int64_t sat_targets[] = {r.smin - 2, r.smin - 1, r.smin, r.smin + 1, r.smin + 2,
                                 r.smax - 2, r.smax - 1, r.smax, r.smax + 1, r.smax + 2};

  // candidate starts whose i_syn' spans the range: typical, and driven to either bound
  auto starts = [&] {
    std::vector<Vec> s = {base(), base()};
    Vec hi = base(), lo = base();
    hi.i_syn = static_cast<int32_t>(r.smax);
    hi.diff = r.dmax;
    lo.i_syn = static_cast<int32_t>(r.smin);
    lo.diff = r.dmin;
    s.push_back(hi);
    s.push_back(lo);
    Vec zero = base();
    zero.i_syn = 0;
    zero.diff = 0;
    s.push_back(zero);
    return s;
  };
  // sets i_in so that the exact u sum is `target`; false if no start allows it
  auto with_u_sum = [&](int64_t target, Vec* x) {
    for (Vec s : starts()) {
      const int64_t i_in = target - trace(d, s).isyn;
      if (!r.state(i_in)) continue;
      s.i_in = static_cast<int32_t>(i_in);
      *x = s;
      return true;
    }
    return false;
  };
  // u (in range) and v given: the v chain is fixed
  auto with_u_v = [&](int64_t u, int64_t v, Vec* x) {
    if (!r.state(u) || !r.state(v) || !with_u_sum(u, x)) return false;
    x->v = static_cast<int32_t>(v);
    return true;
  };

  // step 2: the rounding ties of i_syn·α_syn and their neighbours
  for (int s : {1, -1})
    if (const auto t = tie(f.alpha_syn_q, C, r.smin, r.smax, s))
      for (int64_t dx : {-1, 0, 1})
        if (r.state(*t + dx)) {
          Vec x = base();
          x.i_syn = static_cast<int32_t>(*t + dx);
          with_exc(x);
        }
  // step 2: diff·R at and next to both bounds
  {
    const int64_t rh = f.r_h_q;
    const int64_t hi = r.smax / rh, lo = -((-r.smin) / rh);
    for (int64_t q : {hi - 1, hi, hi + 1, lo - 1, lo, lo + 1, r.dmin, r.dmax, int64_t{-1}, int64_t{1}})
      if (r.diff(q)) {
        Vec x = base();
        x.diff = q;
        with_exc(x);
      }
  }
  // step 2: the i_syn sum at and next to both bounds (i_syn solves for the rest)
  for (int64_t t : sat_targets) {
    const int64_t q0 = std::clamp(t / f.r_h_q, r.dmin, r.dmax);
    for (int64_t q : {q0 - 1, q0, q0 + 1, int64_t{0}}) {
      if (!r.diff(q)) continue;
      const int64_t drh = ref::saturate(q * f.r_h_q, r.W);
      if (const auto i = inverse_round(f.alpha_syn_q, C, t - drh, r.smin, r.smax)) {
        Vec x = base();
        x.diff = q;
        x.i_syn = static_cast<int32_t>(*i);
        with_exc(x);
        break;
      }
    }
  }
  // step 3: the u sum (i_in solves for it)
  for (int64_t t : sat_targets) {
    Vec x;
    if (with_u_sum(t, &x)) with_exc(x);
  }
  // step 4: u − v (v solves for it)
  auto with_d = [&](int64_t t) {
    for (int64_t u : {int64_t{0}, r.smax, r.smin, int64_t{1}, int64_t{-1}}) {
      Vec x;
      if (with_u_v(u, u - t, &x)) {
        with_exc(x);
        return;
      }
    }
  };
  for (int64_t t : sat_targets) with_d(t);
  // step 4: the rounding ties of sat(u − v)·β_m and their neighbours
  for (int s : {1, -1})
    if (const auto t = tie(f.beta_m_q, C, r.smin, r.smax, s))
      for (int64_t dx : {-1, 0, 1}) with_d(*t + dx);
  // step 4 and 5: v + step at and next to both bounds and the threshold (v solves for it, for
  // several steps)
  const int64_t v_targets[] = {r.smin,      r.smin + 1, r.smin + 2,  r.smax - 2,  r.smax - 1, r.smax,
                               r.theta - 1, r.theta,    r.theta + 1, r.theta + 2, 0};
  for (int64_t t : v_targets)
    for (int64_t step_d : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{1} << C, -(int64_t{1} << C), int64_t{37}}) {
      const int64_t m = ref::round_shift(step_d * f.beta_m_q, C);
      Vec x;
      if (with_u_v(t - m + step_d, t - m, &x)) with_exc(x);
    }
  // step 7: the rounding ties of rate·α_out and their neighbours
  for (int s : {1, -1})
    if (const auto t = tie(f.alpha_out_q, C, r.rmin, r.rmax, s))
      for (int64_t dx : {-1, 0, 1})
        if (r.rate(*t + dx)) {
          Vec x = base();
          x.rate = static_cast<int32_t>(*t + dx);
          with_exc(x);
        }
  // step 7: the rate at and next to both bounds, without a spike and with a spike of either sign
  Vec quiet, spiking;
  const bool have_quiet = with_u_v(0, 0, &quiet), have_spiking = with_u_v(r.theta + 1, r.theta + 1, &spiking);
  const int64_t rate_targets[] = {r.rmin - 2, r.rmin - 1, r.rmin, r.rmin + 1, r.rmin + 2,
                                  r.rmax - 2, r.rmax - 1, r.rmax, r.rmax + 1, r.rmax + 2};
  for (int64_t t : rate_targets)
    for (int sgn : {0, 1, -1}) {
      if (sgn == 0 ? !have_quiet : !have_spiking) continue;
      Vec x = sgn == 0 ? quiet : spiking;
      x.exc = sgn >= 0;
      if (const auto rt = inverse_round(f.alpha_out_q, C, t - sgn * f.gamma_q, r.rmin, r.rmax)) {
        x.rate = static_cast<int32_t>(*rt);
        out.push_back(x);
      }
    }
  // every field at its bounds, in random combinations
  for (int n = 0; n < 400; ++n) {
    Vec x;
    auto pick = [&](int64_t lo, int64_t hi) {
      const int64_t pool[] = {lo, lo + 1, -1, 0, 1, r.theta, r.theta + 1, hi - 1, hi};
      return std::clamp(pool[g() % std::size(pool)], lo, hi);
    };
    x.diff = pick(r.dmin, r.dmax);
    x.i_in = static_cast<int32_t>(pick(r.smin, r.smax));
    x.v = static_cast<int32_t>(pick(r.smin, r.smax));
    x.i_syn = static_cast<int32_t>(pick(r.smin, r.smax));
    x.rate = static_cast<int32_t>(pick(r.rmin, r.rmax));
    x.exc = g() % 2 == 0;
    out.push_back(x);
  }
  return out;
}

// ---- the testbench -----------------------------------------------------------------------------

// How the testbench drives the handshakes, cycle by cycle.
struct Pattern {
  std::string name;
  std::function<bool(uint64_t cycle, std::mt19937_64&)> in_valid;   // offer a neuron this cycle?
  std::function<bool(uint64_t cycle, std::mt19937_64&)> out_ready;  // accept an output this cycle?
};

std::vector<Pattern> patterns() {
  auto always = [](uint64_t, std::mt19937_64&) { return true; };
  return {
      {"streaming", always, always},
      {"output stalls every other cycle", always, [](uint64_t c, std::mt19937_64&) { return c % 2 == 0; }},
      {"long output stalls", always, [](uint64_t c, std::mt19937_64&) { return c % 9 >= 6; }},
      {"input bubbles", [](uint64_t c, std::mt19937_64&) { return c % 3 != 1; }, always},
      {"random bubbles and stalls", [](uint64_t, std::mt19937_64& g) { return g() % 4 != 0; },
       [](uint64_t, std::mt19937_64& g) { return g() % 3 != 0; }},
  };
}

class Harness {
 public:
  Harness(int state_bits, const std::string& vcd_path) : m_unit(state_bits, vcd_path) {}

  void reset() { m_unit.reset(); }
  // one idle cycle first: the configuration changes only while nothing is in flight
  void configure(const LifDriver::Config& c) {
    LifDriver::Inputs idle;
    idle.out_ready = true;
    m_unit.cycle(idle);
    m_unit.set_config(c);
  }

  // Streams neurons through the unit under a pattern; returns the outputs in order and, in
  // *kept, which vector each belongs to. If reset_after > 0, asserts reset once after that many
  // accepted neurons: the neurons in flight are dropped.
  std::vector<Out> run(const std::vector<Vec>& vecs, const Pattern& p, std::mt19937_64& gen, uint64_t reset_after,
                       std::vector<size_t>* kept) {
    std::vector<Out> out;
    kept->clear();
    size_t next = 0;
    bool did_reset = false;
    std::deque<size_t> in_flight;
    const uint64_t limit = 64 + 16 * vecs.size();
    for (uint64_t c = 0; c < limit && (next < vecs.size() || !in_flight.empty()); ++c) {
      LifDriver::Inputs in;
      in.in_valid = next < vecs.size() && p.in_valid(m_unit.cycles(), gen);
      if (in.in_valid) {
        const Vec& x = vecs[next];
        in.diff = x.diff;
        in.i_in = x.i_in;
        in.exc = x.exc;
        in.v = x.v;
        in.i_syn = x.i_syn;
        in.rate = x.rate;
      }
      in.out_ready = p.out_ready(m_unit.cycles(), gen);
      const LifDriver::Fired f = m_unit.cycle(in);
      if (f.out) {
        out.push_back({f.v, f.i_syn, f.rate, f.fired});
        kept->push_back(in_flight.front());
        in_flight.pop_front();
      }
      if (f.in) in_flight.push_back(next++);
      if (!did_reset && reset_after && next == reset_after) {
        did_reset = true;
        reset();
        in_flight.clear();
      }
    }
    if (!in_flight.empty() || next < vecs.size())
      throw Error("RTL LIF unit: the stream did not drain (a hang or a lost handshake)",
                  "inspect the VCD of `ecsim verify-rtl --unit lif --fail-dir DIR`");
    return out;
  }

  uint64_t cycles() const { return m_unit.cycles(); }
  const LifParameterSet& parameters() const { return m_unit.parameters(); }

 private:
  LifDriver m_unit;
};

struct Failure {
  Consts consts;
  Vec vec;
  Pattern pattern;
};

void write_failure(const LifCampaignConfig& cfg, const Consts& k, const Vec& x, const Pattern& p,
                   LifCampaignReport* rep) {
  const std::string stem = cfg.fail_dir + "/lif_w" + std::to_string(cfg.state_bits) + "_fail";
  std::ofstream f(stem + ".csv");
  f << "constants,alpha_syn,beta_m,alpha_out,gamma,r_h,diff,i_in,exc,v,i_syn,rate\n"
    << '"' << k.name << '"' << "," << k.desc.fixed.alpha_syn_q << "," << k.desc.fixed.beta_m_q << ","
    << k.desc.fixed.alpha_out_q << "," << k.desc.fixed.gamma_q << "," << k.desc.fixed.r_h_q << "," << x.diff << ","
    << x.i_in << "," << x.exc << "," << x.v << "," << x.i_syn << "," << x.rate << "\n";
  rep->written.push_back(stem + ".csv");
  {  // replay the failing vector alone, with a waveform
    Harness h(cfg.state_bits, stem + ".vcd");
    h.reset();
    h.configure(k.config);
    std::mt19937_64 g(1);
    std::vector<size_t> kept;
    h.run({x}, p, g, 0, &kept);
  }  // the waveform is complete when the harness is gone
  rep->written.push_back(stem + ".vcd");
}

LifCampaignReport campaign(const LifCampaignConfig& cfg) {
  LifCampaignReport rep;
  std::mt19937_64 gen(cfg.seed);
  // a failure is replayed with a waveform once this harness is gone: one model at a time
  std::optional<Failure> failure;
  auto harness = std::make_unique<Harness>(cfg.state_bits, std::string());
  Harness& h = *harness;
  const LifParameterSet ps = h.parameters();
  rep.state_bits = ps.state_bits;
  rep.frac_bits = ps.frac_bits;
  rep.rate_bits = ps.rate_bits;
  rep.const_bits = ps.const_bits;
  rep.diff_bits = ps.diff_bits;
  h.reset();
  BranchCounter branches;
  const std::vector<Pattern> pats = patterns();
  for (const Pattern& p : pats) rep.patterns[p.name] = 0;
  std::vector<size_t> kept;

  auto check = [&](const Consts& k, const std::vector<Vec>& vecs, const Pattern& p, uint64_t reset_after) {
    const std::vector<Out> got = h.run(vecs, p, gen, reset_after, &kept);
    rep.patterns[p.name] += got.size();
    for (size_t i = 0; i < got.size(); ++i) {
      const Vec& x = vecs[kept[i]];
      const Trace t = trace(k.desc, x, cfg.mutation);
      if (cfg.mutation == LifMutation::kNone && !(t.out == reference(k.desc, x)))
        throw Error("the LIF campaign's step-by-step model disagrees with ref::lif_update",
                    "fix trace() in rtl/verify/lif_campaign.cpp");
      branches.count(k, x, t);
      if (got[i] == t.out) continue;
      if (++rep.mismatches > 1) continue;
      std::ostringstream os;
      os << k.name << " / " << p.name << ": diff " << x.diff << " i_in " << x.i_in << (x.exc ? " E" : " I") << " v "
         << x.v << " i_syn " << x.i_syn << " rate " << x.rate << " gave (v " << got[i].v << ", i_syn " << got[i].i_syn
         << ", rate " << got[i].rate << ", fired " << got[i].fired << "), the expected model gives (v " << t.out.v
         << ", i_syn " << t.out.i_syn << ", rate " << t.out.rate << ", fired " << t.out.fired << ")";
      rep.first_mismatch = os.str();
      failure = Failure{k, x, p};
    }
    return static_cast<uint64_t>(got.size());
  };

  const std::vector<Consts> sets = constant_sets(ps, gen);
  rep.constant_sets = sets.size();
  // half the random vectors on the chip's own constants, the rest spread over the other sets
  const uint64_t on_chip = cfg.vectors / 2, per_other = (cfg.vectors - on_chip) / (sets.size() - 1);
  constexpr uint64_t kBatch = 4096;
  size_t pattern = 0;
  for (size_t s = 0; s < sets.size(); ++s) {
    const Consts& k = sets[s];
    const Ranges r(k.desc, ps.diff_bits);
    h.configure(k.config);
    // directed vectors under every pattern
    const std::vector<Vec> dv = directed(k, r, gen);
    for (const Pattern& p : pats) rep.directed += check(k, dv, p, 0);
    // random vectors, batch by batch, the patterns in turn
    uint64_t want = s == 0 ? on_chip + (cfg.vectors - on_chip) % (sets.size() - 1) : per_other;
    while (want > 0) {
      const uint64_t n = std::min(want, kBatch);
      std::vector<Vec> rv(n);
      for (Vec& x : rv) x = random_vec(gen, r);
      rep.random += check(k, rv, pats[pattern++ % pats.size()], 0);
      want -= n;
    }
    // reset mid-stream: the neurons in flight are dropped, everything after is exact
    std::vector<Vec> rr(64);
    for (Vec& x : rr) x = random_vec(gen, r);
    rep.directed += check(k, rr, pats[s % pats.size()], 29);
  }
  rep.branches = branches.counts();
  rep.cycles = h.cycles();
  harness.reset();
  if (failure && !cfg.fail_dir.empty()) write_failure(cfg, failure->consts, failure->vec, failure->pattern, &rep);
  return rep;
}

}  // namespace

const std::vector<std::pair<LifMutation, std::string>>& lif_mutations() {
  static const std::vector<std::pair<LifMutation, std::string>> m = {
      {LifMutation::kTiesRoundDown, "step 4 ties round down"},
      {LifMutation::kNoDiffSaturation, "step 2 diff*R wraps"},
      {LifMutation::kThresholdInclusive, "step 5 fires at v = theta"},
      {LifMutation::kNoRateSaturation, "step 7 rate wraps"},
      {LifMutation::kSpikeSignIgnored, "step 7 inhibitory spikes add +gamma"},
  };
  return m;
}

const std::vector<std::string>& lif_branch_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const char* c : kRoundCases) n.push_back(join(kRoundPoints[0], c));
    for (int p = 0; p <= 3; ++p)
      for (const char* c : kSatCases) n.push_back(join(kSatPoints[p], c));
    for (const char* c : kRoundCases) n.push_back(join(kRoundPoints[1], c));
    for (const char* c : kSatCases) n.push_back(join(kSatPoints[4], c));
    for (const char* c : kThresholdCases) n.push_back(join("step 5 threshold", c));
    for (const char* c : kRoundCases) n.push_back(join(kRoundPoints[2], c));
    for (const char* c : kSatCases) n.push_back(join(kSatPoints[5], c));
    n.push_back(kClampBranch);
    return n;
  }();
  return names;
}

bool lif_branch_unreachable(const std::string& name) {
  return name == join(kSatPoints[4], kSatCases[0]) || name == join(kSatPoints[4], kSatCases[5]);
}

LifCampaignReport run_lif_campaign(const LifCampaignConfig& cfg) {
  if (!find_lif_parameter_set(cfg.state_bits))
    throw Error("no RTL LIF unit with state width " + std::to_string(cfg.state_bits) + " is built in",
                "use --width " + built_lif_state_widths("or --width") + " (the parameter sets of docs/rtl.md)");
  return campaign(cfg);
}

}  // namespace ecsim::rtl
