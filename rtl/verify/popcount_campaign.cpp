#include "verify/popcount_campaign.h"

#include <verilated.h>
#include <verilated_vcd_c.h>

#include <deque>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <sstream>

#include "Vpopcount_core_w32.h"
#include "Vpopcount_core_w64.h"
#include "common/error.h"
#include "reference/popcount.h"

namespace ecsim::rtl {

std::map<int, int> popcount_parameter_sets() { return {{64, 16}, {32, 12}}; }

namespace {

struct Word {
  uint64_t syn, spk, exc;
};
using Row = std::vector<Word>;

// How the testbench drives the handshakes, cycle by cycle.
struct Pattern {
  std::string name;
  std::function<bool(uint64_t cycle, std::mt19937_64&)> in_valid;   // offer a word this cycle?
  std::function<bool(uint64_t cycle, std::mt19937_64&)> out_ready;  // accept an output this cycle?
};

std::vector<Pattern> patterns() {
  auto always = [](uint64_t, std::mt19937_64&) { return true; };
  return {
      {"streaming", always, always},
      {"output stalls every other cycle", always, [](uint64_t c, std::mt19937_64&) { return c % 2 == 0; }},
      {"long output stalls", always, [](uint64_t c, std::mt19937_64&) { return c % 7 >= 5; }},
      {"input bubbles", [](uint64_t c, std::mt19937_64&) { return c % 3 != 1; }, always},
      {"random bubbles and stalls", [](uint64_t, std::mt19937_64& g) { return g() % 4 != 0; },
       [](uint64_t, std::mt19937_64& g) { return g() % 3 != 0; }},
  };
}

uint64_t mask_of(int w) { return w >= 64 ? ~uint64_t{0} : ((uint64_t{1} << w) - 1); }

int64_t expected(const Row& r) {
  int64_t sum = 0;
  for (const Word& w : r) sum += ref::popcount_accumulate(&w.syn, &w.spk, &w.exc, 1);
  return sum;
}

template <class V>
class Harness {
 public:
  Harness(int width, VerilatedVcdC* trace) : m_ctx(std::make_unique<VerilatedContext>()), m_width(width) {
    if (trace) m_ctx->traceEverOn(true);
    m_top = std::make_unique<V>(m_ctx.get(), "popcount_core");
    if (trace) m_top->trace(trace, 99);
    m_trace = trace;
  }
  ~Harness() { m_top->final(); }

  void reset() {
    m_top->rst_n = 0;
    m_top->in_valid = 0;
    m_top->out_ready = 0;
    tick();
    tick();
    m_top->rst_n = 1;
  }

  // Streams rows through the core under a pattern; returns the sums in output order.
  // If reset_after_words > 0, asserts reset once after that many accepted words (mid-row) and
  // drops the row in flight, as a chip would.
  std::vector<int64_t> run(const std::vector<Row>& rows, const Pattern& p, std::mt19937_64& gen,
                           uint64_t reset_after_words, std::vector<size_t>* rows_kept) {
    std::vector<int64_t> out;
    size_t r = 0, w = 0;
    uint64_t accepted = 0;
    bool did_reset = false;
    rows_kept->clear();
    std::deque<size_t> in_flight;  // rows whose last word was accepted, awaiting output
    const uint64_t limit = 64 + 8 * (rows.size() + 1) * 16 + 16 * total_words(rows);
    for (uint64_t c = 0; c < limit && (r < rows.size() || !in_flight.empty()); ++c) {
      const bool offer = r < rows.size() && p.in_valid(m_cycles, gen);
      m_top->in_valid = offer;
      if (offer) {
        const Word& word = rows[r][w];
        set_word(word);
        m_top->in_last = w + 1 == rows[r].size();
      }
      m_top->out_ready = p.out_ready(m_cycles, gen);
      m_top->clk = 0;
      m_top->eval();
      const bool fire_in = offer && m_top->in_ready;
      const bool fire_out = m_top->out_valid && m_top->out_ready;
      const int64_t sum = sign_extend(static_cast<uint64_t>(m_top->out_sum));
      tick_high();
      if (fire_out) {
        out.push_back(sum);
        rows_kept->push_back(in_flight.front());
        in_flight.pop_front();
      }
      if (fire_in) {
        ++accepted;
        if (++w == rows[r].size()) {
          in_flight.push_back(r);
          ++r;
          w = 0;
        }
      }
      if (!did_reset && reset_after_words && accepted == reset_after_words) {
        did_reset = true;
        reset();  // the partial row and anything in flight are gone
        in_flight.clear();
        if (w != 0) {
          ++r;
          w = 0;
        }
      }
    }
    if (!in_flight.empty() || r < rows.size())
      throw Error("RTL popcount core: the stream did not drain (a hang or a lost handshake)",
                  "inspect the VCD of `ecsim verify-rtl --fail-dir DIR`");
    return out;
  }

