// ecsim_bench --chip=PATH (bench_main.cpp parses it): BM_ChipStep on another chip config.
#pragma once

#include <string>

namespace ecsim::bench {

// Runs BM_ChipStep on the chip config at path, with a network that fills it (N = cores ×
// neurons_per_core, Hopper I/O), registered as BM_ChipStep/N with the config's name as its label.
// Throws ecsim::Error (naming the problem and the fix) when the config does not load or the
// network does not fit. Call once, before benchmark::RunSpecifiedBenchmarks.
void use_chip(const std::string& path);

}  // namespace ecsim::bench
