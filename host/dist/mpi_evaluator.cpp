#include "dist/mpi_evaluator.h"

#include <boost/mpi/collectives.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "common/binio.h"
#include "common/error.h"
#include "common/fields.h"
#include "reference/theta.h"

namespace ecsim::dist {

namespace {

enum class Command : uint8_t { kLoad = 1, kEvaluate = 2, kStop = 3 };

// what crosses the wire, and what WireStats counts: common/binio.h's little-endian buffers
constexpr const char* kFromRank0 = "MPI message from rank 0";
constexpr const char* kResults = "MPI results message";

void expect_end(const BinReader& r) {
  if (!r.at_end()) throw Error(r.what() + " has trailing bytes", "all ranks must run the same ecsim binary");
}

std::string encode_jobs(const std::vector<eval::Job>& jobs) {
  BinWriter w;
  w.put<uint64_t>(jobs.size());
  for (const eval::Job& j : jobs) {
    w.put<uint64_t>(j.seed);
    w.put<uint64_t>(j.param_seed);
    w.put<uint8_t>(static_cast<uint8_t>(j.kind));
    w.put<uint8_t>(static_cast<uint8_t>(j.observe));
  }
  return std::move(w.s);
}

std::vector<eval::Job> decode_jobs(const std::string& s) {
  BinReader r(s, kFromRank0);
  const uint64_t n = r.get<uint64_t>();
  if (n > s.size() / 18)  // 18 bytes a job: checked before allocating them
    throw Error(r.what() + " announces " + std::to_string(n) + " jobs in " + std::to_string(s.size()) + " bytes",
                "all ranks must run the same ecsim binary");
  std::vector<eval::Job> jobs(static_cast<size_t>(n));
  for (eval::Job& j : jobs) {
    j.seed = r.get<uint64_t>();
    j.param_seed = r.get<uint64_t>();
    j.kind = static_cast<eval::JobKind>(r.get<uint8_t>());
    j.observe = r.get<uint8_t>() != 0;
  }
  expect_end(r);
  return jobs;
}

// The counters in the tagged encoding (common/fields.h): their schemas once per message (the
// hardware counters' only when a job has them), then plain values per job.
std::string encode_results(const eval::BatchResult& b) {
  BinWriter w;
  w.put<uint64_t>(b.results.size());
  fields::put_schema<ref::EventCounters>(w);
  bool any_hw = false;
  for (const eval::EpisodeResult& r : b.results) any_hw = any_hw || !(r.hw == chip::HwCounters{});
  w.put<uint8_t>(static_cast<uint8_t>(any_hw));
  if (any_hw) fields::put_schema<chip::HwCounters>(w);
  for (size_t i = 0; i < b.results.size(); ++i) {
    const eval::EpisodeResult& r = b.results[i];
    w.put<double>(r.ret);
    w.put<uint64_t>(r.steps);
    w.put<uint8_t>(static_cast<uint8_t>(r.reason));
    fields::put_values(w, r.counters);
    w.put<uint64_t>(r.chip_cycles);
    const bool has_hw = !(r.hw == chip::HwCounters{});  // only chip backends and --chip count them
    w.put<uint8_t>(static_cast<uint8_t>(has_hw));
    if (has_hw) fields::put_values(w, r.hw);
    const bool observed = i < b.job_stats.size() && b.job_stats[i].count() > 0;
    w.str(observed ? b.job_stats[i].to_binary() : std::string());
  }
  return std::move(w.s);
}

void decode_results(const std::string& s, eval::BatchResult* out) {
  BinReader r(s, kResults);
  const auto n = static_cast<size_t>(r.get<uint64_t>());
  const fields::Schema<ref::EventCounters> events(r);
  std::optional<fields::Schema<chip::HwCounters>> hw;
  if (r.get<uint8_t>()) hw.emplace(r);
  for (size_t i = 0; i < n; ++i) {
    eval::EpisodeResult e;
    e.ret = r.get<double>();
    e.steps = r.get<uint64_t>();
    e.reason = static_cast<tasks::EndReason>(r.get<uint8_t>());
    events.get_values(r, e.counters);
    e.chip_cycles = r.get<uint64_t>();
    if (r.get<uint8_t>()) {
      if (!hw)
        throw Error(std::string(kResults) + " has hardware counters without their schema",
                    "all ranks must run the same ecsim binary");
      hw->get_values(r, e.hw);
    }
    out->results.push_back(e);
    const std::string blob = r.str();
    out->job_stats.push_back(blob.empty() ? tasks::RunningNormalizer() : tasks::RunningNormalizer::from_binary(blob));
  }
  expect_end(r);
}

// EC's parameters as the chip uses them: ρ_q (docs/spec.md §6.2) in (q+1)-bit fields, plus θ* =
// (ρ > 0.5). θ* is implied by ρ_q except at ρ_q = 2^(q-1), where ρ may lie on either side of 0.5;
// there the spare code 2^q + 1 says "ρ_q = 2^(q-1) and θ* = 1". The receiver rebuilds a ρ' with
// quantize(ρ') = ρ_q and (ρ' > 0.5) = θ*, so every backend evaluates exactly what rank 0's would.
std::string pack_rho(const std::vector<float>& rho, int q) {
  const std::vector<uint32_t> rq = ref::quantize_rho(rho, q);
  const uint32_t half = uint32_t{1} << (q - 1), tie_above = (uint32_t{1} << q) + 1;
  const int b = q + 1;
  std::vector<uint64_t> words((rho.size() * static_cast<size_t>(b) + 63) / 64, 0);
  for (size_t i = 0; i < rho.size(); ++i) {
    const uint64_t code = rq[i] == half && rho[i] > 0.5f ? tie_above : rq[i];
    const size_t bit = i * static_cast<size_t>(b), w = bit / 64, sh = bit % 64;
    words[w] |= code << sh;
    if (sh + static_cast<size_t>(b) > 64) words[w + 1] |= code >> (64 - sh);
  }
  return std::string(reinterpret_cast<const char*>(words.data()), words.size() * sizeof(uint64_t));
}

std::vector<float> unpack_rho(const std::string& bytes, size_t n, int q) {
  const int b = q + 1;
  if (bytes.size() != (n * static_cast<size_t>(b) + 63) / 64 * sizeof(uint64_t))
    throw Error("MPI: the quantized ρ has the wrong size", "this is a bug; please report it");
  std::vector<uint64_t> words(bytes.size() / sizeof(uint64_t));
  std::memcpy(words.data(), bytes.data(), bytes.size());
  const uint64_t mask = (uint64_t{1} << b) - 1;
  const uint32_t tie_above = (uint32_t{1} << q) + 1;
  const float scale = std::ldexp(1.0f, -q);
  std::vector<float> rho(n);
  for (size_t i = 0; i < n; ++i) {
    const size_t bit = i * static_cast<size_t>(b), w = bit / 64, sh = bit % 64;
    uint64_t code = words[w] >> sh;
    if (sh + static_cast<size_t>(b) > 64) code |= words[w + 1] << (64 - sh);
    code &= mask;
    if (code > tie_above) throw Error("MPI: a quantized ρ is out of range", "this is a bug; please report it");
    // ρ_q / 2^q is exact and quantizes back to ρ_q; the tie code is the next float above 0.5
    rho[i] = code == tie_above ? std::nextafter(0.5f, 1.0f) : static_cast<float>(code) * scale;
  }
  return rho;
}

// what rank r evaluates and sends back
std::string evaluate_slice(const boost::mpi::communicator& comm, eval::Evaluator& local,
                           const std::vector<eval::Job>& jobs) {
  size_t b = 0, e = 0;
  slice_of(jobs.size(), comm.rank(), comm.size(), &b, &e);
  const std::vector<eval::Job> mine(jobs.begin() + static_cast<long>(b), jobs.begin() + static_cast<long>(e));
  return encode_results(mine.empty() ? eval::BatchResult{} : local.evaluate(mine));
}

}  // namespace

bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"})
    if (std::getenv(v)) return true;
  return false;
}

