// `ecsim train` under mpirun: start-up, the configuration check, the serving ranks, the wire summary.
#include <iostream>

#include <boost/json.hpp>
#include <boost/mpi/collectives.hpp>
#include <boost/serialization/string.hpp>

#include "cli/train_steps.h"
#include "common/error.h"

namespace ecsim::cli {

namespace {

// ranks > 0 of an MPI run: the evaluator of rank 0's resolved configuration, serving slices
int serve_rank(boost::mpi::communicator& world, int threads) {
  std::string resolved;
  boost::mpi::broadcast(world, resolved, 0);
  train::TrainConfig cfg = train::TrainConfig::from_json(boost::json::parse(resolved), "rank 0's configuration");
  cfg.threads = threads;
  const std::unique_ptr<eval::Evaluator> local = eval::make_evaluator(cfg.backend, train::evaluator_config(cfg));
  dist::serve(world, *local);
  return 0;
}

}  // namespace

std::optional<int> TrainMpi::start(const Args& args, int threads) {
  if (dist::launched_by_mpi()) {
    m_env = std::make_unique<boost::mpi::environment>();
    m_world = std::make_unique<boost::mpi::communicator>();
  }
  if (!distributed()) return std::nullopt;
  // all ranks must run the same binary with the same flags; that is checked before any work
  std::string fingerprint = std::string("ecsim ") + ECSIM_VERSION;
  for (const auto& a : args) fingerprint += "\x1f" + a;
  try {
    dist::check_same_config(*m_world, fingerprint);
  } catch (const Error& e) {
    // every rank sees the mismatch: report it and finish normally (boost::mpi::environment
    // would call MPI_Abort if it were destroyed while this exception unwinds)
    if (m_world->rank() == 0) std::cerr << "ecsim train: error: " << e.what() << "\n";
    return 2;
  }
  if (m_world->rank() != 0) {
    try {
      return serve_rank(*m_world, threads);
    } catch (const std::exception& e) {  // say which rank failed, then stop every rank
      std::cerr << "ecsim train (rank " << m_world->rank() << "): error: " << e.what() << "\nstopping every rank\n";
      m_world->abort(2);
      return 2;
    }
  }
  eval::set_evaluator_wrapper([this](std::unique_ptr<eval::Evaluator> local, const eval::EvaluatorConfig& ec) {
    auto mpi = std::make_unique<dist::MpiEvaluator>(
        *m_world, std::move(local), ec.net.param_count(), static_cast<size_t>(ec.net.desc.shape.d_in),
        ec.net.method == eval::Method::kEC ? ec.net.desc.arith.rho_bits : 0);
    m_evaluator = mpi.get();
    return std::unique_ptr<eval::Evaluator>(std::move(mpi));
  });
  return std::nullopt;
}

// the wrapper refers to this object: it must not outlive it
TrainMpi::~TrainMpi() { eval::set_evaluator_wrapper(nullptr); }

void TrainMpi::share_config(const train::TrainConfig& cfg) {
  if (!distributed()) return;
  std::string resolved = boost::json::serialize(cfg.to_json());
  boost::mpi::broadcast(*m_world, resolved, 0);
}

int TrainMpi::abort_all(const std::exception& e) {
  std::cerr << "ecsim train (rank 0): error: " << e.what() << "\nstopping every rank\n";
  m_world->abort(2);
  return 2;
}

std::string TrainMpi::wire_summary() const {
  if (!m_evaluator || !m_evaluator->wire().generations) return "";
  const dist::WireStats& w = m_evaluator->wire();
  const double g = static_cast<double>(w.generations);
  return "MPI: " + std::to_string(m_world->size()) + " ranks; bytes on the wire per generation: " +
         std::to_string(static_cast<long>(static_cast<double>(w.broadcast_bytes) / g)) +
         " broadcast (ρ, normalizer, seeds) + " +
         std::to_string(static_cast<long>(static_cast<double>(w.gathered_bytes) / g)) +
         " gathered (returns, counters, statistics); sending every θ instead: " +
         std::to_string(static_cast<long>(static_cast<double>(w.theta_bytes_equivalent) / g)) + "\n";
}

}  // namespace ecsim::cli
