#include "nir/nir_import.h"

#include <hdf5.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/fields.h"
#include "nir/nir_export.h"
#include "reference/theta.h"
#include "tasks/env.h"

namespace ecsim::nir {

namespace {

namespace fs = std::filesystem;

const char* const kChipGraph =
    "the chip runs one graph: input -> Linear -> LIF, the LIF's spikes back into it through a Linear and an LI "
    "synapse, and LIF -> Scale (the spike signs) -> LI readout -> Linear -> output (docs/nir.md, \"Import\")";
const char* const kReexport = "export the policy again with `ecsim export RUN --nir FILE`";

// the shortest text of a value; a float32 read back prints as it was written
std::string num(double v) {
  char b[64];
  const float f = static_cast<float>(v);
  const auto r = static_cast<double>(f) == v ? std::to_chars(b, b + sizeof b, f) : std::to_chars(b, b + sizeof b, v);
  return std::string(b, r.ptr);
}

std::string dims_text(const std::vector<hsize_t>& d) {
  std::string s = "(";
  for (size_t i = 0; i < d.size(); ++i) s += (i ? " x " : "") + std::to_string(d[i]);
  return s + ")";
}

// a parameter that a tool computed in float32 may differ from ecsim's double in the last bits
bool close(double v, double expected) { return std::fabs(v - expected) <= 1e-5 * std::fabs(expected) + 1e-6; }

class Hid {
 public:
  Hid(hid_t id, herr_t (*close_fn)(hid_t)) : m_id(id), m_close(close_fn) {}
  ~Hid() {
    if (m_id >= 0) m_close(m_id);
  }
  Hid(Hid&& o) noexcept : m_id(std::exchange(o.m_id, -1)), m_close(o.m_close) {}
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  Hid& operator=(Hid&&) = delete;
  hid_t id() const { return m_id; }
  bool ok() const { return m_id >= 0; }

