// NIR import (docs/nir.md, "Import"): ecsim -> NIR -> ecsim gives the same bits and the same
// actions and spikes (reference model, random networks of several sizes and widths); a graph
// without ecsim's metadata gets θ back from its weights; every refusal exits 2 naming the node and
// the parameter, with nothing written; `simulate --nir` and `rollout --nir` equal their `--policy`
// runs byte for byte; and independent_sim.py (numpy + h5py, no ecsim code) simulates an exported
// float policy over whole episodes within the stated tolerance.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <charconv>
#include <cstdint>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "../common/cli.h"
#include "common/error.h"
#include "eval/policy_image.h"
#include "nir/nir_export.h"
#include "nir/nir_import.h"
#include "reference/network.h"
#include "reference/theta.h"

namespace ecsim {
namespace {

namespace fs = std::filesystem;
using test::run_ecsim;

// ---------------------------------------------------------------------------------------------
// random policies and the reference model

struct Config {
  int n, n_exc, inner_steps;
  ref::ArithConfig arith;
  ref::Arith mode;
  double density;
};

eval::PolicyImage random_image(const Config& c, uint64_t seed) {
  eval::PolicyImage img;
  img.task = "hopper";
  img.generation = seed * 7 + 3;
  ref::NetworkShape s;
  s.n_neurons = c.n;
  s.n_exc = c.n_exc;
  s.d_in = 11;
  s.d_out = 3;
  s.inner_steps = c.inner_steps;
  img.net.method = eval::Method::kEC;
  img.net.arith = c.mode;
  img.net.desc = ref::make_network_desc(s, c.arith);
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution bit(c.density);
  img.params.resize(static_cast<size_t>(s.total_synapses()));
  for (float& p : img.params) p = bit(rng) ? 1.0f : 0.0f;
  img.norm = tasks::RunningNormalizer(11);
  std::normal_distribution<double> g(0.5, 2.0);
  std::vector<double> batch(11 * 40);
  for (double& x : batch) x = g(rng);
  img.norm.update(batch.data(), 40);
  return img;
}

std::vector<std::vector<double>> random_observations(size_t steps, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g(0.5, 3.0);
  std::vector<std::vector<double>> obs(steps, std::vector<double>(11));
  for (auto& row : obs)
    for (double& x : row) x = g(rng);
  return obs;
}

struct Trajectory {
  std::vector<float> actions;
  ref::SpikeRaster raster;
};

// the image on the reference model in its own arithmetic; raw observations through `norm`
Trajectory run_reference(const eval::PolicyImage& img, const tasks::RunningNormalizer& norm,
                         const std::vector<std::vector<double>>& obs, uint64_t init_seed) {
  const ref::NetworkDesc& d = img.net.desc;
  const ref::CompiledNet net(d, ref::threshold_theta(d.shape, img.params));
  ref::FixedState fs;
  ref::FloatState ls;
  if (img.net.arith == ref::Arith::kFixed)
    ref::reset(net, fs, init_seed);
  else
    ref::reset(net, ls, init_seed);
  Trajectory t;
  std::vector<float> x(static_cast<size_t>(d.shape.d_in)), a(static_cast<size_t>(d.shape.d_out));
  for (const auto& row : obs) {
    norm.normalize(row.data(), x.data());
    if (img.net.arith == ref::Arith::kFixed)
      ref::step(net, fs, x.data(), a.data(), &t.raster);
    else
      ref::step(net, ls, x.data(), a.data(), &t.raster);
    t.actions.insert(t.actions.end(), a.begin(), a.end());
  }
  return t;
}

int64_t spike_count(const ref::SpikeRaster& r) {
  int64_t n = 0;
  for (uint64_t w : r) n += __builtin_popcountll(w);
  return n;
}

// θ with the [x, -x] encoding folded: a pair of input bits both set reads as both clear (weight 0)
ref::Theta folded(const ref::Theta& t, int d_in) {
  ref::Theta f = t;
  for (int i = 0; i < d_in; ++i)
    for (int j = 0; j < t.in.cols(); ++j)
      if (t.in.get(i, j) && t.in.get(d_in + i, j)) {
        f.in.set(i, j, false);
        f.in.set(d_in + i, j, false);
      }
  return f;
}

// ---------------------------------------------------------------------------------------------
// editing an exported file with HDF5's C API (a graph as another tool might write it)

class H5Edit {
 public:
  explicit H5Edit(const std::string& path) : m_file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)) {
    EXPECT_GE(m_file, 0) << path;
  }
  ~H5Edit() {
    if (m_file >= 0) H5Fclose(m_file);
  }
  H5Edit(const H5Edit&) = delete;
  H5Edit& operator=(const H5Edit&) = delete;

