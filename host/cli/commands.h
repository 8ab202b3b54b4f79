// The ecsim subcommands. Each lives in its own cmd_<name>.cpp and is listed once in main.cpp.
#pragma once

#include <boost/program_options.hpp>
#include <string>
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

// Parses args against desc; bad or unknown flags become an ecsim::Error that names the flag
// and points at `ecsim <command> --help`. Returns false when --help was asked (usage printed).
bool parse_flags(const std::string& command, const Args& args, const boost::program_options::options_description& desc,
                 boost::program_options::variables_map& vm);

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
