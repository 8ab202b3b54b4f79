#include "train/config.h"

#include <cmath>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/binio.h"
#include "common/error.h"
#include "eval/policy_image.h"

namespace json = boost::json;

namespace ecsim::train {

namespace {

template <class S>
std::vector<std::string> keys_of() {
  std::vector<std::string> k;
  S::for_each_field([&](const fields::Info& info, auto) { k.emplace_back(info.external()); });
  return k;
}

template <class S>
void append_json(json::object& o, const S& part) {
  for (auto& kv : fields::to_json(part)) o[kv.key()] = kv.value();
}

// the range and finiteness every numeric field's list entry states (a backstop under the worded
// checks of validate(): a field added with a range is checked without more code)
template <class S>
void check_ranges(const S& part) {
  fields::for_each_leaf(part, [](const std::string&, const fields::Info& info, const auto& v) {
    using T = std::remove_cvref_t<decltype(v)>;
    if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
      const double x = static_cast<double>(v);
      const std::string flag = "--" + train_flag(info);
      if (!std::isfinite(x)) throw Error(flag + " must be a finite number", info.doc);
      if (x < info.lo || x > info.hi)
        throw Error(flag + " must be in [" + json::serialize(json::value(info.lo)) + ", " +
                        json::serialize(json::value(info.hi)) + "]",
                    info.doc);
    }
  });
}

}  // namespace

std::string train_flag(const fields::Info& info) {
  if (info.external() == "es_sigma") return "sigma";
  if (info.external() == "episodes_per_individual") return "episodes";
  if (info.external() == "time_limit_min") return "time-limit";
  return info.flag();
}

json::object TrainConfig::identity() const {
  json::object o = fields::to_json(static_cast<const TrainTask&>(*this));
  o["network"] = eval::net_to_json(net);
  append_json(o, static_cast<const TrainOptimizer&>(*this));
  // added after runs existed: in the identity only when set, so that their checkpoints' CRCs hold
  if (reward_shift == 0.0) o.erase("reward_shift");
  return o;
}

uint32_t TrainConfig::identity_crc() const {
  const std::string s = json::serialize(identity());
  return crc32(s.data(), s.size());
}

json::object TrainConfig::to_json() const {
  json::object o;
  o["format"] = "ecsim-train-config";
  o["version"] = 1;
  o["identity"] = identity();
  // rtl_units was added after runs existed: written only when set (json::object::erase would reorder)
  for (auto& kv : fields::to_json(static_cast<const TrainRun&>(*this)))
    if (kv.key() != "rtl_units" || !rtl_units.empty()) o[kv.key()] = kv.value();
  return o;
}

TrainConfig TrainConfig::from_json(const json::value& v, const std::string& where) {
  const std::string what = "run config '" + where + "'";
  TrainConfig c;
  try {
    const json::object& o = v.as_object();
    const json::value* format = o.if_contains("format");
    const json::value* version = o.if_contains("version");
    if (!format || !format->is_string() || format->as_string() != "ecsim-train-config" || !version ||
        !version->is_number() || version->to_number<double>() != 1)
      throw Error("'" + where + "' is not an ecsim-train-config version 1 file",
                  "is this a run directory of `ecsim train`?");
    json::object id = o.at("identity").as_object();
    if (!id.contains("reward_shift")) id["reward_shift"] = 0.0;  // runs written before it (identity())
    std::vector<std::string> not_task = keys_of<TrainOptimizer>(), not_optimizer = keys_of<TrainTask>();
    not_task.emplace_back("network");
    not_optimizer.emplace_back("network");
    fields::from_json(id, static_cast<TrainTask&>(c), what, true, not_task, "identity.");
    fields::from_json(id, static_cast<TrainOptimizer&>(c), what, true, not_optimizer, "identity.");
    c.net = eval::net_from_json(id.at("network"), where);
    json::object run = o;
    for (const char* added : {"chip", "energy_table"})  // runs written before --chip and --energy-table
      if (!run.contains(added)) run[added] = "";
    if (!run.contains("time_limit_min")) run["time_limit_min"] = 0.0;  // and before the time limit was kept
    if (!run.contains("rtl_units")) run["rtl_units"] = "";             // written only when set (to_json)
    fields::from_json(run, static_cast<TrainRun&>(c), what, true, {"format", "version", "identity"});
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(what + " is incomplete or malformed (" + e.what() + ")",
                "the run directory is damaged; start a new run");
  }
  c.validate();
  return c;
}

