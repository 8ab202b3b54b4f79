// The grid of `ecsim sweep`: its axes (a shorthand or a dotted chip config path, and values), its
// points (first axis slowest) and each point's chip config, derived from the base config.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace ecsim::sweep {

struct Axis {
  std::string name, path;  // as given, and its chip config path
  std::vector<double> values;
};

// a number as the sweep prints it (%.10g), in names, rows and child arguments
std::string number_text(double v);

// The axes of `--param KEY=v1,v2,...` flags, then of a grid file's {"KEY": [values]} (its path;
// empty: none). Every key must name a numeric setting of base, each at most once.
std::vector<Axis> make_axes(const std::vector<std::string>& params, const std::string& grid_file,
                            const boost::json::object& base);

// every combination of the axes' values, first axis slowest (at most 10000)
std::vector<std::vector<double>> grid_points(const std::vector<Axis>& axes);

// "sweep_cores=2_state_bits=12": the chip config name of a point
std::string point_name(const std::vector<Axis>& axes, const std::vector<double>& values);
// "cores=2 state_bits=12": a point's tick label
std::string point_label(const std::vector<Axis>& axes, const std::vector<double>& values);

// The chip config of one point: the base with the point's values (cores also reshape the mesh;
// a synapse word width keeps the SRAM's capacity in bits).
boost::json::object point_config(const boost::json::object& base, const std::vector<Axis>& axes,
                                 const std::vector<double>& values, const std::string& name);

}  // namespace ecsim::sweep
