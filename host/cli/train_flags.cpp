// `ecsim train`'s flags: those of the TrainConfig fields come from their list (train/config.h:
// name, doc and default), in the order below; then the fresh-or-resume rules.
#include <cmath>
#include <thread>
#include <type_traits>

#include "backends/make_chip.h"
#include "cli/train_steps.h"
#include "common/error.h"
#include "tasks/env.h"

namespace po = boost::program_options;

namespace ecsim::cli {

namespace {

int default_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

// the defaults of the fields whose value stands for something else, in words
std::string shown_default(const fields::Info& info, const auto& v) {
  if (info.external() == "max_steps") return "the task's";
  if (info.external() == "time_limit_min") return "none";
  return shortest_text(v);
}

// adds the flag of the TrainConfig field `member` (a field of the list Part), bound to cfg
template <class Part, class T>
void add_field_flag(po::options_description& desc, train::TrainConfig& cfg, T Part::*member) {
  Part::for_each_field([&](const fields::Info& info, auto m) {
    if constexpr (std::is_same_v<decltype(m), T Part::*>) {
      if (m != member) return;
      T& v = cfg.*member;
      po::typed_value<T>* value = nullptr;
      if constexpr (std::is_arithmetic_v<T>)
        value = dflt(&v, shown_default(info, v));
      else  // an empty default means "not given"
        value = v.empty() ? po::value(&v) : dflt(&v);
      const std::string flag = train::train_flag(info);
      desc.add_options()(flag.c_str(), value, info.doc);
    }
  });
}

template <class... Members>
void add_field_flags(po::options_description& desc, train::TrainConfig& cfg, Members... members) {
  (add_field_flag(desc, cfg, members), ...);
}

// the run settings a resume may change (--generations, --threads) pass the ranges of their fields,
// as on a fresh run, before the run directory is opened
void check_resume_overrides(const train::TrainConfig& cfg, const po::variables_map& vm) {
  train::TrainRun::for_each_field([&](const fields::Info& info, auto m) {
    using T = std::remove_cvref_t<decltype(cfg.*m)>;
    const std::string flag = train::train_flag(info);
    if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
      if (!vm.count(flag) || vm[flag].defaulted()) return;
      const T v = cfg.*m;
      const double x = static_cast<double>(v);
      if (!std::isfinite(info.lo) || (x >= info.lo && x <= info.hi)) return;
      std::string range = std::isfinite(info.hi) ? "in [" + shortest_text(static_cast<T>(info.lo)) + ", " +
                                                       shortest_text(static_cast<T>(info.hi)) + "]"
                                                 : "at least " + shortest_text(static_cast<T>(info.lo));
      throw Error("--" + flag + " " + shortest_text(v) + " must be " + range + " (resuming)",
                  "give --" + flag + " a value " + range + ", or leave it out to keep the run's");
    }
  });
}

}  // namespace

po::options_description train_options(TrainFlags& f) {
  using C = train::TrainConfig;
  train::TrainConfig& c = f.cfg;
  c.threads = default_threads();
  po::options_description desc;
  add_field_flags(desc, c, &C::task, &C::model_path);
  desc.add_options()("method", dflt(&f.method), "ec (1-bit connectivity, NES on ρ) or es (ES on float weights)");
  add_field_flags(desc, c, &C::pop, &C::generations, &C::seed, &C::threads, &C::backend, &C::rtl_units, &C::chip_path,
                  &C::energy_table);
  desc.add_options()("out", po::value(&f.out), "run directory to create")(
      "resume", po::value(&f.resume), "continue the run in this directory (bit-identical to an uninterrupted run)");
  add_field_flags(desc, c, &C::lr, &C::eps, &C::rho_init, &C::weight_decay, &C::beta1, &C::beta2, &C::adam_eps,
                  &C::es_sigma, &C::es_weight_decay, &C::eval_episodes, &C::episodes_per_individual, &C::max_steps,
                  &C::obs_every, &C::reward_shift, &C::checkpoint_every);
  add_field_flags(desc, c, &C::time_limit_min);
  desc.add_options()("no-plot", "do not run gnuplot for curve.png")(
      "progress", dflt(&f.progress), "progress line: auto (when stderr is a terminal), always, never")(
      "stop-after", po::value(&f.stop_after), "testing: stop after this generation as if killed (no final files)");
  f.net.add_to(desc);
  return desc;
}

void check_run_flags(const TrainFlags& f, const po::variables_map& vm) {
  if (vm.count("time-limit") && !vm["time-limit"].defaulted() &&
      !(f.cfg.time_limit_min > 0 && std::isfinite(f.cfg.time_limit_min)))
    throw Error("--time-limit must be a positive number of minutes", "e.g. --time-limit 90");
  backends::check_rtl_units_flag(f.cfg.backend, f.cfg.rtl_units);
  if (f.progress != "auto" && f.progress != "always" && f.progress != "never")
    throw Error("--progress '" + f.progress + "' is not known", "use --progress auto, always or never");
}

train::Trainer make_trainer(TrainFlags& f, const po::variables_map& vm) {
  train::TrainConfig& c = f.cfg;
  if (vm.count("resume")) {
    if (vm.count("out")) throw Error("--out and --resume are exclusive", "--resume DIR continues the run in DIR");
    for (const auto& [name, val] : vm) {
      if (val.defaulted()) continue;
      if (name != "resume" && name != "generations" && name != "threads" && name != "progress" &&
          name != "stop-after" && name != "time-limit")
        throw Error("--" + name + " cannot be changed when resuming (the run's config.json fixes it)",
                    "resume with only --resume DIR [--generations N] [--threads T]");
    }
    check_resume_overrides(c, vm);
    return train::Trainer::resume(f.resume, vm["generations"].defaulted() ? 0 : c.generations,
                                  vm["threads"].defaulted() ? 0 : c.threads,
                                  vm["time-limit"].defaulted() ? 0 : c.time_limit_min);
  }
  if (!vm.count("out"))
    throw Error("--out DIR is required", "add --out runs/hopper-ec (or --resume DIR to continue a run)");
  c.net.method = eval::parse_method(f.method);
  c.plot = !vm.count("no-plot");
  c.kernel = f.net.kernel;
  const auto& spec = tasks::make_task_spec(c.task);
  c.net.desc = f.net.make_desc(spec.obs_size, spec.act_size);
  c.net.arith = f.net.arith_kind();
  c.net.kernel = f.net.kernel_kind();
  if (c.net.method == eval::Method::kES) c.net.arith = ref::Arith::kFloat;
  c.validate();
  return train::Trainer::start(c, f.out);
}

}  // namespace ecsim::cli
