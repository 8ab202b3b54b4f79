// `ecsim export RUN --nir FILE` as a user runs it, on a tiny trained run: the graph's weights read
// back with the HDF5 C API against θ* and the documented scales (docs/nir.md), the layout checked
// by check_layout.py as NIR's reference reader expects it, and bad input refused with nothing written.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../common/cli.h"
#include "eval/policy_image.h"
#include "reference/theta.h"

namespace ecsim {
namespace {

namespace fs = std::filesystem;
using test::run_ecsim;

const char* const kTrain =
    " --task hopper --neurons 64 --pop 8 --generations 2 --max-steps 60 --eval-episodes 2 --no-plot --progress never"
    " --threads 1 --out ";

class Nir : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_dir = new test::ScratchDir("nir");
    const test::CliResult t = run_ecsim("train" + std::string(kTrain) + (*s_dir / "run").string());
    ASSERT_EQ(t.code, 0) << t.output;
    const test::CliResult e = run_ecsim({"export", (*s_dir / "run").string(), "--nir", nir_path()});
    ASSERT_EQ(e.code, 0) << e.output;
  }
  static void TearDownTestSuite() {
    delete s_dir;
    s_dir = nullptr;
  }
  static std::string nir_path() { return (*s_dir / "policy.nir").string(); }
  static test::ScratchDir* s_dir;
};
test::ScratchDir* Nir::s_dir = nullptr;

// a float dataset read whole; dims gets its shape
std::vector<float> read_floats(hid_t file, const std::string& name, std::vector<hsize_t>& dims) {
  const hid_t set = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  EXPECT_GE(set, 0) << name;
  if (set < 0) return {};
  const hid_t space = H5Dget_space(set);
  dims.assign(static_cast<size_t>(H5Sget_simple_extent_ndims(space)), 0);
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  std::vector<float> v(static_cast<size_t>(H5Sget_simple_extent_npoints(space)));
  EXPECT_GE(H5Dread(set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), 0) << name;
  H5Sclose(space);
  H5Dclose(set);
  return v;
}

std::vector<uint8_t> read_bytes(hid_t file, const std::string& name) {
  const hid_t set = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  EXPECT_GE(set, 0) << name;
  if (set < 0) return {};
  const hid_t space = H5Dget_space(set);
  std::vector<uint8_t> v(static_cast<size_t>(H5Sget_simple_extent_npoints(space)));
  EXPECT_GE(H5Dread(set, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), 0) << name;
  H5Sclose(space);
  H5Dclose(set);
  return v;
}

std::string read_string(hid_t file, const std::string& name) {
  const hid_t set = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  EXPECT_GE(set, 0) << name;
  if (set < 0) return {};
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  char* p = nullptr;
  EXPECT_GE(H5Dread(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &p), 0) << name;
  std::string s = p ? p : "";
  H5free_memory(p);
  H5Tclose(type);
  H5Dclose(set);
  return s;
}