MpiEvaluator::MpiEvaluator(boost::mpi::communicator comm, std::unique_ptr<eval::Evaluator> local, int64_t param_count,
                           size_t obs_size, int rho_bits)
    : m_comm(std::move(comm)),
      m_local(std::move(local)),
      m_param_count(param_count),
      m_obs_size(obs_size),
      m_rho_bits(rho_bits) {
  if (rho_bits < 0 || rho_bits > 30) throw Error("internal: MpiEvaluator rho_bits " + std::to_string(rho_bits));
}

MpiEvaluator::~MpiEvaluator() {
  try {
    auto cmd = static_cast<uint8_t>(Command::kStop);
    boost::mpi::broadcast(m_comm, cmd, 0);
  } catch (...) {  // a failing MPI at shutdown: mpirun reports it; nothing to add here
  }
}

std::string MpiEvaluator::name() const {
  return "mpi(" + m_local->name() + " x " + std::to_string(m_comm.size()) + ")";
}

void MpiEvaluator::load(const std::vector<float>& params, const tasks::RunningNormalizer& norm) {
  auto cmd = static_cast<uint8_t>(Command::kLoad);
  boost::mpi::broadcast(m_comm, cmd, 0);
  BinWriter w;
  w.put<uint8_t>(static_cast<uint8_t>(m_rho_bits));  // 0: float32 parameters (ES); q: EC's ρ_q
  w.put<uint64_t>(params.size());
  if (m_rho_bits > 0)
    w.str(pack_rho(params, m_rho_bits));
  else
    w.str(std::string(reinterpret_cast<const char*>(params.data()), params.size() * sizeof(float)));
  w.str(norm.to_binary());
  boost::mpi::broadcast(m_comm, w.s, 0);
  m_wire.broadcast_bytes += w.s.size() * static_cast<uint64_t>(m_comm.size() - 1);
  ++m_wire.generations;
  m_local->load(params, norm);
}

