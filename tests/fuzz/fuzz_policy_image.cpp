// libFuzzer target: the policy image manifest (host/eval/policy_image.h load_policy_image). The
// input is policy.json; the files it may name (theta.bin, weights.bin, normalizer.json) are
// written once, valid, for the seeds' network (N = 16, 8 excitatory, d_in = 11, d_out = 3).
#include "common/binio.h"
#include "eval/policy_image.h"
#include "fuzz_common.h"
#include "io/atomic_file.h"
#include "io/network_files.h"
#include "reference/network_desc.h"

namespace {

std::string make_image_dir() {
  const std::string dir = ecsim::fuzz::scratch_dir() + "/image";
  std::filesystem::create_directories(dir);
  ecsim::ref::NetworkShape s;
  s.n_neurons = 16;
  s.n_exc = 8;
  s.d_in = 11;
  s.d_out = 3;
  ecsim::io::save_theta(dir + "/theta.bin", s, ecsim::ref::Theta::zeros(s));
  ecsim::eval::NetSpec es;
  es.method = ecsim::eval::Method::kES;
  es.desc = ecsim::ref::make_network_desc(s);
  ecsim::BinWriter w;
  w.bytes("ECSIMW01", 8);
  w.put<uint32_t>(1);
  w.vec(std::vector<float>(static_cast<size_t>(es.param_count()), 0.25f));
  ecsim::io::write_file_atomic(dir + "/weights.bin", w.finish_with_crc());
  ecsim::io::write_file_atomic(dir + "/normalizer.json", ecsim::tasks::RunningNormalizer(11).to_json());
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string dir = make_image_dir();
  (void)dir;
  const std::string path = ecsim::fuzz::write_scratch("image/policy.json", ecsim::fuzz::as_string(data, size));
  ecsim::fuzz::expect_clean([&] { (void)ecsim::eval::load_policy_image(path); });
  return 0;
}