 private:
  hid_t m_id;
  herr_t (*m_close)(hid_t);
};

// the most values one dataset may hold (2^28: 2 GiB as double, N = 16384 for a recurrent matrix)
constexpr int64_t kMaxValues = int64_t{1} << 28;

// a numeric dataset, every value as double (exact for float32, float64 and integers below 2^53)
struct Array {
  std::vector<hsize_t> dims;
  std::vector<double> v;
  size_t size() const { return v.size(); }
};

// the open file; every failure is an ecsim::Error that starts with the file's name
class File {
 public:
  explicit File(const std::string& path) : m_path(path) {
    std::error_code ec;
    if (!fs::exists(path, ec))
      throw Error("NIR import: " + path + " does not exist",
                  "give a NIR file, e.g. one written by `ecsim export RUN --nir FILE`");
    if (!fs::is_regular_file(path, ec))
      throw Error("NIR import: " + path + " is not a file", "give a NIR file (HDF5), not a directory");
    if (H5Fis_hdf5(path.c_str()) <= 0)
      throw Error("NIR import: " + path + " is not an HDF5 file, so not a NIR graph",
                  "give a file written by nir.write (NIR's Python package) or `ecsim export RUN --nir FILE`");
    m_file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (m_file < 0) throw Error("NIR import: HDF5 cannot open " + path, "check that the file is readable");
  }
  ~File() {
    if (m_file >= 0) H5Fclose(m_file);
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  [[noreturn]] void fail(const std::string& what, const std::string& fix = kChipGraph) const {
    throw Error("NIR import: " + m_path + ": " + what, fix);
  }

  // whether every link of the path a/b/c exists
  bool has(const std::string& path) const {
    size_t pos = 0;
    while (pos != std::string::npos) {
      pos = path.find('/', pos + 1);
      if (H5Lexists(m_file, path.substr(0, pos).c_str(), H5P_DEFAULT) <= 0) return false;
    }
    return true;
  }
  bool is_group(const std::string& path) const {
    if (!has(path)) return false;
    const Hid o(H5Oopen(m_file, path.c_str(), H5P_DEFAULT), H5Oclose);
    return o.ok() && H5Iget_type(o.id()) == H5I_GROUP;
  }

  // the names in a group, in name order
  std::vector<std::string> children(const std::string& path) const {
    const Hid g(H5Gopen2(m_file, path.c_str(), H5P_DEFAULT), H5Gclose);
    if (!g.ok()) fail(path + " is not a group");
    H5G_info_t info{};
    if (H5Gget_info(g.id(), &info) < 0) fail("cannot list " + path);
    std::vector<std::string> names;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
      const ssize_t n = H5Lget_name_by_idx(g.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
      if (n < 0) fail("cannot list " + path);
      std::string name(static_cast<size_t>(n) + 1, '\0');
      H5Lget_name_by_idx(g.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
      name.resize(static_cast<size_t>(n));
      names.push_back(name);
    }
    return names;
  }

  // every string of a string dataset (variable or fixed length), and its shape
  std::vector<std::string> strings(const std::string& path, const std::string& what,
                                   std::vector<hsize_t>* dims = nullptr) const {
    const Hid set = open(path, what);
    const Hid type(H5Dget_type(set.id()), H5Tclose);
    if (H5Tget_class(type.id()) != H5T_STRING) fail(what + " is not a string", kReexport);
    const Hid space(H5Dget_space(set.id()), H5Sclose);
    const size_t n = static_cast<size_t>(H5Sget_simple_extent_npoints(space.id()));
    if (dims) {
      dims->assign(static_cast<size_t>(H5Sget_simple_extent_ndims(space.id())), 0);
      H5Sget_simple_extent_dims(space.id(), dims->data(), nullptr);
    }
    if (n > static_cast<size_t>(kMaxValues)) fail(what + " holds more strings than this reader takes", kReexport);
    std::vector<std::string> out;
    if (H5Tis_variable_str(type.id()) > 0) {
      const Hid mem(H5Tcopy(H5T_C_S1), H5Tclose);
      H5Tset_size(mem.id(), H5T_VARIABLE);
      H5Tset_cset(mem.id(), H5Tget_cset(type.id()));
      std::vector<char*> p(n, nullptr);
      if (H5Dread(set.id(), mem.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()) < 0) fail("cannot read " + what);
      for (char* s : p) {
        out.emplace_back(s ? s : "");
        H5free_memory(s);
      }
    } else {
      const size_t len = H5Tget_size(type.id());
      const Hid mem(H5Tcopy(H5T_C_S1), H5Tclose);
      H5Tset_size(mem.id(), len);
      H5Tset_strpad(mem.id(), H5T_STR_NULLPAD);  // all len bytes: NULLTERM would drop the last character
      std::string buf(n * len, '\0');
      if (H5Dread(set.id(), mem.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0) fail("cannot read " + what);
      for (size_t i = 0; i < n; ++i) {
        std::string s = buf.substr(i * len, len);
        s.resize(std::min(s.find('\0'), s.size()));
        while (!s.empty() && s.back() == ' ') s.pop_back();
        out.push_back(s);
      }
    }
    return out;
  }
  std::string str(const std::string& path, const std::string& what) const {
    const std::vector<std::string> s = strings(path, what);
    if (s.size() != 1) fail(what + " holds " + std::to_string(s.size()) + " strings, not one", kReexport);
    return s[0];
  }

  // a dataset's shape, without reading it
  std::vector<hsize_t> shape(const std::string& path, const std::string& what) const {
    const Hid set = open(path, what);
    const Hid space(H5Dget_space(set.id()), H5Sclose);
    std::vector<hsize_t> d(static_cast<size_t>(std::max(H5Sget_simple_extent_ndims(space.id()), 0)), 0);
    H5Sget_simple_extent_dims(space.id(), d.data(), nullptr);
    return d;
  }

  Array array(const std::string& path, const std::string& what) const {
    const Hid set = open(path, what);
    const Hid type(H5Dget_type(set.id()), H5Tclose);
    const H5T_class_t c = H5Tget_class(type.id());
    if (c != H5T_FLOAT && c != H5T_INTEGER) fail(what + " is not numeric", "write it as a float or integer array");
    const Hid space(H5Dget_space(set.id()), H5Sclose);
    Array a;
    a.dims.assign(static_cast<size_t>(std::max(H5Sget_simple_extent_ndims(space.id()), 0)), 0);
    H5Sget_simple_extent_dims(space.id(), a.dims.data(), nullptr);
    const hssize_t n = H5Sget_simple_extent_npoints(space.id());
    // a compressed dataset can claim any size: a bound before the allocation
    if (n < 0 || n > kMaxValues)
      fail(what + " has shape " + dims_text(a.dims) + ", more than the " + std::to_string(kMaxValues) +
               " values this reader takes",
           "the chip's networks are far smaller; check the file");
    a.v.resize(static_cast<size_t>(n));
    if (!a.v.empty() && H5Dread(set.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.v.data()) < 0)
      fail("cannot read " + what);
    return a;
  }

 private:
  Hid open(const std::string& path, const std::string& what) const {
    if (!has(path)) fail("no " + what);
    const hid_t set = H5Dopen2(m_file, path.c_str(), H5P_DEFAULT);
    if (set < 0) fail(what + " is not a dataset");
    return Hid(set, H5Dclose);
  }

  std::string m_path;
  hid_t m_file = -1;
};

// ---------------------------------------------------------------------------------------------
// the graph's structure

struct Graph {
  std::map<std::string, std::string> type;  // node -> primitive
  std::vector<std::pair<std::string, std::string>> edges;

  std::vector<std::string> succ(const std::string& n) const {
    std::vector<std::string> v;
    for (const auto& [a, b] : edges)
      if (a == n) v.push_back(b);
    return v;
  }
  std::vector<std::string> pred(const std::string& n) const {
    std::vector<std::string> v;
    for (const auto& [a, b] : edges)
      if (b == n) v.push_back(a);
    return v;
  }
};

// the nodes of the chip's graph (sign is "" when the LIF feeds the readout directly)
struct Roles {
  std::string input, in_proj, lif, rec, syn, sign, readout, out_proj, output;
};

std::string list(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "'" : ", '") + x + "'";
  return s.empty() ? "none" : s;
}

bool is_linear(const std::string& t) { return t == "Linear" || t == "Affine"; }

// every primitive of NIR 1.0 that the chip has no counterpart for
const std::set<std::string> kOtherPrimitives{"AvgPool2d", "Conv1d", "Conv2d",   "CubaLI",    "Delay",    "Flatten",
                                             "I",         "IF",     "NIRGraph", "SumPool2d", "Threshold"};

Graph read_graph(const File& f) {
  if (!f.is_group("node"))
    f.fail("no group 'node': not a NIR graph", "give a file written by nir.write or `ecsim export RUN --nir FILE`");
  if (f.has("node/type")) {
    const std::string t = f.str("node/type", "node/type");
    if (t != "NIRGraph") f.fail("node/type is '" + t + "', not 'NIRGraph'", "give a NIR graph");
  }
  if (!f.is_group("node/nodes")) f.fail("no group node/nodes: the graph has no nodes", "give a NIR graph");
  Graph g;
  for (const std::string& name : f.children("node/nodes")) {
    const std::string p = "node/nodes/" + name + "/type";
    g.type[name] = f.str(p, "type of node '" + name + "'");
  }
  std::vector<hsize_t> dims;
  const std::vector<std::string> e = f.strings("node/edges", "node/edges", &dims);
  if (!(dims.size() == 2 && dims[1] == 2) && !e.empty())
    f.fail("node/edges has shape " + dims_text(dims) + ", not (E x 2)", "write one (source, target) pair per row");
  for (size_t i = 0; i + 1 < e.size(); i += 2) g.edges.emplace_back(e[i], e[i + 1]);
  for (const auto& [a, b] : g.edges)
    for (const std::string& n : {a, b})
      if (!g.type.count(n))
        f.fail("edge '" + a + "' -> '" + b + "' names node '" + n + "', which node/nodes does not have",
               "every edge must join two nodes of the graph");
  return g;
}

Roles match_graph(const File& f, const Graph& g) {
  for (const auto& [name, t] : g.type) {
    if (t == "CubaLIF")
      f.fail("node '" + name +
                 "' is a CubaLIF: NIR feeds every input of a CubaLIF through its synaptic current (tau_syn), so the "
                 "input projection would reach the membrane low-pass filtered; the chip adds the input current to the "
                 "membrane directly and filters only the recurrent spikes",
             "write the population as a LIF whose recurrent Linear goes through an LI synapse (docs/nir.md, "
             "\"Import\")");
    if (kOtherPrimitives.count(t))
      f.fail("node '" + name + "' is a " + t + ", which the chip has no counterpart for", kChipGraph);
    if (!(t == "Input" || t == "Output" || is_linear(t) || t == "LIF" || t == "LI" || t == "Scale"))
      f.fail("node '" + name + "' has type '" + t + "', which is not a NIR 1.0 primitive",
             "give a graph of NIR primitives; " + std::string(kChipGraph));
  }
  const auto of_type = [&](const char* t) {
    std::vector<std::string> v;
    for (const auto& [name, type] : g.type)
      if (type == t) v.push_back(name);
    return v;
  };
  Roles r;
  for (auto [t, role] : {std::pair{"Input", &r.input}, std::pair{"Output", &r.output}}) {
    const std::vector<std::string> v = of_type(t);
    if (v.size() != 1)
      f.fail("the graph has " + std::to_string(v.size()) + " " + t + " nodes (" + list(v) + "); the chip's has one",
             kChipGraph);
    *role = v[0];
  }
  // the one neighbour of `from` in one direction, of one of these types
  const auto only = [&](const std::string& from, bool forward, std::vector<std::string> types,
                        const std::string& what) {
    const std::vector<std::string> v = forward ? g.succ(from) : g.pred(from);
    if (v.size() != 1)
      f.fail("node '" + from + "' (" + g.type.at(from) + ") " + (forward ? "feeds" : "is fed by") + " " +
             std::to_string(v.size()) + " nodes (" + list(v) + "); on the chip it " +
             (forward ? "feeds" : "is fed by") + " one, " + what);
    if (std::find(types.begin(), types.end(), g.type.at(v[0])) == types.end())
      f.fail("node '" + v[0] + "' is a " + g.type.at(v[0]) + " where the chip has " + what);
    return v[0];
  };
  const std::vector<std::string> lin{"Linear", "Affine"};
  r.in_proj = only(r.input, true, lin, "the input projection (a Linear)");
  r.lif = only(r.in_proj, true, {"LIF"}, "the neuron population (a LIF)");
  std::vector<std::string> p = g.pred(r.lif);
  if (p.size() != 2 || std::count(p.begin(), p.end(), r.in_proj) != 1)
    f.fail("the LIF '" + r.lif + "' is fed by " + list(p) + "; on the chip it is fed by the input projection '" +
           r.in_proj + "' and the recurrent synapse (an LI)");
  r.syn = p[0] == r.in_proj ? p[1] : p[0];
  if (g.type.at(r.syn) != "LI")
    f.fail("node '" + r.syn + "' feeds the LIF '" + r.lif + "' and is a " + g.type.at(r.syn) +
           "; on the chip the recurrent spikes reach the LIF through an LI synapse");
  r.rec = only(r.syn, false, lin, "the recurrent weights (a Linear)");
  if (only(r.rec, false, {"LIF"}, "the LIF population") != r.lif)
    f.fail("the recurrent Linear '" + r.rec + "' is not fed by the LIF '" + r.lif + "'");
  only(r.syn, true, {"LIF"}, "the LIF population");
  only(r.rec, true, {"LI"}, "the recurrent synapse (an LI)");
  p = g.succ(r.lif);
  if (p.size() != 2 || std::count(p.begin(), p.end(), r.rec) != 1)
    f.fail("the LIF '" + r.lif + "' feeds " + list(p) + "; on the chip it feeds the recurrent Linear '" + r.rec +
           "' and the readout (a Scale with the spike signs, then an LI)");
  const std::string next = p[0] == r.rec ? p[1] : p[0];
  if (g.type.at(next) == "Scale") {
    r.sign = next;
    r.readout = only(r.sign, true, {"LI"}, "the readout (an LI)");
  } else if (g.type.at(next) == "LI") {
    r.readout = next;
  } else {
    f.fail("node '" + next + "' is a " + g.type.at(next) +
           " after the LIF, where the chip has the readout (a Scale with the spike signs, then an LI)");
  }
  only(r.readout, false, {"Scale", "LIF"}, "the spikes (through the Scale)");
  r.out_proj = only(r.readout, true, lin, "the output projection (a Linear)");
  if (only(r.out_proj, true, {"Output"}, "the output") != r.output)
    f.fail("the output projection '" + r.out_proj + "' does not lead to the output '" + r.output + "'");
  // nothing else: no extra node, no extra or repeated edge
  std::set<std::string> used{r.input, r.in_proj, r.lif, r.rec, r.syn, r.readout, r.out_proj, r.output};
  if (!r.sign.empty()) used.insert(r.sign);
  for (const auto& [name, t] : g.type)
    if (!used.count(name)) f.fail("node '" + name + "' (" + t + ") is not part of the chip's network");
  std::set<std::pair<std::string, std::string>> want{{r.input, r.in_proj},  {r.in_proj, r.lif}, {r.lif, r.rec},
                                                     {r.rec, r.syn},        {r.syn, r.lif},     {r.readout, r.out_proj},
                                                     {r.out_proj, r.output}};
  if (r.sign.empty()) {
    want.insert({r.lif, r.readout});
  } else {
    want.insert({r.lif, r.sign});
    want.insert({r.sign, r.readout});
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& e : g.edges) {
    if (!want.count(e)) f.fail("edge '" + e.first + "' -> '" + e.second + "' is not part of the chip's network");
    if (!seen.insert(e).second) f.fail("edge '" + e.first + "' -> '" + e.second + "' appears twice");
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// parameters

std::string node_path(const std::string& node) { return "node/nodes/" + node; }

// a Linear's weight (out x in); an Affine is one with a zero bias
Array weight(const File& f, const Graph& g, const std::string& node, int64_t out, int64_t in, const std::string& why) {
  const std::string what = "parameter 'weight' of node '" + node + "'";
  const std::vector<hsize_t> d = f.shape(node_path(node) + "/weight", what);
  if (d.size() != 2 || d[0] != static_cast<hsize_t>(out) || d[1] != static_cast<hsize_t>(in))
    f.fail("node '" + node + "': weight has shape " + dims_text(d) + ", not (" + std::to_string(out) + " x " +
               std::to_string(in) + ") " + why,
           "give the weight as (out x in), as NIR's Linear has it");
  const Array w = f.array(node_path(node) + "/weight", what);
  if (g.type.at(node) == "Affine") {
    const Array b = f.array(node_path(node) + "/bias", "parameter 'bias' of node '" + node + "'");
    for (size_t i = 0; i < b.size(); ++i)
      if (b.v[i] != 0)
        f.fail("node '" + node + "' (Affine): bias[" + std::to_string(i) + "] = " + num(b.v[i]) +
                   "; the chip's synapses have no bias",
               "use a Linear, or an Affine whose bias is 0");
  }
  return w;
}

// one value per neuron, each what the chip has (within 1e-5 relative); a missing optional
// parameter is NIR's default
void expect_param(const File& f, const std::string& node, const std::string& param, int n, double want,
                  const std::string& chip, bool optional = false) {
  const std::string path = node_path(node) + "/" + param;
  if (optional && !f.has(path)) return;
  const Array a = f.array(path, "parameter '" + param + "' of node '" + node + "'");
  if (a.dims.size() != 1 || a.dims[0] != static_cast<hsize_t>(n))
    f.fail("node '" + node + "': " + param + " has shape " + dims_text(a.dims) + "; the population has " +
               std::to_string(n) + " neurons, so it is (" + std::to_string(n) + ")",
           "give one value per neuron");
  for (size_t i = 0; i < a.size(); ++i)
    if (!close(a.v[i], want))
      f.fail("node '" + node + "': " + param + "[" + std::to_string(i) + "] = " + num(a.v[i]) +
                 ", the chip implements " + param + " = " + num(static_cast<float>(want)) + " (" + chip + ")",
             "the chip's constants are fixed (docs/spec.md §2.2); give a graph with these values");
}

// the population's parameters, the same for ecsim's files and others
void check_neurons(const File& f, const Roles& r, int n, const ref::NetworkConstants& k) {
  const std::string dt = "dt = " + num(k.dt_ms) + " ms";
  expect_param(f, r.lif, "tau", n, k.tau_m_ms, "τ_m in ms");
  expect_param(f, r.lif, "r", n, 1.0, "the membrane adds i_syn + i_in");
  expect_param(f, r.lif, "v_leak", n, 0.0, "no leak potential");
  expect_param(f, r.lif, "v_threshold", n, 1.0, "V_th = 1");
  expect_param(f, r.lif, "v_reset", n, 0.0, "reset to 0", true);
  expect_param(f, r.syn, "tau", n, k.tau_syn_ms, "τ_syn in ms");
  expect_param(f, r.syn, "r", n, 1.0 / (1.0 - k.alpha_syn()),
               "1/(1 - exp(-dt/τ_syn)) with " + dt + ": the synapse adds R·diff each inner step");
  expect_param(f, r.syn, "v_leak", n, 0.0, "no leak");
  expect_param(f, r.readout, "tau", n, k.tau_out_ms, "τ_out in ms");
  expect_param(f, r.readout, "r", n, 1.0 / k.dt_ms, "1/dt per ms with " + dt);
  expect_param(f, r.readout, "v_leak", n, 0.0, "no leak");
}

// N_E from the Scale: σ = +1 for the first N_E neurons, -1 for the rest; -1 without a Scale
int sign_split(const File& f, const Roles& r, int n) {
  if (r.sign.empty()) return -1;
  const Array s = f.array(node_path(r.sign) + "/scale", "parameter 'scale' of node '" + r.sign + "'");
  if (s.dims.size() != 1 || s.dims[0] != static_cast<hsize_t>(n))
    f.fail("node '" + r.sign + "': scale has shape " + dims_text(s.dims) + "; the population has " + std::to_string(n) +
               " neurons",
           "give one sign per neuron");
  int n_exc = 0;
  while (n_exc < n && s.v[static_cast<size_t>(n_exc)] == 1.0) ++n_exc;
  for (int i = n_exc; i < n; ++i)
    if (s.v[static_cast<size_t>(i)] != -1.0)
      f.fail("node '" + r.sign + "': scale[" + std::to_string(i) + "] = " + num(s.v[static_cast<size_t>(i)]) +
                 (s.v[static_cast<size_t>(i)] == 1.0 ? " after an inhibitory neuron" : "") +
                 "; the chip's spike signs are +1 for the first N_E neurons (excitatory), then -1",
             "number the excitatory neurons first");
  return n_exc;
}

// ---------------------------------------------------------------------------------------------
// θ from the weights alone (a graph from another tool)

// the one magnitude of a 1-bit matrix, from its first nonzero weight (row-major); 0 if none
double first_scale(const Array& w) {
  for (double x : w.v)
    if (x != 0) return std::fabs(x);
  return 0;
}

void expect_scale(const File& f, const std::string& node, double r, double chip, const std::string& what) {
  if (r != 0 && !close(r, chip))
    f.fail("node '" + node + "': the nonzero weights are ±" + num(r) + "; the chip's " + what + " is " +
               num(static_cast<float>(chip)),
           "scale the 1-bit weights by the chip's constants (docs/nir.md, \"The graph, node by node\")");
}

std::string at(const std::string& node, size_t row, size_t col, double v) {
  return "node '" + node + "': weight[" + std::to_string(row) + "][" + std::to_string(col) + "] = " + num(v);
}

struct Derived {
  ref::Theta theta;
  int n_exc = 0;
};

Derived theta_from_weights(const File& f, const Roles& r, const ref::NetworkShape& s, int n_exc_scale,
                           const Array& w_in, const Array& w_h, const Array& w_out, const ref::NetworkConstants& k) {
  const int n = s.n_neurons, din = s.d_in, dout = s.d_out;
  const auto one_bit = [&](const std::string& node, const Array& w, double scale, size_t cols) {
    for (size_t q = 0; q < w.size(); ++q)
      if (w.v[q] != 0 && std::fabs(w.v[q]) != scale)
        f.fail(at(node, q / cols, q % cols, w.v[q]) + " is neither 0 nor ±R (R = " + num(scale) +
                   " from the first nonzero weight); the chip's synapses are 1 bit",
               "give every weight as 0 or one signed scale (docs/nir.md, \"Import\")");
  };
  const double r_in = first_scale(w_in), r_h = first_scale(w_h), r_out = first_scale(w_out);
  one_bit(r.in_proj, w_in, r_in, static_cast<size_t>(din));
  one_bit(r.rec, w_h, r_h, static_cast<size_t>(n));
  one_bit(r.out_proj, w_out, r_out, static_cast<size_t>(n));
  expect_scale(f, r.in_proj, r_in, k.r_in(din),
               "input scale R_in = K_in·τ_m·sqrt(2/(0.5·d_in)) for d_in = " + std::to_string(din));
  expect_scale(f, r.rec, r_h, k.r_h(n),
               "recurrent scale R = K_h·τ_m/τ_syn·sqrt(2/(0.5·N)) for N = " + std::to_string(n));
  expect_scale(f, r.out_proj, r_out, k.r_out(n),
               "output scale R_out = K_out·sqrt(1/(0.5·N)) for N = " + std::to_string(n));

  // each neuron's sign: the Scale's, else what its outgoing weights show (0: not shown)
  std::vector<int> sigma(static_cast<size_t>(n), 0);
  std::vector<std::string> shown_by(static_cast<size_t>(n));
  if (n_exc_scale >= 0)
    for (int i = 0; i < n; ++i) {
      sigma[static_cast<size_t>(i)] = i < n_exc_scale ? 1 : -1;
      shown_by[static_cast<size_t>(i)] = "node '" + r.sign + "' gives it sign " + (i < n_exc_scale ? "+1" : "-1");
    }
  const auto sign_of = [&](size_t i, double v, const std::string& weight) {
    const int sg = v > 0 ? 1 : -1;
    const std::string where = weight + " makes neuron " + std::to_string(i) + (sg > 0 ? " excitatory" : " inhibitory");
    if (sigma[i] == 0) {
      sigma[i] = sg;
      shown_by[i] = where;
    } else if (sigma[i] != sg) {
      f.fail(where + ", but " + shown_by[i] +
                 ": on the chip a neuron is excitatory (+R on every outgoing synapse) "
                 "or inhibitory (-R)",
             "give each presynaptic neuron one sign");
    }
  };
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      const double v = w_h.v[static_cast<size_t>(j) * static_cast<size_t>(n) + static_cast<size_t>(i)];
      if (v != 0) sign_of(static_cast<size_t>(i), v, at(r.rec, size_t(j), size_t(i), v));
    }
  for (int c = 0; c < dout; ++c)
    for (int j = 0; j < n; ++j) {
      const double v = w_out.v[static_cast<size_t>(c) * static_cast<size_t>(n) + static_cast<size_t>(j)];
      if (v == 0) continue;
      if (n_exc_scale >= 0 && v < 0)
        f.fail(at(r.out_proj, size_t(c), size_t(j), v) +
                   " is negative; after the Scale of spike signs the chip's output synapses are 0 or +R_out",
               "give the output weights as 0 or +R_out");
      if (n_exc_scale < 0) sign_of(static_cast<size_t>(j), v, at(r.out_proj, size_t(c), size_t(j), v));
    }
  Derived d;
  d.n_exc = n_exc_scale;
  if (d.n_exc < 0) {  // the first inhibitory neuron ends the excitatory ones
    d.n_exc = n;
    for (int i = 0; i < n; ++i)
      if (sigma[static_cast<size_t>(i)] < 0) {
        d.n_exc = i;
        break;
      }
    for (int i = d.n_exc; i < n; ++i)
      if (sigma[static_cast<size_t>(i)] > 0)
        f.fail(shown_by[static_cast<size_t>(i)] + ", after " + shown_by[static_cast<size_t>(d.n_exc)] +
                   ": the chip numbers the excitatory neurons first",
               "permute the neurons so that the excitatory ones come first");
  }
  ref::NetworkShape sh = s;
  sh.n_exc = d.n_exc;
  d.theta = ref::Theta::zeros(sh);
  for (int i = 0; i < din; ++i)
    for (int j = 0; j < n; ++j) {
      const double v = w_in.v[static_cast<size_t>(j) * static_cast<size_t>(din) + static_cast<size_t>(i)];
      if (v > 0) d.theta.in.set(i, j, true);
      if (v < 0) d.theta.in.set(din + i, j, true);
    }
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i)
      if (w_h.v[static_cast<size_t>(j) * static_cast<size_t>(n) + static_cast<size_t>(i)] != 0)
        d.theta.rec.set(i, j, true);
  for (int c = 0; c < dout; ++c)
    for (int j = 0; j < n; ++j)
      if (w_out.v[static_cast<size_t>(c) * static_cast<size_t>(n) + static_cast<size_t>(j)] != 0)
        d.theta.out.set(j, c, true);
  return d;
}

std::string task_for_sizes(const File& f, int din, int dout, const std::string& hint) {
  const std::string sizes = std::to_string(din) + " inputs and " + std::to_string(dout) + " outputs";
  if (!hint.empty()) {
    const tasks::TaskSpec& t = tasks::make_task_spec(hint);
    if (t.obs_size != din || t.act_size != dout)
      f.fail("--task " + t.name + " has " + std::to_string(t.obs_size) + " observations and " +
                 std::to_string(t.act_size) + " actions, the graph " + sizes,
             "give the task the graph was made for");
    return t.name;
  }
  std::vector<std::string> fit, fit_v4;
  std::string all;
  for (const std::string& name : tasks::task_names()) {
    const tasks::TaskSpec& t = tasks::make_task_spec(name);
    all += (all.empty() ? "" : ", ") + name + " " + std::to_string(t.obs_size) + " -> " + std::to_string(t.act_size);
    if (t.obs_size != din || t.act_size != dout) continue;
    fit.push_back(name);
    if (t.version == 4) fit_v4.push_back(name);
  }
  if (fit.empty())
    f.fail("the graph has " + sizes + "; no task has those sizes (" + all + ")", "give a graph for a task");
  if (fit_v4.size() == 1) return fit_v4[0];  // the default version of a task over its v5 twin
  if (fit.size() == 1) return fit[0];
  f.fail("the graph has " + sizes + ", which fit several tasks: " + list(fit), "pass --task NAME");
}

// ---------------------------------------------------------------------------------------------
// ecsim's own files: everything from the metadata, checked against the weights

const std::string kMeta = "node/metadata/";

double meta_number(const File& f, const std::string& key) {
  if (!f.has(kMeta + key))
    f.fail("the metadata has ecsim.format but no " + key + ": the ecsim metadata is incomplete",
           std::string(kReexport) + ", or remove every ecsim.* key to import the graph from its weights alone");
  const Array a = f.array(kMeta + key, "metadata " + key);
  if (a.size() != 1) f.fail("metadata " + key + " holds " + std::to_string(a.size()) + " values, not one", kReexport);
  return a.v[0];
}

int64_t meta_int(const File& f, const std::string& key, int64_t lo, int64_t hi) {
  const double v = meta_number(f, key);
  if (!(v == std::floor(v) && v >= static_cast<double>(lo) && v <= static_cast<double>(hi)))
    f.fail("metadata " + key + " = " + num(v) + " is not an integer in [" + std::to_string(lo) + ", " +
               std::to_string(hi) + "]",
           kReexport);
  return static_cast<int64_t>(v);
}

std::string meta_string(const File& f, const std::string& key) {
  if (!f.has(kMeta + key))
    f.fail("the metadata has ecsim.format but no " + key + ": the ecsim metadata is incomplete", kReexport);
  return f.str(kMeta + key, "metadata " + key);
}

std::vector<double> meta_vector(const File& f, const std::string& key, size_t n) {
  if (!f.has(kMeta + key))
    f.fail("the metadata has ecsim.format but no " + key + ": the ecsim metadata is incomplete", kReexport);
  const Array a = f.array(kMeta + key, "metadata " + key);
  if (a.size() != n)
    f.fail("metadata " + key + " has " + std::to_string(a.size()) + " values; the graph needs " + std::to_string(n),
           kReexport);
  return a.v;
}

ref::BitMatrix meta_bits(const File& f, const std::string& key, int rows, int cols) {
  if (!f.has(kMeta + key))
    f.fail("the metadata has ecsim.format but no " + key + ": the ecsim metadata is incomplete", kReexport);
  const Array a = f.array(kMeta + key, "metadata " + key);
  if (a.dims != std::vector<hsize_t>{static_cast<hsize_t>(rows), static_cast<hsize_t>(cols)})
    f.fail("metadata " + key + " has shape " + dims_text(a.dims) + ", the graph's sizes give (" + std::to_string(rows) +
               " x " + std::to_string(cols) + ")",
           kReexport);
  ref::BitMatrix m(rows, cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) {
      const double b = a.v[static_cast<size_t>(i) * static_cast<size_t>(cols) + static_cast<size_t>(j)];
      if (b != 0 && b != 1)
        f.fail(
            "metadata " + key + "[" + std::to_string(i) + "][" + std::to_string(j) + "] = " + num(b) + " is not a bit",
            kReexport);
      m.set(i, j, b == 1);
    }
  return m;
}

// the weights of θ and the scales, in float32, exactly as export_nir writes them
void check_weights_against_bits(const File& f, const Roles& r, const ref::NetworkShape& s, const ref::Theta& th,
                                const Array& w_in, const Array& w_h, const Array& w_out,
                                const ref::NetworkConstants& k) {
  const int n = s.n_neurons, din = s.d_in, dout = s.d_out;
  const double r_in = k.r_in(din), r_h = k.r_h(n), r_out = k.r_out(n);
  const auto sigma = [&](int i) { return i < s.n_exc ? 1.0 : -1.0; };
  const auto same = [&](const std::string& node, const std::string& bits, const Array& w, size_t row, size_t col,
                        size_t cols, double want) {
    const double v = w.v[row * cols + col];
    if (v != static_cast<double>(static_cast<float>(want)))
      f.fail(at(node, row, col, v) + ", but " + bits + " and the scales give " + num(static_cast<float>(want)) +
                 ": the weights and the metadata's bits disagree",
             kReexport);
  };
  for (int i = 0; i < din; ++i)
    for (int j = 0; j < n; ++j)
      same(r.in_proj, "ecsim.K_in", w_in, size_t(j), size_t(i), size_t(din),
           r_in * (static_cast<int>(th.in.get(i, j)) - static_cast<int>(th.in.get(din + i, j))));
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      same(r.rec, "ecsim.K_h", w_h, size_t(j), size_t(i), size_t(n), th.rec.get(i, j) ? r_h * sigma(i) : 0.0);
  for (int j = 0; j < n; ++j)
    for (int c = 0; c < dout; ++c)
      same(r.out_proj, "ecsim.K_out", w_out, size_t(c), size_t(j), size_t(n),
           th.out.get(j, c) ? r_out * (r.sign.empty() ? sigma(j) : 1.0) : 0.0);
}

tasks::RunningNormalizer meta_normalizer(const File& f, size_t din) {
  const std::vector<double> mean = meta_vector(f, "ecsim.normalizer.mean", din);
  const std::vector<double> sd = meta_vector(f, "ecsim.normalizer.std", din);
  const int64_t count = meta_int(f, "ecsim.normalizer.count", 0, int64_t{1} << 53);
  // the statistics themselves where the file has them (exact); else the variance the std gives
  std::vector<double> sv(din);
  const bool exact = f.has(kMeta + "ecsim.normalizer.summed_variance");
  if (exact)
    sv = meta_vector(f, "ecsim.normalizer.summed_variance", din);
  else
    for (size_t i = 0; i < din; ++i) sv[i] = count ? sd[i] * sd[i] * static_cast<double>(count) : 0.0;
  std::string blob("ECNORM\0\0", 8);
  const auto put = [&](auto v) { blob.append(reinterpret_cast<const char*>(&v), sizeof v); };
  put(tasks::RunningNormalizer::kFormatVersion);
  put(uint32_t{0});
  put(static_cast<uint64_t>(din));
  put(static_cast<uint64_t>(count));
  for (double v : mean) put(v);
  for (double v : sv) put(v);
  tasks::RunningNormalizer norm;
  try {
    norm = tasks::RunningNormalizer::from_binary(blob);
  } catch (const Error& e) {
    f.fail(std::string("the normalizer in the metadata is unsound: ") + e.what(), kReexport);
  }
  for (size_t i = 0; i < din; ++i)
    if (static_cast<float>(norm.std(i)) != static_cast<float>(sd[i]))
      f.fail("metadata ecsim.normalizer.std[" + std::to_string(i) + "] = " + num(sd[i]) + " is not the std of " +
                 (exact ? "ecsim.normalizer.summed_variance" : "itself") + " (" + num(norm.std(i)) + ")",
             kReexport);
  return norm;
}

}  // namespace

eval::PolicyImage import_nir(const std::string& path, const std::string& task) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become ecsim::Error, not HDF5's stack dump
  const File f(path);
  const Graph g = read_graph(f);
  const Roles r = match_graph(f, g);
  const bool ours = f.has(kMeta + "ecsim.format");

