// What the parts of the Python module share: keyword arguments as the CLI's flags, JSON as Python
// objects, and the spike raster as a numpy array. Each py_*.cpp binds one part (docs/python.md).
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "reference/network_desc.h"
#include "tasks/normalizer.h"

namespace ecsim::py {

namespace pyb = pybind11;

// Keyword arguments as the flags of the same name: rho_bits=4 is --rho-bits 4, True is the flag
// alone and False its --no- form (plot=False is --no-plot); None leaves the flag out.
std::vector<std::string> kwargs_to_flags(const pyb::kwargs& kw);

// Parses flags against desc for the Python callable `who` ("ecsim.Network"): an unknown or bad
// keyword is an ecsim::Error that names the keyword (not the flag) and lists the known ones.
void parse_keywords(const std::string& who, const std::vector<std::string>& flags,
                    const boost::program_options::options_description& desc, boost::program_options::variables_map& vm);

// boost JSON -> Python objects (through the json module: dicts, lists, floats, ints, str)
pyb::object json_to_py(const boost::json::value& v);

// a raster of `words` words per inner step (as ref::step appends them) -> bool array (inner steps, n)
pyb::array_t<bool> raster_array(const std::vector<uint64_t>& raster, int n, int words);

// a 1-D array of exactly n numbers (any numeric array-like), or an ecsim::Error naming `what`
std::vector<float> float_vector(const pyb::handle& obj, size_t n, const std::string& what);
std::vector<double> double_vector(const pyb::handle& obj, size_t n, const std::string& what);

// a network's input from one observation: through the policy's normalizer (raw observation, in
// float32 as the evaluator does it) when there is one, else as it is
std::vector<float> network_input(const pyb::handle& obs, const tasks::RunningNormalizer* norm, size_t d_in);

// the parts
void bind_network(pyb::module_& m);
void bind_env(pyb::module_& m);
void bind_chip(pyb::module_& m);
void bind_train(pyb::module_& m);

}  // namespace ecsim::py
