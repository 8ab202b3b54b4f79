// The small Hopper run that the trainer tests share: N = 64 (32 excitatory), Hopper's 11
// observations and 3 actions, population 8, 2 eval starts, episodes cut at max_steps.
#pragma once

#include "reference/network_desc.h"
#include "train/config.h"

namespace ecsim::test {

inline train::TrainConfig small_train_config(int max_steps) {
  train::TrainConfig c;
  ref::NetworkShape s;
  s.n_neurons = 64;
  s.n_exc = 32;
  s.d_in = 11;
  s.d_out = 3;
  c.net.desc = ref::make_network_desc(s);
  c.pop = 8;
  c.max_steps = max_steps;
  c.eval_episodes = 2;
  return c;
}

}  // namespace ecsim::test
