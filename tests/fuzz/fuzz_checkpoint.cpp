// libFuzzer target: the checkpoint codec (host/train/checkpoint.h decode_checkpoint).
// A checkpoint is decoded against the run's configuration: $ECSIM_FUZZ_TRAIN_CONFIG names the
// config.json of the run that wrote the seed checkpoints (scripts/fuzz.sh sets it); without it,
// the configuration of that tiny run (hopper, N = 2 with 1 excitatory, pop 2) is built here.
#include <boost/json.hpp>

#include <cstdlib>

#include "common/file.h"
#include "fuzz_common.h"
#include "reference/network_desc.h"
#include "train/checkpoint.h"

namespace {

ecsim::train::TrainConfig make_config() {
  if (const char* path = std::getenv("ECSIM_FUZZ_TRAIN_CONFIG"); path && *path)
    return ecsim::train::TrainConfig::from_json(boost::json::parse(ecsim::read_file(path, "run config")), path);
  ecsim::train::TrainConfig c;
  ecsim::ref::NetworkShape s;
  s.n_neurons = 2;
  s.n_exc = 1;
  s.d_in = 11;
  s.d_out = 3;
  c.net.desc = ecsim::ref::make_network_desc(s);
  c.pop = 2;
  c.eval_episodes = 1;
  c.max_steps = 5;
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ecsim::train::TrainConfig cfg = make_config();
  const std::string bytes = ecsim::fuzz::as_string(data, size);
  // as given (the checksum rejects nearly every mutation), then with the checksum made right
  ecsim::fuzz::expect_clean([&] { (void)ecsim::train::decode_checkpoint(bytes, cfg, "fuzz.ckpt"); });
  ecsim::fuzz::expect_clean(
      [&] { (void)ecsim::train::decode_checkpoint(ecsim::fuzz::with_crc(bytes), cfg, "fuzz.ckpt"); });
  return 0;
}
