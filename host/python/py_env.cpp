// ecsim._Env: one MuJoCo task (host/tasks/env.h, Gymnasium v4/v5 semantics). ecsim.Env in
// ecsim/__init__.py gives it Gymnasium's reset/step signature and spaces.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <memory>

#include "bindings.h"
#include "common/error.h"
#include "tasks/env.h"

namespace ecsim::py {

namespace {

class Env {
 public:
  Env(const std::string& task, const std::string& model)
      : m_env(tasks::Model::load(tasks::make_task_spec(task), model)) {}

  void reset(uint64_t seed, double noise) {
    if (noise >= 0)
      m_env.reset(seed, noise);
    else
      m_env.reset(seed);
  }

  pyb::array_t<double> observation() const {
    pyb::array_t<double> o(m_env.obs_size());
    m_env.observation(o.mutable_data());
    return o;
  }

  // (reward, terminated, truncated, reason, {component: value})
  pyb::tuple step(const pyb::handle& action) {
    const std::vector<double> a =
        double_vector(action, static_cast<size_t>(m_env.act_size()), "the action (" + m_env.spec().name + ")");
    tasks::StepResult r;
    {
      pyb::gil_scoped_release release;
      r = m_env.step(a.data());
    }
    pyb::dict c;
    c["forward"] = r.components.forward;
    c["ctrl"] = r.components.ctrl;
    c["healthy"] = r.components.healthy;
    c["contact"] = r.components.contact;
    return pyb::make_tuple(r.reward, r.terminated, r.truncated, tasks::reason_name(r.reason), c);
  }

  pyb::array_t<double> vec(const double* p, int n) const {
    pyb::array_t<double> a(n);
    std::copy(p, p + n, a.mutable_data());
    return a;
  }

  tasks::Env m_env;
};

}  // namespace

void bind_env(pyb::module_& m) {
  using pyb::arg;
  pyb::class_<Env>(m, "_Env", "one MuJoCo task; use ecsim.Env")
      .def(pyb::init<const std::string&, const std::string&>(), arg("task"), arg("model") = "")
      .def("reset", &Env::reset, arg("seed"), arg("noise") = -1.0)
      .def("observation", &Env::observation)
      .def("step", &Env::step, arg("action"))
      .def(
          "set_state",
          [](Env& e, const pyb::handle& qpos, const pyb::handle& qvel) {
            const mjModel* mj = e.m_env.mj_model();
            auto p = pyb::array_t<double, pyb::array::c_style | pyb::array::forcecast>::ensure(qpos);
            auto v = pyb::array_t<double, pyb::array::c_style | pyb::array::forcecast>::ensure(qvel);
            if (!p || !v || p.size() != mj->nq || v.size() != mj->nv)
              throw Error("set_state needs qpos of " + std::to_string(mj->nq) + " and qvel of " +
                              std::to_string(mj->nv) + " values",
                          "give arrays of those sizes");
            e.m_env.set_state(p.data(), v.data());
          },
          arg("qpos"), arg("qvel"))
      .def_property_readonly("qpos", [](const Env& e) { return e.vec(e.m_env.data()->qpos, e.m_env.mj_model()->nq); })
      .def_property_readonly("qvel", [](const Env& e) { return e.vec(e.m_env.data()->qvel, e.m_env.mj_model()->nv); })
      .def_property_readonly("x_position", [](const Env& e) { return e.m_env.x_position(); })
      .def_property_readonly("obs_size", [](const Env& e) { return e.m_env.obs_size(); })
      .def_property_readonly("act_size", [](const Env& e) { return e.m_env.act_size(); })
      .def_property_readonly("ctrl_low", [](const Env& e) { return e.vec(e.m_env.ctrl_low(), e.m_env.act_size()); })
      .def_property_readonly("ctrl_high", [](const Env& e) { return e.vec(e.m_env.ctrl_high(), e.m_env.act_size()); })
      .def_property_readonly("dt", [](const Env& e) { return e.m_env.model().dt(); })
      .def_property_readonly("steps", [](const Env& e) { return e.m_env.steps(); })
      .def_property_readonly("max_episode_steps", [](const Env& e) { return e.m_env.spec().max_episode_steps; })
      .def_property_readonly("task", [](const Env& e) { return e.m_env.spec().name; })
      .def_property_readonly("model_path", [](const Env& e) { return e.m_env.model().path(); });
  m.def("task_names", &tasks::task_names, "every task id, v4 ones first");
}

}  // namespace ecsim::py
