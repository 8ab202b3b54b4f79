#include "eval/policy_image.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include "common/binio.h"
#include "common/error.h"
#include "common/file.h"
#include "io/atomic_file.h"
#include "io/network_files.h"

namespace json = boost::json;
namespace fs = std::filesystem;

namespace ecsim::eval {

json::object net_to_json(const NetSpec& n) {
  const auto& s = n.desc.shape;
  const auto& a = n.desc.arith;
  json::object o;
  o["method"] = method_name(n.method);
  o["arith"] = n.method == Method::kES ? "float-dense" : (n.arith == ref::Arith::kFixed ? "fixed" : "float");
  o["neurons"] = s.n_neurons;
  o["exc"] = s.n_exc;
  o["d_in"] = s.d_in;
  o["d_out"] = s.d_out;
  o["inner_steps"] = s.inner_steps;
  ref::ArithConfig::for_each_field([&](const fields::Info& info, auto m) { o[info.external()] = a.*m; });
  return o;
}

NetSpec net_from_json(const json::value& v, const std::string& where) {
  try {
    const json::object& o = v.as_object();
    auto i = [&](std::string_view k) { return static_cast<int>(o.at(k).to_number<int64_t>()); };
    NetSpec n;
    n.method = parse_method(std::string(o.at("method").as_string()));
    const std::string arith(o.at("arith").as_string());
    n.arith = arith == "fixed" ? ref::Arith::kFixed : ref::Arith::kFloat;
    ref::NetworkShape s;
    s.n_neurons = i("neurons");
    s.n_exc = i("exc");
    s.d_in = i("d_in");
    s.d_out = i("d_out");
    s.inner_steps = i("inner_steps");
    ref::ArithConfig a;
    ref::ArithConfig::for_each_field([&](const fields::Info& info, auto m) { a.*m = i(info.external()); });
    n.desc = ref::make_network_desc(s, a);
    return n;
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(where + ": the network description is incomplete or malformed (" + e.what() + ")",
                "the file was damaged or written by another version; regenerate it");
  }
}

namespace {

// policy.json's "checksums": each file's size and CRC-32, so that a reader refuses an image
// whose files do not belong together
json::object file_checksum(const std::string& path) {
  const std::string data = read_file(path, "policy image file");
  json::object c;
  c["bytes"] = data.size();
  c["crc32"] = crc32(data.data(), data.size());
  return c;
}

void check_file_checksum(const std::string& dir, const std::string& name, const json::object& checksums,
                         const std::string& where) {
  const json::value* c = checksums.if_contains(name);
  if (!c) throw Error("'" + where + "' names no checksum for '" + name + "'", "regenerate the image");
  const std::string data = read_file(dir + "/" + name, "policy image file");
  const json::object& o = c->as_object();
  if (o.at("bytes").to_number<uint64_t>() != data.size() ||
      o.at("crc32").to_number<uint32_t>() != crc32(data.data(), data.size()))
    throw Error("'" + dir + "/" + name + "' does not match the checksum in '" + where +
                    "': the image's files are not from one write",
                "regenerate the image (`ecsim train --resume RUN` rewrites a run's policy/)");
}

}  // namespace

void save_policy_image(const std::string& dir, const PolicyImage& img) {
  // the files go to a staged directory beside dir, which then replaces dir in one rename: a kill
  // leaves the old image or the new one, never files of two generations
  io::check_output_directory(dir);
  const std::string staged = io::temporary_name(dir);
  std::error_code ec;
  fs::remove_all(staged, ec);
  fs::create_directories(staged);
  json::object o;
  o["format"] = "ecsim-policy";
  o["version"] = 1;
  o["method"] = method_name(img.net.method);
  o["task"] = img.task;
  o["generation"] = img.generation;
  o["network"] = net_to_json(img.net);
  json::object files;
  std::vector<std::string> names;
  if (img.net.method == Method::kEC) {
    ref::Theta t = ref::threshold_theta(img.net.desc.shape, img.params);
    io::save_theta(staged + "/theta.bin", img.net.desc.shape, t);
    files["theta"] = "theta.bin";
    names.push_back("theta.bin");
  } else {
    BinWriter w;
    w.bytes("ECSIMW01", 8);
    w.put<uint32_t>(1);
    w.vec(img.params);
    io::write_file_atomic(staged + "/weights.bin", w.finish_with_crc());
    files["weights"] = "weights.bin";
    names.push_back("weights.bin");
  }
  io::write_file_atomic(staged + "/normalizer.json", img.norm.to_json());
  files["normalizer"] = "normalizer.json";
  names.push_back("normalizer.json");
  o["files"] = files;
  json::object checksums;
  for (const std::string& n : names) checksums[n] = file_checksum(staged + "/" + n);
  o["checksums"] = std::move(checksums);
  io::write_file_atomic(staged + "/policy.json", json::serialize(o) + "\n");
  io::publish_directory(staged, dir);
}

PolicyImage load_policy_image(const std::string& path_in) {
  fs::path p(path_in);
  if (fs::is_directory(p) && fs::exists(p / "policy" / "policy.json"))
    p = p / "policy" / "policy.json";
  else if (fs::is_directory(p))
    p = p / "policy.json";
  if (!fs::exists(p))
    throw Error("'" + path_in + "' is not a policy image or a run directory (no " + p.string() + ")",
                "pass a run directory written by `ecsim train --out DIR`, or its policy/ folder");
  const std::string where = p.string();
  const std::string dir = p.parent_path().string();
  json::value v;
  try {
    v = json::parse(read_file(where, "policy manifest"));
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error("policy manifest '" + where + "' is not valid JSON (" + e.what() + ")", "regenerate the image");
  }
  PolicyImage img;
  try {
    const json::object& o = v.as_object();
    if (o.at("format").as_string() != "ecsim-policy" || o.at("version").to_number<int64_t>() != 1)
      throw Error("'" + where + "' is not an ecsim-policy version 1 manifest", "regenerate the image with this ecsim");
    img.task = std::string(o.at("task").as_string());
    img.generation = o.at("generation").to_number<uint64_t>();
    img.net = net_from_json(o.at("network"), where);
    const json::object& files = o.at("files").as_object();
    // images written before the checksums existed have none; a present one must match
    if (const json::value* sums = o.if_contains("checksums"))
      for (const auto& f : files)
        check_file_checksum(dir, std::string(f.value().as_string()), sums->as_object(), where);
    img.norm = tasks::RunningNormalizer::from_json(
        read_file(dir + "/" + std::string(files.at("normalizer").as_string()), "normalizer"));
    if (img.net.method == Method::kEC) {
      ref::NetworkShape s;
      const ref::Theta t = io::load_theta(dir + "/" + std::string(files.at("theta").as_string()), &s);
      const auto& ns = img.net.desc.shape;
      if (s.n_neurons != ns.n_neurons || s.d_in != ns.d_in || s.d_out != ns.d_out || s.n_exc != ns.n_exc)
        throw Error("the θ file of '" + where + "' does not match its manifest's network", "regenerate the image");
      img.params.resize(static_cast<size_t>(ns.total_synapses()));
      for (int64_t g = 0; g < ns.total_synapses(); ++g)
        img.params[static_cast<size_t>(g)] = t.get_global(ns, g) ? 1.0f : 0.0f;
    } else {
      const std::string wpath = dir + "/" + std::string(files.at("weights").as_string());
      const std::string data = read_file(wpath, "weights file");
      check_crc(data, "weights file '" + wpath + "'");
      BinReader r(data, "weights file '" + wpath + "'");
      r.need(8);
      if (data.compare(0, 8, "ECSIMW01") != 0)
        throw Error("'" + wpath + "' is not an ecsim weights file", "regenerate the image");
      r.pos = 8;
      if (r.get<uint32_t>() != 1) throw Error("'" + wpath + "' has an unknown version", "regenerate the image");
      img.params = r.vec<float>(static_cast<uint64_t>(img.net.param_count()));
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error("policy manifest '" + where + "' is incomplete (" + e.what() + ")", "regenerate the image");
  }
  if (img.norm.size() != static_cast<size_t>(img.net.desc.shape.d_in))
    throw Error("the normalizer of '" + where + "' has " + std::to_string(img.norm.size()) + " entries, the network " +
                    std::to_string(img.net.desc.shape.d_in),
                "regenerate the image");
  return img;
}

}  // namespace ecsim::eval
