#include "train/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/file.h"

namespace ecsim::train {

namespace {

std::string real(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.10g", v);
  return b;
}
std::string count(uint64_t v) { return std::to_string(v); }

}  // namespace

const std::vector<MetricsColumn>& metrics_columns() {
  using S = GenerationStats;
  // the chip columns stay empty on backends without a clock (no cycles were simulated), the
  // energy columns without the chip's counts
  static const std::vector<MetricsColumn> columns = {
      {"generation", [](const S& s) { return count(s.generation); }},
      {"seconds", [](const S& s) { return real(s.seconds); }},
      {"elapsed", [](const S& s) { return real(s.elapsed); }},
      {"frames", [](const S& s) { return count(s.frames); }},
      {"frames_total", [](const S& s) { return count(s.frames_total); }},
      {"fps", [](const S& s) { return real(s.fps); }},
      {"pop_mean", [](const S& s) { return real(s.pop_mean); }},
      {"pop_best", [](const S& s) { return real(s.pop_best); }},
      {"pop_min", [](const S& s) { return real(s.pop_min); }},
      {"eval_mean", [](const S& s) { return real(s.eval_mean); }},
      {"eval_std", [](const S& s) { return real(s.eval_std); }},
      {"mean_steps", [](const S& s) { return real(s.mean_steps); }},
      {"param_mean", [](const S& s) { return real(s.param_mean); }},
      {"spikes_per_step", [](const S& s) { return real(s.spikes_per_step); }},
      {"synops_per_step", [](const S& s) { return real(s.synops_per_step); }},
      {"chip_cycles", [](const S& s) { return s.has_chip ? count(s.chip_cycles) : ""; }},
      {"cycles_per_step", [](const S& s) { return s.has_chip ? real(s.cycles_per_step) : ""; }},
      {"cycles_per_episode", [](const S& s) { return s.has_chip ? real(s.cycles_per_episode) : ""; }},
      {"chip_seconds", [](const S& s) { return s.has_chip ? real(s.chip_seconds) : ""; }},
      {"energy_uj", [](const S& s) { return s.has_energy ? real(s.energy_pj * 1e-6) : ""; }},
      {"energy_per_step_nj", [](const S& s) { return s.has_energy ? real(s.energy_per_step_pj * 1e-3) : ""; }},
  };
  return columns;
}

size_t metrics_column(const std::string& name) {
  const auto& c = metrics_columns();
  for (size_t i = 0; i < c.size(); ++i)
    if (name == c[i].name) return i;
  throw Error("internal: metrics.csv has no column '" + name + "'", "this is a bug; please report it");
}

std::string metrics_header() {
  std::string h;
  for (const MetricsColumn& c : metrics_columns()) {
    if (!h.empty()) h += ',';
    h += c.name;
  }
  return h;
}

std::string metrics_row(const GenerationStats& s) {
  std::string r;
  for (const MetricsColumn& c : metrics_columns()) {
    if (&c != &metrics_columns().front()) r += ',';
    r += c.cell(s);
  }
  return r;
}

std::string metrics_csv(const std::vector<std::string>& rows) {
  std::string csv = metrics_header() + "\n";
  for (const auto& r : rows) csv += r + "\n";
  return csv;
}

double metrics_cell(const std::string& row, const char* column) {
  const size_t c = metrics_column(column);
  size_t at = 0;
  for (size_t i = 0; i < c && at != std::string::npos; ++i) {
    at = row.find(',', at);
    if (at != std::string::npos) ++at;
  }
  if (at == std::string::npos || at >= row.size() || row[at] == ',') return NAN;
  return std::strtod(row.c_str() + at, nullptr);
}

std::vector<std::string> read_metrics_rows(const std::string& path, uint64_t up_to) {
  const size_t columns = metrics_columns().size();
  std::vector<std::string> rows;
  if (!std::filesystem::exists(path)) return rows;
  std::istringstream in(read_file(path, "metrics file"));
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (header) {
      header = false;
      continue;
    }
    if (line.empty()) continue;
    const uint64_t g = std::strtoull(line.c_str(), nullptr, 10);
    if (g >= 1 && g <= up_to && g == rows.size() + 1) {
      // rows of runs written before the chip columns existed get empty cells
      const size_t cells = static_cast<size_t>(std::count(line.begin(), line.end(), ',')) + 1;
      if (cells < columns) line.append(columns - cells, ',');
      rows.push_back(line);
    }
  }
  return rows;
}

size_t MetricsTable::column(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return i;
  throw Error("metrics.csv has no column '" + name + "'", "is it the metrics.csv of an `ecsim train` run?");
}

MetricsTable read_metrics(const std::string& run_dir) {
  const std::string path = run_dir + "/metrics.csv";
  if (!std::filesystem::is_regular_file(path))
    throw Error("cannot read '" + path + "'", "give the directory of an `ecsim train` run");
  std::istringstream in(read_file(path, "metrics file"));
  auto cells = [](const std::string& line) {
    std::vector<std::string> c;
    std::stringstream ls(line);
    for (std::string x; std::getline(ls, x, ',');) c.push_back(x);
    if (!line.empty() && line.back() == ',') c.emplace_back();  // a trailing empty cell
    return c;
  };
  MetricsTable t;
  std::string line;
  if (!std::getline(in, line)) throw Error("'" + path + "' is empty", "the run directory is damaged; start a new run");
  t.columns = cells(line);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::vector<std::string> c = cells(line);
    if (c.size() != t.columns.size())
      throw Error("'" + path + "' has a row of " + std::to_string(c.size()) + " cells under a header of " +
                      std::to_string(t.columns.size()),
                  "the run directory is damaged; resume the run to rewrite metrics.csv");
    std::vector<double> row;
    for (const std::string& x : c) row.push_back(x.empty() ? NAN : std::strtod(x.c_str(), nullptr));
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace ecsim::train
