// One description per struct that crosses a boundary (JSON files, CLI flags, checkpoints, MPI
// messages), the way MuJoCo's mjxmacro.h lists mjModel's fields once. A described struct names
// its fields in one X-macro list, and ECSIM_DESCRIBE turns the list into the members and a field
// visitor:
//
//   #define ECSIM_EVENT_COUNTER_FIELDS(X)  X(uint64_t, env_steps, 0, "env steps")  (one X per field)
//   struct EventCounters {
//     ECSIM_DESCRIBE(EventCounters, ECSIM_EVENT_COUNTER_FIELDS)
//   };
//
// A list entry is X(type, member, default, doc [, external key [, lo, hi]]): the external key is
// the JSON key and the flag stem when it is not the member's name; lo/hi the field's static range.
// Everything else is generic code below, written once: elementwise +=, − and scaling; JSON in and
// out (strict: unknown keys, wrong types, integers out of range and non-finite numbers are
// errors); and a tagged binary encoding (each field's name and type travel with it) in which
// adding a field is a compatible change: data written before the field existed still decodes,
// and the new field keeps its default.
#pragma once

#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/binio.h"
#include "common/error.h"

namespace ecsim::fields {

struct Info {
  const char* name;           // the C++ member
  const char* doc;            // one line, with units
  const char* key = nullptr;  // external name (JSON key, flag stem) when it differs from name
  double lo = -std::numeric_limits<double>::infinity();  // static range of a numeric field
  double hi = std::numeric_limits<double>::infinity();
  std::string_view external() const { return key ? key : name; }
  // the CLI flag: the external name with '-' for '_' ("rho_bits" -> "rho-bits")
  std::string flag() const {
    std::string f(external());
    for (char& c : f)
      if (c == '_') c = '-';
    return f;
  }
  bool has_range() const { return std::isfinite(lo) || std::isfinite(hi); }
};

// S is described when it has S::for_each_field(f), calling f(Info, &S::member) for each field
template <class S>
concept Described = requires {
  S::for_each_field([](const Info&, auto) {});
};

#define ECSIM_FIELD_MEMBER_(type, name, init, ...) type name = init;
#define ECSIM_FIELD_VISIT_(type, name, init, doc, ...) \
  f(::ecsim::fields::Info{#name, doc __VA_OPT__(, ) __VA_ARGS__}, &Self_::name);
// inside a struct: declares the members of LIST with their defaults, and for_each_field
#define ECSIM_DESCRIBE(Struct, LIST)            \
  LIST(ECSIM_FIELD_MEMBER_)                     \
  template <class F>                            \
  static constexpr void for_each_field(F&& f) { \
    using Self_ = Struct;                       \
    LIST(ECSIM_FIELD_VISIT_)                    \
  }

template <class S>
constexpr size_t count() {
  size_t n = 0;
  S::for_each_field([&](const Info&, auto) { ++n; });
  return n;
}

namespace detail {
template <class T>
struct member_type;
template <class C, class T>
struct member_type<T C::*> {
  using type = T;
};
template <class P>
using member_type_t = typename member_type<P>::type;
}  // namespace detail

// ---- elementwise arithmetic (counters: every field a number or a described struct of numbers)

template <Described S>
void add_to(S& a, const S& b) {
  S::for_each_field([&](const Info&, auto m) {
    using T = detail::member_type_t<decltype(m)>;
    if constexpr (Described<T>)
      add_to(a.*m, b.*m);
    else
      a.*m += b.*m;
  });
}

// a − b field by field (the counts since the snapshot b)
template <Described S>
S difference(const S& a, const S& b) {
  S d = a;
  S::for_each_field([&](const Info&, auto m) {
    using T = detail::member_type_t<decltype(m)>;
    if constexpr (Described<T>)
      d.*m = difference(a.*m, b.*m);
    else
      d.*m = a.*m - b.*m;
  });
  return d;
}

template <Described S>
S scaled(const S& a, uint64_t k) {
  S d = a;
  S::for_each_field([&](const Info&, auto m) {
    using T = detail::member_type_t<decltype(m)>;
    if constexpr (Described<T>)
      d.*m = scaled(a.*m, k);
    else
      d.*m = static_cast<T>(a.*m * k);
  });
  return d;
}

// visits every leaf field with its dotted path ("synapse_sram.words_read"), its Info and a
// reference (const when s is const)
template <class Ref, class F>
requires Described<std::remove_cvref_t<Ref>>
void for_each_leaf(Ref&& s, F&& f, const std::string& prefix = {}) {
  using S = std::remove_cvref_t<Ref>;
  S::for_each_field([&](const Info& info, auto m) {
    using T = detail::member_type_t<decltype(m)>;
    const std::string path = prefix + std::string(info.external());
    if constexpr (Described<T>)
      for_each_leaf(s.*m, f, path + ".");
    else
      f(path, info, s.*m);
  });
}

// ---- JSON

namespace detail {
template <class T>
boost::json::value to_value(const T& v, const std::string& path) {
  if constexpr (std::is_same_v<T, bool>) {
    return v;
  } else if constexpr (std::is_integral_v<T> || std::is_enum_v<T>) {
    if constexpr (std::is_enum_v<T>)
      return static_cast<int64_t>(v);
    else if constexpr (std::is_signed_v<T>)
      return static_cast<int64_t>(v);
    else
      return static_cast<uint64_t>(v);
  } else if constexpr (std::is_floating_point_v<T>) {
    // JSON has no Infinity or NaN: a writer that met one would make a file no reader accepts
    if (!std::isfinite(v))
      throw Error("internal: " + path + " is not finite and cannot be written as JSON",
                  "this is a bug; please report it");
    return static_cast<double>(v);
  } else {
    static_assert(std::is_same_v<T, std::string>,
                  "a described field is a number, a bool, a string or a described struct");
    return boost::json::string(v);
  }
}

// what: the file or message as errors name it
template <class T>
void from_value(const boost::json::value& jv, T& out, const Info& info, const std::string& path,
                const std::string& what) {
  auto fail = [&](const std::string& msg, const std::string& fix) -> void {
    throw Error(what + ": " + path + " " + msg, fix);
  };
  if constexpr (std::is_same_v<T, bool>) {
    if (!jv.is_bool()) fail("must be true or false", "write \"" + std::string(info.external()) + "\": true or false");
    out = jv.as_bool();
  } else if constexpr (std::is_integral_v<T>) {
    // integers must be exact and inside the C++ type (never truncated: 4294967304 is not 8)
    bool ok = false;
    long double x = 0;
    if (jv.is_int64()) {
      x = static_cast<long double>(jv.as_int64());
      ok = true;
    } else if (jv.is_uint64()) {
      x = static_cast<long double>(jv.as_uint64());
      ok = true;
    } else if (jv.is_double()) {
      const double d = jv.as_double();
      ok = std::isfinite(d) && d == std::floor(d);
      x = d;
    }
    if (!jv.is_number())
      fail("must be a number", "write \"" + std::string(info.external()) + "\": <integer> without quotes");
    const long double lo = std::max<long double>(static_cast<long double>(std::numeric_limits<T>::min()), info.lo);
    const long double hi = std::min<long double>(static_cast<long double>(std::numeric_limits<T>::max()), info.hi);
    if (!ok || x < lo || x > hi) {
      // lo and hi lie inside T's range, which long double holds exactly (64-bit mantissa)
      auto text = [](long double v) {
        return v < 0 ? std::to_string(static_cast<long long>(v)) : std::to_string(static_cast<unsigned long long>(v));
      };
      const std::string range = "[" + text(std::ceil(lo)) + ", " + text(std::floor(hi)) + "]";
      fail("= " + boost::json::serialize(jv) + " must be an integer in " + range, info.doc);
    }
    out = static_cast<T>(jv.is_uint64()  ? static_cast<T>(jv.as_uint64())
                         : jv.is_int64() ? static_cast<T>(jv.as_int64())
                                         : static_cast<T>(jv.as_double()));
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!jv.is_number())
      fail("must be a number", "write \"" + std::string(info.external()) + "\": <number> without quotes");
    const double d = jv.to_number<double>();
    if (!std::isfinite(d) || d < info.lo || d > info.hi)
      fail("= " + boost::json::serialize(jv) + " must be a finite number" +
               (info.has_range() ? " in [" + boost::json::serialize(boost::json::value(info.lo)) + ", " +
                                       boost::json::serialize(boost::json::value(info.hi)) + "]"
                                 : std::string()),
           info.doc);
    out = static_cast<T>(d);
  } else {
    if (!jv.is_string()) fail("must be a string", "write \"" + std::string(info.external()) + "\": \"...\"");
    out = std::string(jv.as_string());
  }
}
}  // namespace detail

template <Described S>
boost::json::object to_json(const S& s) {
  boost::json::object o;
  S::for_each_field([&](const Info& info, auto m) {
    using T = detail::member_type_t<decltype(m)>;
    if constexpr (Described<T>)
      o[info.external()] = to_json(s.*m);
    else
      o[info.external()] = detail::to_value(s.*m, std::string(info.external()));
  });
  return o;
}

// Reads the fields of S present in o into s (absent ones keep their values; require_all: absent
// ones are errors). Keys that S does not describe are errors unless `ignore` lists them. Errors
// name `what`, the dotted key path and the fix.
template <Described S>
void from_json(const boost::json::object& o, S& s, const std::string& what, bool require_all = false,
               const std::vector<std::string>& ignore = {}, const std::string& prefix = {}) {
  for (const auto& kv : o) {
    bool known = false;
    S::for_each_field([&](const Info& info, auto) { known = known || info.external() == kv.key(); });
    for (const auto& k : ignore) known = known || k == kv.key();
    if (!known)
      throw Error(what + ": " + prefix + std::string(kv.key()) + " is not a known setting", "check its spelling");
  }
  S::for_each_field([&](const Info& info, auto m) {
    using T = detail::member_type_t<decltype(m)>;
    const std::string path = prefix + std::string(info.external());
    const boost::json::value* jv = o.if_contains(info.external());
    if (!jv) {
      if (require_all) throw Error(what + ": " + path + " is missing", "add \"" + std::string(info.external()) + "\"");
      return;
    }
    if constexpr (Described<T>) {
      if (!jv->is_object())
        throw Error(what + ": " + path + " must be a JSON object",
                    "write \"" + std::string(info.external()) + "\": { ... }");
      from_json(jv->as_object(), s.*m, what, require_all, {}, path + ".");
    } else {
      detail::from_value(*jv, s.*m, info, path, what);
    }
  });
}

// ---- tagged binary encoding

// type codes of the tagged encoding (a field's type travels with it)
enum class Type : uint8_t { kU64 = 1, kI64 = 2, kF64 = 3, kBool = 4, kString = 5 };

namespace detail {
template <class T>
constexpr Type type_of() {
  if constexpr (std::is_same_v<T, bool>)
    return Type::kBool;
  else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>)
    return Type::kU64;
  else if constexpr (std::is_integral_v<T> || std::is_enum_v<T>)
    return Type::kI64;
  else if constexpr (std::is_floating_point_v<T>)
    return Type::kF64;
  else
    return Type::kString;
}
template <class T>
void put_value(BinWriter& w, const T& v) {
  if constexpr (std::is_same_v<T, bool>)
    w.put<uint8_t>(v ? 1 : 0);
  else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>)
    w.put<uint64_t>(v);
  else if constexpr (std::is_enum_v<T>)
    w.put<int64_t>(static_cast<int64_t>(v));
  else if constexpr (std::is_integral_v<T>)
    w.put<int64_t>(v);
  else if constexpr (std::is_floating_point_v<T>)
    w.put<double>(static_cast<double>(v));
  else
    w.str(v);
}
inline void skip_value(BinReader& r, Type t) {
  if (t == Type::kBool)
    r.get<uint8_t>();
  else if (t == Type::kString)
    r.str();
  else
    r.get<uint64_t>();
}
template <class T>
void get_value(BinReader& r, T& out, const std::string& path) {
  if constexpr (std::is_same_v<T, bool>) {
    out = r.get<uint8_t>() != 0;
  } else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) {
    const uint64_t v = r.get<uint64_t>();
    if (v > std::numeric_limits<T>::max())
      throw Error(r.what() + ": field " + path + " = " + std::to_string(v) + " is out of range", "the data is damaged");
    out = static_cast<T>(v);
  } else if constexpr (std::is_integral_v<T> || std::is_enum_v<T>) {
    const int64_t v = r.get<int64_t>();
    if constexpr (std::is_integral_v<T>)
      if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max())
        throw Error(r.what() + ": field " + path + " = " + std::to_string(v) + " is out of range",
                    "the data is damaged");
    out = static_cast<T>(v);
  } else if constexpr (std::is_floating_point_v<T>) {
    out = static_cast<T>(r.get<double>());
  } else {
    out = r.str();
  }
}
}  // namespace detail

