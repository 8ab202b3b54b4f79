#include "verify/philox_campaign.h"

#include <algorithm>
#include <deque>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <random>
#include <sstream>

#include "common/error.h"
#include "driver/philox_driver.h"
#include "reference/network.h"
#include "reference/philox.h"
#include "reference/theta.h"

namespace ecsim::rtl {

std::map<int, int> philox_parameter_sets() {
  std::map<int, int> m;
  for (const PhiloxParameterSet& s : kPhiloxParameterSets)
    if (s.mutant == 0) m[s.rho_bits] = s.frac_bits;
  return m;
}

std::map<int, std::string> philox_mutants() {
  // the bugs of rtl/philox_sampler.sv's ECSIM_PHILOX_MUTANT
  static const std::map<int, std::string> kBugs = {
      {1, "9 rounds instead of 10"},
      {2, "multiplier M0 = 0xD2511F55 instead of 0xD2511F53"},
      {3, "key bump W1 = 0xBB67AE87 instead of 0xBB67AE85"},
      {4, "theta compares u <= rho_q instead of u < rho_q"},
      {5, "the index's high word dropped from the counter"},
  };
  std::map<int, std::string> m;
  for (const PhiloxParameterSet& s : kPhiloxParameterSets)
    if (s.mutant) m[s.mutant] = kBugs.count(s.mutant) ? kBugs.at(s.mutant) : "unknown";
  return m;
}

namespace {

using Request = PhiloxDriver::Request;
using Result = PhiloxDriver::Result;

struct Vec {
  Request req;
  Result want;
};

const char* mode_name(PhiloxMode m) {
  switch (m) {
    case PhiloxMode::kRaw:
      return "raw";
    case PhiloxMode::kTheta:
      return "theta";
    case PhiloxMode::kVinit:
      return "vinit";
  }
  return "?";
}

ref::PhiloxStream stream_of(const Request& r) {
  if (r.mode == PhiloxMode::kTheta) return ref::PhiloxStream::kSynapses;
  if (r.mode == PhiloxMode::kVinit) return ref::PhiloxStream::kInitialMembrane;
  return static_cast<ref::PhiloxStream>(r.stream);
}

// v(0) of neurons below this index come from ref::initial_membrane_word (an int neuron index)
constexpr uint64_t kVinitRefBlocks = uint64_t{1} << 29;

// The reference model's answer to a request.
Result expected(const Request& r, int q, int f) {
  Result out;
  out.mode = r.mode;
  out.words = ref::philox_block(r.seed, stream_of(r), r.index);
  if (r.mode == PhiloxMode::kTheta)
    ref::detail::bernoulli_bytes(out.words.data(), r.rho.data(), 16 - q, 1, 8, &out.theta);
  if (r.mode == PhiloxMode::kVinit)
    for (size_t k = 0; k < 4; ++k) {
      const uint32_t w = r.index < kVinitRefBlocks
                             ? ref::initial_membrane_word(r.seed, static_cast<int>(4 * r.index + k))
                             : out.words[k];
      out.v[k] = w >> (32 - f);
    }
  return out;
}

bool same(const Result& a, const Result& b) {
  return a.mode == b.mode && a.words == b.words && a.theta == b.theta && a.v == b.v;
}

// How the testbench drives the handshakes, cycle by cycle.
struct Pattern {
  std::string name;
  std::function<bool(uint64_t cycle, std::mt19937_64&)> in_valid;   // offer a request this cycle?
  std::function<bool(uint64_t cycle, std::mt19937_64&)> out_ready;  // accept a result this cycle?
};

std::vector<Pattern> patterns() {
  auto always = [](uint64_t, std::mt19937_64&) { return true; };
  return {
      {"streaming", always, always},
      {"output stalls every other cycle", always, [](uint64_t c, std::mt19937_64&) { return c % 2 == 0; }},
      {"long output stalls", always, [](uint64_t c, std::mt19937_64&) { return c % 23 >= 12; }},
      {"input bubbles", [](uint64_t c, std::mt19937_64&) { return c % 3 != 1; }, always},
      {"random bubbles and stalls", [](uint64_t, std::mt19937_64& g) { return g() % 4 != 0; },
       [](uint64_t, std::mt19937_64& g) { return g() % 3 != 0; }},
  };
}

// The testbench: streams requests through the driven sampler under a handshake pattern.
class Harness {
 public:
  Harness(int rho_bits, int mutant, const std::string& vcd_path) : m_dut(rho_bits, mutant, vcd_path) {}

