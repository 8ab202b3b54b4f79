// The static description of one ConnSNN network (docs/spec.md §2): its shape, the paper's float
// constants, and the integer constants the chip uses, derived once from them.
// Like MuJoCo's mjModel: immutable after construction, shared by every run state.
#pragma once

#include <cstdint>
#include <string>

#include "reference/arith.h"

namespace ecsim::ref {

// The largest N, d_in and d_out the reference model takes (a θ file of N = 65536 and a task's few
// hundred inputs is about 512 MiB, inside the 1 GiB file limit). Training bounds the parameter
// count further (host/train/config.h, kMaxParams).
inline constexpr int kMaxShapeSize = 65536;

struct NetworkShape {
  int n_neurons = 256;   // N
  int n_exc = 128;       // N_E: neurons [0, N_E) are excitatory (+1 spikes), the rest inhibitory
  int d_in = 11;         // raw observation size (the input matrix has 2·d_in rows: [x, -x])
  int d_out = 3;         // action size
  int inner_steps = 33;  // T: LIF steps per environment step = round(16.6 ms / 0.5 ms)

  // synapse counts per matrix, in the canonical order of the sampler (spec §6.2)
  int64_t in_synapses() const { return int64_t{2} * d_in * n_neurons; }
  int64_t rec_synapses() const { return int64_t{n_neurons} * n_neurons; }
  int64_t out_synapses() const { return int64_t{n_neurons} * d_out; }
  int64_t total_synapses() const { return in_synapses() + rec_synapses() + out_synapses(); }
};

// The paper's constants (the authors' networks/conn_snn.py), in ms and dimensionless gains.
struct NetworkConstants {
  double tau_syn_ms = 5.0;
  double tau_m_ms = 10.0;
  double tau_out_ms = 10.0;
  double dt_ms = 0.5;
  double k_in = 0.1;
  double k_h = 1.0;
  double k_out = 5.0;
  // derived, paper formulas (V_th = 1, V_r = 0, expected sparsity 0.5)
  double r_in(int d_in) const;  // K_in·V_th·τ_m·sqrt(2/(0.5·d_in))
  double r_h(int n) const;      // K_h·V_th·τ_m/τ_syn·sqrt(2/(0.5·N))
  double r_out(int n) const;    // K_out·sqrt(1/(0.5·N))
  double alpha_syn() const;     // exp(-dt/τ_syn)
  double alpha_m() const;       // exp(-dt/τ_m)
  double alpha_out() const;     // exp(-dt/τ_out)
};

// Integer constants of the datapath (spec §3.2), each round-half-away(value · 2^bits).
struct FixedConstants {
  int64_t alpha_syn_q;  // decay of i_syn, Q0.C
  int64_t beta_m_q;     // 1 - α_m, Q0.C (membrane: v += β·(u - v))
  int64_t alpha_out_q;  // decay of the rate trace, Q0.C
  int64_t gamma_q;      // rate increment per spike (1-α_out)/dt, Q.F_r
  int64_t r_h_q;        // recurrent current per unit of popcount difference, Q.F
  int64_t r_in_q;       // input scale, Q.C (applied with shift F_x + C - F)
  int64_t r_out_q;      // output scale, Q.C (applied with shift F_r + C - F_a)
  int64_t theta_q;      // threshold V_th = 2^F
  int in_shift;         // F_x + C - F
  int out_shift;        // F_r + C - F_a
};

struct NetworkDesc {
  NetworkShape shape;
  ArithConfig arith;
  NetworkConstants consts;
  FixedConstants fixed;  // derived from the three above by make_network_desc

  std::string describe() const;
};

// Validates everything and derives the fixed constants. Throws ecsim::Error on bad input.
NetworkDesc make_network_desc(const NetworkShape& shape, const ArithConfig& arith = {},
                              const NetworkConstants& consts = {});

}  // namespace ecsim::ref