// The schema of S: u32 field count, then per leaf field its dotted name (u64 length + bytes) and
// its type code. Written once per record set, so that records can be plain values.
template <Described S>
void put_schema(BinWriter& w) {
  std::vector<std::pair<std::string, Type>> leaves;
  const S probe{};
  for_each_leaf(probe, [&](const std::string& path, const Info&, const auto& v) {
    leaves.emplace_back(path, detail::type_of<std::remove_cvref_t<decltype(v)>>());
  });
  w.put<uint32_t>(static_cast<uint32_t>(leaves.size()));
  for (const auto& [path, type] : leaves) {
    w.str(path);
    w.put<uint8_t>(static_cast<uint8_t>(type));
  }
}
template <Described S>
void put_values(BinWriter& w, const S& s) {
  for_each_leaf(s, [&](const std::string&, const Info&, const auto& v) { detail::put_value(w, v); });
}

// A schema read back: for each field in the data, which leaf of S it fills (-1: none; a field S
// no longer has is skipped, so removing a field is compatible too, and its count is reported).
template <Described S>
class Schema {
 public:
  explicit Schema(BinReader& r) {
    const uint32_t n = r.get<uint32_t>();
    std::vector<std::pair<std::string, Type>> mine;
    const S probe{};
    for_each_leaf(probe, [&](const std::string& path, const Info&, const auto& v) {
      mine.emplace_back(path, detail::type_of<std::remove_cvref_t<decltype(v)>>());
    });
    if (n > 4096) throw Error(r.what() + " holds a schema of " + std::to_string(n) + " fields", "the data is damaged");
    for (uint32_t i = 0; i < n; ++i) {
      std::string name = r.str();
      const auto type = static_cast<Type>(r.get<uint8_t>());
      int index = -1;
      for (size_t j = 0; j < mine.size(); ++j)
        if (mine[j].first == name) {
          if (mine[j].second != type)
            throw Error(r.what() + ": field " + name + " has another type than this ecsim's",
                        "the data was written by an incompatible ecsim");
          index = static_cast<int>(j);
        }
      m_fields.push_back({std::move(name), type, index});
    }
  }
  // one record, as put_values wrote it under this schema; fields absent from the data keep s's values
  void get_values(BinReader& r, S& s) const {
    for (const Field& f : m_fields) {
      if (f.index < 0) {
        detail::skip_value(r, f.type);
        continue;
      }
      int i = 0;
      for_each_leaf(s, [&](const std::string& path, const Info&, auto& v) {
        if (i++ == f.index) detail::get_value(r, v, path);
      });
    }
  }
  size_t unknown_fields() const {
    size_t n = 0;
    for (const Field& f : m_fields) n += f.index < 0;
    return n;
  }

 private:
  struct Field {
    std::string name;
    Type type;
    int index;
  };
  std::vector<Field> m_fields;
};

// a single record with its schema
template <Described S>
void put_tagged(BinWriter& w, const S& s) {
  put_schema<S>(w);
  put_values(w, s);
}
template <Described S>
void get_tagged(BinReader& r, S& s) {
  Schema<S>(r).get_values(r, s);
}

}  // namespace ecsim::fields
