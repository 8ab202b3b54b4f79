// θ files and ρ files: round trip, and every kind of damage gets a clear error.
#include <gtest/gtest.h>
#include <unistd.h>

#include "cli_util.h"
#include "common/binio.h"
#include "common/error.h"
#include "io/csv.h"
#include "io/network_files.h"
#include "reference/network.h"

using namespace ecsim;

namespace {

ref::NetworkShape small_shape() {
  ref::NetworkShape s;
  s.n_neurons = 40;
  s.n_exc = 20;
  s.d_in = 3;
  s.d_out = 2;
  return s;
}

void expect_error(const std::function<void()>& f, const std::string& needle) {
  try {
    f();
    FAIL() << "expected an error mentioning '" << needle << "'";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(ThetaFile, RoundTripsExactly) {
  const test::ScratchDir dir("theta");
  const ref::NetworkShape s = small_shape();
  std::vector<float> rho(static_cast<size_t>(s.total_synapses()), 0.37f);
  const ref::Theta t = ref::sample_theta(s, 10, ref::quantize_rho(rho, 10), 5);
  io::save_theta((dir / "t.bin").string(), s, t);
  ref::NetworkShape got;
  const ref::Theta back = io::load_theta((dir / "t.bin").string(), &got);
  EXPECT_EQ(back, t);
  EXPECT_EQ(got.n_neurons, 40);
  EXPECT_EQ(got.n_exc, 20);
  EXPECT_EQ(got.d_in, 3);
  EXPECT_EQ(got.d_out, 2);
}

TEST(ThetaFile, DamageIsDetected) {
  const test::ScratchDir dir("theta_bad");
  const ref::NetworkShape s = small_shape();
  const ref::Theta t = ref::Theta::zeros(s);
  const std::string path = (dir / "t.bin").string();
  io::save_theta(path, s, t);
  std::string bytes = test::read_text(path);
  ref::NetworkShape out;

  std::string flipped = bytes;
  flipped[40] = static_cast<char>(flipped[40] ^ 0x10);
  test::write_text(dir / "flip.bin", flipped);
  expect_error([&] { io::load_theta((dir / "flip.bin").string(), &out); }, "CRC");

  test::write_text(dir / "short.bin", bytes.substr(0, bytes.size() - 3));
  expect_error([&] { io::load_theta((dir / "short.bin").string(), &out); }, "truncated");

  test::write_text(dir / "magic.bin", "hello, this is not a theta file at all.........");
  expect_error([&] { io::load_theta((dir / "magic.bin").string(), &out); }, "not an ecsim θ file");

  expect_error([&] { io::load_theta((dir / "missing.bin").string(), &out); }, "cannot open");
}

TEST(RhoFile, ReadsPlainAndCsvAndRejectsBadValues) {
  const test::ScratchDir dir("rho");
  test::write_text(dir / "plain.txt", "# comment\n0.5\n0.25\n1\n");
  EXPECT_EQ(io::load_rho_text((dir / "plain.txt").string(), 3), (std::vector<float>{0.5f, 0.25f, 1.0f}));
  test::write_text(dir / "csv.csv", "index,rho\n0,0.1\n1,0.9\n");
  EXPECT_EQ(io::load_rho_text((dir / "csv.csv").string(), 2), (std::vector<float>{0.1f, 0.9f}));
  expect_error([&] { io::load_rho_text((dir / "plain.txt").string(), 4); }, "has 3 probabilities");
  test::write_text(dir / "range.txt", "0.5\n1.5\n");
  expect_error([&] { io::load_rho_text((dir / "range.txt").string(), 2); }, "not in [0, 1]");
  test::write_text(dir / "word.txt", "0.5\nabc\n");
  expect_error([&] { io::load_rho_text((dir / "word.txt").string(), 2); }, "is not a number");
}

TEST(Csv, MalformedTracesNameLineAndColumn) {
  const test::ScratchDir dir("csv");
  test::write_text(dir / "ragged.csv", "obs_0,obs_1\n1,2\n3\n");
  expect_error([&] { io::read_numeric_csv((dir / "ragged.csv").string()); }, ":3: 1 values but the header has 2");
  test::write_text(dir / "text.csv", "obs_0,obs_1\n1,x2\n");
  expect_error([&] { io::read_numeric_csv((dir / "text.csv").string()); }, "column 'obs_1': 'x2' is not a number");
  test::write_text(dir / "empty.csv", "");
  expect_error([&] { io::read_numeric_csv((dir / "empty.csv").string()); }, "empty");
  test::write_text(dir / "nan.csv", "obs_0\nnan\n");
  expect_error([&] { io::read_numeric_csv((dir / "nan.csv").string()); }, "NaN");
  EXPECT_NO_THROW(io::read_numeric_csv((dir / "nan.csv").string(), true));
}

TEST(ThetaFile, BytesAreTheDocumentedLayout) {
  const test::ScratchDir dir("theta_layout");
  const ref::NetworkShape s = small_shape();
  ref::Theta t = ref::Theta::zeros(s);
  t.set_global(s, 0, true);
  t.set_global(s, 9, true);
  const std::string path = (dir / "t.bin").string();
  io::save_theta(path, s, t);
  const std::string bytes = test::read_text(path);
  const uint64_t bits = static_cast<uint64_t>(s.total_synapses());
  ASSERT_EQ(bytes.size(), 8 + 4 + 16 + 8 + (bits + 7) / 8 + 4);
  EXPECT_EQ(bytes.substr(0, 8), "ECSIMTH1");
  BinReader r(bytes, "θ file");
  r.pos = 8;
  EXPECT_EQ(r.get<uint32_t>(), 1u);
  EXPECT_EQ(r.get<int32_t>(), 40);
  EXPECT_EQ(r.get<int32_t>(), 20);
  EXPECT_EQ(r.get<int32_t>(), 3);
  EXPECT_EQ(r.get<int32_t>(), 2);
  EXPECT_EQ(r.get<uint64_t>(), bits);
  EXPECT_EQ(static_cast<unsigned char>(bytes[36]), 0x01u);  // bit 0
  EXPECT_EQ(static_cast<unsigned char>(bytes[37]), 0x02u);  // bit 9
  EXPECT_NO_THROW(check_crc(bytes, "θ file"));
}

TEST(NetworkFiles, ADirectoryIsAClearError) {
  const test::ScratchDir dir("network_dir");
  ref::NetworkShape out;
  const std::string d = (dir / "").string();
  expect_error([&] { io::load_theta(d, &out); }, "is a directory");
  expect_error([&] { io::load_rho_text(d, 1); }, "is a directory");
  expect_error([&] { io::read_numeric_csv(d); }, "is a directory");
}