  uint64_t cycles() const { return m_cycles; }
  int acc_width() const { return m_width == 64 ? 16 : 12; }

 private:
  static uint64_t total_words(const std::vector<Row>& rows) {
    uint64_t n = 0;
    for (const Row& r : rows) n += r.size();
    return n;
  }
  void set_word(const Word& word) {
    if constexpr (sizeof(m_top->in_syn) == 8) {
      m_top->in_syn = word.syn;
      m_top->in_spk = word.spk;
      m_top->in_exc = word.exc;
    } else {
      m_top->in_syn = static_cast<uint32_t>(word.syn);
      m_top->in_spk = static_cast<uint32_t>(word.spk);
      m_top->in_exc = static_cast<uint32_t>(word.exc);
    }
  }
  int64_t sign_extend(uint64_t raw) const {
    const int bits = acc_width();
    raw &= (uint64_t{1} << bits) - 1;
    return (raw >> (bits - 1)) ? static_cast<int64_t>(raw) - (int64_t{1} << bits) : static_cast<int64_t>(raw);
  }
  void tick_high() {
    m_top->clk = 1;
    m_top->eval();
    ++m_cycles;
    m_ctx->timeInc(1);
    if (m_trace) m_trace->dump(m_ctx->time());
    m_top->clk = 0;
    m_top->eval();
    m_ctx->timeInc(1);
    if (m_trace) m_trace->dump(m_ctx->time());
  }
  void tick() {
    m_top->clk = 0;
    m_top->eval();
    tick_high();
  }

