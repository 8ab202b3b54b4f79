// The command table and what every subcommand shares: flag parsing (program_options with the
// number checks and deprecated spellings), the outputs check and the backend and chip flag help.
// ecsim's main (main.cpp) and the Python module (host/python/) both run the commands through it.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <limits>
#include <span>
#include <typeinfo>
#include <vector>

#include <boost/lexical_cast.hpp>

#include "cli/commands.h"
#include "common/error.h"
#include "eval/evaluator.h"
#include "io/atomic_file.h"

namespace po = boost::program_options;

namespace ecsim::cli {

namespace {
const Command kCommands[] = {
    {"simulate", "run the chip's network on an observation trace; write actions and spike rasters", cmd_simulate,
     "the trace's length or --neurons, or leave out --raster", ""},
    {"rollout", "one episode of a task, driven by a policy on any backend or by actions; per-step CSV, raster, energy",
     cmd_rollout, "the number of action rows", ""},
    {"train", "train the network on a MuJoCo task with Evolving Connectivity (or the ES baseline)", cmd_train,
     "--pop, --threads, --eval-episodes or --neurons", "--threads"},
    {"eval", "mean ± std return of a trained policy over seeded episodes", cmd_eval, "--episodes or --threads",
     "--threads"},
    {"verify-rtl",
     "verify the RTL units (popcount, Philox sampler, LIF, input stage, readout) and the neuron core against the "
     "reference",
     cmd_verify_rtl, "--vectors", ""},
    {"report", "a run's report (report.md, report.html); training-method footprints; runs compared", cmd_report,
     "--neurons", ""},
    {"sweep", "design-space sweep over chip settings: cycles, energy, SRAM bits, eval return", cmd_sweep,
     "--threads, --max-steps or the grid's size", "--threads"},
    {"render", "a video (MP4, GIF) of a policy's episodes or a rollout's trajectory, rendered off-screen", cmd_render,
     "--width and --height, --episodes or --max-steps", ""},
    {"export", "a trained EC policy as a NIR graph (HDF5) for other neuromorphic tools", cmd_export,
     "the network's size (train with fewer --neurons)", ""},
};
}  // namespace

const Command* find_command(const std::string& name) {
  for (const Command& c : kCommands)
    if (name == c.name) return &c;
  return nullptr;
}

std::span<const Command> commands() { return kCommands; }

namespace {

// Boost's lexical_cast reads "-1" into an unsigned as 2^64 - 1 (strtoull's rule) and "inf" into a
// double; both are refused here for every flag of every subcommand, by the type each flag stores.
template <class T>
bool holds(const boost::any& v) {
  return v.type() == typeid(T) || v.type() == typeid(std::vector<T>);
}

// the largest value of the unsigned type v holds, or 0 when v is not unsigned
uint64_t unsigned_max(const boost::any& v) {
  if (holds<unsigned char>(v)) return std::numeric_limits<unsigned char>::max();
  if (holds<unsigned short>(v)) return std::numeric_limits<unsigned short>::max();
  if (holds<unsigned int>(v)) return std::numeric_limits<unsigned int>::max();
  if (holds<unsigned long>(v)) return std::numeric_limits<unsigned long>::max();
  if (holds<unsigned long long>(v)) return std::numeric_limits<unsigned long long>::max();
  return 0;
}

bool is_floating(const boost::any& v) { return holds<float>(v) || holds<double>(v) || holds<long double>(v); }

void check_numbers(const po::parsed_options& parsed, const po::variables_map& vm) {
  for (const po::option& o : parsed.options) {
    const auto it = vm.find(o.string_key);
    if (o.string_key.empty() || it == vm.end()) continue;
    const boost::any& v = it->second.value();
    const std::string flag = "--" + o.string_key;
    if (const uint64_t max = unsigned_max(v)) {
      for (const std::string& token : o.value)
        if (token.find('-') != std::string::npos)
          throw Error(
              flag + " " + token + " is negative; the flag takes an integer in [0, " + std::to_string(max) + "]",
              "give " + flag + " a non-negative integer");
    } else if (is_floating(v)) {
      for (const std::string& token : o.value) {
        double x = 0;
        try {
          x = boost::lexical_cast<double>(token);
        } catch (const boost::bad_lexical_cast&) {
          continue;  // program_options has refused it already
        }
        if (!std::isfinite(x))
          throw Error(flag + " " + token + " is not a finite number", "give " + flag + " a finite number");
      }
    }
  }
}

// the summary of the command in `ecsim --help`, also the first line of its own --help
const char* summary_of(const std::string& command) {
  const Command* c = find_command(command);
  return c ? c->summary : "";
}

// args with each old spelling of a flag replaced by its new one (also in the --old=value form),
// a note on stderr for each; an old and a new spelling of one flag together are refused
Args apply_aliases(const std::string& command, const Args& args, const std::vector<DeprecatedAlias>& aliases) {
  Args out = args;
  for (const DeprecatedAlias& a : aliases) {
    const std::string old_flag = "--" + a.old_name, new_flag = "--" + a.new_name;
    const auto spells = [](const std::string& token, const std::string& flag) {
      return token == flag || token.starts_with(flag + "=");
    };
    bool old_given = false, new_given = false;
    for (std::string& token : out) {
      if (token == "--") break;  // the end of the flags
      if (spells(token, new_flag)) new_given = true;
      if (!spells(token, old_flag)) continue;
      token = new_flag + token.substr(old_flag.size());
      old_given = true;
    }
    if (!old_given) continue;
    if (new_given)
      throw Error(old_flag + " and " + new_flag + " are the same flag (" + old_flag + " is its deprecated spelling)",
                  "give only " + new_flag);
    std::cerr << "ecsim " << command << ": note: " << old_flag << " is deprecated; use " << new_flag << "\n";
  }
  return out;
}

void print_help(const std::string& command, const Usage& usage, const po::options_description& all,
                const std::vector<DeprecatedAlias>& aliases) {
  std::cout << "ecsim " << command << " — " << summary_of(command) << "\n\nusage: ecsim " << command << " "
            << usage.synopsis << "\n\n";
  if (!usage.about.empty()) std::cout << usage.about << "\n\n";
  std::cout << all;
  if (!aliases.empty()) std::cout << "\nOld spellings, still read (with a note on stderr):\n";
  for (const DeprecatedAlias& a : aliases) std::cout << "  --" << a.old_name << ": use --" << a.new_name << "\n";
  std::cout << "\n";
}

}  // namespace

bool parse_flags(const std::string& command, const Args& args, const po::options_description& desc,
                 po::variables_map& vm, const Usage& usage, const std::vector<DeprecatedAlias>& aliases) {
  po::options_description all(desc);
  all.add_options()("help,h", "show this help");
  try {
    const po::parsed_options parsed = po::command_line_parser(apply_aliases(command, args, aliases)).options(all).run();
    po::store(parsed, vm);
    if (vm.count("help")) {
      print_help(command, usage, all, aliases);
      return false;
    }
    check_numbers(parsed, vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw Error(std::string("ecsim ") + command + ": " + e.what(),
                "run 'ecsim " + command + " --help' for the list of flags");
  }
  return true;
}

std::string take_leading_operand(Args& args) {
  if (args.empty() || args.front().empty() || args.front()[0] == '-') return "";
  std::string operand = args.front();
  args.erase(args.begin());
  return operand;
}

void check_outputs(const std::vector<std::pair<std::string, std::string>>& outputs) {
  namespace fs = std::filesystem;
  std::vector<std::pair<std::string, fs::path>> seen;
  for (const auto& [flag, path] : outputs) {
    try {
      io::check_output_path(path);
    } catch (const Error& e) {
      throw Error(flag + ": " + e.what());
    }
    std::error_code ec;
    const fs::path p(path);
    const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
    if (!fs::is_directory(dir, ec))
      throw Error(flag + " '" + path + "': the directory '" + dir.string() + "' does not exist",
                  "create it first, or write somewhere else");
    const fs::path full = fs::weakly_canonical(fs::absolute(p, ec), ec);
    for (const auto& [other_flag, other] : seen)
      if (full == other)
        throw Error(other_flag + " and " + flag + " name the same file '" + path + "'",
                    "give each output its own path");
    seen.emplace_back(flag, full);
  }
}

std::string backend_flag_help() {
  const std::vector<std::string> names = eval::backend_names();
  std::string s;
  for (size_t i = 0; i < names.size(); ++i)
    s += (i == 0                  ? ""
          : i + 1 == names.size() ? " or "
                                  : ", ") +
         names[i] + " (" + eval::backend_info(names[i]).summary + ")";
  return s;
}

std::string chip_flag_help(const std::string& functional_does) {
  std::string chips, others;
  for (const std::string& n : eval::backend_names()) {
    std::string& list = eval::backend_info(n).simulates_chip ? chips : others;
    list += (list.empty() ? "" : "/") + n;
  }
  return "chip config JSON, the same chip on every backend: --backend " + chips +
         " simulate it (default: configs/chip_default.json); --backend " + others + " " + functional_does;
}

}  // namespace ecsim::cli