  // the chip's constants; ecsim's file states its dt, another tool's is the chip's by assumption
  ref::NetworkConstants k;
  const ref::NetworkConstants chip;
  if (ours) {
    const std::string format = meta_string(f, "ecsim.format");
    if (format != "ecsim-nir") f.fail("metadata ecsim.format is '" + format + "', not 'ecsim-nir'", kReexport);
    const int64_t version = meta_int(f, "ecsim.format_version", 0, INT32_MAX);
    if (version > kFormatVersion)
      f.fail("metadata ecsim.format_version = " + std::to_string(version) + " is newer than this ecsim reads (" +
                 std::to_string(kFormatVersion) + ")",
             "use the ecsim that wrote the file");
    const std::string method = meta_string(f, "ecsim.method");
    if (method != "ec") f.fail("metadata ecsim.method is '" + method + "'; the chip runs EC policies", kReexport);
    for (auto [key, member, what] : {std::tuple{"ecsim.dt_ms", &ref::NetworkConstants::dt_ms, "dt (ms)"},
                                     std::tuple{"ecsim.tau_syn_ms", &ref::NetworkConstants::tau_syn_ms, "τ_syn (ms)"},
                                     std::tuple{"ecsim.tau_m_ms", &ref::NetworkConstants::tau_m_ms, "τ_m (ms)"},
                                     std::tuple{"ecsim.tau_out_ms", &ref::NetworkConstants::tau_out_ms, "τ_out (ms)"},
                                     std::tuple{"ecsim.k_in", &ref::NetworkConstants::k_in, "K_in"},
                                     std::tuple{"ecsim.k_h", &ref::NetworkConstants::k_h, "K_h"},
                                     std::tuple{"ecsim.k_out", &ref::NetworkConstants::k_out, "K_out"}}) {
      const double v = meta_number(f, key);
      if (v != chip.*member)
        f.fail("metadata " + std::string(key) + " = " + num(v) + "; the chip runs " + what + " = " + num(chip.*member),
               "the chip's constants are fixed (docs/spec.md §2.2)");
      k.*member = v;
    }
  }