eval::BatchResult MpiEvaluator::evaluate(const std::vector<eval::Job>& jobs) {
  auto cmd = static_cast<uint8_t>(Command::kEvaluate);
  boost::mpi::broadcast(m_comm, cmd, 0);
  std::string payload = encode_jobs(jobs);
  boost::mpi::broadcast(m_comm, payload, 0);
  m_wire.broadcast_bytes += payload.size() * static_cast<uint64_t>(m_comm.size() - 1);
  const std::string own = evaluate_slice(m_comm, *m_local, jobs);
  std::vector<std::string> parts;
  boost::mpi::gather(m_comm, own, parts, 0);
  eval::BatchResult out;
  for (size_t r = 0; r < parts.size(); ++r) {
    decode_results(parts[r], &out);
    if (r > 0) m_wire.gathered_bytes += parts[r].size();
  }
  if (out.results.size() != jobs.size())
    throw Error("MPI: " + std::to_string(out.results.size()) + " results for " + std::to_string(jobs.size()) + " jobs",
                "this is a bug; please report it");
  // the statistics merged in job order, as the functional backend does on one machine
  out.obs_stats = eval::merge_job_stats(out.job_stats, m_obs_size);
  // sending θ instead: one bit per synapse for every sampled individual outside rank 0's slice
  size_t b0 = 0, e0 = 0;
  slice_of(jobs.size(), 0, m_comm.size(), &b0, &e0);
  for (size_t i = 0; i < jobs.size(); ++i)
    if ((i < b0 || i >= e0) && jobs[i].kind == eval::JobKind::kSample)
      m_wire.theta_bytes_equivalent += static_cast<uint64_t>((m_param_count + 7) / 8);
  return out;
}

void serve(boost::mpi::communicator comm, eval::Evaluator& local) {
  while (true) {
    uint8_t cmd = 0;
    boost::mpi::broadcast(comm, cmd, 0);
    if (cmd == static_cast<uint8_t>(Command::kStop)) return;
    std::string payload;
    boost::mpi::broadcast(comm, payload, 0);
    if (cmd == static_cast<uint8_t>(Command::kLoad)) {
      BinReader r(payload, kFromRank0);
      const int q = r.get<uint8_t>();
      const auto n = static_cast<size_t>(r.get<uint64_t>());
      const std::string p = r.str();
      std::vector<float> params;
      if (q > 0) {
        params = unpack_rho(p, n, q);
      } else {
        if (p.size() != n * sizeof(float))
          throw Error("MPI: the parameters have the wrong size", "this is a bug; please report it");
        params.resize(n);
        std::memcpy(params.data(), p.data(), p.size());
      }
      const tasks::RunningNormalizer norm = tasks::RunningNormalizer::from_binary(r.str());
      expect_end(r);
      local.load(params, norm);
    } else if (cmd == static_cast<uint8_t>(Command::kEvaluate)) {
      const std::string own = evaluate_slice(comm, local, decode_jobs(payload));
      boost::mpi::gather(comm, own, 0);
    } else {
      throw Error("MPI: unknown command " + std::to_string(cmd) + " from rank 0",
                  "all ranks must run the same ecsim binary");
    }
  }
}

void check_same_config(const boost::mpi::communicator& comm, const std::string& fingerprint) {
  std::vector<std::string> all;
  boost::mpi::gather(comm, fingerprint, all, 0);
  std::string verdict;
  if (comm.rank() == 0)
    for (size_t r = 1; r < all.size(); ++r)
      if (all[r] != all[0]) verdict += (verdict.empty() ? "" : ", ") + std::to_string(r);
  boost::mpi::broadcast(comm, verdict, 0);
  if (!verdict.empty())
    throw Error("MPI ranks " + verdict + " run a different configuration or ecsim binary than rank 0",
                "start every rank with the same ecsim binary and the same flags (and the same paths on every host)");
}

}  // namespace ecsim::dist
