// The evaluator seam's registry: which backends exist and what each can do, the MPI wrapper hook,
// and the episode seeds every backend shares.
#include "eval/evaluator.h"

#include <deque>

#include "common/error.h"
#include "nes/nes.h"

namespace ecsim::eval {

uint64_t episode_seed(uint64_t job_seed, int e) {
  return e == 0 ? job_seed : nes::splitmix64(job_seed ^ (0x9e3779b97f4a7c15ULL * static_cast<uint64_t>(e)));
}

void Evaluator::observe_steps(StepObserver, bool, const std::vector<int>&) {
  throw Error("the " + name() + " evaluator does not report single steps",
              "use --backend " + backend_list() + " without MPI for a per-step record");
}

namespace {

struct Entry {
  BackendInfo info;
  BackendFactory factory = nullptr;
};

// in order of first registration (help and messages list them so), starting with the functional
// backend; a deque, so that backend_info's references survive later registrations
std::deque<Entry>& registry() {
  static std::deque<Entry> e{{functional_backend_info(), make_functional_evaluator}};
  return e;
}

EvaluatorWrapper& evaluator_wrapper() {
  static EvaluatorWrapper wrapper;
  return wrapper;
}

const Entry& entry(const std::string& name) {
  for (const Entry& e : registry())
    if (e.info.name == name) return e;
  throw Error("--backend '" + name + "' is not known", "use --backend " + backend_list());
}

}  // namespace

void register_backend(BackendInfo info, BackendFactory factory) {
  if (info.name.empty() || !factory) throw Error("internal: a backend without a name or factory");
  for (Entry& e : registry())
    if (e.info.name == info.name) {
      e = {std::move(info), factory};
      return;
    }
  registry().push_back({std::move(info), factory});
}

const BackendInfo& backend_info(const std::string& name) { return entry(name).info; }

std::vector<std::string> backend_names(BackendFilter keep) {
  std::vector<std::string> names;
  for (const Entry& e : registry())
    if (!keep || keep(e.info)) names.push_back(e.info.name);
  return names;
}

std::string backend_choices() {
  std::string s;
  for (const std::string& n : backend_names()) s += (s.empty() ? "" : "|") + n;
  return s;
}

std::string backend_list(BackendFilter keep) {
  const std::vector<std::string> names = backend_names(keep);
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) s += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return s;
}

void set_evaluator_wrapper(EvaluatorWrapper wrapper) { evaluator_wrapper() = std::move(wrapper); }

std::unique_ptr<Evaluator> make_evaluator(const std::string& backend, const EvaluatorConfig& cfg) {
  std::unique_ptr<Evaluator> ev = entry(backend).factory(cfg);
  return evaluator_wrapper() ? evaluator_wrapper()(std::move(ev), cfg) : std::move(ev);
}

}  // namespace ecsim::eval