  void remove(const std::string& path) { EXPECT_GE(H5Ldelete(m_file, path.c_str(), H5P_DEFAULT), 0) << path; }
  void group(const std::string& path) {
    const hid_t g = H5Gcreate2(m_file, path.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(g, 0) << path;
    H5Gclose(g);
  }
  std::vector<float> floats(const std::string& path, std::vector<hsize_t>* dims = nullptr) {
    const hid_t set = H5Dopen2(m_file, path.c_str(), H5P_DEFAULT);
    EXPECT_GE(set, 0) << path;
    const hid_t space = H5Dget_space(set);
    if (dims) {
      dims->assign(static_cast<size_t>(H5Sget_simple_extent_ndims(space)), 0);
      H5Sget_simple_extent_dims(space, dims->data(), nullptr);
    }
    std::vector<float> v(static_cast<size_t>(H5Sget_simple_extent_npoints(space)));
    EXPECT_GE(H5Dread(set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), 0) << path;
    H5Sclose(space);
    H5Dclose(set);
    return v;
  }
  void write(const std::string& path, hid_t file_type, hid_t mem_type, const std::vector<hsize_t>& dims,
             const void* data) {
    if (H5Lexists(m_file, path.c_str(), H5P_DEFAULT) > 0) remove(path);
    const hid_t space =
        dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    const hid_t set = H5Dcreate2(m_file, path.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(set, 0) << path;
    EXPECT_GE(H5Dwrite(set, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), 0) << path;
    H5Dclose(set);
    H5Sclose(space);
  }
  void floats(const std::string& path, const std::vector<float>& v, std::vector<hsize_t> dims = {}) {
    if (dims.empty()) dims = {v.size()};
    write(path, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, dims, v.data());
  }
  void f64(const std::string& path, double v) { write(path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {}, &v); }
  void i64(const std::string& path, int64_t v) { write(path, H5T_STD_I64LE, H5T_NATIVE_INT64, {}, &v); }
  void strings(const std::string& path, const std::vector<std::string>& v, std::vector<hsize_t> dims) {
    const hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    std::vector<const char*> p;
    for (const std::string& s : v) p.push_back(s.c_str());
    write(path, t, t, dims, p.data());
    H5Tclose(t);
  }
  void string(const std::string& path, const std::string& v) { strings(path, {v}, {}); }
  void edges(const std::vector<std::pair<std::string, std::string>>& e) {
    std::vector<std::string> flat;
    for (const auto& [a, b] : e) {
      flat.push_back(a);
      flat.push_back(b);
    }
    strings("node/edges", flat, {e.size(), 2});
  }

 private:
  hid_t m_file;
};

const std::vector<std::pair<std::string, std::string>> kEdges{{"input", "input_projection"},
                                                              {"input_projection", "lif"},
                                                              {"lif", "recurrent"},
                                                              {"recurrent", "synapse"},
                                                              {"synapse", "lif"},
                                                              {"lif", "sign"},
                                                              {"sign", "readout"},
                                                              {"readout", "output_projection"},
                                                              {"output_projection", "output"}};

// the exported graph as another tool would write it: no ecsim metadata
void strip_metadata(const std::string& path) {
  H5Edit e(path);
  e.remove("node/metadata");
  e.group("node/metadata");
}

// ... and without the Scale of spike signs: the LIF feeds the readout, the output weights carry σ
void drop_sign_node(const std::string& path, int n, int n_exc) {
  H5Edit e(path);
  e.remove("node/nodes/sign");
  std::vector<std::pair<std::string, std::string>> edges;
  for (const auto& x : kEdges)
    if (x.first != "sign" && x.second != "sign") edges.push_back(x);
  edges.emplace_back("lif", "readout");
  e.edges(edges);
  std::vector<hsize_t> dims;
  std::vector<float> w = e.floats("node/nodes/output_projection/weight", &dims);
  for (size_t q = 0; q < w.size(); ++q)
    if (static_cast<int>(q % static_cast<size_t>(n)) >= n_exc) w[q] = -w[q];
  e.floats("node/nodes/output_projection/weight", w, dims);
}

// ---------------------------------------------------------------------------------------------
// the round trip

const std::vector<Config>& configs() {
  static const std::vector<Config> c = [] {
    ref::ArithConfig narrow;
    narrow.rho_bits = 6;
    narrow.state_bits = 12;
    narrow.frac_bits = 8;
    narrow.rate_bits = 12;
    narrow.rate_frac_bits = 9;
    narrow.const_bits = 12;
    narrow.action_frac_bits = 10;
    ref::ArithConfig wide;
    wide.rho_bits = 14;
    wide.state_bits = 24;
    wide.frac_bits = 14;
    wide.rate_bits = 24;
    wide.rate_frac_bits = 16;
    wide.const_bits = 18;
    wide.input_bits = 14;
    wide.input_frac_bits = 8;
    wide.action_frac_bits = 16;
    wide.syn_word_bits = 32;
    return std::vector<Config>{{16, 8, 33, {}, ref::Arith::kFixed, 0.3},
                               {64, 40, 20, narrow, ref::Arith::kFixed, 0.5},
                               {200, 100, 33, wide, ref::Arith::kFixed, 0.15},
                               {64, 32, 33, {}, ref::Arith::kFloat, 0.4}};
  }();
  return c;
}

TEST(NirRoundTrip, SameBitsNormalizerWidthsActionsAndRasters) {
  const test::ScratchDir dir("nir_roundtrip");
  for (size_t i = 0; i < configs().size(); ++i) {
    const Config& c = configs()[i];
    SCOPED_TRACE("N = " + std::to_string(c.n) + ", " + c.arith.describe() +
                 (c.mode == ref::Arith::kFloat ? ", float" : ", fixed"));
    const eval::PolicyImage img = random_image(c, 100 + i);
    const std::string path = (dir / ("p" + std::to_string(i) + ".nir")).string();
    nir::export_nir(img, path);
    const eval::PolicyImage back = nir::import_nir(path);
    const ref::NetworkShape& s = img.net.desc.shape;
    const ref::NetworkShape& b = back.net.desc.shape;
    EXPECT_EQ(back.task, img.task);
    EXPECT_EQ(back.generation, img.generation);
    EXPECT_EQ(back.net.method, eval::Method::kEC);
    EXPECT_EQ(back.net.arith, img.net.arith);
    EXPECT_EQ(back.net.desc.arith, img.net.desc.arith);
    EXPECT_EQ(std::tie(b.n_neurons, b.n_exc, b.d_in, b.d_out, b.inner_steps),
              std::tie(s.n_neurons, s.n_exc, s.d_in, s.d_out, s.inner_steps));
    const ref::Theta t0 = ref::threshold_theta(s, img.params), t1 = ref::threshold_theta(b, back.params);
    EXPECT_TRUE(t1.in == t0.in);
    EXPECT_TRUE(t1.rec == t0.rec);
    EXPECT_TRUE(t1.out == t0.out);
    EXPECT_EQ(back.params, img.params);
    EXPECT_TRUE(back.norm == img.norm);
    EXPECT_EQ(back.norm.to_binary(), img.norm.to_binary());
    // the same actions and spikes, every step
    const auto obs = random_observations(25, 7 + i);
    const Trajectory a = run_reference(img, img.norm, obs, 11 + i), z = run_reference(back, back.norm, obs, 11 + i);
    EXPECT_EQ(a.actions, z.actions);
    EXPECT_EQ(a.raster, z.raster);
    EXPECT_GT(spike_count(a.raster), 0) << "a network that never spikes tests little";
    // and exporting the import again gives the same file
    const std::string again = (dir / ("q" + std::to_string(i) + ".nir")).string();
    nir::export_nir(back, again);
    EXPECT_TRUE(test::read_text(again) == test::read_text(path));
    // a file without the summed variance (the first exports): the normalizer from std and count,
    // the same float32 std, so the same run
    {
      H5Edit e(again);
      e.remove("node/metadata/ecsim.normalizer.summed_variance");
    }
    const eval::PolicyImage old = nir::import_nir(again);
    for (size_t k = 0; k < 11; ++k) EXPECT_EQ(float(old.norm.std(k)), float(img.norm.std(k))) << k;
    const Trajectory o = run_reference(old, old.norm, obs, 11 + i);
    EXPECT_EQ(o.actions, a.actions);
    EXPECT_EQ(o.raster, a.raster);
  }
}

// another tool's graph: no metadata, so θ, N_E and the scales come from the weights alone
TEST(NirRoundTrip, ForeignGraphGetsThetaFromTheWeightsAlone) {
  const test::ScratchDir dir("nir_foreign");
  for (const bool with_sign : {true, false}) {
    for (size_t i = 0; i < 2; ++i) {
      Config c = configs()[i == 0 ? 0 : 2];
      c.arith = {};  // a foreign graph runs the default widths
      SCOPED_TRACE("N = " + std::to_string(c.n) + (with_sign ? ", with" : ", without") + " the Scale node");
      const eval::PolicyImage img = random_image(c, 200 + i);
      const std::string path = (dir / ("f" + std::to_string(i) + ".nir")).string();
      nir::export_nir(img, path);
      strip_metadata(path);
      if (!with_sign) drop_sign_node(path, c.n, c.n_exc);
      const eval::PolicyImage back = nir::import_nir(path);
      const ref::NetworkShape& s = img.net.desc.shape;
      const ref::NetworkShape& b = back.net.desc.shape;
      EXPECT_EQ(back.task, "hopper");  // from d_in = 11, d_out = 3
      EXPECT_EQ(back.generation, 0u);
      EXPECT_EQ(back.net.arith, ref::Arith::kFixed);
      EXPECT_EQ(back.net.desc.arith, ref::ArithConfig{});
      EXPECT_EQ(std::tie(b.n_neurons, b.d_in, b.d_out, b.inner_steps),
                std::tie(s.n_neurons, s.d_in, s.d_out, s.inner_steps));
      const ref::Theta t0 = folded(ref::threshold_theta(s, img.params), s.d_in);
      const ref::Theta t1 = ref::threshold_theta(b, back.params);
      EXPECT_TRUE(t1.in == t0.in);
      EXPECT_TRUE(t1.rec == t0.rec);
      EXPECT_TRUE(t1.out == t0.out);
      if (with_sign) {
        EXPECT_EQ(b.n_exc, s.n_exc);
      } else {  // the signs the weights show: the first inhibitory neuron with an outgoing weight
        EXPECT_GE(b.n_exc, s.n_exc);
        for (int j = s.n_exc; j < b.n_exc; ++j) {
          EXPECT_EQ(t1.rec.count_row(j), 0) << j;
          EXPECT_EQ(t1.out.count_row(j), 0) << j;
        }
      }
      EXPECT_EQ(back.norm.count(), 0u);  // identity: the graph takes normalized observations
      // --task picks another task of the same sizes, and refuses one of other sizes
      EXPECT_EQ(nir::import_nir(path, "hopper-v5").task, "hopper-v5");
      EXPECT_THROW(nir::import_nir(path, "walker2d"), Error);
      // the same network: the original's observations, normalized once, give the same run
      const auto obs = random_observations(20, 30 + i);
      const Trajectory a = run_reference(img, img.norm, obs, 5), z = run_reference(back, img.norm, obs, 5);
      EXPECT_EQ(a.actions, z.actions);
      EXPECT_EQ(a.raster, z.raster);
    }
  }
}

// the same graph as h5py writes it for another tool (rewrite_foreign.py): gzip-compressed float64
// arrays, fixed-length byte strings, no metadata group, other node names
TEST(NirRoundTrip, ForeignGraphAsH5pyWritesIt) {
  const std::string py = test::python_with_h5py();
  if (py.empty()) GTEST_SKIP() << "no python3 with h5py and numpy (Debian: python3-h5py)";
  const test::ScratchDir dir("nir_h5py");
  Config c = configs()[1];
  c.arith = {};  // a foreign graph runs the defaults: these widths and T = 33
  c.inner_steps = 33;
  const eval::PolicyImage img = random_image(c, 400);
  const std::string ours = (dir / "ours.nir").string(), theirs = (dir / "theirs.nir").string();
  nir::export_nir(img, ours);
  const test::CliResult r = test::run_program({py, ECSIM_NIR_REWRITE_FOREIGN, ours, theirs});
  ASSERT_EQ(r.code, 0) << r.output;
  const eval::PolicyImage back = nir::import_nir(theirs);
  const ref::NetworkShape& s = img.net.desc.shape;
  const ref::Theta t0 = folded(ref::threshold_theta(s, img.params), s.d_in);
  const ref::Theta t1 = ref::threshold_theta(back.net.desc.shape, back.params);
  EXPECT_TRUE(t1 == t0);
  EXPECT_EQ(back.net.desc.shape.n_exc, s.n_exc);
  const auto obs = random_observations(20, 41);
  const Trajectory a = run_reference(img, img.norm, obs, 9), z = run_reference(back, img.norm, obs, 9);
  EXPECT_EQ(a.actions, z.actions);
  EXPECT_EQ(a.raster, z.raster);
}

// ---------------------------------------------------------------------------------------------
// refusals, through the command line

struct Refusal {
  std::string name;
  std::vector<std::string> says;  // what the message must contain
  bool foreign;                   // edit a copy without ecsim's metadata
  void (*edit)(H5Edit&);
};

void scale_all(H5Edit& e, const std::string& path, float by) {
  std::vector<hsize_t> dims;
  std::vector<float> v = e.floats(path, &dims);
  for (float& x : v) x *= by;
  e.floats(path, v, dims);
}
void set_at(H5Edit& e, const std::string& path, size_t q, float value) {
  std::vector<hsize_t> dims;
  std::vector<float> v = e.floats(path, &dims);
  v[q] = value;
  e.floats(path, v, dims);
}
// the q-th nonzero entry's index
size_t nonzero(H5Edit& e, const std::string& path, size_t q) {
  const std::vector<float> v = e.floats(path);
  for (size_t i = 0; i < v.size(); ++i)
    if (v[i] != 0 && q-- == 0) return i;
  ADD_FAILURE() << path << " has too few nonzero weights";
  return 0;
}

const std::vector<Refusal>& refusals() {
  static const std::vector<Refusal> r{
      {"unknown primitive",
       {"node 'sign'", "'Quux'", "not a NIR 1.0 primitive"},
       true,
       [](H5Edit& e) { e.string("node/nodes/sign/type", "Quux"); }},
      {"primitive the chip lacks",
       {"node 'sign'", "Conv2d"},
       true,
       [](H5Edit& e) { e.string("node/nodes/sign/type", "Conv2d"); }},
      {"CubaLIF",
       {"node 'lif'", "CubaLIF", "tau_syn"},
       true,
       [](H5Edit& e) { e.string("node/nodes/lif/type", "CubaLIF"); }},
      {"extra node",
       {"node 'extra'", "not part of the chip's network"},
       true,
       [](H5Edit& e) {
         e.group("node/nodes/extra");
         e.string("node/nodes/extra/type", "Scale");
         e.floats("node/nodes/extra/scale", std::vector<float>(16, 1.0f));
       }},
      {"extra edge",
       {"node 'input'", "feeds 2 nodes"},
       true,
       [](H5Edit& e) {
         auto edges = kEdges;
         edges.emplace_back("input", "lif");
         e.edges(edges);
       }},
      {"recurrent shape",
       {"node 'recurrent'", "weight has shape (16 x 15)", "(16 x 16)"},
       true,
       [](H5Edit& e) {
         std::vector<float> w = e.floats("node/nodes/recurrent/weight");
         w.resize(16 * 15);
         e.floats("node/nodes/recurrent/weight", w, {16, 15});
       }},
      {"parameter shape",
       {"node 'lif'", "v_threshold has shape (1)", "16 neurons"},
       true,
       [](H5Edit& e) { e.floats("node/nodes/lif/v_threshold", {1.0f}); }},
      {"weight not 1 bit",
       {"node 'recurrent'", "= 0.31 is neither 0 nor ±R", "1 bit"},
       true,
       [](H5Edit& e) { set_at(e, "node/nodes/recurrent/weight", 3 * 16 + 7, 0.31f); }},
      {"weight scale",
       {"node 'input_projection'", "the chip's input scale R_in"},
       true,
       [](H5Edit& e) { scale_all(e, "node/nodes/input_projection/weight", 2.0f); }},
      {"mixed signs",
       {"node 'recurrent'", "one sign"},
       true,
       [](H5Edit& e) {
         const size_t q = nonzero(e, "node/nodes/recurrent/weight", 0);
         std::vector<float> w = e.floats("node/nodes/recurrent/weight");
         // another nonzero weight of the same presynaptic neuron (column), sign flipped
         for (size_t k = q + 16; k < w.size(); k += 16)
           if (w[k] != 0) {
             w[k] = -w[k];
             break;
           }
         e.floats("node/nodes/recurrent/weight", w, {16, 16});
       }},
      {"negative output weight",
       {"node 'output_projection'", "is negative", "+R_out"},
       true,
       [](H5Edit& e) { scale_all(e, "node/nodes/output_projection/weight", -1.0f); }},
      {"tau",
       {"node 'lif'", "tau[0] = 20", "tau = 10"},
       true,
       [](H5Edit& e) { e.floats("node/nodes/lif/tau", std::vector<float>(16, 20.0f)); }},
      {"synapse r",
       {"node 'synapse'", "r[0] = 1", "1/(1 - exp(-dt/τ_syn))"},
       true,
       [](H5Edit& e) { e.floats("node/nodes/synapse/r", std::vector<float>(16, 1.0f)); }},
      {"threshold",
       {"node 'lif'", "v_threshold[5] = 0.9", "v_threshold = 1"},
       true,
       [](H5Edit& e) { set_at(e, "node/nodes/lif/v_threshold", 5, 0.9f); }},
      {"dt", {"ecsim.dt_ms = 1", "dt (ms) = 0.5"}, false, [](H5Edit& e) { e.f64("node/metadata/ecsim.dt_ms", 1.0); }},
      {"inner steps",
       {"ecsim.inner_steps = 0", "[1, 100000]"},
       false,
       [](H5Edit& e) { e.i64("node/metadata/ecsim.inner_steps", 0); }},
      {"weights against bits",
       {"node 'recurrent'", "ecsim.K_h", "disagree"},
       false,
       [](H5Edit& e) {
         const size_t q = nonzero(e, "node/nodes/recurrent/weight", 2);
         set_at(e, "node/nodes/recurrent/weight", q, 0.0f);
       }},
      {"incomplete metadata",
       {"no ecsim.K_out", "incomplete"},
       false,
       [](H5Edit& e) { e.remove("node/metadata/ecsim.K_out"); }},
      {"no node group", {"no group 'node'"}, false, [](H5Edit& e) { e.remove("node"); }},
      {"signs out of order",
       {"node 'sign'", "scale[15] = 1 after an inhibitory neuron", "first N_E"},
       true,
       [](H5Edit& e) { set_at(e, "node/nodes/sign/scale", 15, 1.0f); }},
      {"sizes of no task",
       {"7 inputs and 3 outputs", "no task has those sizes"},
       true,
       [](H5Edit& e) {
         // d_in = 7, with the chip's R_in for 7 inputs, so that only the task is wrong
         const float r_in = static_cast<float>(ref::NetworkConstants{}.r_in(7));
         const std::vector<float> w = e.floats("node/nodes/input_projection/weight");
         std::vector<float> w7;
         for (size_t q = 0; q < w.size(); ++q)
           if (q % 11 < 7) w7.push_back(w[q] > 0 ? r_in : w[q] < 0 ? -r_in : 0.0f);
         e.floats("node/nodes/input_projection/weight", w7, {16, 7});
         const int64_t seven = 7;
         e.write("node/nodes/input/shape", H5T_STD_I64LE, H5T_NATIVE_INT64, {1}, &seven);
       }},
  };
  return r;
}

std::string trace_csv(size_t rows) {
  std::string s = "obs_0";
  for (int i = 1; i < 11; ++i) s += ",obs_" + std::to_string(i);
  s += "\n";
  for (size_t r = 0; r < rows; ++r) {
    for (int i = 0; i < 11; ++i) {
      if (i) s += ',';
      s += std::to_string(0.1 * static_cast<double>(i) - 0.3);
    }
    s += "\n";
  }
  return s;
}

TEST(NirImportErrors, EachRefusalExits2NamesNodeAndParameterAndWritesNothing) {
  const test::ScratchDir dir("nir_refusals");
  const eval::PolicyImage img = random_image(configs()[0], 300);
  const std::string good = (dir / "good.nir").string();
  nir::export_nir(img, good);
  test::write_text(dir / "trace.csv", trace_csv(3));
  test::write_text(dir / "not_hdf5.nir", "obs_0\n1\n");
  const std::string out = (dir / "out.csv").string();
  const auto refused = [&](const std::string& file, const std::vector<std::string>& says, const std::string& what) {
    for (const char* cmd : {"simulate", "rollout"}) {
      const test::CliResult r =
          std::string(cmd) == "simulate"
              ? run_ecsim({"simulate", "--trace", (dir / "trace.csv").string(), "--nir", file, "--out", out})
              : run_ecsim({"rollout", "--nir", file, "--out", out, "--max-steps", "3"});
      EXPECT_EQ(r.code, 2) << what << " (" << cmd << "): " << r.output;
      for (const std::string& s : says) EXPECT_NE(r.output.find(s), std::string::npos) << what << ": " << r.output;
      EXPECT_FALSE(fs::exists(out)) << what;
    }
  };
  refused((dir / "absent.nir").string(), {"absent.nir does not exist"}, "missing file");
  refused((dir / "not_hdf5.nir").string(), {"not an HDF5 file"}, "not HDF5");
  for (size_t i = 0; i < refusals().size(); ++i) {
    const Refusal& rf = refusals()[i];
    const std::string file = (dir / ("bad" + std::to_string(i) + ".nir")).string();
    fs::copy_file(good, file);
    if (rf.foreign) strip_metadata(file);
    {
      H5Edit e(file);
      rf.edit(e);
    }
    refused(file, rf.says, rf.name);
  }
  // the good file and its foreign copy run
  const std::string foreign = (dir / "foreign.nir").string();
  fs::copy_file(good, foreign);
  strip_metadata(foreign);
  for (const std::string& f : {good, foreign}) {
    const test::CliResult r =
        run_ecsim({"simulate", "--trace", (dir / "trace.csv").string(), "--nir", f, "--out", out});
    EXPECT_EQ(r.code, 0) << r.output;
    fs::remove(out);
  }
  // --nir with --policy
  const test::CliResult both =
      run_ecsim({"simulate", "--trace", (dir / "trace.csv").string(), "--nir", good, "--policy", good, "--out", out});
  EXPECT_EQ(both.code, 2) << both.output;
  EXPECT_NE(both.output.find("mutually exclusive"), std::string::npos) << both.output;
  const test::CliResult both_r = run_ecsim({"rollout", "--nir", good, "--actions", good, "--out", out});
  EXPECT_EQ(both_r.code, 2) << both_r.output;
  EXPECT_NE(both_r.output.find("mutually exclusive"), std::string::npos) << both_r.output;
  EXPECT_FALSE(fs::exists(out));
}

// ---------------------------------------------------------------------------------------------
// the command line: --nir runs as --policy runs

const char* const kTrain =
    " --task hopper --neurons 64 --pop 8 --generations 2 --max-steps 60 --eval-episodes 2 --no-plot --progress never"
    " --threads 1 --out ";

class NirCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_dir = new test::ScratchDir("nir_cli");
    const test::CliResult t = run_ecsim("train" + std::string(kTrain) + (*s_dir / "run").string());
    ASSERT_EQ(t.code, 0) << t.output;
    const test::CliResult e = run_ecsim({"export", (*s_dir / "run").string(), "--nir", path("p.nir")});
    ASSERT_EQ(e.code, 0) << e.output;
    const test::CliResult r = run_ecsim({"rollout", "--policy", (*s_dir / "run").string(), "--out", path("traj.csv")});
    ASSERT_EQ(r.code, 0) << r.output;
  }
  static void TearDownTestSuite() {
    delete s_dir;
    s_dir = nullptr;
  }
  static std::string path(const std::string& leaf) { return (*s_dir / leaf).string(); }
  static test::ScratchDir* s_dir;
};
test::ScratchDir* NirCli::s_dir = nullptr;

