// ecsim_bench main: runs the registered benchmarks, then prints the ratios that the project's
// performance targets are stated in, each computed from times measured in this same run.
// Besides Google Benchmark's flags it takes --chip=PATH (bench_chip.cpp), parsed here first.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backends/systemc_evaluator.h"
#include "bench_chip.h"
#include "common/error.h"

namespace {

struct Ratio {
  std::string numerator, denominator, label;
  double target;  // 0: no target, report only
  bool at_least;  // target is a minimum (true) or a maximum (false)
};

// name patterns are exact benchmark run names (as printed in the table)
std::vector<Ratio> ratio_table() {
  std::vector<Ratio> r;
  for (const char* n : {"256", "512", "1024", "2048", "4096", "8192"}) {
    const std::string one_bit = std::string("BM_NetworkStep/") + n;
    r.push_back({std::string("BM_NetworkStepFloatDense/") + n, one_bit,
                 std::string("1-bit EC speedup over float32 dense, N=") + n, 5.0, true});
    r.push_back({std::string("BM_NetworkStepFloatEvent/") + n, one_bit,
                 std::string("1-bit EC speedup over float32 event-driven, N=") + n, 3.0, true});
    r.push_back({std::string("BM_NetworkStepPortable/") + n, one_bit,
                 std::string("AVX-512 kernel speedup over the portable kernel, N=") + n, 0.0, true});
    r.push_back({std::string("BM_NetworkStepPortable/") + n, std::string("BM_NetworkStepAvx2/") + n,
                 std::string("AVX2 kernel speedup over the portable kernel, N=") + n, 0.0, true});
  }
  // the environment wrapper's overhead is checked by the interleaved overhead_pct counter (TARGET
  // lines): separate runs of BM_EnvStep and BM_RawMjStep differ by more than the overhead itself
  return r;
}

// Collects the runs for the ratios and hands them on to the reporter that --benchmark_format asks
// for (console, json or csv), so Google Benchmark's standard flags behave as documented.
class CollectingReporter : public benchmark::BenchmarkReporter {
 public:
  explicit CollectingReporter(std::unique_ptr<benchmark::BenchmarkReporter> display) : m_display(std::move(display)) {}
  bool ReportContext(const Context& context) override { return m_display->ReportContext(context); }
  void Finalize() override { m_display->Finalize(); }
  std::map<std::string, double> ns_per_iter;
  std::map<std::string, double> overhead_pct;  // the interleaved wrapper-overhead counter, by run name
  std::map<std::string, double> frames_per_s;  // end-to-end evaluation rates, by run name
  std::map<std::string, double> fraction;      // training throughput / physics on the same work
  void ReportRuns(const std::vector<Run>& runs) override {
    // single runs are keyed by name; with --benchmark_repetitions the median stands for the name
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const double ns = run.GetAdjustedRealTime() * (run.time_unit == benchmark::kMicrosecond   ? 1e3
                                                     : run.time_unit == benchmark::kMillisecond ? 1e6
                                                                                                : 1.0);
      const bool single = run.run_type == Run::RT_Iteration && run.repetitions <= 1;
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (!single && !median) continue;
      ns_per_iter[run.run_name.str()] = ns;
      auto oh = run.counters.find("overhead_pct");
      if (oh != run.counters.end()) overhead_pct[run.run_name.str()] = oh->second.value;
      auto fr = run.counters.find("fraction");
      if (fr != run.counters.end()) fraction[run.run_name.str()] = fr->second.value;
      auto fps = run.counters.find("frames_per_s");
      if (fps != run.counters.end()) frames_per_s[run.run_name.str()] = fps->second.value;
    }
    m_display->ReportRuns(runs);
  }

 private:
  std::unique_ptr<benchmark::BenchmarkReporter> m_display;
};

// the value of --benchmark_format (before Initialize consumes it); "console" when not given
std::string format_flag(int argc, char** argv) {
  std::string format = "console";
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (!std::strncmp(a, "--benchmark_format=", 19))
      format = a + 19;
    else if (!std::strcmp(a, "--benchmark_format") && i + 1 < argc)
      format = argv[i + 1];
  }
  return format;
}

// Google Benchmark 1.7 marks its CSV reporter deprecated, but still documents --benchmark_format=csv
std::unique_ptr<benchmark::BenchmarkReporter> display_reporter(const std::string& format) {
  if (format == "json") return std::make_unique<benchmark::JSONReporter>();
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  if (format == "csv") return std::make_unique<benchmark::CSVReporter>();
#pragma GCC diagnostic pop
  return std::make_unique<benchmark::ConsoleReporter>();
}

// The RATIO and TARGET lines go to stdout beside the console table, and to stderr when stdout
// carries JSON or CSV, which they would make unreadable.
FILE* g_lines = stdout;

