// Running observation normalization, as the EC authors' code does it (brax running_statistics);
// docs/tasks.md "Observation normalization".
//
//   state   count, mean[n], summed_variance[n]; initially 0, 0, 0 (std reads as 1)
//   update  batched Welford: count += B; mean += sum(x - mean_old) / count;
//           summed_variance += sum((x - mean_old) * (x - mean_new))
//   std     clip(sqrt(max(summed_variance, 0) / count), 1e-6, 1e6)
//   normalize  (x - mean) / std in float32, no clipping
//
// Statistics accumulate in double (brax keeps float32); normalize() rounds x, mean and std to
// float32 and divides in float32, as the reference does.
//
// merge() combines statistics of disjoint data (Chan et al. parallel update), so threads and MPI
// ranks can each keep a normalizer and combine them. The result equals a sequential update up to
// rounding; it is deterministic: the same inputs merged in the same order give identical bits.
// Merge in a fixed order (e.g. by rank, or a fixed tree) to keep runs reproducible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ecsim::tasks {

class RunningNormalizer {
 public:
  static constexpr double kStdMin = 1e-6;
  static constexpr double kStdMax = 1e6;
  static constexpr uint32_t kFormatVersion = 1;

  RunningNormalizer() = default;
  explicit RunningNormalizer(size_t size);

  size_t size() const { return m_mean.size(); }
  uint64_t count() const { return m_count; }
  const std::vector<double>& mean() const { return m_mean; }
  const std::vector<double>& summed_variance() const { return m_summed_var; }
  double std(size_t i) const;  // clipped; 1 before any update (brax's init_state)

  // one observation of size() values
  void update(const double* x) { update(x, 1); }
  // a batch of `rows` observations, row-major (rows x size()); one batched Welford step
  void update(const double* batch, size_t rows);

  // this = statistics of (this data) ∪ (other's data); sizes must match (throws ecsim::Error)
  void merge(const RunningNormalizer& other);

  // out[i] = (float(x[i]) - float(mean[i])) / float(std[i]), float32, no clipping
  void normalize(const double* x, float* out) const;
  void normalize(const float* x, float* out) const;

  // Checkpoint blobs. Binary: "ECNORM\0\0", u32 version, u32 reserved, u64 size, u64 count, then
  // mean[size] and summed_variance[size] as IEEE-754 doubles, all little-endian; bit-exact.
  std::string to_binary() const;
  static RunningNormalizer from_binary(const std::string& blob);
  // JSON: {"format":"ecsim-normalizer","version":1,"size":n,"count":c,"mean":[...],
  // "summed_variance":[...]}; numbers printed round-trip exact.
  std::string to_json() const;
  static RunningNormalizer from_json(const std::string& text);

  // "" for sound statistics, else the first mean that is not finite or summed variance that is
  // not finite and >= 0 (up to rounding), e.g. "mean[3] = nan is not finite"; from_binary and
  // from_json refuse such statistics
  std::string damage() const;

  // exact comparison of count, mean and summed_variance (to_binary() compares bits)
  bool operator==(const RunningNormalizer& o) const = default;

 private:
  void refresh_std();

  uint64_t m_count = 0;
  std::vector<double> m_mean, m_summed_var;
  std::vector<float> m_std32;  // float32 std for normalize(), recomputed after each change
};

}  // namespace ecsim::tasks