  // the sizes, from the Input and the weights
  const Array in_shape = f.array(node_path(r.input) + "/shape", "parameter 'shape' of node '" + r.input + "'");
  double din_d = in_shape.size() ? 1 : 0;
  for (double x : in_shape.v) din_d *= x;
  if (!(din_d >= 1 && din_d <= ref::kMaxShapeSize && din_d == std::floor(din_d)))
    f.fail("node '" + r.input + "': shape gives " + num(din_d) + " inputs; the chip takes 1.." +
               std::to_string(ref::kMaxShapeSize),
           "give the Input a positive shape");
  const int din = static_cast<int>(din_d);
  const std::vector<hsize_t> in_dims =
      f.shape(node_path(r.in_proj) + "/weight", "parameter 'weight' of node '" + r.in_proj + "'");
  if (in_dims.size() != 2)
    f.fail("node '" + r.in_proj + "': weight has shape " + dims_text(in_dims) + ", not (N x d_in)",
           "give the weight as (out x in), as NIR's Linear has it");
  const int64_t n64 = static_cast<int64_t>(in_dims[0]);
  if (n64 < 2 || n64 > ref::kMaxShapeSize)
    f.fail("node '" + r.in_proj + "' gives " + std::to_string(n64) + " neurons; the chip has 2.." +
               std::to_string(ref::kMaxShapeSize),
           "give a population of 2 to " + std::to_string(ref::kMaxShapeSize) + " neurons");
  const int n = static_cast<int>(n64);
  const Array w_in = weight(f, g, r.in_proj, n, din, "(N x d_in, d_in from node '" + r.input + "')");
  const Array w_h = weight(f, g, r.rec, n, n, "(N x N)");
  const std::vector<hsize_t> out_dims =
      f.shape(node_path(r.out_proj) + "/weight", "parameter 'weight' of node '" + r.out_proj + "'");
  const int64_t dout64 = out_dims.size() == 2 ? static_cast<int64_t>(out_dims[0]) : 0;
  const Array w_out = weight(f, g, r.out_proj, std::max<int64_t>(dout64, 1), n, "(d_out x N)");
  const int dout = static_cast<int>(std::max<int64_t>(dout64, 1));
  const Array out_shape = f.array(node_path(r.output) + "/shape", "parameter 'shape' of node '" + r.output + "'");
  double dout_d = out_shape.size() ? 1 : 0;
  for (double x : out_shape.v) dout_d *= x;
  if (dout_d != dout)
    f.fail("node '" + r.output + "': shape gives " + num(dout_d) + " outputs, but '" + r.out_proj + "' gives " +
               std::to_string(dout),
           "make the Output's shape the output projection's rows");
  check_neurons(f, r, n, k);
  const int n_exc_scale = sign_split(f, r, n);