  void reset() { m_dut.reset(); }

  // Streams the requests; returns the results in output order and, in *kept, which request each
  // one answers. If reset_after > 0, asserts reset once after that many accepted requests: the
  // requests in flight are dropped.
  std::vector<Result> run(const std::vector<Vec>& vecs, const Pattern& p, std::mt19937_64& gen, uint64_t reset_after,
                          std::vector<size_t>* kept) {
    std::vector<Result> out;
    kept->clear();
    size_t next = 0;
    uint64_t accepted = 0;
    bool did_reset = false;
    std::deque<std::pair<size_t, uint64_t>> in_flight;  // request, cycle it was taken
    const uint64_t limit = 64 + 40 * (vecs.size() + 16);
    for (uint64_t c = 0; c < limit && (next < vecs.size() || !in_flight.empty()); ++c) {
      PhiloxDriver::Inputs in;
      in.in_valid = next < vecs.size() && p.in_valid(m_dut.cycles(), gen);
      if (in.in_valid) in.req = vecs[next].req;
      in.out_ready = p.out_ready(m_dut.cycles(), gen);
      const uint64_t now = m_dut.cycles();
      const PhiloxDriver::Fired f = m_dut.cycle(in);
      if (f.out) {
        if (in_flight.empty())
          throw Error("RTL Philox sampler: a result came out with no request in flight",
                      "inspect the VCD of `ecsim verify-rtl --unit philox --fail-dir DIR`");
        out.push_back(f.result);
        kept->push_back(in_flight.front().first);
        const uint64_t lat = now - in_flight.front().second;
        m_min_latency = m_min_latency ? std::min(m_min_latency, lat) : lat;
        in_flight.pop_front();
      }
      if (f.in) {
        in_flight.emplace_back(next++, now);
        ++accepted;
      }
      if (!did_reset && reset_after && accepted == reset_after) {
        did_reset = true;
        reset();
        in_flight.clear();
      }
    }
    if (!in_flight.empty() || next < vecs.size())
      throw Error("RTL Philox sampler: the stream did not drain (a hang or a lost handshake)",
                  "inspect the VCD of `ecsim verify-rtl --unit philox --fail-dir DIR`");
    return out;
  }

  uint64_t cycles() const { return m_dut.cycles(); }
  uint64_t min_latency() const { return m_min_latency; }
  int frac_bits() const { return m_dut.frac_bits(); }

 private:
  PhiloxDriver m_dut;
  uint64_t m_min_latency = 0;
};

class Campaign {
 public:
  Campaign(const PhiloxCampaignConfig& cfg)
      : m_cfg(cfg), m_q(cfg.rho_bits), m_gen(cfg.seed), m_h(cfg.rho_bits, cfg.mutant, {}), m_pats(patterns()) {
    m_f = m_h.frac_bits();
    m_rep.rho_bits = m_q;
    m_rep.frac_bits = m_f;
    m_rep.mutant = cfg.mutant;
  }

  PhiloxCampaignReport run() {
    m_h.reset();
    // the random blocks, in chunks, the chunks spread over the handshake patterns
    constexpr uint64_t kChunk = 16384;
    uint64_t streamed_blocks = 0, streamed_cycles = 0;
    for (uint64_t done = 0, k = 0; done < m_cfg.vectors; done += kChunk, ++k) {
      std::vector<Vec> vecs;
      const uint64_t n = std::min(kChunk, m_cfg.vectors - done);
      for (uint64_t i = 0; i < n; ++i) vecs.push_back(make(random_request()));
      const Pattern& p = m_pats[k % m_pats.size()];
      const uint64_t c0 = m_h.cycles();
      check(vecs, p, "random", 0);
      if (p.name == "streaming") {
        streamed_blocks += n;
        streamed_cycles += m_h.cycles() - c0;
      }
    }
    // directed groups under every pattern
    for (const auto& [name, vecs] : directed())
      for (const Pattern& p : m_pats) m_rep.branches["directed: " + name] += check(vecs, p, name, 0);
    // reset mid-stream: the requests in flight are dropped, everything after is exact
    for (const Pattern& p : m_pats) {
      std::vector<Vec> vecs;
      for (int i = 0; i < 200; ++i) vecs.push_back(make(random_request()));
      m_rep.branches["reset mid-stream"] += check(vecs, p, "reset mid-stream", 37);
    }
    m_rep.cycles = m_h.cycles();
    m_rep.latency_cycles = m_h.min_latency();
    m_rep.streaming_blocks_per_cycle =
        streamed_cycles ? static_cast<double>(streamed_blocks) / static_cast<double>(streamed_cycles) : 0.0;
    return m_rep;
  }

