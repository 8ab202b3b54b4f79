// What `ecsim train` prints: the progress line (stderr, on a terminal) and the summary (stdout).
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include <cmath>
#include <cstdio>
#include <iostream>

#include "cli/train_steps.h"

namespace ecsim::cli {

std::string duration_text(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  const long t = std::lround(s);
  char b[32];
  if (t >= 3600)
    std::snprintf(b, sizeof b, "%ldh%02ldm", t / 3600, (t / 60) % 60);
  else
    std::snprintf(b, sizeof b, "%ldm%02lds", t / 60, t % 60);
  return b;
}

ProgressLine::ProgressLine(const std::string& mode, double time_limit_s)
    : m_tty(mode == "always" || (mode == "auto" && isatty(fileno(stderr)))), m_time_limit_s(time_limit_s) {}

int terminal_columns() {
  winsize ws{};
  if (::ioctl(fileno(stderr), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* c = std::getenv("COLUMNS")) {
    const long n = std::strtol(c, nullptr, 10);
    if (n > 0 && n < 10000) return static_cast<int>(n);
  }
  return 80;
}

double ProgressLine::eta_seconds(const train::GenerationStats& s, int generations) const {
  const double left = static_cast<double>(static_cast<uint64_t>(generations) - s.generation);
  double eta = m_recent * left;
  // the run ends at the time limit if that comes first (the limit counts training time, `elapsed`)
  if (m_time_limit_s > 0) eta = std::min(eta, std::max(0.0, m_time_limit_s - s.elapsed));
  return eta;
}

bool ProgressLine::limited(const train::GenerationStats& s, int generations) const {
  return m_time_limit_s > 0 &&
         m_time_limit_s - s.elapsed < m_recent * static_cast<double>(static_cast<uint64_t>(generations) - s.generation);
}

std::string ProgressLine::text(const train::GenerationStats& s, int generations, int columns) const {
  char b[96];
  auto field = [&](const char* fmt, auto... v) {
    std::snprintf(b, sizeof b, fmt, v...);
    return std::string(b);
  };
  // in order of importance: a narrow terminal drops the last ones, never wraps
  std::vector<std::string> fields{
      field("gen %llu/%d", static_cast<unsigned long long>(s.generation), generations), field("eval %.1f", s.eval_mean),
      field("ETA %s%s", duration_text(eta_seconds(s, generations)).c_str(), limited(s, generations) ? " (limit)" : ""),
      field("pop %.1f (best %.1f)", s.pop_mean, s.pop_best), field("%.1fk frames/s", s.fps / 1000.0)};
  if (s.has_chip) fields.push_back(field("%.0f cycles/step", s.cycles_per_step));
  const size_t width = static_cast<size_t>(std::max(columns - 1, 8));  // the last column would wrap on some terminals
  std::string line = fields[0];
  for (size_t i = 1; i < fields.size(); ++i)
    if (line.size() + 2 + fields[i].size() <= width) line += "  " + fields[i];
  return line.substr(0, width);
}

void ProgressLine::update(const train::GenerationStats& s, int generations) {
  // the mean of the first 10 generations, then an exponential average
  m_recent = m_nrecent < 10 ? (m_recent * m_nrecent + s.seconds) / (m_nrecent + 1) : 0.9 * m_recent + 0.1 * s.seconds;
  ++m_nrecent;
  if (!m_tty) return;
  const std::string line = "\r\033[K" + text(s, generations, terminal_columns());
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

void ProgressLine::finish() const {
  if (m_tty) std::fputs("\n", stderr);
}

void print_start(const train::Trainer& trainer) {
  const uint64_t first = trainer.state().generation;
  const int generations = trainer.config().generations;
  if (trainer.restarted())
    std::cout << "run has no checkpoint yet (it stopped before its first one): starting it again from generation 0\n";
  if (first >= static_cast<uint64_t>(generations))
    std::cout << "run already has " << first << " of " << generations << " generations; nothing to do\n";
}

void print_summary(const train::Trainer& trainer, const train::GenerationStats& last, bool timed_out,
                   const TrainFlags& f, const TrainMpi& mpi) {
  const train::TrainConfig& cfg = trainer.config();
  const uint64_t done = trainer.state().generation;
  if (timed_out)
    std::cout << "stopped at the time limit (" << cfg.time_limit_min << " min) after generation " << done << " of "
              << cfg.generations << "; checkpoint and deploy image written (--resume continues)\n";
  if (f.stop_after && done >= f.stop_after && done < static_cast<uint64_t>(cfg.generations)) {
    std::cout << "stopped after generation " << done << " (--stop-after)\n";
    return;
  }
  if (last.generation)
    std::cout << "trained " << cfg.task << " (" << eval::method_name(cfg.net.method) << ", pop " << cfg.pop
              << ") to generation " << last.generation << " in " << duration_text(last.elapsed) << ": eval return "
              << last.eval_mean << " ± " << last.eval_std << ", population mean " << last.pop_mean << ", "
              << static_cast<long>(last.fps) << " frames/s\n";
  if (last.generation && last.has_energy && !last.has_chip)
    std::cout << "chip activity counted by the functional backend: energy " << last.energy_pj * 1e-6
              << " uJ per generation, " << last.energy_per_step_pj * 1e-3
              << " nJ per env step, dynamic only (energy.json, docs/energy.md)\n";
  if (last.generation && last.has_chip)
    std::cout << "chip (" << cfg.backend << "), last generation: " << last.chip_cycles << " cycles ("
              << last.chip_seconds << " s at the chip clock), " << last.cycles_per_step << " per env step, "
              << last.cycles_per_episode << " per episode; energy " << last.energy_pj * 1e-6 << " uJ per generation, "
              << last.energy_per_step_pj * 1e-3 << " nJ per env step (energy.json, docs/energy.md)\n";
  if (last.generation && last.has_energy) std::cout << trainer.energy_table_text();
  std::cout << mpi.wire_summary();
}

}  // namespace ecsim::cli
