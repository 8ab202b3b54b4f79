// Summation in numpy's order, so rewards match Gymnasium's np.sum(...) to the last bit.
// numpy reduces a contiguous float64 array with pairwise summation: below 8 values a plain
// loop; up to 128 values eight running partial sums combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))
// followed by the leftover values in order; above 128 it splits at a multiple of 8 and recurses
// (numpy/core/src/umath/loops_utils.h.src, pairwise_sum). Internal header of ecsim_tasks.
#pragma once

#include <cstddef>

namespace ecsim::tasks::detail {

// sum of f(a[0]), ..., f(a[n-1]) in numpy's pairwise order
template <class F>
inline double numpy_sum(const double* a, size_t n, F f) {
  if (n < 8) {
    double res = 0.0;
    for (size_t i = 0; i < n; ++i) res += f(a[i]);
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (size_t j = 0; j < 8; ++j) r[j] = f(a[j]);
    size_t i = 8;
    for (; i < n - (n % 8); i += 8)
      for (size_t j = 0; j < 8; ++j) r[j] += f(a[i + j]);
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += f(a[i]);
    return res;
  }
  size_t n2 = n / 2;
  n2 -= n2 % 8;
  return numpy_sum(a, n2, f) + numpy_sum(a + n2, n - n2, f);
}

inline double numpy_sum(const double* a, size_t n) {
  return numpy_sum(a, n, [](double x) { return x; });
}

// np.sum(np.square(a)): numpy squares into a temporary, then sums it pairwise
inline double numpy_sum_squares(const double* a, size_t n) {
  return numpy_sum(a, n, [](double x) { return x * x; });
}

}  // namespace ecsim::tasks::detail
