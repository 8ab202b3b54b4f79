// RunningNormalizer: Welford updates, exact/deterministic merges, std clipping, float32
// normalization and checkpoint blobs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "common/error.h"
#include "tasks/normalizer.h"

namespace ecsim::tasks {
namespace {

constexpr size_t kDim = 5;

// rows x kDim observations with different scales and offsets per column
std::vector<double> data(size_t rows, uint32_t seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> n(0.0, 1.0);
  std::vector<double> x(rows * kDim);
  const double scale[kDim] = {1.0, 1e-3, 50.0, 2.0, 7.0};
  const double offset[kDim] = {0.0, 1.25, -3.0, 100.0, 0.5};
  for (size_t r = 0; r < rows; ++r)
    for (size_t i = 0; i < kDim; ++i) x[r * kDim + i] = offset[i] + scale[i] * n(gen);
  return x;
}

// two-pass mean and population variance of column i
void two_pass(const std::vector<double>& x, size_t i, double& mean, double& var) {
  const size_t rows = x.size() / kDim;
  mean = 0;
  for (size_t r = 0; r < rows; ++r) mean += x[r * kDim + i];
  mean /= static_cast<double>(rows);
  var = 0;
  for (size_t r = 0; r < rows; ++r) var += (x[r * kDim + i] - mean) * (x[r * kDim + i] - mean);
  var /= static_cast<double>(rows);
}

TEST(TasksNormalizer, InitialStateIsIdentityScale) {
  RunningNormalizer n(kDim);
  EXPECT_EQ(n.count(), 0u);
  for (size_t i = 0; i < kDim; ++i) EXPECT_EQ(n.std(i), 1.0);
  const double x[kDim] = {1.5, -2, 0, 3, 4};
  float out[kDim];
  n.normalize(x, out);
  for (size_t i = 0; i < kDim; ++i) EXPECT_EQ(out[i], static_cast<float>(x[i]));
}

TEST(TasksNormalizer, WelfordMatchesTwoPassStatistics) {
  const auto x = data(1000, 1);
  RunningNormalizer one(kDim), batched(kDim);
  for (size_t r = 0; r < 1000; ++r) one.update(&x[r * kDim]);
  for (size_t r = 0; r < 1000; r += 100) batched.update(&x[r * kDim], 100);
  for (size_t i = 0; i < kDim; ++i) {
    double mean, var;
    two_pass(x, i, mean, var);
    for (const RunningNormalizer* n : {&one, &batched}) {
      EXPECT_NEAR(n->mean()[i], mean, 1e-12 * std::max(1.0, std::fabs(mean)));
      EXPECT_NEAR(n->std(i), std::sqrt(var), 1e-10 * std::sqrt(var));
    }
  }
  EXPECT_EQ(batched.count(), 1000u);
}

TEST(TasksNormalizer, BatchUpdateFollowsTheReferenceFormula) {
  // count += B; mean += sum(x - mean_old) / count; summed_var += sum((x - mean_old)(x - mean_new))
  RunningNormalizer n(1);
  const double b1[3] = {1, 2, 6};
  n.update(b1, 3);
  EXPECT_EQ(n.mean()[0], 3.0);
  EXPECT_EQ(n.summed_variance()[0], 14.0);  // (1-0)(1-3) + (2-0)(2-3) + (6-0)(6-3) = -2 - 2 + 18
  EXPECT_EQ(n.std(0), std::sqrt(14.0 / 3.0));
}

TEST(TasksNormalizer, MergeOfHalvesEqualsSequentialAndIsBitReproducible) {
  // column 1 is 1.25 + 1e-3 N(0,1), like a torso height: the reference's batched update (from
  // mean 0) cancels ~3 digits there, so the stated tolerance is 1e-9 relative; the other columns
  // agree to ~1e-15
  constexpr double kRel = 1e-9;
  const auto x = data(2000, 2);
  RunningNormalizer seq(kDim);  // sequential: one observation at a time
  for (size_t r = 0; r < 2000; ++r) seq.update(&x[r * kDim]);
  // four "ranks", each with its own quarter, updated in batches of different sizes
  const auto part = [&](size_t begin, size_t rows, size_t batch) {
    RunningNormalizer p(kDim);
    for (size_t r = begin; r < begin + rows; r += batch) p.update(&x[r * kDim], std::min(batch, begin + rows - r));
    return p;
  };
  const auto merged = [&] {
    RunningNormalizer a = part(0, 500, 7), b = part(500, 500, 100), c = part(1000, 700, 1), d = part(1700, 300, 300);
    a.merge(b);  // fixed order: rank 0 <- 1, 2 <- 3, then 0 <- 2
    c.merge(d);
    a.merge(c);
    return a;
  };
  const RunningNormalizer m1 = merged(), m2 = merged();
  EXPECT_EQ(m1.count(), 2000u);
  for (size_t i = 0; i < kDim; ++i) {
    EXPECT_NEAR(m1.mean()[i], seq.mean()[i], 1e-12 * std::max(1.0, std::fabs(seq.mean()[i])));
    EXPECT_NEAR(m1.summed_variance()[i], seq.summed_variance()[i], kRel * seq.summed_variance()[i]);
  }
  EXPECT_EQ(m1.to_binary(), m2.to_binary()) << "same partition, same order: identical bits";

  // two halves, as the issue states it
  RunningNormalizer h1(kDim), h2(kDim);
  h1.update(x.data(), 1000);
  h2.update(x.data() + 1000 * kDim, 1000);
  h1.merge(h2);
  for (size_t i = 0; i < kDim; ++i) {
    EXPECT_NEAR(h1.mean()[i], seq.mean()[i], 1e-12 * std::max(1.0, std::fabs(seq.mean()[i])));
    EXPECT_NEAR(h1.std(i), seq.std(i), kRel * seq.std(i));
  }

  // merging with an empty normalizer changes nothing, either way round
  RunningNormalizer empty(kDim), copy = seq;
  copy.merge(empty);
  EXPECT_EQ(copy.to_binary(), seq.to_binary());
  empty.merge(seq);
  EXPECT_EQ(empty.to_binary(), seq.to_binary());

  RunningNormalizer other(kDim + 1);
  EXPECT_THROW(copy.merge(other), Error);
}

TEST(TasksNormalizer, StdIsClippedTo1eMinus6And1e6) {
  RunningNormalizer n(2);
  const double rows[4] = {3.0, -1e9, 3.0, 1e9};
  n.update(rows, 2);
  EXPECT_EQ(n.std(0), 1e-6);  // constant column
  EXPECT_EQ(n.std(1), 1e6);   // std 1e9 clipped
}

TEST(TasksNormalizer, NormalizeIsFloat32WithoutClipping) {
  RunningNormalizer n(3);
  const auto x = data(50, 3);
  std::vector<double> three(50 * 3);
  for (size_t r = 0; r < 50; ++r)
    for (size_t i = 0; i < 3; ++i) three[r * 3 + i] = x[r * kDim + i];
  n.update(three.data(), 50);
  const double probe[3] = {1e7, -1e7, 0.1};  // far outside: no clipping
  float out[3];
  n.normalize(probe, out);
  for (size_t i = 0; i < 3; ++i) {
    const float want = (static_cast<float>(probe[i]) - static_cast<float>(n.mean()[i])) / static_cast<float>(n.std(i));
    EXPECT_EQ(out[i], want);
  }
  EXPECT_GT(std::fabs(out[0]), 1e5f);
  const float pf[3] = {1e7f, -1e7f, 0.1f};
  float outf[3];
  n.normalize(pf, outf);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(outf[i], out[i]);
}

TEST(TasksNormalizer, BinaryAndJsonBlobsRoundTripBitForBit) {
  RunningNormalizer n(kDim);
  const auto x = data(300, 4);
  n.update(x.data(), 300);
  const RunningNormalizer b = RunningNormalizer::from_binary(n.to_binary());
  EXPECT_EQ(b.to_binary(), n.to_binary());
  EXPECT_EQ(b, n);
  const RunningNormalizer j = RunningNormalizer::from_json(n.to_json());
  EXPECT_EQ(j.to_binary(), n.to_binary());
  EXPECT_NE(n.to_json().find("\"version\":1"), std::string::npos) << n.to_json();
  EXPECT_EQ(n.to_binary().size(), 32 + 16 * kDim);

  // damaged or foreign blobs are ecsim::Errors
  std::string blob = n.to_binary();
  EXPECT_THROW(RunningNormalizer::from_binary(blob.substr(0, blob.size() - 1)), Error);
  std::string v2 = blob;
  v2[8] = 2;  // version field
  EXPECT_THROW(RunningNormalizer::from_binary(v2), Error);
  EXPECT_THROW(RunningNormalizer::from_binary("hello"), Error);
  EXPECT_THROW(RunningNormalizer::from_json("{\"format\":\"ecsim-normalizer\",\"version\":9}"), Error);
  EXPECT_THROW(RunningNormalizer::from_json("not json"), Error);

  // a damaged size is an Error before anything is allocated (an ASan report in tests/fuzz/fuzz_normalizer)
  std::string huge = blob;
  const uint64_t wraps = uint64_t{1} << 60;  // 16 * size wraps around to 0
  std::memcpy(huge.data() + 16, &wraps, sizeof(wraps));
  huge.resize(32);
  try {
    RunningNormalizer::from_binary(huge);
    ADD_FAILURE() << "a size of 2^60 loaded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("size 1152921504606846976 needs more"), std::string::npos) << e.what();
  }
  try {
    RunningNormalizer::from_json(
        R"({"format":"ecsim-normalizer","version":1,"size":1000000000000,"count":0,"mean":[],"summed_variance":[]})");
    ADD_FAILURE() << "a size of 10^12 loaded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("must have \"size\" (1000000000000) entries"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ecsim::tasks
