// Distributed population evaluation over MPI (Boost.MPI over OpenMPI): the paper's
// "scalar-only communication". Rank 0 runs the NES controller unchanged, with an MpiEvaluator in
// place of its evaluator; every other rank runs serve(). Per generation, rank 0 broadcasts the
// parameters and the normalizer once, then the jobs (seeds only); each rank evaluates its slice on
// its own local backend and threads; only returns, event counters and per-job observation
// statistics come back. θ never crosses the network. EC's ρ goes out quantized, as the chip's ρ
// SRAM holds it: (q+1) bits per synapse instead of 32. Messages are common/binio.h buffers; the
// counters travel in common/fields.h's tagged encoding (schemas once per message, values per job),
// so that adding a counter field keeps the messages decodable.
//
// Bit-identity for any rank count: the slice of rank r is jobs [r·n/K, (r+1)·n/K), results are
// reassembled in job order, and the per-job statistics are merged on rank 0 in job order, exactly
// as the functional backend merges them on one machine.
#pragma once

#include <boost/mpi/communicator.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "eval/evaluator.h"

namespace ecsim::dist {

// True when this process was started by an MPI launcher (mpirun/mpiexec set these variables).
bool launched_by_mpi();

// Bytes moved by one MpiEvaluator, as the program counts them (payloads, not MPI headers).
struct WireStats {
  uint64_t broadcast_bytes = 0;         // parameters, normalizer and jobs, counted once per receiving rank
  uint64_t gathered_bytes = 0;          // results, counters and statistics from ranks > 0
  uint64_t theta_bytes_equivalent = 0;  // what sending each sampled θ to its rank would have cost
  uint64_t generations = 0;
};

class MpiEvaluator final : public eval::Evaluator {
 public:
  // rank 0 only; `local` evaluates rank 0's own slice. param_count: synapses (EC) or weights (ES);
  // obs_size: the observation size, for the merged statistics. rho_bits: EC's q; ρ then goes out
  // quantized, (q+1) bits per synapse (θ* included); 0 (ES): float32 parameters
  MpiEvaluator(boost::mpi::communicator comm, std::unique_ptr<eval::Evaluator> local, int64_t param_count,
               size_t obs_size, int rho_bits = 0);
  ~MpiEvaluator() override;  // tells the serving ranks to stop

  std::string name() const override;
  void load(const std::vector<float>& params, const tasks::RunningNormalizer& norm) override;
  eval::BatchResult evaluate(const std::vector<eval::Job>& jobs) override;
  double clock_hz() const override { return m_local->clock_hz(); }

  const WireStats& wire() const { return m_wire; }

 private:
  boost::mpi::communicator m_comm;
  std::unique_ptr<eval::Evaluator> m_local;
  int64_t m_param_count;
  size_t m_obs_size;
  int m_rho_bits;
  WireStats m_wire;
};

// ranks > 0: evaluate slices for rank 0 until it stops (returns then)
void serve(boost::mpi::communicator comm, eval::Evaluator& local);

// Start-up check before any work: every rank's fingerprint (resolved configuration and binary
// version) must equal rank 0's. Throws ecsim::Error on every rank, naming the ranks that differ.
void check_same_config(const boost::mpi::communicator& comm, const std::string& fingerprint);

// the slice [begin, end) of n jobs that rank r of k evaluates
inline void slice_of(size_t n, int r, int k, size_t* begin, size_t* end) {
  *begin = n * static_cast<size_t>(r) / static_cast<size_t>(k);
  *end = n * static_cast<size_t>(r + 1) / static_cast<size_t>(k);
}

}  // namespace ecsim::dist
