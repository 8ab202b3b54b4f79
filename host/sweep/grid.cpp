#include "sweep/grid.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include "common/error.h"
#include "common/file.h"

namespace json = boost::json;

namespace ecsim::sweep {

namespace {

// shorthand names of the swept settings and their place in the chip config
const std::map<std::string, std::string>& aliases() {
  static const std::map<std::string, std::string> m = {
      {"cores", "cores.count"},
      {"neurons_per_core", "cores.neurons_per_core"},
      {"word_bits", "memories.synapse_sram.word_bits"},
      {"rho_bits", "arith.rho_bits"},
      {"state_bits", "arith.state_bits"},
      {"frac_bits", "arith.frac_bits"},
      {"clock_hz", "clock_hz"},
      {"flit_bits", "noc.flit_bits"},
      {"router_latency", "noc.router_latency_cycles"},
      {"link_latency", "noc.link_latency_cycles"},
  };
  return m;
}

template <class Object, class Value>
Value* find_path_in(Object& root, const std::string& path) {
  Object* o = &root;
  std::stringstream ss(path);
  std::vector<std::string> parts;
  for (std::string part; std::getline(ss, part, '.');) parts.push_back(part);
  for (size_t i = 0; i < parts.size(); ++i) {
    Value* v = o->if_contains(parts[i]);
    if (!v) return nullptr;
    if (i + 1 == parts.size()) return v;
    if (!v->is_object()) return nullptr;
    o = &v->as_object();
  }
  return nullptr;
}

json::value* find_path(json::object& root, const std::string& path) {
  return find_path_in<json::object, json::value>(root, path);
}
const json::value* find_path(const json::object& root, const std::string& path) {
  return find_path_in<const json::object, const json::value>(root, path);
}

std::vector<double> parse_values(const std::string& name, const std::string& list) {
  std::vector<double> out;
  std::stringstream ss(list);
  std::string f;
  while (std::getline(ss, f, ',')) {
    try {
      size_t used = 0;
      out.push_back(std::stod(f, &used));
      if (used != f.size()) throw std::invalid_argument(f);
    } catch (const std::exception&) {
      throw Error("--param " + name + ": '" + f + "' is not a number",
                  "give numbers separated by commas, e.g. --param cores=1,2,4");
    }
  }
  if (out.empty()) throw Error("--param " + name + " has no values", "e.g. --param cores=1,2,4");
  return out;
}

Axis make_axis(const std::string& name, std::vector<double> values, const json::object& base) {
  const auto it = aliases().find(name);
  Axis a{name, it != aliases().end() ? it->second : name, std::move(values)};
  const json::value* v = find_path(base, a.path);
  if (!v || !v->is_number()) {
    std::string known;
    for (const auto& [k, p] : aliases()) known += (known.empty() ? "" : ", ") + k;
    throw Error("sweep parameter '" + name + "' is not a numeric chip config setting",
                "use one of " + known + ", or a dotted path of the chip config such as noc.barrier_cycles");
  }
  return a;
}

}  // namespace

std::string number_text(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.10g", v);
  return b;
}

std::vector<Axis> make_axes(const std::vector<std::string>& params, const std::string& grid_file,
                            const json::object& base) {
  std::vector<Axis> axes;
  for (const std::string& p : params) {
    const size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0)
      throw Error("--param '" + p + "' is not KEY=v1,v2,...", "e.g. --param cores=1,2,4");
    axes.push_back(make_axis(p.substr(0, eq), parse_values(p.substr(0, eq), p.substr(eq + 1)), base));
  }
  if (!grid_file.empty()) {
    if (!std::filesystem::exists(grid_file))
      throw Error("cannot open --grid-file '" + grid_file + "'", "check the path");
    json::error_code ec;
    const json::value g = json::parse(read_file(grid_file, "--grid-file"), ec);
    if (ec || !g.is_object())
      throw Error("--grid-file '" + grid_file + "' is not a JSON object", "write {\"cores\": [1, 2, 4]}");
    for (const auto& kv : g.as_object()) {
      std::vector<double> vals;
      if (!kv.value().is_array())
        throw Error("--grid-file: '" + std::string(kv.key()) + "' must be an array of numbers",
                    "e.g. \"cores\": [1, 2, 4]");
      for (const auto& x : kv.value().as_array()) {
        if (!x.is_number())
          throw Error("--grid-file: '" + std::string(kv.key()) + "' has a value that is not a number",
                      "e.g. \"cores\": [1, 2, 4]");
        vals.push_back(x.to_number<double>());
      }
      if (vals.empty())
        throw Error("--grid-file: '" + std::string(kv.key()) + "' has no values", "e.g. \"cores\": [1, 2, 4]");
      axes.push_back(make_axis(std::string(kv.key()), vals, base));
    }
  }
  for (size_t i = 0; i < axes.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (axes[i].path == axes[j].path)
        throw Error("sweep parameter '" + axes[i].name + "' is given twice", "give each setting once");
  return axes;
}

std::vector<std::vector<double>> grid_points(const std::vector<Axis>& axes) {
  std::vector<std::vector<double>> points{{}};
  for (const Axis& a : axes) {
    std::vector<std::vector<double>> next;
    for (const auto& p : points)
      for (double v : a.values) {
        next.push_back(p);
        next.back().push_back(v);
      }
    points = std::move(next);
  }
  if (points.size() > 10000)
    throw Error("the grid has " + std::to_string(points.size()) + " points", "sweep at most 10000 points at a time");
  return points;
}

std::string point_name(const std::vector<Axis>& axes, const std::vector<double>& values) {
  std::string name = "sweep";
  for (size_t a = 0; a < axes.size(); ++a) name += "_" + axes[a].name + "=" + number_text(values[a]);
  return name;
}

std::string point_label(const std::vector<Axis>& axes, const std::vector<double>& values) {
  std::string label;
  for (size_t a = 0; a < axes.size(); ++a) label += (a ? " " : "") + axes[a].name + "=" + number_text(values[a]);
  return label;
}

json::object point_config(const json::object& base, const std::vector<Axis>& axes, const std::vector<double>& values,
                          const std::string& name) {
  json::object c = base;
  c["name"] = name;
  for (size_t k = 0; k < axes.size(); ++k) {
    const double x = values[k];
    const bool integral = x == std::floor(x) && std::abs(x) < 9e15;
    json::value* v = find_path(c, axes[k].path);
    if (axes[k].path == "memories.synapse_sram.word_bits" && integral && x > 0) {
      json::value* words = find_path(c, "memories.synapse_sram.words");
      const double bits = v->to_number<double>() * words->to_number<double>();
      *words = static_cast<int64_t>(std::ceil(bits / x));
    }
    if (integral)
      *v = static_cast<int64_t>(x);
    else
      *v = x;
    if (axes[k].path == "cores.count" && integral && x >= 1) {
      const auto n = static_cast<int64_t>(x);
      int64_t cols = static_cast<int64_t>(std::floor(std::sqrt(static_cast<double>(n))));
      while (cols > 1 && n % cols) --cols;
      *find_path(c, "noc.columns") = n / cols;
      *find_path(c, "noc.rows") = cols;
    }
  }
  return c;
}

}  // namespace ecsim::sweep