  ref::NetworkShape shape;
  shape.n_neurons = n;
  shape.d_in = din;
  shape.d_out = dout;
  eval::PolicyImage img;
  img.net.method = eval::Method::kEC;
  ref::ArithConfig arith;
  ref::Theta theta;
  if (ours) {
    shape.inner_steps = static_cast<int>(meta_int(f, "ecsim.inner_steps", 1, 100000));
    shape.n_exc = static_cast<int>(meta_int(f, "ecsim.n_exc", 0, n));
    if (meta_int(f, "ecsim.n_neurons", 0, INT32_MAX) != n)
      f.fail("metadata ecsim.n_neurons differs from the graph's " + std::to_string(n) + " neurons", kReexport);
    if (n_exc_scale >= 0 && n_exc_scale != shape.n_exc)
      f.fail("node '" + r.sign + "' makes " + std::to_string(n_exc_scale) +
                 " neurons excitatory, metadata ecsim.n_exc says " + std::to_string(shape.n_exc),
             kReexport);
    for (auto [key, v] :
         {std::pair{"ecsim.r_in", k.r_in(din)}, std::pair{"ecsim.r_h", k.r_h(n)}, std::pair{"ecsim.r_out", k.r_out(n)}})
      if (meta_number(f, key) != v)
        f.fail(
            "metadata " + std::string(key) + " = " + num(meta_number(f, key)) + "; the chip's constants give " + num(v),
            kReexport);
    img.task = meta_string(f, "ecsim.task");
    try {
      tasks::make_task_spec(img.task);
    } catch (const Error& e) {
      f.fail("metadata ecsim.task: " + std::string(e.what()), kReexport);
    }
    img.generation = static_cast<uint64_t>(meta_int(f, "ecsim.generation", 0, int64_t{1} << 53));
    const std::string a = meta_string(f, "ecsim.arithmetic");
    if (a != "fixed" && a != "float")
      f.fail("metadata ecsim.arithmetic is '" + a + "'; ecsim computes 'fixed' or 'float'", kReexport);
    img.net.arith = a == "fixed" ? ref::Arith::kFixed : ref::Arith::kFloat;
    ref::ArithConfig::for_each_field([&](const fields::Info& info, auto m) {
      arith.*m = static_cast<int>(meta_int(f, "ecsim.arith." + std::string(info.external()), 0, INT32_MAX));
    });
    theta.in = meta_bits(f, "ecsim.K_in", 2 * din, n);
    theta.rec = meta_bits(f, "ecsim.K_h", n, n);
    theta.out = meta_bits(f, "ecsim.K_out", n, dout);
    check_weights_against_bits(f, r, shape, theta, w_in, w_h, w_out, k);
    img.norm = meta_normalizer(f, static_cast<size_t>(din));
  } else {
    const Derived d = theta_from_weights(f, r, shape, n_exc_scale, w_in, w_h, w_out, k);
    shape.n_exc = d.n_exc;
    theta = d.theta;
    img.task = task_for_sizes(f, din, dout, task);
    img.net.arith = ref::Arith::kFixed;
    img.norm = tasks::RunningNormalizer(static_cast<size_t>(din));  // count 0: mean 0, std 1
  }
  try {
    img.net.desc = ref::make_network_desc(shape, arith);
  } catch (const Error& e) {
    f.fail(std::string("the chip cannot run this network: ") + e.what(), kReexport);
  }
  img.params.resize(static_cast<size_t>(shape.total_synapses()));
  for (int64_t q = 0; q < shape.total_synapses(); ++q)
    img.params[static_cast<size_t>(q)] = theta.get_global(shape, q) ? 1.0f : 0.0f;
  return img;
}

}  // namespace ecsim::nir
