#include "tasks/normalizer.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <boost/json.hpp>

#include "common/error.h"

namespace ecsim::tasks {

static_assert(std::endian::native == std::endian::little, "the binary blob format assumes little-endian");

RunningNormalizer::RunningNormalizer(size_t size) : m_mean(size, 0.0), m_summed_var(size, 0.0), m_std32(size, 1.0f) {}

double RunningNormalizer::std(size_t i) const {
  if (m_count == 0) return 1.0;
  const double v = std::sqrt(std::max(m_summed_var[i], 0.0) / static_cast<double>(m_count));
  return std::clamp(v, kStdMin, kStdMax);
}

void RunningNormalizer::refresh_std() {
  for (size_t i = 0; i < size(); ++i) m_std32[i] = static_cast<float>(std(i));
}

void RunningNormalizer::update(const double* batch, size_t rows) {
  if (rows == 0) return;
  const size_t n = size();
  m_count += rows;
  const double c = static_cast<double>(m_count);
  for (size_t i = 0; i < n; ++i) {
    // mean += sum(x - mean_old) / count
    const double old = m_mean[i];
    double diff = 0.0;
    for (size_t r = 0; r < rows; ++r) diff += batch[r * n + i] - old;
    const double mnew = old + diff / c;
    // summed_variance += sum((x - mean_old) * (x - mean_new))
    double var = 0.0;
    for (size_t r = 0; r < rows; ++r) var += (batch[r * n + i] - old) * (batch[r * n + i] - mnew);
    m_mean[i] = mnew;
    m_summed_var[i] += var;
  }
  refresh_std();
}

void RunningNormalizer::merge(const RunningNormalizer& other) {
  if (other.size() != size())
    throw Error("cannot merge normalizer statistics of size " + std::to_string(other.size()) + " into size " +
                    std::to_string(size()),
                "merge normalizers of the same task");
  if (other.m_count == 0) return;
  if (m_count == 0) {
    *this = other;
    return;
  }
  // Chan et al.: n = na + nb, d = mb - ma, mean = ma + d nb / n, M2 = M2a + M2b + d^2 na nb / n
  const double na = static_cast<double>(m_count), nb = static_cast<double>(other.m_count);
  const double n = na + nb;
  for (size_t i = 0; i < size(); ++i) {
    const double d = other.m_mean[i] - m_mean[i];
    m_mean[i] = m_mean[i] + d * (nb / n);
    m_summed_var[i] = (m_summed_var[i] + other.m_summed_var[i]) + d * d * (na * nb / n);
  }
  m_count += other.m_count;
  refresh_std();
}

void RunningNormalizer::normalize(const double* x, float* out) const {
  for (size_t i = 0; i < size(); ++i) out[i] = (static_cast<float>(x[i]) - static_cast<float>(m_mean[i])) / m_std32[i];
}

void RunningNormalizer::normalize(const float* x, float* out) const {
  for (size_t i = 0; i < size(); ++i) out[i] = (x[i] - static_cast<float>(m_mean[i])) / m_std32[i];
}

namespace {

constexpr char kMagic[8] = {'E', 'C', 'N', 'O', 'R', 'M', 0, 0};

template <class T>
void put(std::string& s, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  s.append(b, sizeof(T));
}

template <class T>
T get(const std::string& s, size_t& pos) {
  if (pos + sizeof(T) > s.size())
    throw Error("normalizer blob is truncated (" + std::to_string(s.size()) + " bytes)",
                "the checkpoint file is damaged; use another checkpoint");
  T v;
  std::memcpy(&v, s.data() + pos, sizeof(T));
  pos += sizeof(T);
  return v;
}

void check_version(uint64_t v) {
  if (v != RunningNormalizer::kFormatVersion)
    throw Error("normalizer blob has format version " + std::to_string(v) + ", this ecsim reads version " +
                    std::to_string(RunningNormalizer::kFormatVersion),
                "use the ecsim version that wrote the checkpoint");
}

}  // namespace

std::string RunningNormalizer::damage() const {
  const auto text = [](double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.17g", v);
    return std::string(b);
  };
  const double count = static_cast<double>(m_count);
  for (size_t i = 0; i < size(); ++i) {
    if (!std::isfinite(m_mean[i])) return "mean[" + std::to_string(i) + "] = " + text(m_mean[i]) + " is not finite";
    // Welford's sums can round a hair below 0 (std() reads them as 0); anything beyond rounding is damage
    const double tolerance = 1e-9 * count * (m_mean[i] * m_mean[i] + 1.0);
    if (!std::isfinite(m_summed_var[i]) || m_summed_var[i] < -tolerance)
      return "summed_variance[" + std::to_string(i) + "] = " + text(m_summed_var[i]) + " is not a finite number >= 0";
  }
  return "";
}

std::string RunningNormalizer::to_binary() const {
  std::string s(kMagic, sizeof(kMagic));
  put<uint32_t>(s, kFormatVersion);
  put<uint32_t>(s, 0);
  put<uint64_t>(s, size());
  put<uint64_t>(s, m_count);
  for (double v : m_mean) put(s, v);
  for (double v : m_summed_var) put(s, v);
  return s;
}

RunningNormalizer RunningNormalizer::from_binary(const std::string& blob) {
  if (blob.size() < sizeof(kMagic) || std::memcmp(blob.data(), kMagic, sizeof(kMagic)) != 0)
    throw Error("not an ecsim normalizer blob (bad magic)", "pass the normalizer part of an ecsim checkpoint");
  size_t pos = sizeof(kMagic);
  check_version(get<uint32_t>(blob, pos));
  get<uint32_t>(blob, pos);
  const uint64_t n = get<uint64_t>(blob, pos);
  const uint64_t count = get<uint64_t>(blob, pos);
  // n first: 16 * n wraps around for a damaged size
  const bool fits = n <= (blob.size() - pos) / 16;
  if (!fits || blob.size() != pos + 16 * n)
    throw Error("normalizer blob has " + std::to_string(blob.size()) + " bytes, size " + std::to_string(n) + " needs " +
                    (fits ? std::to_string(pos + 16 * n) : "more"),
                "the checkpoint file is damaged; use another checkpoint");
  RunningNormalizer r(n);
  r.m_count = count;
  for (auto& v : r.m_mean) v = get<double>(blob, pos);
  for (auto& v : r.m_summed_var) v = get<double>(blob, pos);
  if (const std::string d = r.damage(); !d.empty())
    throw Error("normalizer blob: " + d, "the checkpoint file is damaged; use another checkpoint");
  r.refresh_std();
  return r;
}

std::string RunningNormalizer::to_json() const {
  boost::json::object o;
  o["format"] = "ecsim-normalizer";
  o["version"] = kFormatVersion;
  o["size"] = size();
  o["count"] = m_count;
  o["mean"] = boost::json::array(m_mean.begin(), m_mean.end());
  o["summed_variance"] = boost::json::array(m_summed_var.begin(), m_summed_var.end());
  return boost::json::serialize(o);
}

RunningNormalizer RunningNormalizer::from_json(const std::string& text) {
  const auto bad = [](const std::string& what) {
    return Error("normalizer JSON: " + what, "pass the normalizer part of an ecsim checkpoint");
  };
  boost::json::value v;
  try {
    v = boost::json::parse(text);
  } catch (const std::exception& e) {
    throw bad(std::string("not valid JSON (") + e.what() + ")");
  }
  const auto* o = v.if_object();
  if (!o || !o->contains("format") || !o->at("format").is_string() || o->at("format").as_string() != "ecsim-normalizer")
    throw bad("missing \"format\": \"ecsim-normalizer\"");
  try {
    check_version(boost::json::value_to<uint64_t>(o->at("version")));
    const auto n = boost::json::value_to<uint64_t>(o->at("size"));
    const auto& mean = o->at("mean").as_array();
    const auto& var = o->at("summed_variance").as_array();
    // the arrays before the allocation: a damaged "size" must not allocate it
    if (mean.size() != n || var.size() != n)
      throw bad("\"mean\" and \"summed_variance\" must have \"size\" (" + std::to_string(n) + ") entries");
    RunningNormalizer r(n);
    r.m_count = boost::json::value_to<uint64_t>(o->at("count"));
    for (size_t i = 0; i < n; ++i) {
      r.m_mean[i] = boost::json::value_to<double>(mean[i]);
      r.m_summed_var[i] = boost::json::value_to<double>(var[i]);
    }
    if (const std::string d = r.damage(); !d.empty()) throw bad(d);
    r.refresh_std();
    return r;
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw bad(std::string("missing or mistyped field (") + e.what() + ")");
  }
}

}  // namespace ecsim::tasks
