// Rendering cost of `ecsim render`: one frame of a hopper episode drawn by MuJoCo's renderer in
// the off-screen EGL context (llvmpipe on the CPU), read back and flipped.
//
//   BM_RenderFrame/<samples>  Env::set_state + FrameRenderer::render at 640x480 with the overlay,
//                             multisampling 4 (the default) or 0
//   BM_EncodeH264             one 640x480 frame into the MP4 encoder (libx264, one thread)
//
// One iteration is one frame. For one core, run with LP_NUM_THREADS=1 (llvmpipe's rasterizer
// threads) under taskset.
#include <benchmark/benchmark.h>

#include <cmath>
#include <memory>
#include <vector>

#include "common/error.h"
#include "render/encoder.h"
#include "render/frame_renderer.h"
#include "tasks/env.h"

namespace {

using ecsim::tasks::Env;
using ecsim::tasks::Model;

constexpr int kWidth = 640, kHeight = 480, kStates = 200;

// kStates states of a hopper episode under a fixed action pattern (qpos, qvel after each step)
std::vector<std::vector<double>> hopper_states(const std::shared_ptr<const Model>& model) {
  Env env(model);
  env.reset(1);
  std::vector<std::vector<double>> states;
  const mjModel* m = model->mj();
  std::vector<double> a(static_cast<size_t>(m->nu));
  for (int k = 0; k < kStates; ++k) {
    for (int j = 0; j < m->nu; ++j) a[static_cast<size_t>(j)] = 0.5 * std::sin(0.1 * k + j);
    if (env.step(a.data()).terminated) env.reset(1);
    std::vector<double> s(env.data()->qpos, env.data()->qpos + m->nq);
    s.insert(s.end(), env.data()->qvel, env.data()->qvel + m->nv);
    states.push_back(std::move(s));
  }
  return states;
}

void BM_RenderFrame(benchmark::State& state) {
  const auto model = Model::load(ecsim::tasks::make_task_spec("hopper"));
  const auto states = hopper_states(model);
  std::unique_ptr<ecsim::render::FrameRenderer> renderer;
  try {
    renderer = std::make_unique<ecsim::render::FrameRenderer>(
        model->mj(), kWidth, kHeight, ecsim::render::Camera::kTrack, static_cast<int>(state.range(0)));
  } catch (const ecsim::Error& e) {
    state.SkipWithError(e.what());
    return;
  }
  Env view(model);
  const int nq = model->mj()->nq;
  size_t k = 0;
  for (auto _ : state) {
    const auto& s = states[k++ % states.size()];
    view.set_state(s.data(), s.data() + nq);
    const auto& rgb = renderer->render(view.mutable_data(), {"step\nreturn", std::to_string(k) + "\n1.00"});
    benchmark::DoNotOptimize(rgb.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RenderFrame)->Arg(4)->Arg(0)->Unit(benchmark::kMillisecond);

void BM_EncodeH264(benchmark::State& state) {
  std::vector<uint8_t> rgb(static_cast<size_t>(kWidth) * kHeight * 3);
  ecsim::render::VideoEncoder encoder(ecsim::render::VideoFormat::kMp4, kWidth, kHeight, {125, 1});
  uint8_t shade = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < rgb.size(); i += 3) rgb[i] = static_cast<uint8_t>(shade + i / 1920);
    ++shade;
    encoder.add(rgb.data());
  }
  benchmark::DoNotOptimize(encoder.finish().size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EncodeH264)->Unit(benchmark::kMillisecond);

}  // namespace
