#include "reference/network_desc.h"

#include <cmath>
#include <sstream>

#include "common/error.h"

namespace ecsim::ref {

double NetworkConstants::r_in(int d_in) const { return k_in * 1.0 * tau_m_ms * std::sqrt(2.0 / (0.5 * d_in)); }
double NetworkConstants::r_h(int n) const { return k_h * 1.0 * tau_m_ms / tau_syn_ms * std::sqrt(2.0 / (0.5 * n)); }
double NetworkConstants::r_out(int n) const { return k_out * std::sqrt(1.0 / (0.5 * n)); }
double NetworkConstants::alpha_syn() const { return std::exp(-dt_ms / tau_syn_ms); }
double NetworkConstants::alpha_m() const { return std::exp(-dt_ms / tau_m_ms); }
double NetworkConstants::alpha_out() const { return std::exp(-dt_ms / tau_out_ms); }

static int64_t quantize(double value, int bits) { return static_cast<int64_t>(std::llround(std::ldexp(value, bits))); }

static void check(bool ok, const std::string& what, const std::string& fix) {
  if (!ok) throw Error(what, fix);
}

NetworkDesc make_network_desc(const NetworkShape& s, const ArithConfig& a, const NetworkConstants& c) {
  a.validate();
  const std::string max = std::to_string(kMaxShapeSize);
  check(s.n_neurons >= 2 && s.n_neurons <= kMaxShapeSize,
        "network size N = " + std::to_string(s.n_neurons) + " is out of range [2, " + max + "]",
        "choose a neuron count between 2 and " + max);
  check(s.n_exc >= 0 && s.n_exc <= s.n_neurons,
        "excitatory count N_E = " + std::to_string(s.n_exc) + " must lie in [0, N]",
        "use N_E = N/2 (Dale's law split of the paper)");
  check(s.d_in >= 1 && s.d_in <= kMaxShapeSize,
        "input size d_in = " + std::to_string(s.d_in) + " is out of range [1, " + max + "]",
        "the observation must have between 1 and " + max + " components");
  check(s.d_out >= 1 && s.d_out <= kMaxShapeSize,
        "output size d_out = " + std::to_string(s.d_out) + " is out of range [1, " + max + "]",
        "the action must have between 1 and " + max + " components");
  check(s.inner_steps >= 1 && s.inner_steps <= 100000,
        "inner steps T = " + std::to_string(s.inner_steps) + " must be in [1, 100000]", "the paper uses T = 33");
  check(c.tau_syn_ms > 0 && c.tau_m_ms > 0 && c.tau_out_ms > 0 && c.dt_ms > 0, "time constants and dt must be positive",
        "use τ_syn = 5, τ_m = τ_out = 10, dt = 0.5 ms");

  NetworkDesc d{s, a, c, {}};
  FixedConstants& f = d.fixed;
  f.alpha_syn_q = quantize(c.alpha_syn(), a.const_bits);
  f.beta_m_q = quantize(1.0 - c.alpha_m(), a.const_bits);
  f.alpha_out_q = quantize(c.alpha_out(), a.const_bits);
  f.gamma_q = quantize((1.0 - c.alpha_out()) / c.dt_ms, a.rate_frac_bits);
  f.r_h_q = quantize(c.r_h(s.n_neurons), a.frac_bits);
  f.r_in_q = quantize(c.r_in(s.d_in), a.const_bits);
  f.r_out_q = quantize(c.r_out(s.n_neurons), a.const_bits);
  f.theta_q = int64_t{1} << a.frac_bits;
  f.in_shift = a.input_frac_bits + a.const_bits - a.frac_bits;
  f.out_shift = a.rate_frac_bits + a.const_bits - a.action_frac_bits;

  // constants must be representable and non-degenerate at the chosen widths
  const int64_t one_c = int64_t{1} << a.const_bits;
  check(f.alpha_syn_q > 0 && f.alpha_syn_q < one_c && f.alpha_out_q > 0 && f.alpha_out_q < one_c && f.beta_m_q > 0 &&
            f.beta_m_q < one_c,
        "a decay factor rounds to 0 or 1 at const_bits = " + std::to_string(a.const_bits),
        "raise const_bits so that every decay factor lies strictly between 0 and 1");
  check(f.gamma_q > 0 && f.gamma_q <= smax(a.rate_bits),
        "the rate increment per spike rounds to 0 or overflows at rate_frac_bits = " + std::to_string(a.rate_frac_bits),
        "choose rate_frac_bits so that (1-α_out)/dt · 2^F_r is at least 1");
  check(f.r_h_q > 0 && f.r_in_q > 0 && f.r_out_q > 0, "a scale constant (R, R_in or R_out) rounds to 0 at these widths",
        "raise frac_bits or const_bits");
  check(f.r_h_q * s.n_neurons <= (int64_t{1} << 40) && f.r_in_q < (int64_t{1} << 31) && f.r_out_q < (int64_t{1} << 31),
        "a scale constant is too large for the datapath", "lower frac_bits or const_bits");
  return d;
}

std::string NetworkDesc::describe() const {
  std::ostringstream os;
  os << "N=" << shape.n_neurons << " (E=" << shape.n_exc << ") d_in=" << shape.d_in << " d_out=" << shape.d_out
     << " T=" << shape.inner_steps << " | " << arith.describe();
  return os.str();
}

}  // namespace ecsim::ref
