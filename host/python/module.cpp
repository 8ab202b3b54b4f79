// The extension module ecsim._ecsim: errors, the shared helpers of bindings.h, and the command
// runner that ecsim.evaluate and the tests use. The classes are in py_*.cpp; the package
// (ecsim/__init__.py) re-exports them.
#include <filesystem>
#include <iostream>
#include <mutex>
#include <sstream>

#include <pybind11/stl.h>

#include "backends/systemc_evaluator.h"
#include "bindings.h"
#include "cli/commands.h"
#include "common/error.h"
#include "tasks/normalizer.h"

namespace po = boost::program_options;

namespace ecsim::py {

std::vector<std::string> kwargs_to_flags(const pyb::kwargs& kw) {
  std::vector<std::string> flags;
  for (const auto& [k, v] : kw) {
    std::string name = pyb::str(k);
    for (char& c : name)
      if (c == '_') c = '-';
    if (v.is_none()) continue;
    if (pyb::isinstance<pyb::bool_>(v)) {
      flags.push_back(v.cast<bool>() ? "--" + name : "--no-" + name);
      continue;
    }
    // repr of a float is the shortest text that reads back as the same double
    const std::string text = pyb::isinstance<pyb::float_>(v) ? std::string(pyb::repr(v)) : std::string(pyb::str(v));
    flags.push_back("--" + name);
    flags.push_back(text);
  }
  return flags;
}

namespace {

std::string keyword_of(std::string text) {
  // program_options names the flag ("--rho-bits"); Python users gave the keyword (rho_bits)
  for (size_t at = text.find("--"); at != std::string::npos; at = text.find("--", at)) {
    size_t end = at + 2;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '-')) ++end;
    std::string kw = text.substr(at + 2, end - at - 2);
    for (char& c : kw)
      if (c == '-') c = '_';
    text.replace(at, end - at, kw);
    at += kw.size();
  }
  return text;
}

}  // namespace

void parse_keywords(const std::string& who, const std::vector<std::string>& flags, const po::options_description& desc,
                    po::variables_map& vm) {
  try {
    po::store(po::command_line_parser(flags).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::string known;
    for (const auto& o : desc.options()) {
      std::string kw = o->long_name();
      for (char& c : kw)
        if (c == '-') c = '_';
      known += (known.empty() ? "" : ", ") + kw;
    }
    throw Error(who + ": " + keyword_of(e.what()), "the keywords are " + known + " (help(" + who + "))");
  }
}

pyb::object json_to_py(const boost::json::value& v) {
  // never destroyed: the interpreter may be finalizing, without the GIL, when statics are
  static pyb::object* loads = new pyb::object(pyb::module_::import("json").attr("loads"));
  return (*loads)(boost::json::serialize(v));
}

pyb::array_t<bool> raster_array(const std::vector<uint64_t>& raster, int n, int words) {
  const size_t per_step = static_cast<size_t>(words);
  const int steps = per_step ? static_cast<int>(raster.size() / per_step) : 0;
  pyb::array_t<bool> a({steps, n});
  auto r = a.mutable_unchecked<2>();
  for (int t = 0; t < steps; ++t)
    for (int j = 0; j < n; ++j)
      r(t, j) = (raster[static_cast<size_t>(t) * per_step + static_cast<size_t>(j >> 6)] >> (j & 63)) & 1u;
  return a;
}

namespace {

template <class T>
std::vector<T> number_vector(const pyb::handle& obj, size_t n, const std::string& what) {
  pyb::array_t<T, pyb::array::c_style | pyb::array::forcecast> a;
  try {
    a = pyb::array_t<T, pyb::array::c_style | pyb::array::forcecast>::ensure(obj);
  } catch (const pyb::error_already_set&) {
    a = {};
  }
  if (!a) throw Error(what + " is not an array of numbers", "give a sequence or numpy array of " + std::to_string(n));
  if (a.ndim() != 1 || static_cast<size_t>(a.size()) != n)
    throw Error(
        what + " has shape " + std::string(pyb::str(a.attr("shape"))) + ", it needs (" + std::to_string(n) + ",)",
        "give " + std::to_string(n) + " values");
  return std::vector<T>(a.data(), a.data() + n);
}

}  // namespace

std::vector<float> float_vector(const pyb::handle& obj, size_t n, const std::string& what) {
  return number_vector<float>(obj, n, what);
}

std::vector<double> double_vector(const pyb::handle& obj, size_t n, const std::string& what) {
  return number_vector<double>(obj, n, what);
}

std::vector<float> network_input(const pyb::handle& obs, const tasks::RunningNormalizer* norm, size_t d_in) {
  if (!norm) return float_vector(obs, d_in, "the observation");
  const std::vector<double> raw = double_vector(obs, d_in, "the observation");
  std::vector<float> in(d_in);
  norm->normalize(raw.data(), in.data());
  return in;
}

}  // namespace ecsim::py

namespace {

// `ecsim <name> ARGS` in this process: its exit code and what it printed on stdout. Errors are
// raised as they are thrown (ecsim.Error with the CLI's message and fix).
std::pair<int, std::string> run_command(const std::string& name, const std::vector<std::string>& args) {
  const ecsim::cli::Command* c = ecsim::cli::find_command(name);
  if (!c) throw ecsim::Error("ecsim has no command '" + name + "'", "run `ecsim --help` for the list");
  static std::mutex cout_mutex;  // std::cout is redirected while a command runs
  std::lock_guard<std::mutex> lock(cout_mutex);
  std::ostringstream out;
  std::streambuf* old = std::cout.rdbuf(out.rdbuf());
  int rc = 0;
  try {
    rc = c->run(args);
  } catch (...) {
    std::cout.rdbuf(old);
    throw;
  }
  std::cout.rdbuf(old);
  return {rc, out.str()};
}

}  // namespace

PYBIND11_MODULE(_ecsim, m) {
  m.doc() = "ecsim's C++ core (docs/python.md); import ecsim, not this module";
  ecsim::backends::register_backends();
  // ecsim.Error carries the CLI's message and fix; a file system error reads as the CLI prints it
  pybind11::register_exception<ecsim::Error>(m, "Error", PyExc_ValueError);
  static PyObject* error = m.attr("Error").ptr();  // the module keeps it alive
  pybind11::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const std::filesystem::filesystem_error& e) {
      PyErr_SetString(error,
                      (std::string(e.what()) + "\n  fix: check the path, its permissions and the free space").c_str());
    }
  });
  m.def("run_command", &run_command, pybind11::arg("name"), pybind11::arg("args"),
        pybind11::call_guard<pybind11::gil_scoped_release>(),
        "Runs `ecsim NAME ARGS...` in this process; returns (exit code, stdout). Raises ecsim.Error.");
  ecsim::py::bind_network(m);
  ecsim::py::bind_env(m);
  ecsim::py::bind_chip(m);
  ecsim::py::bind_train(m);
}
