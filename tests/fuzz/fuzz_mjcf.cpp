// libFuzzer target: MJCF loading through the task validation (host/tasks/env.h Model::load:
// MuJoCo's loader, then the task's names, counts and physical parameters). The input is written
// as an .xml file; the task is the one the model names (<mujoco model="ecsim_walker2d">), else
// hopper. MuJoCo itself is not instrumented: coverage guides through ecsim's checks only.
#include <string_view>

#include "fuzz_common.h"
#include "tasks/env.h"

namespace {

const ecsim::tasks::TaskSpec& task_of(std::string_view xml) {
  constexpr std::string_view key = "model=\"ecsim_";
  const size_t at = xml.find(key);
  if (at != std::string_view::npos) {
    const size_t begin = at + key.size();
    const size_t end = xml.find('"', begin);
    const std::string name(xml.substr(begin, end == std::string_view::npos ? 0 : end - begin));
    for (const std::string& t : ecsim::tasks::task_names())
      if (t == name) return ecsim::tasks::make_task_spec(t);
  }
  return ecsim::tasks::make_task_spec("hopper");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string xml = ecsim::fuzz::as_string(data, size);
  const std::string path = ecsim::fuzz::write_scratch("model.xml", xml);
  ecsim::fuzz::expect_clean([&] { (void)ecsim::tasks::Model::load(task_of(xml), path); });
  return 0;
}
