#include "cli/chip_outputs.h"

#include <bit>
#include <charconv>

#include "common/error.h"
#include "common/fields.h"
#include "io/csv.h"
#include "tasks/env.h"

namespace ecsim::cli {

energy::EnergyReport ChipEnergy::estimate(const chip::HwCounters& hw, const ref::EventCounters& events) const {
  return energy::estimate(chip, table, shape, hw, events);
}

std::optional<ChipEnergy> chip_energy(const eval::BackendInfo& backend, const std::string& chip_path,
                                      const std::string& table_path, const ref::NetworkShape& shape) {
  if (!backend.counts_hardware && chip_path.empty()) {
    if (!table_path.empty())
      throw Error("--energy-table needs counted chip activity",
                  "add --backend systemc, or --chip configs/chip_default.json on the functional backend");
    return std::nullopt;
  }
  ChipEnergy e;
  e.chip_path = chip_path.empty() ? chip::default_chip_config_path() : chip_path;
  e.chip = chip::load_chip_config(e.chip_path);
  e.table = energy::load_energy_table(table_path.empty() ? energy::default_energy_table_path() : table_path);
  e.shape = shape;
  chip::HwCounters every;
  fields::for_each_leaf(every, [](const std::string&, const fields::Info&, uint64_t& v) { v = 1; });
  if (!e.chip.float_weights()) every.mac_ops = 0;  // only the float32-weight chip counts (and prices) MACs
  e.estimate(every, ref::EventCounters{});
  return e;
}

std::string policy_task(const std::string& command, const eval::PolicyImage* policy, const std::string& task_flag) {
  if (task_flag.empty()) return policy ? policy->task : "hopper";
  const std::string given = tasks::make_task_spec(task_flag).name;
  if (policy && tasks::make_task_spec(policy->task).name != given)
    throw Error(command + ": the policy was trained on " + policy->task + ", not " + given,
                "drop --task (the policy gives it) or pass --task " + policy->task);
  return given;
}

eval::EvaluatorConfig policy_episode_config(const eval::PolicyImage& policy, const std::string& task,
                                            const std::string& model_path, int max_steps,
                                            const std::string& chip_path) {
  eval::EvaluatorConfig ec;
  ec.net = policy.net;
  ec.task = task;
  ec.model_path = model_path;
  ec.threads = 1;
  ec.max_steps = max_steps;
  ec.chip_path = chip_path;
  return ec;
}

std::pair<int64_t, int64_t> parse_vcd_window(const std::string& s) {
  const size_t colon = s.find(':');
  const auto number = [&](const std::string& part, int64_t& v) {
    const char* end = part.data() + part.size();
    auto [p, ec] = std::from_chars(part.data(), end, v);
    return !part.empty() && ec == std::errc() && p == end;
  };
  int64_t a = 0, b = 0;
  if (colon == std::string::npos || !number(s.substr(0, colon), a) || !number(s.substr(colon + 1), b) || a < 0 || b < a)
    throw Error("--vcd-steps '" + s + "' is not a window A:B of environment steps with 0 <= A <= B",
                "e.g. --vcd-steps 0:4");
  return {a, b};
}

std::vector<int> parse_neuron_list(const std::string& s) {
  std::vector<int> out;
  if (s.empty()) return out;
  for (const std::string& f : io::split_csv_line(s)) {
    int v = 0;
    const char* end = f.data() + f.size();
    auto [p, ec] = std::from_chars(f.data(), end, v);
    if (f.empty() || ec != std::errc() || p != end || v < 0)
      throw Error("--trace-neurons: '" + f + "' is not a neuron index",
                  "give indices separated by commas, e.g. 0,5,130");
    out.push_back(v);
  }
  return out;
}

std::string vcd_file(const std::string& path) {
  std::string base = path;
  if (base.size() > 4 && base.substr(base.size() - 4) == ".vcd") base.resize(base.size() - 4);
  return base + ".vcd";
}

void append_raster_rows(std::string& csv, uint64_t env_step, const std::vector<uint64_t>& raster,
                        const ref::NetworkShape& shape) {
  const size_t sw = static_cast<size_t>((shape.n_neurons + 63) / 64);
  const std::string step = std::to_string(env_step) + ',';
  for (size_t t = 0; t * sw < raster.size(); ++t)
    for (size_t w = 0; w < sw && t * sw + w < raster.size(); ++w)
      for (uint64_t bits = raster[t * sw + w]; bits; bits &= bits - 1) {
        const int j = static_cast<int>(w * 64) + std::countr_zero(bits);
        csv += step;
        csv += std::to_string(t);
        csv += ',';
        csv += std::to_string(j);
        csv += j < shape.n_exc ? ",1\n" : ",-1\n";
      }
}

}  // namespace ecsim::cli
