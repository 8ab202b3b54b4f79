// metrics.csv: one row per generation, its columns listed once (metrics_columns(): the header,
// the row and the reader's lookup by name all come from that list).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ecsim::train {

struct GenerationStats {
  uint64_t generation = 0;
  double seconds = 0;   // wall time of this generation
  double elapsed = 0;   // wall time of the run so far (across resumes)
  uint64_t frames = 0;  // env steps of this generation (population + eval)
  uint64_t frames_total = 0;
  double fps = 0;  // frames / seconds
  double pop_mean = 0, pop_best = 0, pop_min = 0;
  double eval_mean = 0, eval_std = 0;
  double mean_steps = 0;       // mean episode length of the population
  double param_mean = 0;       // EC: mean ρ ("sparsity"); ES: mean |μ|
  double spikes_per_step = 0;  // population spikes per env step
  double synops_per_step = 0;
  // chip backends (systemc, rtl) only; has_chip is false on the functional backend
  bool has_chip = false;
  uint64_t chip_cycles = 0;       // every job of the generation (population and eval)
  double cycles_per_step = 0;     // chip_cycles / frames
  double cycles_per_episode = 0;  // population episodes
  double chip_seconds = 0;        // chip_cycles at the configured clock
  bool has_energy = false;        // chip backends, or the functional backend with --chip
  double energy_pj = 0;           // the generation's chip energy (docs/energy.md)
  double energy_per_step_pj = 0;  // energy_pj / frames
};

struct MetricsColumn {
  const char* name;
  std::string (*cell)(const GenerationStats&);  // the row's cell; empty when the run has no such value
};
// the columns, in file order
const std::vector<MetricsColumn>& metrics_columns();
// 0-based position of a column; throws ecsim::Error for a name that is not in the list
size_t metrics_column(const std::string& name);

std::string metrics_header();
std::string metrics_row(const GenerationStats& s);
// the value of a row's cell (NaN when empty), exactly as the file holds it
double metrics_cell(const std::string& row, const char* column);
// the file: the header, then the rows
std::string metrics_csv(const std::vector<std::string>& rows);

// The rows of an existing metrics.csv (without the header) for generations 1..up_to, in order;
// rows written before the chip columns existed get empty cells. Stops at the first missing
// generation (none when the file is missing), so the caller sees how many rows were lost.
std::vector<std::string> read_metrics_rows(const std::string& path, uint64_t up_to);

// A run's metrics.csv: one row per generation; cells by column (metrics_header() names them);
// empty cells (the chip columns of a functional run) are NaN. Throws ecsim::Error naming the file.
struct MetricsTable {
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;
  size_t column(const std::string& name) const;  // throws ecsim::Error if there is no such column
};
MetricsTable read_metrics(const std::string& run_dir);

}  // namespace ecsim::train