// Takes ecsim_bench's own flag --chip=PATH out of argv before Google Benchmark sees it; true if
// given, with path set (empty for a bare --chip: use_chip says what to give). Like Google
// Benchmark's flags it takes its value after '=' only.
bool take_chip_flag(int& argc, char** argv, std::string& path) {
  bool given = false;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (!std::strncmp(a, "--chip=", 7)) {
      path = a + 7;
      given = true;
    } else if (!std::strcmp(a, "--chip")) {
      path.clear();
      given = true;
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  argv[argc] = nullptr;
  return given;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string format = format_flag(argc, argv);
  ecsim::backends::register_backends();  // the chip benchmarks evaluate on the systemc backend
  for (int i = 1; i < argc; ++i)
    if (!std::strcmp(argv[i], "--help"))  // Google Benchmark prints its flags after these and exits
      std::printf(
          "ecsim_bench [--chip=PATH] [Google Benchmark flags]\n"
          "  --chip=PATH  run BM_ChipStep on this chip config (e.g. configs/chip_16core_1024.json) with a\n"
          "               network that fills it, as BM_ChipStep/N; one chip per process\n\n");
  std::string chip_path;
  if (take_chip_flag(argc, argv, chip_path)) {
    try {
      ecsim::bench::use_chip(chip_path);
    } catch (const ecsim::Error& e) {
      std::fprintf(stderr, "ecsim_bench: --chip: %s\n", e.what());
      return 2;
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (format != "console" && format != "json" && format != "csv") {
    std::fprintf(stderr, "ecsim_bench: --benchmark_format=%s is not known; use console, json or csv\n", format.c_str());
    return 2;
  }
  if (format != "console") g_lines = stderr;
  CollectingReporter reporter(display_reporter(format));
  benchmark::RunSpecifiedBenchmarks(&reporter);
  // absolute targets, per iteration of the named benchmark
  struct Absolute {
    const char* name;
    const char* label;
    double max_ns;
  };
  for (const Absolute& t :
       {Absolute{"BM_NetworkStep/256", "one env step of the default network (N=256, 33 inner steps)", 4000.0},
        Absolute{"BM_NetworkStep/1024", "one env step, N=1024", 15000.0},
        Absolute{"BM_NetworkStep/4096", "one env step, N=4096", 200000.0},
        Absolute{"BM_ChipStep", "one env step of the SystemC chip (default chip, 11032 cycles)", 80000.0}}) {
    auto it = reporter.ns_per_iter.find(t.name);
    if (it == reporter.ns_per_iter.end()) continue;
    std::fprintf(g_lines, "\n  TARGET %-58s %8.3f us   target <= %.2f us: %s\n", t.label, it->second / 1e3,
                 t.max_ns / 1e3, it->second <= t.max_ns ? "MET" : "NOT MET");
  }
  // wrapper overhead, timed interleaved with raw mj_step inside one benchmark (bench_env.cpp)
  for (const auto& [name, pct] : reporter.overhead_pct)
    std::fprintf(g_lines, "  TARGET %-58s %8.2f %%   target <= 5.00 %%: %s\n",
                 ("environment wrapper overhead, " + name).c_str(), pct, pct <= 5.0 ? "MET" : "NOT MET");
  bool any = false;
  for (const Ratio& r : ratio_table()) {
    auto a = reporter.ns_per_iter.find(r.numerator), b = reporter.ns_per_iter.find(r.denominator);
    if (a == reporter.ns_per_iter.end() || b == reporter.ns_per_iter.end()) continue;
    if (!any) std::fprintf(g_lines, "\nRatios measured in this run:\n");
    any = true;
    const double ratio = a->second / b->second;
    std::fprintf(g_lines, "  RATIO %-62s %8.3f", r.label.c_str(), ratio);
    if (r.target > 0)
      std::fprintf(g_lines, "   target %s %.2f: %s", r.at_least ? ">=" : "<=", r.target,
                   (r.at_least ? ratio >= r.target : ratio <= r.target) ? "MET" : "NOT MET");
    std::fprintf(g_lines, "\n");
  }
  // training throughput against raw physics replaying the same episodes (bench_train.cpp)
  for (const auto& [name, f] : reporter.fraction)
    std::fprintf(g_lines, "  TARGET %-58s %8.3f     target >= 0.95: %s\n",
                 ("training frames/s / physics on the same work, " + name).c_str(), f, f >= 0.95 ? "MET" : "NOT MET");
  // rates (frames/s counters): the cycle-level chip against the reference model, one core each.
  // Both evaluate the same population with the same seeds; a rate ratio, since the two run
  // different numbers of iterations.
  const auto chip = reporter.frames_per_s.find("BM_TrainEvaluatorChip/real_time");
  const auto fn = reporter.frames_per_s.find("BM_TrainEvaluator/1/real_time");
  if (chip != reporter.frames_per_s.end() && fn != reporter.frames_per_s.end()) {
    const double ratio = chip->second / fn->second;
    std::fprintf(g_lines, "  RATIO %-62s %8.3f   target >= 0.50: %s (push >= 0.80)\n",
                 "systemc backend frames/s / functional, one core each", ratio, ratio >= 0.50 ? "MET" : "NOT MET");
  }
  benchmark::Shutdown();
  return 0;
}