 private:
  uint32_t two_q() const { return uint32_t{1} << m_q; }
  uint32_t lane_u(const std::array<uint32_t, 4>& words, int l) const {
    return ref::philox_lane16(words, l) >> (16 - m_q);
  }

  Vec make(const Request& r) { return Vec{r, expected(r, m_q, m_f)}; }

  // ρ_q of a lane: uniform, 0, 2^q, or a tie with the lane's u (u: θ = 0; u + 1: θ = 1)
  uint32_t random_rho(uint32_t u) {
    switch (m_gen() % 8) {
      case 0:
        return 0;
      case 1:
        return two_q();
      case 2:
        return u;
      case 3:
        return u + 1;
      default:
        return static_cast<uint32_t>(m_gen() % (two_q() + 1));
    }
  }

  Request random_request() {
    Request r;
    r.mode = static_cast<PhiloxMode>(m_gen() % 3);
    switch (m_gen() % 8) {
      case 0:
        r.seed = ~uint64_t{0};
        break;
      case 1:
        r.seed = m_gen() % 16;
        break;
      default:
        r.seed = m_gen();
    }
    switch (m_gen() % 8) {
      case 0:
        r.index = m_gen() % 4096;
        break;
      case 1:
        r.index = 0xFFFFFFFFull + m_gen() % 5 - 2;
        break;  // either side of the carry
      case 2:
        r.index = ~uint64_t{0} - m_gen() % 4;
        break;
      default:
        r.index = m_gen();
    }
    r.stream = m_gen() % 2 ? static_cast<uint32_t>(m_gen() % 3) : static_cast<uint32_t>(m_gen());
    if (r.mode == PhiloxMode::kTheta) {
      const auto words = ref::philox_block(r.seed, ref::PhiloxStream::kSynapses, r.index);
      for (int l = 0; l < 8; ++l) r.rho[static_cast<size_t>(l)] = random_rho(lane_u(words, l));
    }
    return r;
  }

  std::map<std::string, std::vector<Vec>> directed() {
    std::map<std::string, std::vector<Vec>> d;
    const PhiloxMode modes[] = {PhiloxMode::kRaw, PhiloxMode::kTheta, PhiloxMode::kVinit};
    auto req = [&](PhiloxMode m, uint64_t seed, uint64_t index, uint32_t stream) {
      Request r;
      r.mode = m;
      r.seed = seed;
      r.index = index;
      r.stream = stream;
      if (m == PhiloxMode::kTheta) {
        const auto words = ref::philox_block(seed, ref::PhiloxStream::kSynapses, index);
        for (int l = 0; l < 8; ++l) r.rho[static_cast<size_t>(l)] = random_rho(lane_u(words, l));
      }
      return r;
    };
    // Random123's own known answer (kat_vectors: philox4x32 10, counter 0, key 0), not through ref
    {
      Vec v{req(PhiloxMode::kRaw, 0, 0, 0), {}};
      v.want.words = {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u};
      d["known answer (Random123, counter 0, key 0)"].push_back(v);
    }
    for (PhiloxMode m : modes)
      for (uint64_t seed : {uint64_t{0}, uint64_t{1}, ~uint64_t{0}, uint64_t{m_gen()}})
        d["index 0"].push_back(make(req(m, seed, 0, 0)));
    // the counter carry: consecutive blocks across the low word's wrap, and the top of the range
    for (PhiloxMode m : modes)
      for (uint64_t seed : {uint64_t{m_gen()}, ~uint64_t{0}})
        for (uint64_t base : std::initializer_list<uint64_t>{0xFFFFFFFFull - 2, 0xFFFFFFFF00000000ull - 2,
                                                             ~uint64_t{0} - 3, 0x7FFFFFFFFFFFFFFFull - 1})
          for (uint64_t i = 0; i < 4; ++i) d["counter carry"].push_back(make(req(m, seed, base + i, 0xFFFFFFFFu)));
    for (PhiloxMode m : modes)
      for (uint64_t seed : std::initializer_list<uint64_t>{~uint64_t{0}, 0x00000000FFFFFFFFull, 0xFFFFFFFF00000000ull})
        for (uint64_t index : {uint64_t{0}, uint64_t{1}, uint64_t{12345}, ~uint64_t{0}})
          for (uint32_t stream : {0u, 2u, 0xFFFFFFFFu})
            d["all-ones seeds"].push_back(make(req(m, seed, index, stream)));
    // ρ_q at both ends and at the ties, every lane at once
    for (int kind = 0; kind < 4; ++kind)
      for (int i = 0; i < 64; ++i) {
        Request r = req(PhiloxMode::kTheta, m_gen(), m_gen() % 100000, 0);
        const auto words = ref::philox_block(r.seed, ref::PhiloxStream::kSynapses, r.index);
        for (int l = 0; l < 8; ++l) {
          const uint32_t u = lane_u(words, l);
          const uint32_t rho[4] = {0, two_q(), u, u + 1};
          r.rho[static_cast<size_t>(l)] = rho[kind];
        }
        d[kind < 2 ? "rho_q = 0 and 2^q" : "theta ties"].push_back(make(r));
      }
    // θ end to end: blocks 0 .. 511 against ref::sample_canonical_words on a 4096-synapse ρ
    {
      constexpr size_t kBlocks = 512;
      const uint64_t seed = m_gen();
      std::vector<uint32_t> rho_q(8 * kBlocks);
      for (uint32_t& x : rho_q)
        x = m_gen() % 4 == 0 ? (m_gen() % 2 ? 0 : two_q()) : static_cast<uint32_t>(m_gen() % (two_q() + 1));
      std::vector<uint64_t> canon(kBlocks / 8);
      ref::sample_canonical_words(rho_q, m_q, seed, 0, canon.size(), canon.data());
      for (size_t b = 0; b < kBlocks; ++b) {
        Request r = req(PhiloxMode::kTheta, seed, b, 0);
        std::copy_n(rho_q.begin() + static_cast<long>(8 * b), 8, r.rho.begin());
        Vec v = make(r);
        v.want.theta = static_cast<uint8_t>(canon[b / 8] >> (8 * (b % 8)));
        d["theta: ref::sample_canonical_words"].push_back(v);
      }
    }
    // v(0) of neurons 0 .. 1023 of one init seed
    {
      const uint64_t seed = m_gen();
      for (uint64_t b = 0; b < 256; ++b)
        d["vinit: neurons 0 .. 1023"].push_back(make(req(PhiloxMode::kVinit, seed, b, 0)));
    }
    return d;
  }