void TrainConfig::validate() const {
  auto bad = [](const std::string& what, const std::string& fix) { throw Error(what, fix); };
  if (pop < 2) bad("--pop " + std::to_string(pop) + " is too small", "use --pop 2 or more (default 64)");
  if (net.method == eval::Method::kES && pop % 2)
    bad("--pop " + std::to_string(pop) + " is odd; ES uses antithetic pairs", "use an even --pop");
  if (generations < 1) bad("--generations must be at least 1", "e.g. --generations 100");
  if (threads < 1) bad("--threads must be in [1, " + std::to_string(kMaxThreads) + "]", "e.g. --threads 2");
  if (!(lr > 0) || !std::isfinite(lr)) bad("--lr must be a positive number", "e.g. --lr 0.15");
  if (!(eps > 0 && eps < 0.5)) bad("--eps must be in (0, 0.5)", "e.g. --eps 0.001");
  if (!(rho_init >= 0 && rho_init <= 1)) bad("--rho-init must be in [0, 1]", "e.g. --rho-init 0.5");
  if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1))
    bad("--beta1/--beta2 must be in [0, 1)", "e.g. 0.9 and 0.999");
  if (!(adam_eps > 0)) bad("--adam-eps must be positive", "e.g. 1e-8");
  if (!(weight_decay >= 0) || !(es_weight_decay >= 0)) bad("weight decay must be >= 0", "e.g. --weight-decay 0");
  if (!(es_sigma > 0) || !std::isfinite(es_sigma)) bad("--sigma must be a positive number", "e.g. --sigma 0.3");
  if (eval_episodes < 1) bad("--eval-episodes must be at least 1", "e.g. --eval-episodes 4");
  if (episodes_per_individual < 1) bad("--episodes must be at least 1", "e.g. --episodes 1");
  if (max_steps < 0) bad("--max-steps must be >= 0 (0: the task's limit)", "e.g. --max-steps 0");
  if (obs_every < 1) bad("--obs-every must be at least 1", "e.g. --obs-every 1");
  if (checkpoint_every < 1) bad("--checkpoint-every must be at least 1", "e.g. --checkpoint-every 10");
  check_limits();
  check_ranges(static_cast<const TrainTask&>(*this));
  check_ranges(static_cast<const TrainOptimizer&>(*this));
  check_ranges(static_cast<const TrainRun&>(*this));
}

void TrainConfig::check_limits() const {
  const auto at_most = [](const std::string& flag, int64_t v, int64_t limit, const std::string& why) {
    if (v > limit)
      throw Error(
          flag + " " + std::to_string(v) + " is above ecsim's limit of " + std::to_string(limit) + " (" + why + ")",
          "lower " + flag + " to " + std::to_string(limit) + " or less");
  };
  const int64_t d_in = net.desc.shape.d_in;
  at_most("--pop", pop, kMaxPop,
          "a generation holds about " + std::to_string(560 + 20 * d_in) + " bytes per individual for this task");
  at_most("--threads", threads, kMaxThreads, "each thread has its own environment and network");
  at_most("--eval-episodes", eval_episodes, kMaxEvalEpisodes, "each is one job of the generation");
  at_most("--episodes", episodes_per_individual, kMaxEpisodesPerIndividual, "episodes run one after another");
  const int64_t n = net.param_count();
  if (n > kMaxParams)
    throw Error("the network has " + std::to_string(n) +
                    " parameters (N = " + std::to_string(net.desc.shape.n_neurons) +
                    ", d_in = " + std::to_string(d_in) + ", d_out = " + std::to_string(net.desc.shape.d_out) +
                    "), above ecsim's limit of " + std::to_string(kMaxParams) +
                    " (the checkpoint holds 12 bytes per parameter and must stay below the 1 GiB file limit)",
                "lower --neurons (N = 8192 fits every task)");
}

eval::EvaluatorConfig evaluator_config(const TrainConfig& c) {
  eval::EvaluatorConfig e;
  e.net = c.net;
  e.task = c.task;
  e.model_path = c.model_path;
  e.threads = c.threads;
  e.episodes_per_job = c.episodes_per_individual;
  e.max_steps = c.max_steps;
  e.obs_every = c.obs_every;
  e.es_sigma = static_cast<float>(c.es_sigma);
  e.chip_path = c.chip_path;
  e.rtl_units = c.rtl_units;
  return e;
}

}  // namespace ecsim::train
