// The ecsim subcommands. Each lives in its own cmd_<name>.cpp and is listed once in main.cpp.
#pragma once

#include <boost/program_options.hpp>
#include <charconv>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace ecsim::cli {

using Args = std::vector<std::string>;

int cmd_simulate(const Args& args);
int cmd_rollout(const Args& args);
int cmd_train(const Args& args);
int cmd_eval(const Args& args);
int cmd_verify_rtl(const Args& args);
int cmd_report(const Args& args);
int cmd_sweep(const Args& args);
int cmd_render(const Args& args);
int cmd_export(const Args& args);

// The command table (flags.cpp): `ecsim <name>` runs `run`; main.cpp turns its exceptions into
// exit codes, the Python module into exceptions.
struct Command {
  const char* name;
  const char* summary;
  int (*run)(const Args&);
  const char* lower;    // what to lower when memory runs out
  const char* threads;  // the flag that sets its thread count ("" when it has none)
};
std::span<const Command> commands();
const Command* find_command(const std::string& name);  // nullptr for an unknown name

// The flags follow one vocabulary: a thing has the same flag name, and the same default, in every
// subcommand (--task, --seed, --threads, --chip, --energy-table, --max-steps, --pop, --neurons;
// docs/contributing.md, "Flags"). A renamed flag keeps its old spelling as a DeprecatedAlias.

// What `ecsim <command> --help` prints above the flags: "ecsim <command> — <its summary in
// `ecsim --help`>", one usage line "usage: ecsim <command> <synopsis>", then `about` (if any).
// The options_description of the command has no caption (boost would print it with a ':').
struct Usage {
  std::string synopsis = "[options]";
  std::string about;  // a paragraph: what the command does, where it is documented
};

// An old spelling of a renamed flag (names without "--"): `--old_name V` reads as `--new_name V`
// with a note on stderr, "ecsim <command>: note: --old_name is deprecated; use --new_name";
// giving both spellings is an error.
struct DeprecatedAlias {
  std::string old_name, new_name;
};

// Parses args against desc; bad or unknown flags become an ecsim::Error that names the flag
// and points at `ecsim <command> --help`. Returns false when --help was asked (usage printed).
bool parse_flags(const std::string& command, const Args& args, const boost::program_options::options_description& desc,
                 boost::program_options::variables_map& vm, const Usage& usage = {},
                 const std::vector<DeprecatedAlias>& aliases = {});

// A value as a person writes it, the shortest text that reads back as the same value ("0.05", not
// boost's "0.050000000000000003"; "1e-08"); strings as they are.
template <class T>
std::string shortest_text(const T& v) {
  if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
    char b[64];
    const auto r = std::to_chars(b, b + sizeof b, v);
    return std::string(b, r.ptr);
  } else if constexpr (std::is_same_v<T, bool>) {
    return v ? "true" : "false";
  } else {
    return std::string(v);
  }
}

// A flag's value bound to *v, whose value now is the flag's default, shown in --help as
// shortest_text(*v), or as `shown` where the default stands for something else ("N/2", "auto",
// "the task's"): `desc.add_options()("seed", dflt(&seed), "...")`.
template <class T>
boost::program_options::typed_value<T>* dflt(T* v, const std::string& shown) {
  return boost::program_options::value(v)->default_value(*v, shown);
}
template <class T>
boost::program_options::typed_value<T>* dflt(T* v) {
  return dflt(v, shortest_text(*v));
}

// `ecsim <command> RUN [flags]`: a first word that is not a flag, taken off args ("" if none).
std::string take_leading_operand(Args& args);

// Every output of a command, checked before its first write so that a late failure leaves no
// file behind: each (flag, path) must be a regular file or absent (io::check_output_path), in an
// existing directory, and no two flags may name the same file. Throws ecsim::Error naming the flag.
void check_outputs(const std::vector<std::pair<std::string, std::string>>& outputs);

// Help of the flags every backend-taking subcommand shares, from the backend registry:
// --backend "functional (the reference model), systemc (...) or rtl (...)", and --chip, which
// means the same on every backend (the chip backends simulate that chip; the functional backend
// does what functional_does says, e.g. "counts its activity (no cycles)").
std::string backend_flag_help();
std::string chip_flag_help(const std::string& functional_does);

}  // namespace ecsim::cli