  void count_branches(const Request& r, const Result& want) {
    auto& br = m_rep.branches;
    ++br[std::string("mode ") + mode_name(r.mode)];
    if (r.index == 0) ++br["counter: index 0"];
    if (static_cast<uint32_t>(r.index) == 0xFFFFFFFFu) ++br["counter: index lo = 2^32-1 (the next block carries)"];
    if (r.index >> 32) ++br["counter: index hi != 0"];
    if (r.index == ~uint64_t{0}) ++br["counter: index 2^64-1"];
    if (m_has_prev && m_prev_index + 1 == r.index && static_cast<uint32_t>(r.index) == 0 && r.index != 0)
      ++br["counter: consecutive blocks across the carry"];
    m_has_prev = true;
    m_prev_index = r.index;
    if (r.seed == ~uint64_t{0}) ++br["seed: all ones"];
    if (r.mode == PhiloxMode::kRaw) ++br[r.stream <= 2 ? "raw: stream 0, 1 or 2" : "raw: any other stream"];
    if (r.mode == PhiloxMode::kVinit)
      ++br[r.index < kVinitRefBlocks ? "vinit: via ref::initial_membrane_word" : "vinit: index past int neurons"];
    if (r.mode != PhiloxMode::kTheta) return;
    for (int l = 0; l < 8; ++l) {
      const uint32_t u = lane_u(want.words, l), rho = r.rho[static_cast<size_t>(l)];
      ++br[u < rho ? "theta lane: u < rho_q (1)" : "theta lane: u >= rho_q (0)"];
      if (rho == 0) ++br["theta lane: rho_q = 0"];
      if (rho == two_q()) ++br["theta lane: rho_q = 2^q"];
      if (rho > 0 && u == rho - 1) ++br["theta lane: tie u = rho_q - 1 (1)"];
      if (u == rho) ++br["theta lane: tie u = rho_q (0)"];
    }
  }

  size_t check(const std::vector<Vec>& vecs, const Pattern& p, const std::string& what, uint64_t reset_after) {
    const std::vector<Result> got = m_h.run(vecs, p, m_gen, reset_after, &m_kept);
    m_rep.branches["handshake pattern: " + p.name] += got.size();
    for (size_t i = 0; i < got.size(); ++i) {
      const Vec& v = vecs[m_kept[i]];
      ++m_rep.blocks;
      count_branches(v.req, v.want);
      if (same(got[i], v.want)) continue;
      if (++m_rep.mismatches > 1) continue;
      m_rep.first_mismatch = what + " / " + p.name + ": " + describe(v, got[i]);
      if (!m_cfg.fail_dir.empty()) write_failure(v, got[i]);
    }
    return got.size();
  }