  std::unique_ptr<VerilatedContext> m_ctx;
  std::unique_ptr<V> m_top;
  VerilatedVcdC* m_trace = nullptr;
  int m_width;
  uint64_t m_cycles = 0;
};

// Random rows of 1..max_words words, with density chosen per row so sums spread widely.
std::vector<Row> random_rows(int width, uint64_t words, std::mt19937_64& g) {
  std::vector<Row> rows;
  const uint64_t m = mask_of(width);
  uint64_t n = 0;
  while (n < words) {
    Row row(1 + g() % 8);
    const int density = static_cast<int>(g() % 4);  // 0: sparse .. 3: dense
    for (Word& w : row) {
      uint64_t syn = g(), spk = g();
      for (int k = 0; k < 3 - density; ++k) spk &= g();
      const int split = static_cast<int>(g() % (width + 1));  // an E/I boundary inside the word
      w = {syn & m, spk & m, (g() % 3 == 0 ? g() : mask_of(split)) & m};
    }
    n += row.size();
    rows.push_back(std::move(row));
  }
  return rows;
}

std::map<std::string, std::vector<Row>> corner_rows(int width, int acc_width) {
  const uint64_t m = mask_of(width);
  const uint64_t alt = 0x5555555555555555ULL & m;
  // the longest row whose sum still fits the accumulator: words·W <= 2^(ACC_W-1) - 1
  const size_t max_words = static_cast<size_t>(((int64_t{1} << (acc_width - 1)) - 1) / width);
  std::map<std::string, std::vector<Row>> c;
  c["all-zero words"] = {Row(4, Word{0, 0, 0}), Row(1, Word{0, m, m}), Row(3, Word{m, 0, m})};
  c["all-one words"] = {Row(4, Word{m, m, m}), Row(4, Word{m, m, 0}), Row(2, Word{m, m, alt})};
  c["maximum accumulation"] = {Row(max_words, Word{m, m, m}), Row(max_words, Word{m, m, 0})};
  c["alternating E/I"] = {Row(5, Word{m, m, alt}), Row(5, Word{alt, m, alt}), Row(5, Word{~alt & m, m, alt})};
  c["single-word rows"] = {};
  for (int k = 0; k < 64; ++k) c["single-word rows"].push_back(Row(1, Word{m, uint64_t{1} << (k % width), m}));
  return c;
}

void write_failure(const CampaignConfig& cfg, const Row& row, const Pattern& p, CampaignReport* rep);

template <class V>
CampaignReport campaign(const CampaignConfig& cfg) {
  CampaignReport rep;
  rep.width = cfg.width;
  std::mt19937_64 gen(cfg.seed);
  Harness<V> h(cfg.width, nullptr);
  rep.acc_width = h.acc_width();
  h.reset();
  std::vector<size_t> kept;

  auto check = [&](const std::vector<Row>& rows, const Pattern& p, const std::string& what, uint64_t reset_after) {
    const std::vector<int64_t> got = h.run(rows, p, gen, reset_after, &kept);
    rep.corners["handshake pattern: " + p.name] += got.size();
    for (size_t i = 0; i < got.size(); ++i) {
      const Row& row = rows[kept[i]];
      ++rep.rows;
      rep.words += row.size();
      const int64_t want = expected(row);
      if (got[i] == want) continue;
      if (++rep.mismatches > 1) continue;
      std::ostringstream os;
      os << what << " / " << p.name << ": row " << kept[i] << " (" << row.size() << " words) gave " << got[i]
         << ", the reference model gives " << want;
      rep.first_mismatch = os.str();
      if (!cfg.fail_dir.empty()) write_failure(cfg, row, p, &rep);
    }
    return got.size();
  };

  const std::vector<Pattern> pats = patterns();
  // the random campaign, spread over the handshake patterns
  const std::vector<Row> rows = random_rows(cfg.width, cfg.vectors, gen);
  const size_t per = rows.size() / pats.size() + 1;
  for (size_t k = 0; k < pats.size(); ++k) {
    const size_t lo = std::min(rows.size(), k * per), hi = std::min(rows.size(), (k + 1) * per);
    check(std::vector<Row>(rows.begin() + static_cast<long>(lo), rows.begin() + static_cast<long>(hi)), pats[k],
          "random", 0);
  }
  // corner cases under every pattern
  for (const auto& [name, crows] : corner_rows(cfg.width, rep.acc_width))
    for (const Pattern& p : pats) rep.corners[name] += check(crows, p, name, 0);
  // reset mid-stream: the row in flight is dropped, everything after is exact
  for (const Pattern& p : pats) {
    const std::vector<Row> rr = random_rows(cfg.width, 200, gen);
    rep.corners["reset mid-stream"] += check(rr, p, "reset mid-stream", 37);
  }
  rep.cycles = h.cycles();
  return rep;
}

template <class V>
void write_failure_t(const CampaignConfig& cfg, const std::vector<Word>& row, const std::string& pattern_name,
                     CampaignReport* rep) {
  const std::string csv = cfg.fail_dir + "/popcount_w" + std::to_string(cfg.width) + "_fail.csv";
  std::ofstream f(csv);
  f << "word,syn,spk,exc\n";
  for (size_t i = 0; i < row.size(); ++i)
    f << i << ",0x" << std::hex << row[i].syn << ",0x" << row[i].spk << ",0x" << row[i].exc << std::dec << "\n";
  rep->written.push_back(csv);
  // replay the failing row alone, with a waveform
  const std::string vcd = cfg.fail_dir + "/popcount_w" + std::to_string(cfg.width) + "_fail.vcd";
  VerilatedVcdC trace;
  Harness<V> h(cfg.width, &trace);
  trace.open(vcd.c_str());
  h.reset();
  std::mt19937_64 g(1);
  std::vector<size_t> kept;
  for (const Pattern& p : patterns())
    if (p.name == pattern_name) h.run({row}, p, g, 0, &kept);
  trace.close();
  rep->written.push_back(vcd);
}

void write_failure(const CampaignConfig& cfg, const Row& row, const Pattern& p, CampaignReport* rep) {
  if (cfg.width == 64)
    write_failure_t<Vpopcount_core_w64>(cfg, row, p.name, rep);
  else
    write_failure_t<Vpopcount_core_w32>(cfg, row, p.name, rep);
}

}  // namespace

CampaignReport run_popcount_campaign(const CampaignConfig& cfg) {
  if (cfg.width == 64) return campaign<Vpopcount_core_w64>(cfg);
  if (cfg.width == 32) return campaign<Vpopcount_core_w32>(cfg);
  throw Error("no RTL popcount core with word width " + std::to_string(cfg.width) + " is built in",
              "use --width 64 or --width 32 (the parameter sets of docs/rtl.md)");
}

}  // namespace ecsim::rtl
