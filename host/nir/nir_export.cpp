#include "nir/nir_export.h"

#include <fcntl.h>
#include <hdf5.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/fields.h"
#include "io/atomic_file.h"
#include "reference/theta.h"

namespace ecsim::nir {

namespace {

const char* const kFix = "check the disk space and the output path";

// an HDF5 handle closed by its closer when it goes out of scope
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : m_id(id), m_close(close) {
    if (id < 0) throw Error("NIR export: HDF5 could not " + what, kFix);
  }
  ~Handle() {
    if (m_id >= 0) m_close(m_id);
  }
  Handle(Handle&& o) noexcept : m_id(std::exchange(o.m_id, -1)), m_close(o.m_close) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle& operator=(Handle&&) = delete;
  hid_t id() const { return m_id; }

 private:
  hid_t m_id;
  herr_t (*m_close)(hid_t);
};

void check(herr_t r, const std::string& what) {
  if (r < 0) throw Error("NIR export: HDF5 could not " + what, kFix);
}

// HDF5 stamps every object with its creation time unless told not to: without the stamps, the
// same policy gives the same file, byte for byte
Handle untimed(hid_t property_class) {
  Handle p(H5Pcreate(property_class), H5Pclose, "create a property list");
  check(H5Pset_obj_track_times(p.id(), false), "turn off time stamps");
  return p;
}

Handle group(hid_t parent, const std::string& name) {
  const Handle gcpl = untimed(H5P_GROUP_CREATE);
  return Handle(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, gcpl.id(), H5P_DEFAULT), H5Gclose,
                "create group " + name);
}

// h5py's string dtype: variable-length UTF-8
Handle string_type() {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose, "copy the string type");
  check(H5Tset_size(t.id(), H5T_VARIABLE), "make a variable-length string type");
  check(H5Tset_cset(t.id(), H5T_CSET_UTF8), "make a UTF-8 string type");
  return t;
}