TEST_F(Nir, WeightsAreThetaTimesTheDocumentedScales) {
  const eval::PolicyImage img = eval::load_policy_image((*s_dir / "run").string());
  const ref::NetworkShape& s = img.net.desc.shape;
  const ref::NetworkConstants& k = img.net.desc.consts;
  const ref::Theta th = ref::threshold_theta(s, img.params);
  const int n = s.n_neurons, din = s.d_in, dout = s.d_out;
  const hid_t f = H5Fopen(nir_path().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  EXPECT_EQ(read_string(f, "version"), "1.0.7");
  EXPECT_EQ(read_string(f, "node/type"), "NIRGraph");
  const std::string nodes = "node/nodes/";
  std::vector<hsize_t> dims;

  const std::vector<float> w_in = read_floats(f, nodes + "input_projection/weight", dims);
  ASSERT_EQ(dims, (std::vector<hsize_t>{hsize_t(n), hsize_t(din)}));
  int nonzero = 0;
  for (int i = 0; i < din; ++i)
    for (int j = 0; j < n; ++j) {
      const int diff = int(th.in.get(i, j)) - int(th.in.get(din + i, j));
      const float w = w_in[size_t(j) * size_t(din) + size_t(i)];
      EXPECT_EQ(w, static_cast<float>(k.r_in(din) * diff)) << i << " " << j;
      nonzero += w != 0;
    }
  EXPECT_GT(nonzero, 0);

  const std::vector<float> w_h = read_floats(f, nodes + "recurrent/weight", dims);
  ASSERT_EQ(dims, (std::vector<hsize_t>{hsize_t(n), hsize_t(n)}));
  nonzero = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const double sigma = i < s.n_exc ? 1 : -1;
      const float w = w_h[size_t(j) * size_t(n) + size_t(i)];
      EXPECT_EQ(w, th.rec.get(i, j) ? static_cast<float>(k.r_h(n) * sigma) : 0.0f) << i << " " << j;
      nonzero += w != 0;
    }
  EXPECT_EQ(nonzero, th.rec.count_ones());
  EXPECT_GT(nonzero, 0);

  const std::vector<float> w_out = read_floats(f, nodes + "output_projection/weight", dims);
  ASSERT_EQ(dims, (std::vector<hsize_t>{hsize_t(dout), hsize_t(n)}));
  for (int j = 0; j < n; ++j)
    for (int c = 0; c < dout; ++c)
      EXPECT_EQ(w_out[size_t(c) * size_t(n) + size_t(j)], th.out.get(j, c) ? static_cast<float>(k.r_out(n)) : 0.0f);

  // the raw bits, for a lossless round trip
  const std::vector<uint8_t> kin = read_bytes(f, "node/metadata/ecsim.K_in");
  ASSERT_EQ(kin.size(), size_t(2 * din * n));
  for (int r = 0; r < 2 * din; ++r)
    for (int c = 0; c < n; ++c) EXPECT_EQ(kin[size_t(r) * size_t(n) + size_t(c)], th.in.get(r, c));
  const std::vector<uint8_t> kh = read_bytes(f, "node/metadata/ecsim.K_h");
  ASSERT_EQ(kh.size(), size_t(n * n));
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c) EXPECT_EQ(kh[size_t(r) * size_t(n) + size_t(c)], th.rec.get(r, c));

  // exponential Euler: x += (1 - e^{-dt/τ})·r·input equals ecsim's update with these r
  const auto all = [&](const std::string& name, double v) {
    const std::vector<float> p = read_floats(f, nodes + name, dims);
    ASSERT_EQ(p.size(), size_t(n)) << name;
    for (float x : p) EXPECT_EQ(x, static_cast<float>(v)) << name;
  };
  all("synapse/tau", k.tau_syn_ms);
  all("synapse/r", 1 / (1 - k.alpha_syn()));
  all("lif/tau", k.tau_m_ms);
  all("lif/r", 1);
  all("lif/v_threshold", 1);
  all("lif/v_reset", 0);
  all("readout/tau", k.tau_out_ms);
  all("readout/r", 1 / k.dt_ms);
  const std::vector<float> sign = read_floats(f, nodes + "sign/scale", dims);
  ASSERT_EQ(sign.size(), size_t(n));
  for (int i = 0; i < n; ++i) EXPECT_EQ(sign[size_t(i)], i < s.n_exc ? 1.0f : -1.0f);
  EXPECT_EQ(read_string(f, "node/metadata/ecsim.task"), "hopper");
  EXPECT_NE(read_string(f, "node/metadata/ecsim.discretization").find("Exponential Euler"), std::string::npos);
  H5Fclose(f);
}

// the image directory and its policy.json give the same file as the run, byte for byte (no time
// stamps), and a second export replaces the first
TEST_F(Nir, SamePolicyGivesTheSameBytes) {
  const std::string first = test::read_text(nir_path());
  ASSERT_FALSE(first.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // HDF5's stamps count seconds
  for (const char* src : {"run/policy", "run/policy/policy.json"}) {
    const std::string out = (*s_dir / "again.nir").string();
    const test::CliResult r = run_ecsim({"export", (*s_dir / src).string(), "--nir", out});
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_TRUE(test::read_text(out) == first) << src;
  }
}

TEST_F(Nir, LayoutAsTheReferenceReaderExpects) {
  const std::string py = test::python_with_h5py();
  if (py.empty()) GTEST_SKIP() << "no python3 with h5py and numpy (Debian: python3-h5py)";
  const test::CliResult r = test::run_program({py, ECSIM_NIR_CHECK_LAYOUT, nir_path()});
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("9 nodes, 9 edges"), std::string::npos) << r.output;
}

TEST(NirExportErrors, BadInputExits2AndWritesNothing) {
  const test::ScratchDir dir("nir_errors");
  const test::CliResult t = run_ecsim("train --method es" + std::string(kTrain) + (dir / "es").string());
  ASSERT_EQ(t.code, 0) << t.output;
  const std::set<std::string> before = test::dir_entries(dir.path());
  const test::CliResult es = run_ecsim({"export", (dir / "es").string(), "--nir", (dir / "es.nir").string()});
  EXPECT_EQ(es.code, 2) << es.output;
  EXPECT_NE(es.output.find("EC policy"), std::string::npos) << es.output;
  const test::CliResult missing = run_ecsim({"export", (dir / "nothing").string(), "--nir", (dir / "m.nir").string()});
  EXPECT_EQ(missing.code, 2) << missing.output;
  const test::CliResult no_dir =
      run_ecsim({"export", (dir / "es").string(), "--nir", (dir / "absent" / "p.nir").string()});
  EXPECT_EQ(no_dir.code, 2) << no_dir.output;
  EXPECT_NE(no_dir.output.find("--nir"), std::string::npos) << no_dir.output;
  const test::CliResult no_flag = run_ecsim({"export", (dir / "es").string()});
  EXPECT_EQ(no_flag.code, 2) << no_flag.output;
  fs::create_directory(dir / "a_dir.nir");
  const test::CliResult onto_dir = run_ecsim({"export", (dir / "es").string(), "--nir", (dir / "a_dir.nir").string()});
  EXPECT_EQ(onto_dir.code, 2) << onto_dir.output;
  fs::remove(dir / "a_dir.nir");
  EXPECT_EQ(test::dir_entries(dir.path()), before);
}

}  // namespace
}  // namespace ecsim