  static std::string describe(const Vec& v, const Result& got) {
    std::ostringstream os;
    auto words = [&](const std::array<uint32_t, 4>& w) {
      os << std::hex << w[0] << " " << w[1] << " " << w[2] << " " << w[3] << std::dec;
    };
    os << "mode " << mode_name(v.req.mode) << " seed 0x" << std::hex << v.req.seed << " stream 0x" << v.req.stream
       << " index 0x" << v.req.index << std::dec << " gave words ";
    words(got.words);
    os << " theta 0x" << std::hex << unsigned{got.theta} << std::dec << ", the reference model gives ";
    words(v.want.words);
    os << " theta 0x" << std::hex << unsigned{v.want.theta} << std::dec;
    if (v.req.mode == PhiloxMode::kVinit) os << " (v0 " << got.v[0] << " vs " << v.want.v[0] << ")";
    return os.str();
  }

  void write_failure(const Vec& v, const Result& got) {
    const std::string stem = m_cfg.fail_dir + "/philox_q" + std::to_string(m_q) +
                             (m_cfg.mutant ? "_m" + std::to_string(m_cfg.mutant) : std::string()) + "_fail";
    {
      std::ofstream f(stem + ".csv");
      f << "field,value\nmode," << mode_name(v.req.mode) << std::hex << "\nseed,0x" << v.req.seed << "\nstream,0x"
        << v.req.stream << "\nindex,0x" << v.req.index;
      for (size_t l = 0; l < 8; ++l) f << "\nrho_q" << l << ",0x" << v.req.rho[l];
      for (size_t k = 0; k < 4; ++k)
        f << "\nwant_word" << k << ",0x" << v.want.words[k] << "\ngot_word" << k << ",0x" << got.words[k];
      f << "\nwant_theta,0x" << unsigned{v.want.theta} << "\ngot_theta,0x" << unsigned{got.theta} << std::dec << "\n";
    }
    m_rep.written.push_back(stem + ".csv");
    {  // replay the failing request alone, with a waveform
      Harness h(m_q, m_cfg.mutant, stem + ".vcd");
      h.reset();
      std::mt19937_64 g(1);
      std::vector<size_t> kept;
      h.run({v}, m_pats[0], g, 0, &kept);
    }  // the waveform is complete when the harness is gone
    m_rep.written.push_back(stem + ".vcd");
  }

  const PhiloxCampaignConfig m_cfg;
  const int m_q;
  int m_f = 0;
  std::mt19937_64 m_gen;
  Harness m_h;
  const std::vector<Pattern> m_pats;
  PhiloxCampaignReport m_rep;
  std::vector<size_t> m_kept;
  bool m_has_prev = false;
  uint64_t m_prev_index = 0;
};

}  // namespace

PhiloxCampaignReport run_philox_campaign(const PhiloxCampaignConfig& cfg) {
  if (!find_philox_set(cfg.rho_bits, cfg.mutant))
    throw Error("no RTL Philox sampler with rho_bits " + std::to_string(cfg.rho_bits) +
                    (cfg.mutant ? " and mutant " + std::to_string(cfg.mutant) : std::string()) + " is built in",
                "use rho_bits " + built_rho_bits("or") + " (the parameter sets of docs/rtl.md)");
  return Campaign(cfg).run();
}

std::vector<PhiloxMutantResult> run_philox_mutation_check(uint64_t vectors, uint64_t seed) {
  std::vector<PhiloxMutantResult> out;
  for (const auto& [m, bug] : philox_mutants()) {
    const PhiloxParameterSet* set = nullptr;
    for (const PhiloxParameterSet& s : kPhiloxParameterSets)
      if (s.mutant == m) set = &s;
    PhiloxCampaignConfig cfg;
    cfg.rho_bits = set->rho_bits;
    cfg.mutant = m;
    cfg.vectors = vectors;
    cfg.seed = seed;
    const PhiloxCampaignReport r = run_philox_campaign(cfg);
    out.push_back({m, bug, r.blocks, r.mismatches, r.mismatches > 0, r.first_mismatch});
  }
  return out;
}

}  // namespace ecsim::rtl
