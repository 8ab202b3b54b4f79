#include "verify/popcount_campaign.h"

#include <deque>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <sstream>

#include "common/error.h"
#include "driver/popcount_driver.h"
#include "reference/popcount.h"

namespace ecsim::rtl {

std::map<int, int> popcount_parameter_sets() {
  std::map<int, int> m;
  for (const ParameterSet& s : kParameterSets) m[s.width] = s.acc_width;
  return m;
}

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

// The testbench: streams rows through the driven core under a handshake pattern.
class Harness {
 public:
  Harness(int width, const std::string& vcd_path) : m_core(width, vcd_path) {}

  void reset() { m_core.reset(); }

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
      PopcountDriver::Inputs in;
      in.in_valid = r < rows.size() && p.in_valid(m_core.cycles(), gen);
      if (in.in_valid) {
        const Word& word = rows[r][w];
        in.syn = word.syn;
        in.spk = word.spk;
        in.exc = word.exc;
        in.in_last = w + 1 == rows[r].size();
      }
      in.out_ready = p.out_ready(m_core.cycles(), gen);
      const PopcountDriver::Fired f = m_core.cycle(in);
      if (f.out) {
        out.push_back(f.sum);
        rows_kept->push_back(in_flight.front());
        in_flight.pop_front();
      }
      if (f.in) {
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

  uint64_t cycles() const { return m_core.cycles(); }
  int acc_width() const { return m_core.acc_width(); }

 private:
  static uint64_t total_words(const std::vector<Row>& rows) {
    uint64_t n = 0;
    for (const Row& r : rows) n += r.size();
    return n;
  }

  PopcountDriver m_core;
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

CampaignReport campaign(const CampaignConfig& cfg) {
  CampaignReport rep;
  rep.width = cfg.width;
  std::mt19937_64 gen(cfg.seed);
  Harness h(cfg.width, {});
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

void write_failure(const CampaignConfig& cfg, const Row& row, const Pattern& pattern, CampaignReport* rep) {
  const std::string csv = cfg.fail_dir + "/popcount_w" + std::to_string(cfg.width) + "_fail.csv";
  std::ofstream f(csv);
  f << "word,syn,spk,exc\n";
  for (size_t i = 0; i < row.size(); ++i)
    f << i << ",0x" << std::hex << row[i].syn << ",0x" << row[i].spk << ",0x" << row[i].exc << std::dec << "\n";
  rep->written.push_back(csv);
  // replay the failing row alone, with a waveform
  const std::string vcd = cfg.fail_dir + "/popcount_w" + std::to_string(cfg.width) + "_fail.vcd";
  {
    Harness h(cfg.width, vcd);
    h.reset();
    std::mt19937_64 g(1);
    std::vector<size_t> kept;
    for (const Pattern& p : patterns())
      if (p.name == pattern.name) h.run({row}, p, g, 0, &kept);
  }  // the waveform is complete when the harness is gone
  rep->written.push_back(vcd);
}

}  // namespace

CampaignReport run_popcount_campaign(const CampaignConfig& cfg) {
  if (!find_parameter_set(cfg.width))
    throw Error("no RTL popcount core with word width " + std::to_string(cfg.width) + " is built in",
                "use --width " + built_widths("or --width") + " (the parameter sets of docs/rtl.md)");
  return campaign(cfg);
}

}  // namespace ecsim::rtl