TEST_F(NirCli, SimulateNirEqualsSimulatePolicyByteForByte) {
  for (const std::string backend : {"functional", "systemc", "rtl"}) {
    for (const std::string src : {"policy", "nir"}) {
      const std::string net = src == "policy" ? (*s_dir / "run").string() : path("p.nir");
      const test::CliResult r =
          run_ecsim({"simulate", "--trace", path("traj.csv"), "--" + src, net, "--backend", backend, "--out",
                     path(backend + "_" + src + ".csv"), "--raster", path(backend + "_" + src + "_raster.csv")});
      ASSERT_EQ(r.code, 0) << r.output;
    }
    for (const std::string leaf : {".csv", "_raster.csv"}) {
      const std::string a = test::read_text(path(backend + "_policy" + leaf)),
                        b = test::read_text(path(backend + "_nir" + leaf));
      EXPECT_FALSE(a.empty()) << backend << leaf;
      EXPECT_TRUE(a == b) << backend << leaf;
    }
    if (backend != "functional") {
      EXPECT_TRUE(test::read_text(path(backend + "_policy.energy.json")) ==
                  test::read_text(path(backend + "_nir.energy.json")));
    }
  }
}

TEST_F(NirCli, RolloutNirEqualsRolloutPolicyByteForByte) {
  for (const std::string backend : {"functional", "systemc", "rtl"}) {
    for (const std::string src : {"policy", "nir"}) {
      const std::string net = src == "policy" ? (*s_dir / "run").string() : path("p.nir");
      const test::CliResult r = run_ecsim({"rollout", "--" + src, net, "--backend", backend, "--seed", "3", "--out",
                                           path("r_" + backend + "_" + src + ".csv"), "--raster",
                                           path("r_" + backend + "_" + src + "_r.csv")});
      ASSERT_EQ(r.code, 0) << r.output;
    }
    for (const std::string leaf : {".csv", "_r.csv"}) {
      const std::string a = test::read_text(path("r_" + backend + "_policy" + leaf)),
                        b = test::read_text(path("r_" + backend + "_nir" + leaf));
      EXPECT_FALSE(a.empty()) << backend << leaf;
      EXPECT_TRUE(a == b) << backend << leaf;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// the independent simulation: numpy from the file alone against ecsim's float arithmetic

std::string float_text(float v) {
  char b[32];
  const auto r = std::to_chars(b, b + sizeof b, v);
  return std::string(b, r.ptr);
}

// One float policy per size, trained briefly: whole closed-loop episodes (until the hopper falls)
// and a long open-loop trace of random observations, each run by `simulate --nir` (float) and by
// independent_sim.py, which holds both to the tolerance it states (docs/nir.md).
TEST(NirIndependent, NumpySimulationOfTheFileMatchesEcsimFloatOverWholeEpisodes) {
  const std::string py = test::python_with_h5py();
  if (py.empty()) GTEST_SKIP() << "no python3 with h5py and numpy (Debian: python3-h5py)";
  const test::ScratchDir dir("nir_independent");
  for (const int n : {64, 256}) {
    const std::string tag = "n" + std::to_string(n);
    const std::string run = (dir / tag).string(), nir = (dir / (tag + ".nir")).string();
    const std::string train = " --task hopper --neurons " + std::to_string(n) +
                              " --pop 8 --generations 2 --max-steps 60 --eval-episodes 2 --no-plot --progress never"
                              " --threads 1 --out ";
    const test::CliResult t = run_ecsim("train --arith float" + train + run);
    ASSERT_EQ(t.code, 0) << t.output;
    ASSERT_EQ(run_ecsim({"export", run, "--nir", nir}).code, 0);
    const eval::PolicyImage img = eval::load_policy_image(run);
    ASSERT_EQ(img.net.arith, ref::Arith::kFloat);
    const ref::CompiledNet net(img.net.desc, ref::threshold_theta(img.net.desc.shape, img.params));
    // seeds 1..3: episodes; seed 4: 300 env steps of random raw observations
    for (const int seed : {1, 2, 3, 4}) {
      const std::string s = std::to_string(seed);
      SCOPED_TRACE("N = " + std::to_string(n) + ", seed " + s);
      const std::string traj = (dir / (tag + "_traj" + s + ".csv")).string(),
                        act = (dir / (tag + "_act" + s + ".csv")).string(),
                        raster = (dir / (tag + "_raster" + s + ".csv")).string(),
                        v0 = (dir / (tag + "_v0_" + s + ".csv")).string();
      if (seed < 4) {
        const test::CliResult r = run_ecsim({"rollout", "--policy", run, "--seed", s, "--out", traj});
        ASSERT_EQ(r.code, 0) << r.output;
      } else {
        std::string csv = "obs_0";
        for (int i = 1; i < 11; ++i) csv += ",obs_" + std::to_string(i);
        csv += "\n";
        const auto obs = random_observations(300, 99);
        for (const auto& row : obs) {
          for (size_t i = 0; i < row.size(); ++i) {
            if (i) csv += ',';
            csv += std::to_string(row[i]);
          }
          csv += "\n";
        }
        test::write_text(traj, csv);
      }
      const test::CliResult m =
          run_ecsim({"simulate", "--trace", traj, "--nir", nir, "--seed", s, "--out", act, "--raster", raster});
      ASSERT_EQ(m.code, 0) << m.output;
      // v(0) from ecsim's Philox stream, as the reference model draws it for this seed
      ref::FloatState st;
      ref::reset(net, st, static_cast<uint64_t>(seed));
      std::string csv = "neuron,v0\n";
      for (int j = 0; j < net.n(); ++j)
        csv += std::to_string(j) + "," + float_text(st.v[static_cast<size_t>(j)]) + "\n";
      test::write_text(v0, csv);
      const test::CliResult p = test::run_program({py, ECSIM_NIR_INDEPENDENT_SIM, nir, traj, v0, act, raster});
      EXPECT_EQ(p.code, 0) << p.output;
      EXPECT_NE(p.output.find("within the tolerance"), std::string::npos) << p.output;
      std::cout << "N = " << n << ", seed " << s << ": " << p.output;
    }
  }
}

}  // namespace
}  // namespace ecsim