void write_data(hid_t loc, const std::string& name, hid_t file_type, hid_t mem_type, const std::vector<hsize_t>& dims,
                const void* data) {
  Handle space(
      dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
      H5Sclose, "create the dataspace of " + name);
  const Handle dcpl = untimed(H5P_DATASET_CREATE);
  Handle set(H5Dcreate2(loc, name.c_str(), file_type, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT), H5Dclose,
             "create dataset " + name);
  check(H5Dwrite(set.id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write dataset " + name);
}

void write_string(hid_t loc, const std::string& name, const std::string& value) {
  const Handle t = string_type();
  const char* p = value.c_str();
  write_data(loc, name, t.id(), t.id(), {}, &p);
}

void write_f32(hid_t loc, const std::string& name, const std::vector<float>& v, std::vector<hsize_t> dims = {}) {
  if (dims.empty()) dims = {v.size()};
  write_data(loc, name, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, dims, v.data());
}

void write_f64(hid_t loc, const std::string& name, const std::vector<double>& v) {
  write_data(loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {v.size()}, v.data());
}

void write_f64(hid_t loc, const std::string& name, double v) {
  write_data(loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {}, &v);
}

void write_i64(hid_t loc, const std::string& name, int64_t v) {
  write_data(loc, name, H5T_STD_I64LE, H5T_NATIVE_INT64, {}, &v);
}

void write_i64(hid_t loc, const std::string& name, const std::vector<int64_t>& v) {
  write_data(loc, name, H5T_STD_I64LE, H5T_NATIVE_INT64, {v.size()}, v.data());
}

void write_bits(hid_t loc, const std::string& name, const ref::BitMatrix& m) {
  std::vector<uint8_t> b(static_cast<size_t>(m.rows()) * static_cast<size_t>(m.cols()));
  for (int r = 0; r < m.rows(); ++r)
    for (int c = 0; c < m.cols(); ++c)
      b[static_cast<size_t>(r) * static_cast<size_t>(m.cols()) + static_cast<size_t>(c)] = m.get(r, c);
  write_data(loc, name, H5T_STD_U8LE, H5T_NATIVE_UINT8,
             {static_cast<hsize_t>(m.rows()), static_cast<hsize_t>(m.cols())}, b.data());
}

std::vector<float> filled(int n, double v) { return std::vector<float>(static_cast<size_t>(n), static_cast<float>(v)); }

void write_li(hid_t nodes, const std::string& name, int n, double tau, double r) {
  const Handle g = group(nodes, name);
  write_string(g.id(), "type", "LI");
  write_f32(g.id(), "tau", filled(n, tau));
  write_f32(g.id(), "r", filled(n, r));
  write_f32(g.id(), "v_leak", filled(n, 0));
}

void write_linear(hid_t nodes, const std::string& name, const std::vector<float>& w, int out, int in) {
  const Handle g = group(nodes, name);
  write_string(g.id(), "type", "Linear");
  write_f32(g.id(), "weight", w, {static_cast<hsize_t>(out), static_cast<hsize_t>(in)});
}

void write_io(hid_t nodes, const std::string& name, const char* type, int n) {
  const Handle g = group(nodes, name);
  write_string(g.id(), "type", type);
  write_i64(g.id(), "shape", std::vector<int64_t>{n});
}

const char* const kDiscretization =
    "Exponential Euler with dt = dt_ms: every LI and LIF state x takes x <- exp(-dt/tau)*x + (1 - exp(-dt/tau))*"
    "(v_leak + r*input) once per inner step; the observation (normalized, see ecsim.normalizer.*) is held for "
    "inner_steps inner steps per environment step, the input projection computed once per environment step, and the "
    "action is read from output after the inner_steps-th inner step and clamped to ecsim.action_clamp. Within an "
    "inner step the synapse updates first from the previous inner step's spikes (the recurrent edge delays spikes by "
    "one inner step), then lif from the sum of input_projection and the new synapse state; a spike is v > "
    "v_threshold, then v = v_reset (no refractory period); readout receives this inner step's signed spikes. The "
    "state starts with synapse = readout = 0 and v uniform in [0, v_threshold) at each episode. With ecsim.arithmetic "
    "= fixed the chip computes the same equations in fixed point (ecsim.arith.*, ecsim's docs/spec.md).";

void write_graph(hid_t file, const eval::PolicyImage& img) {
  const ref::NetworkDesc& d = img.net.desc;
  const ref::NetworkShape& s = d.shape;
  const ref::NetworkConstants& k = d.consts;
  const int n = s.n_neurons, din = s.d_in, dout = s.d_out;
  const ref::Theta th = ref::threshold_theta(s, img.params);
  const double r_in = k.r_in(din), r_h = k.r_h(n), r_out = k.r_out(n);
  const auto sigma = [&](int i) { return i < s.n_exc ? 1.0 : -1.0; };

  write_string(file, "version", kNirVersion);
  const Handle node = group(file, "node");
  write_string(node.id(), "type", "NIRGraph");
  {
    const Handle nodes = group(node.id(), "nodes");
    const hid_t ns = nodes.id();
    write_io(ns, "input", "Input", din);
    std::vector<float> w_in(static_cast<size_t>(n) * static_cast<size_t>(din));
    for (int i = 0; i < din; ++i)
      for (int j = 0; j < n; ++j)
        w_in[static_cast<size_t>(j) * static_cast<size_t>(din) + static_cast<size_t>(i)] =
            static_cast<float>(r_in * (static_cast<int>(th.in.get(i, j)) - static_cast<int>(th.in.get(din + i, j))));
    write_linear(ns, "input_projection", w_in, n, din);
    std::vector<float> w_h(static_cast<size_t>(n) * static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        if (th.rec.get(i, j))
          w_h[static_cast<size_t>(j) * static_cast<size_t>(n) + static_cast<size_t>(i)] =
              static_cast<float>(r_h * sigma(i));
    write_linear(ns, "recurrent", w_h, n, n);
    // exponential Euler gives i += (1 - α)·r·input; r = 1/(1 - α_syn) makes that i += R·diff
    write_li(ns, "synapse", n, k.tau_syn_ms, 1.0 / (1.0 - k.alpha_syn()));
    {
      const Handle g = group(ns, "lif");
      write_string(g.id(), "type", "LIF");
      write_f32(g.id(), "tau", filled(n, k.tau_m_ms));
      write_f32(g.id(), "r", filled(n, 1));
      write_f32(g.id(), "v_leak", filled(n, 0));
      write_f32(g.id(), "v_threshold", filled(n, 1));
      write_f32(g.id(), "v_reset", filled(n, 0));
    }
    {
      const Handle g = group(ns, "sign");
      write_string(g.id(), "type", "Scale");
      std::vector<float> sc(static_cast<size_t>(n));
      for (int i = 0; i < n; ++i) sc[static_cast<size_t>(i)] = static_cast<float>(sigma(i));
      write_f32(g.id(), "scale", sc);
    }
    // rate += (1 - α_out)/dt · σ·s: r = 1/dt (per ms)
    write_li(ns, "readout", n, k.tau_out_ms, 1.0 / k.dt_ms);
    std::vector<float> w_out(static_cast<size_t>(dout) * static_cast<size_t>(n));
    for (int j = 0; j < n; ++j)
      for (int c = 0; c < dout; ++c)
        if (th.out.get(j, c))
          w_out[static_cast<size_t>(c) * static_cast<size_t>(n) + static_cast<size_t>(j)] = static_cast<float>(r_out);
    write_linear(ns, "output_projection", w_out, dout, n);
    write_io(ns, "output", "Output", dout);
  }
  {
    const char* const edges[][2] = {{"input", "input_projection"},
                                    {"input_projection", "lif"},
                                    {"lif", "recurrent"},
                                    {"recurrent", "synapse"},
                                    {"synapse", "lif"},
                                    {"lif", "sign"},
                                    {"sign", "readout"},
                                    {"readout", "output_projection"},
                                    {"output_projection", "output"}};
    const Handle t = string_type();
    constexpr size_t kEdges = sizeof edges / sizeof edges[0];
    write_data(node.id(), "edges", t.id(), t.id(), {kEdges, 2}, edges);
  }
  const Handle meta = group(node.id(), "metadata");
  const hid_t m = meta.id();
  write_string(m, "ecsim.format", "ecsim-nir");
  write_i64(m, "ecsim.format_version", kFormatVersion);
  write_string(m, "ecsim.method", "ec");
  write_string(m, "ecsim.task", img.task);
  write_i64(m, "ecsim.generation", static_cast<int64_t>(img.generation));
  write_string(m, "ecsim.discretization", kDiscretization);
  write_string(m, "ecsim.time_unit", "ms (every tau, dt_ms; r of readout is per ms)");
  write_f64(m, "ecsim.dt_ms", k.dt_ms);
  write_i64(m, "ecsim.inner_steps", s.inner_steps);
  write_i64(m, "ecsim.n_neurons", n);
  write_i64(m, "ecsim.n_exc", s.n_exc);
  write_f64(m, "ecsim.action_clamp", std::vector<double>{-1.0, 1.0});
  write_f64(m, "ecsim.tau_syn_ms", k.tau_syn_ms);
  write_f64(m, "ecsim.tau_m_ms", k.tau_m_ms);
  write_f64(m, "ecsim.tau_out_ms", k.tau_out_ms);
  write_f64(m, "ecsim.k_in", k.k_in);
  write_f64(m, "ecsim.k_h", k.k_h);
  write_f64(m, "ecsim.k_out", k.k_out);
  write_f64(m, "ecsim.r_in", r_in);
  write_f64(m, "ecsim.r_h", r_h);
  write_f64(m, "ecsim.r_out", r_out);
  std::vector<double> std_dev(img.norm.size());
  for (size_t i = 0; i < std_dev.size(); ++i) std_dev[i] = img.norm.std(i);
  write_f64(m, "ecsim.normalizer.mean", img.norm.mean());
  write_f64(m, "ecsim.normalizer.std", std_dev);
  write_i64(m, "ecsim.normalizer.count", static_cast<int64_t>(img.norm.count()));
  // the statistics themselves, so that the import restores the normalizer bit for bit
  write_f64(m, "ecsim.normalizer.summed_variance", img.norm.summed_variance());
  write_string(m, "ecsim.normalizer.rule",
               "input = (float32(obs) - float32(mean)) / float32(std), in float32, no clipping");
  write_string(m, "ecsim.arithmetic", img.net.arith == ref::Arith::kFixed ? "fixed" : "float");
  fields::for_each_leaf(d.arith, [&](const std::string& path, const fields::Info&, const auto& v) {
    write_i64(m, "ecsim.arith." + path, static_cast<int64_t>(v));
  });
  write_bits(m, "ecsim.K_in", th.in);
  write_bits(m, "ecsim.K_h", th.rec);
  write_bits(m, "ecsim.K_out", th.out);
}

// the data reach the disk before the rename makes them the file
void sync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("NIR export: cannot reopen " + path, kFix);
  const int r = ::fsync(fd);
  ::close(fd);
  if (r != 0) throw Error("NIR export: cannot sync " + path, kFix);
}

// the rename reaches the disk too (best effort, as io::write_file_atomic does)
void sync_parent(const std::string& path) {
  const std::string parent = std::filesystem::path(path).parent_path().string();
  const int fd = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void export_nir(const eval::PolicyImage& img, const std::string& path) {
  if (img.net.method != eval::Method::kEC)
    throw Error(
        "NIR export takes an EC policy; this one was trained with " + std::string(eval::method_name(img.net.method)),
        "export a run of `ecsim train --method ec` (ES's dense float weights have no 1-bit graph here)");
  io::check_output_path(path);
  const std::string tmp = io::temporary_name(path);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become ecsim::Error, not HDF5's stack dump
  try {
    {
      Handle file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, "create " + tmp);
      write_graph(file.id(), img);
      check(H5Fflush(file.id(), H5F_SCOPE_GLOBAL), "flush " + tmp);
    }
    sync_file(tmp);
    std::filesystem::rename(tmp, path);
    sync_parent(path);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw;
  }
}

}  // namespace ecsim::nir
