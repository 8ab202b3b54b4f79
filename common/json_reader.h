// Strict reading of JSON configuration files (chip configs, energy tables): every key must be
// known, every value of the right type and range, and every error names the file, the key path
// ("noc.columns") and the fix.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <exception>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "common/error.h"

namespace ecsim::common {

class StrictJsonObject {
 public:
  // what: the file as messages name it ("chip config 'x.json'"); docs: where the keys are listed
  StrictJsonObject(const boost::json::value& v, std::string path, std::string what, std::string docs)
      : m_path(std::move(path)), m_what(std::move(what)), m_docs(std::move(docs)) {
    if (!v.is_object()) fail(m_path.empty() ? "the top level" : m_path, "must be a JSON object", "write { ... }");
    m_obj = &v.as_object();
  }
  StrictJsonObject(StrictJsonObject&& o) noexcept
      : m_obj(o.m_obj),
        m_path(std::move(o.m_path)),
        m_what(std::move(o.m_what)),
        m_docs(std::move(o.m_docs)),
        m_seen(std::move(o.m_seen)) {
    o.m_obj = nullptr;  // the moved-from reader checks nothing
  }
  StrictJsonObject(const StrictJsonObject&) = delete;
  // unknown keys are errors (checked when the reader goes out of scope, unless an error is
  // already on its way)
  ~StrictJsonObject() noexcept(false) {
    if (!m_obj || std::uncaught_exceptions()) return;
    for (const auto& kv : *m_obj)
      if (!m_seen.count(std::string(kv.key())))
        fail(key(std::string(kv.key())), "is not a known setting", "check the spelling against " + m_docs);
  }

  StrictJsonObject object(const std::string& k) {
    m_seen.insert(k);
    const boost::json::value* v = m_obj->if_contains(k);
    if (!v) fail(key(k), "is missing", "add the \"" + k + "\" section");
    return StrictJsonObject(*v, key(k), m_what, m_docs);
  }
  const boost::json::array& array(const std::string& k) {
    m_seen.insert(k);
    const boost::json::value* v = m_obj->if_contains(k);
    if (!v) fail(key(k), "is missing", "add \"" + k + "\": [ ... ]");
    if (!v->is_array()) fail(key(k), "must be a JSON array", "write \"" + k + "\": [ ... ]");
    return v->as_array();
  }
  // the element i of an array member k, as an object reader
  StrictJsonObject element(const std::string& k, size_t i, const boost::json::value& v) const {
    return StrictJsonObject(v, key(k) + "[" + std::to_string(i) + "]", m_what, m_docs);
  }
  bool has(const std::string& k) const { return m_obj->contains(k); }
  const boost::json::object& raw() const { return *m_obj; }
  void mark_seen(const std::string& k) { m_seen.insert(k); }

  int integer(const std::string& k, int lo, int hi, const char* why) {
    const double d = number(k);
    if (!integral_in(d, lo, hi))
      fail(key(k), "= " + fmt(d) + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]",
           why);
    return static_cast<int>(d);
  }
  int64_t integer64(const std::string& k, int64_t lo, int64_t hi, const char* why) {
    const double d = number(k);
    if (!integral_in(d, static_cast<double>(lo), static_cast<double>(hi)))
      fail(key(k), "= " + fmt(d) + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]",
           why);
    return static_cast<int64_t>(d);
  }
  double positive(const std::string& k, const char* why) {
    const double d = number(k);
    if (!(d > 0)) fail(key(k), "= " + fmt(d) + " must be positive", why);
    return d;
  }
  double non_negative(const std::string& k, const char* why) {
    const double d = number(k);
    if (!(d >= 0)) fail(key(k), "= " + fmt(d) + " must be zero or positive", why);
    return d;
  }
  std::string text(const std::string& k) {
    m_seen.insert(k);
    const boost::json::value* v = m_obj->if_contains(k);
    if (!v) fail(key(k), "is missing", "add \"" + k + "\": \"...\"");
    if (!v->is_string()) fail(key(k), "must be a string", "write \"" + k + "\": \"...\"");
    return std::string(v->as_string());
  }
  double number(const std::string& k) {
    m_seen.insert(k);
    const boost::json::value* v = m_obj->if_contains(k);
    if (!v) fail(key(k), "is missing", "add \"" + k + "\": <number>");
    if (!v->is_number()) fail(key(k), "must be a number", "write \"" + k + "\": <number> without quotes");
    return v->to_number<double>();
  }

  // rejects the value of key k of this object (the message names its full path)
  [[noreturn]] void reject(const std::string& k, const std::string& what, const std::string& fix) const {
    fail(key(k), what, fix);
  }
  [[noreturn]] void fail(const std::string& where, const std::string& what, const std::string& fix) const {
    throw Error(m_what + ": " + where + " " + what, fix);
  }
  std::string key(const std::string& k) const { return m_path.empty() ? k : m_path + "." + k; }

 private:
  // d is a whole number in [lo, hi] and in int64's range; the range comes first because casting
  // a double outside int64's range is undefined behaviour
  static bool integral_in(double d, double lo, double hi) {
    return d >= lo && d <= hi && d >= -0x1p63 && d < 0x1p63 && d == static_cast<double>(static_cast<int64_t>(d));
  }
  static std::string fmt(double d) {
    std::ostringstream os;
    os << d;
    return os.str();
  }

  const boost::json::object* m_obj = nullptr;
  std::string m_path, m_what, m_docs;
  std::set<std::string> m_seen;
};

}  // namespace ecsim::common
