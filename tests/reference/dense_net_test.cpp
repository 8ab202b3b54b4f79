// The float32 dense RSNN (ES-RSNN datapath): dense and event-driven forms give the same bits,
// because the rows the event form skips add exact zeros.
#include <gtest/gtest.h>

#include "reference/dense_net.h"
#include "test_util.h"

using namespace ecsim;
using namespace ecsim::ref;

TEST(DenseNet, DenseAndEventFormsAgreeExactly) {
  for (int n : {256, 80}) {  // 80: a partial register tile
    const NetworkDesc d = test::desc_for(n, n / 2, 11, 3);
    const DenseFloatNet net = DenseFloatNet::from_theta(d, test::sampled_theta(d, 0.5f, 4));
    DenseFloatState a, b;
    reset(net, a, 5);
    reset(net, b, 5);
    const auto obs = test::normal_obs(11 * 30, 6, 2.0f);
    for (int e = 0; e < 30; ++e) {
      float x[3], y[3];
      step(net, a, obs.data() + 11 * e, x, DenseMode::kDense);
      step(net, b, obs.data() + 11 * e, y, DenseMode::kEvent);
      for (int k = 0; k < 3; ++k) ASSERT_EQ(x[k], y[k]) << "N=" << n << " step " << e;
    }
    EXPECT_EQ(a.spikes, b.spikes);
    EXPECT_GT(a.spikes, 0u) << "a silent network tests nothing";
    EXPECT_EQ(a.v, b.v);
  }
}

TEST(DenseNet, FollowsTheConnSnnFloatEquations) {
  // from_theta folds signs and scales into the weights; the first inner steps must match the
  // ConnSNN float arithmetic closely (summation order differs, so not bit for bit)
  const NetworkDesc d = test::desc_for(256, 128, 11, 3, 1);
  const Theta t = test::sampled_theta(d, 0.5f, 8);
  const DenseFloatNet dn = DenseFloatNet::from_theta(d, t);
  const CompiledNet cn(d, t);
  DenseFloatState ds;
  FloatState fs;
  reset(dn, ds, 9);
  reset(cn, fs, 9);
  const auto obs = test::normal_obs(11, 10);
  float a[3], b[3];
  step(dn, ds, obs.data(), a, DenseMode::kDense);
  step(cn, fs, obs.data(), b);
  for (size_t j = 0; j < 256; ++j) EXPECT_NEAR(ds.v[j], fs.v[j], 1e-5f) << j;
}
