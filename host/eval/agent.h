// One policy acting in one environment: the network (1-bit ConnSNN in fixed or float arithmetic,
// or the dense float RSNN of the ES baseline), its per-run state, the observation normalizer and
// the action mapping. Used by the evaluator workers, `ecsim eval` and `ecsim rollout --policy`.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "reference/dense_net.h"
#include "reference/network.h"
#include "tasks/env.h"
#include "tasks/normalizer.h"

namespace ecsim::eval {

enum class Method { kEC, kES };
const char* method_name(Method m);
Method parse_method(const std::string& s);  // "ec" | "es"; throws ecsim::Error

// What every network of a run shares: its description and how it is computed.
struct NetSpec {
  Method method = Method::kEC;
  ref::NetworkDesc desc;                  // shape (d_in = obs size, d_out = act size), widths, constants
  ref::Arith arith = ref::Arith::kFixed;  // EC only; ES is always float32 dense
  ref::Kernel kernel = ref::Kernel::kAuto;
  // number of parameters: EC total_synapses(); ES d_in·N + N·N + N·d_out (no [x,-x] duplication)
  int64_t param_count() const;
};

// ES-RSNN scales (the authors' es_dense.py models): R_in = K_in·τ_m·sqrt(2/d_in), R = K_h·τ_m/τ_syn·sqrt(2/N),
// R_out = K_out·sqrt(1/N) (V_th = 1; no 0.5 sparsity factor). Weights W = R·w, w the ES parameters
// in order w_in (d_in × N), w_h (N × N), w_out (N × d_out), row-major, rows = presynaptic.
void fill_dense_net(const ref::NetworkDesc& desc, const float* w, ref::DenseFloatNet& net);
// the same with w = μ + sign·σ·ε, written without allocating (scratch holds ε)
void fill_dense_net_perturbed(const ref::NetworkDesc& desc, const std::vector<float>& mu, float sigma, int sign,
                              uint64_t noise_seed, std::vector<float>& scratch, ref::DenseFloatNet& net);

// θ from packed canonical-order bits (nes::sample_bits): the same Theta as ref::sample_theta
// for the same ρ_q and seed, built by setting only the present bits.
ref::Theta theta_from_bits(const ref::NetworkShape& s, const std::vector<uint64_t>& bits);

// A network + state bound to one env. Actions: the network's a ∈ [-1, 1] times ctrl_high
// (every task's actuator range is symmetric: ±1, humanoid ±0.4).
class Agent {
 public:
  explicit Agent(const NetSpec& spec);

  void set_net(std::shared_ptr<const ref::CompiledNet> net);  // EC
  ref::DenseFloatNet& dense() { return m_dense; }             // ES: fill, then reset

  // network reset for an episode: v(0) from seed (stream 1); counters are cleared
  void reset(uint64_t seed);
  // obs (raw, d_in doubles) -> normalized float -> network -> ctrl (d_out doubles); with a
  // raster, the step's spikes are appended (EC only: ES's dense network has no raster)
  void act(const double* obs, const tasks::RunningNormalizer& norm, const double* ctrl_high, double* ctrl,
           ref::SpikeRaster* raster = nullptr);
  const ref::EventCounters& counters() const;

 private:
  NetSpec m_spec;
  std::shared_ptr<const ref::CompiledNet> m_net;
  ref::FixedState m_fixed;
  ref::FloatState m_float;
  ref::DenseFloatNet m_dense;
  ref::DenseFloatState m_dstate;
  ref::EventCounters m_dense_counters;
  std::vector<float> m_obs, m_act;
};

}  // namespace ecsim::eval
