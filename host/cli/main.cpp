// ecsim: one binary, many subcommands.
#include <cstring>
#include <filesystem>
#include <iostream>
#include <new>
#include <stdexcept>
#include <system_error>

#include "backends/systemc_evaluator.h"
#include "cli/commands.h"
#include "common/error.h"

namespace ecsim::cli {

static int internal_error(const Command& c, const std::exception& e) {
  std::cerr << "ecsim " << c.name << ": internal error: " << e.what()
            << "\n  this is a bug in ecsim; please report it with the command line\n";
  return 3;
}

static int out_of_memory(const Command& c) {
  std::cerr << "ecsim " << c.name << ": error: out of memory while running `ecsim " << c.name << "`\n  fix: lower "
            << c.lower << "\n";
  return 2;
}

static void usage(std::ostream& os) {
  os << "ecsim "
     << "— neuromorphic chip emulator for Evolving Connectivity\n\n"
     << "usage: ecsim <command> [options]   (ecsim <command> --help for its flags)\n\ncommands:\n";
  for (const Command& c : commands())
    os << "  " << c.name << std::string(12 - std::strlen(c.name), ' ') << c.summary << "\n";
}

}  // namespace ecsim::cli

int main(int argc, char** argv) {
  using namespace ecsim::cli;
  ecsim::backends::register_backends();
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::cout << "ecsim " << ECSIM_VERSION << "\n";
    return 0;
  }
  for (const Command& c : commands()) {
    if (std::strcmp(argv[1], c.name)) continue;
    Args args(argv + 2, argv + argc);
    try {
      return c.run(args);
    } catch (const ecsim::Error& e) {
      std::cerr << "ecsim " << c.name << ": error: " << e.what() << "\n";
      return 2;
    } catch (const std::bad_alloc&) {
      // the limits (docs/guarantees.md) bound each value, not what they need together on this machine
      return out_of_memory(c);
    } catch (const std::length_error&) {  // a size no container can hold
      return out_of_memory(c);
    } catch (const std::filesystem::filesystem_error& e) {
      std::cerr << "ecsim " << c.name << ": error: " << e.what()
                << "\n  fix: check the path, its permissions and the free space\n";
      return 2;
    } catch (const std::system_error& e) {
      if (e.code() != std::errc::resource_unavailable_try_again) return internal_error(c, e);
      // std::thread could not start one more thread (the thread pools join those already started)
      std::cerr << "ecsim " << c.name << ": error: cannot start another thread (" << e.what() << ")\n  fix: "
                << (*c.threads ? std::string("lower ") + c.threads : std::string("raise the process's limits"))
                << " (or the memory limit, ulimit -v)\n";
      return 2;
    } catch (const std::exception& e) {
      return internal_error(c, e);
    }
  }
  std::cerr << "ecsim: unknown command '" << argv[1] << "'\n\n";
  usage(std::cerr);
  return 2;
}
