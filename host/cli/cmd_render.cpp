// ecsim render: a video of a policy's episodes (or of a rollout's trajectory CSV), drawn by
// MuJoCo's own renderer off-screen (EGL surfaceless on Mesa's llvmpipe: no display, no GPU) and
// encoded with FFmpeg's libraries: MP4 (H.264) or GIF, with every frame as PNG and a contact sheet
// if asked. A frame is the state after a step (and after each reset); the overlay shows the step,
// the return so far and, where the chip's activity is counted, its energy so far.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "cli/chip_outputs.h"
#include "cli/commands.h"
#include "common/error.h"
#include "energy/energy_model.h"
#include "eval/evaluator.h"
#include "eval/policy_image.h"
#include "io/atomic_file.h"
#include "io/csv.h"
#include "nes/nes.h"
#include "render/encoder.h"
#include "render/frame_renderer.h"
#include "tasks/env.h"

namespace po = boost::program_options;

namespace ecsim::cli {

namespace {

constexpr int kMinSize = 16, kMaxSize = 4096;  // pixels per side
constexpr int kSheetFrames = 8;

// One frame to draw: the state and what the overlay says about it.
struct FrameState {
  int episode = 0;
  int step = 0;  // env steps since the reset (0: the reset state)
  std::vector<double> qpos, qvel;
  double ret = 0;                        // the return so far
  double dynamic_pj = 0, static_pj = 0;  // the chip's energy so far
};

uint64_t parse_seed(const std::string& text) {
  uint64_t v = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end)
    throw Error("ecsim render: --seed '" + text + "' is not an integer in [0, 2^64)",
                "pass a non-negative integer, e.g. --seed 1");
  return v;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i]) return false;
  return true;
}

render::FrameRate fraction(int64_t num, int64_t den) {
  const int64_t g = std::gcd(num, den);
  return {static_cast<int>(num / g), static_cast<int>(den / g)};
}

// the states after each step of a rollout CSV (columns qpos_*, qvel_*; reward, dynamic_pj and
// static_pj where present)
std::vector<FrameState> read_trajectory(const std::string& path, const mjModel* m, const std::string& task,
                                        bool& has_energy) {
  const auto keep = [](const std::string& c) {
    return c.starts_with("qpos_") || c.starts_with("qvel_") || c == "reward" || c == "step" || c == "dynamic_pj" ||
           c == "static_pj";
  };
  const io::NumericTable t = io::read_numeric_csv(path, false, keep);
  const std::vector<size_t> qp = t.numbered_columns("qpos_"), qv = t.numbered_columns("qvel_");
  const auto columns = [](const char* prefix, int n) {
    return std::string(prefix) + "0.." + prefix + std::to_string(n - 1);
  };
  if (static_cast<int>(qp.size()) != m->nq || static_cast<int>(qv.size()) != m->nv)
    throw Error("--trajectory '" + path + "' has " + std::to_string(qp.size()) + " qpos and " +
                    std::to_string(qv.size()) + " qvel columns; " + task + " has " + std::to_string(m->nq) + " and " +
                    std::to_string(m->nv) + " (" + columns("qpos_", m->nq) + ", " + columns("qvel_", m->nv) + ")",
                "give a trajectory of `ecsim rollout --out traj.csv` (it writes the state after each step), and "
                "--task for the task it ran");
  if (t.rows.empty()) throw Error("--trajectory '" + path + "' has a header but no rows", "give a rollout's CSV");
  const auto find = [&](const std::string& name) -> std::optional<size_t> {
    for (size_t i = 0; i < t.columns.size(); ++i)
      if (t.columns[i] == name) return i;
    return std::nullopt;
  };
  const auto reward = find("reward"), step = find("step"), dyn = find("dynamic_pj"), stat = find("static_pj");
  has_energy = dyn && stat;
  std::vector<FrameState> frames;
  double ret = 0, dyn_sum = 0, stat_sum = 0;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    FrameState f;
    // a row's step is the one just taken (0-based): the state after step + 1 steps
    f.step = step ? static_cast<int>(row[*step]) + 1 : static_cast<int>(r) + 1;
    for (size_t c : qp) f.qpos.push_back(row[c]);
    for (size_t c : qv) f.qvel.push_back(row[c]);
    for (double v : f.qpos)
      if (!std::isfinite(v))
        throw Error("--trajectory '" + path + "': data row " + std::to_string(r + 1) + " has a non-finite qpos",
                    "give finite states");
    if (reward) ret += row[*reward];
    if (dyn && stat) {
      dyn_sum += row[*dyn];
      stat_sum += row[*stat];
    }
    f.ret = ret;
    f.dynamic_pj = dyn_sum;
    f.static_pj = stat_sum;
    frames.push_back(std::move(f));
  }
  return frames;
}

// a contact sheet: the frames in a grid of four columns, each reduced by `shrink` (box filter)
std::string contact_sheet(const std::vector<std::vector<uint8_t>>& pictures, int width, int height, int shrink) {
  constexpr int kGap = 4, kColumns = 4;
  const int w = width / shrink, h = height / shrink;
  const int n = static_cast<int>(pictures.size());
  const int cols = std::min(kColumns, n), rows = (n + kColumns - 1) / kColumns;
  const int sw = cols * w + (cols + 1) * kGap, sh = rows * h + (rows + 1) * kGap;
  std::vector<uint8_t> sheet(static_cast<size_t>(sw) * static_cast<size_t>(sh) * 3, 48);
  for (int i = 0; i < n; ++i) {
    const int x0 = kGap + (i % kColumns) * (w + kGap), y0 = kGap + (i / kColumns) * (h + kGap);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        for (int c = 0; c < 3; ++c) {
          int sum = 0;
          for (int dy = 0; dy < shrink; ++dy)
            for (int dx = 0; dx < shrink; ++dx)
              sum +=
                  pictures[static_cast<size_t>(i)][(static_cast<size_t>(y * shrink + dy) * static_cast<size_t>(width) +
                                                    static_cast<size_t>(x * shrink + dx)) *
                                                       3 +
                                                   static_cast<size_t>(c)];
          sheet[(static_cast<size_t>(y0 + y) * static_cast<size_t>(sw) + static_cast<size_t>(x0 + x)) * 3 +
                static_cast<size_t>(c)] = static_cast<uint8_t>(sum / (shrink * shrink));
        }
  }
  return render::encode_png(sheet.data(), sw, sh);
}

std::string fixed2(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.2f", v);
  return b;
}

// 125, 200/3
std::string rate_text(const render::FrameRate& r) {
  return r.den == 1 ? std::to_string(r.num) : std::to_string(r.num) + "/" + std::to_string(r.den);
}

std::string frame_name(const FrameState& f) {
  char b[64];
  std::snprintf(b, sizeof b, "ep%d_step%06d.png", f.episode, f.step);
  return b;
}

}  // namespace

int cmd_render(const Args& args_in) {
  // `ecsim render RUN ...`: a first word that is not a flag is the policy
  Args args = args_in;
  const std::string positional = take_leading_operand(args);
  std::string backend = "functional", camera = "track";
  int width = 640, height = 480, episodes = 1, max_steps_flag = 0, samples = 4;
  double fps = 0;
  po::options_description desc;
  const Usage usage{
      "RUN|IMAGE --out FILE.mp4|FILE.gif [options]\n       ecsim render --trajectory traj.csv [--task T] --out "
      "FILE.mp4|FILE.gif [options]",
      "Renders a trained policy's episodes (on any backend), or replays the states of a rollout's trajectory\n"
      "CSV (its qpos_*, qvel_* columns), with MuJoCo's own renderer in an off-screen OpenGL context (EGL,\n"
      "surfaceless: no display, no GPU) and encodes them with FFmpeg: MP4 (H.264) or GIF. A frame is the\n"
      "state after a step, and after each reset; the overlay shows the step, the return so far and, where\n"
      "the chip's activity is counted, its energy so far (docs/tasks.md, \"ecsim render\")."};
  uint64_t seed_default = 1;
  desc.add_options()("policy", po::value<std::string>(),
                     "trained policy: a run directory of `ecsim train`, RUN/policy-best, or an image directory (also "
                     "the first word)")(
      "trajectory", po::value<std::string>(),
      "replay: a trajectory CSV of `ecsim rollout` (columns qpos_*, qvel_*: the state after each step)")(
      "task", po::value<std::string>(), "task id (default: the policy's; hopper for --trajectory)")(
      "model", po::value<std::string>(), "MJCF file to load instead of the project's model")(
      "backend", dflt(&backend), ("with a policy: " + backend_flag_help()).c_str())(
      "chip", po::value<std::string>(), chip_flag_help("counts its activity per step (no cycles)").c_str())(
      "energy-table", po::value<std::string>(),
      "energy table JSON that prices the chip's counts (default: configs/energy_45nm.json; docs/energy.md)")(
      "seed", po::value<std::string>()->default_value(shortest_text(seed_default)),
      "seed of the first episode (that of `ecsim rollout --seed S`); episode k >= 1 has seed eval_seed(S, k), "
      "the k-th of `ecsim eval --seed S`")("episodes", dflt(&episodes), "episodes to render, one after the other")(
      "max-steps", dflt(&max_steps_flag, "the task's"), "episode cap in env steps (0: the task's 1000)")(
      "out", po::value<std::string>(), "video to write: FILE.mp4 (H.264) or FILE.gif")(
      "width", dflt(&width), "frame width in pixels")("height", dflt(&height), "frame height in pixels")(
      "fps", dflt(&fps, "0"),
      "frames per second of the video (0: the task's real-time rate, 1/dt; a GIF shows every k-th step so "
      "that a frame lasts whole hundredths of a second)")(
      "camera", dflt(&camera), "track (follows the robot) or fixed (stands where it starts)")(
      "samples", dflt(&samples),
      "anti-aliasing: multisampling samples per pixel, 0 to 16 (MuJoCo's default 4; 0 draws about 3x faster)")(
      "frames", po::value<std::string>(),
      "also write every frame as PNG, DIR/ep<E>_step<NNNNNN>.png (DIR is replaced as a whole)")(
      "contact-sheet", po::value<std::string>(), "also write 8 evenly spaced frames, with their steps, as one PNG");
  po::variables_map vm;
  if (!parse_flags("render", args, desc, vm, usage)) return 0;
  const auto flag = [&](const char* name) { return vm.count(name) ? vm[name].as<std::string>() : std::string(); };

  // flags
  std::string policy = flag("policy");
  if (!positional.empty()) {
    if (!policy.empty())
      throw Error("ecsim render: the policy is given twice ('" + positional + "' and --policy " + policy + ")",
                  "give one of them");
    policy = positional;
  }
  const std::string traj_path = flag("trajectory");
  if (policy.empty() == traj_path.empty())
    throw Error(policy.empty() ? "ecsim render: give a policy (RUN or IMAGE) or --trajectory traj.csv"
                               : "ecsim render: a policy and --trajectory are mutually exclusive",
                "e.g. ecsim render RUN --out hopper.mp4");
  if (!traj_path.empty()) {
    for (const char* f : {"chip", "energy-table"})
      if (vm.count(f))
        throw Error(std::string("ecsim render: --") + f + " needs a policy (a trajectory carries its energy columns)",
                    std::string("drop --") + f);
    for (const char* f : {"backend", "seed", "episodes", "max-steps"})
      if (!vm[f].defaulted())
        throw Error(std::string("ecsim render: --") + f + " needs a policy (--trajectory replays the file's states)",
                    std::string("drop --") + f);
  }
  const std::string out_path = flag("out");
  if (out_path.empty()) throw Error("ecsim render: --out is required", "add --out hopper.mp4");
  render::VideoFormat format = render::VideoFormat::kMp4;
  if (ends_with(out_path, ".gif"))
    format = render::VideoFormat::kGif;
  else if (!ends_with(out_path, ".mp4"))
    throw Error("ecsim render: --out '" + out_path + "': the video's name must end in .mp4 or .gif",
                "e.g. --out hopper.mp4 (H.264) or --out hopper.gif");
  if (camera != "track" && camera != "fixed")
    throw Error("ecsim render: --camera '" + camera + "' is not a camera; track or fixed", "e.g. --camera track");
  for (const auto& [name, v] : {std::pair{"--width", width}, std::pair{"--height", height}}) {
    if (v < kMinSize || v > kMaxSize)
      throw Error(std::string("ecsim render: ") + name + " " + std::to_string(v) + " is out of range [" +
                      std::to_string(kMinSize) + ", " + std::to_string(kMaxSize) + "] pixels",
                  std::string("e.g. ") + name + (name[2] == 'w' ? " 640" : " 480"));
    if (format == render::VideoFormat::kMp4 && v % 2 != 0)
      throw Error(std::string("ecsim render: ") + name + " " + std::to_string(v) + " is odd; H.264 needs even sizes",
                  std::string("give ") + name + " " + std::to_string(v + 1));
  }
  if (samples < 0 || samples > 16)
    throw Error("ecsim render: --samples " + std::to_string(samples) + " is out of range [0, 16]",
                "e.g. --samples 4 (MuJoCo's default), or 0 for speed");
  if (fps < 0 || fps > 1000 || (fps > 0 && fps < 0.1))
    throw Error("ecsim render: --fps " + shortest_text(fps) + " is not 0 or in [0.1, 1000] frames per second",
                "e.g. --fps 0 (the task's real-time rate) or --fps 30");
  if (format == render::VideoFormat::kGif && fps > 0) {
    const double cs = 100 / fps;
    if (cs < 2 || std::fabs(cs - std::round(cs)) > 1e-9)
      throw Error("ecsim render: --fps " + shortest_text(fps) +
                      " for a GIF: its frames last whole hundredths of a second, at least two",
                  "give --fps 50, 25, 20, 10, 5, 4, 2 or 1, or 0 (the task's real time)");
  }
  if (episodes < 1 || episodes > 1000)
    throw Error("ecsim render: --episodes must be in [1, 1000]", "e.g. --episodes 1");
  if (max_steps_flag < 0) throw Error("ecsim render: --max-steps must be >= 0", "e.g. --max-steps 0 (the task's)");
  const uint64_t seed = parse_seed(vm["seed"].as<std::string>());
  const eval::BackendInfo& info = eval::backend_info(backend);
  const std::string frames_dir = flag("frames"), sheet_path = flag("contact-sheet");
  if (!sheet_path.empty() && !ends_with(sheet_path, ".png"))
    throw Error("ecsim render: --contact-sheet '" + sheet_path + "': the picture's name must end in .png",
                "e.g. --contact-sheet sheet.png");
  std::vector<std::pair<std::string, std::string>> outputs{{"--out", out_path}};
  if (!sheet_path.empty()) outputs.emplace_back("--contact-sheet", sheet_path);
  check_outputs(outputs);  // before the episodes: a bad path is not found after the run
  if (!frames_dir.empty()) {
    try {
      io::check_output_directory(frames_dir);
    } catch (const Error& e) {
      throw Error(std::string("--frames: ") + e.what());
    }
    const std::filesystem::path p(frames_dir);
    std::error_code ec;
    const std::filesystem::path parent = p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
    if (!std::filesystem::is_directory(parent, ec))
      throw Error("--frames '" + frames_dir + "': the directory '" + parent.string() + "' does not exist",
                  "create it first, or write somewhere else");
  }

  // the task: the policy's, or --task (default hopper)
  std::optional<eval::PolicyImage> img;
  if (!policy.empty()) img = eval::load_policy_image(policy);
  const std::string task = policy_task("ecsim render", img ? &*img : nullptr, flag("task"));
  const tasks::TaskSpec& spec = tasks::make_task_spec(task);
  const int max_steps = max_steps_flag > 0 ? max_steps_flag : spec.max_episode_steps;
  const std::optional<ChipEnergy> energy =
      img ? chip_energy(info, flag("chip"), flag("energy-table"), img->net.desc.shape) : std::nullopt;
  if (vm.count("energy-table") && !energy)  // a replay: no network, nothing counted
    throw Error("ecsim render: --energy-table needs counted chip activity",
                "add --backend systemc, or --chip configs/chip_default.json on the functional backend");
  const auto model = tasks::Model::load(spec, flag("model"));
  const mjModel* mj = model->mj();

  // the frame rate: the task's real time (1/dt), or --fps; a GIF at real time keeps every k-th step
  const auto dt_us = std::max<int64_t>(1, std::llround(model->dt() * 1e6));
  int every = 1;
  render::FrameRate rate;
  if (fps > 0) {
    rate = std::fabs(fps - std::round(fps)) < 1e-9 ? fraction(std::llround(fps), 1)
                                                   : fraction(std::llround(fps * 1000), 1000);
  } else if (format == render::VideoFormat::kMp4) {
    rate = fraction(1000000, dt_us);
  } else {
    while (every < 100 && (every * dt_us < 20000 || (every * dt_us) % 10000 != 0)) ++every;
    rate = fraction(1000000, every * dt_us);
  }

  // the states to draw
  std::vector<FrameState> states;
  bool with_energy = energy.has_value();
  std::string source;
  if (img) {
    eval::EvaluatorConfig ec = policy_episode_config(*img, task, flag("model"), max_steps, flag("chip"));
    std::vector<eval::Job> jobs;
    for (int k = 0; k < episodes; ++k)
      jobs.push_back(
          {k == 0 ? seed : nes::eval_seed(seed, static_cast<uint64_t>(k)), 0, eval::JobKind::kDeterministic, false});
    // the reset states: the env's reset is a function of the seed alone
    std::vector<std::vector<FrameState>> per_episode(jobs.size());
    tasks::Env env(model);
    for (size_t k = 0; k < jobs.size(); ++k) {
      env.reset(eval::episode_seed(jobs[k].seed, 0));
      FrameState f;
      f.episode = static_cast<int>(k);
      f.qpos.assign(env.data()->qpos, env.data()->qpos + mj->nq);
      f.qvel.assign(env.data()->qvel, env.data()->qvel + mj->nv);
      per_episode[k].push_back(std::move(f));
    }
    // the observer only copies the states: the GL context belongs to this thread
    auto ev = eval::make_evaluator(backend, ec);
    ev->observe_steps(
        [&](const eval::StepRecord& rec) {
          auto& list = per_episode.at(rec.job);
          const FrameState& prev = list.back();
          FrameState f;
          f.episode = static_cast<int>(rec.job);
          f.step = rec.t + 1;
          f.qpos.assign(rec.env->data()->qpos, rec.env->data()->qpos + mj->nq);
          f.qvel.assign(rec.env->data()->qvel, rec.env->data()->qvel + mj->nv);
          f.ret = prev.ret + rec.result.reward;
          f.dynamic_pj = prev.dynamic_pj;
          f.static_pj = prev.static_pj;
          if (energy) {
            const energy::EnergyReport er = energy->estimate(rec.hw, rec.events);
            f.dynamic_pj += er.dynamic_pj;
            f.static_pj += er.static_pj;
          }
          list.push_back(std::move(f));
        },
        false);
    ev->load(img->params, img->norm);
    const eval::BatchResult res = ev->evaluate(jobs);
    for (size_t k = 0; k < jobs.size(); ++k) {
      if (res.results.at(k).steps + 1 != per_episode[k].size())
        throw Error("internal: the step records do not add up to episode " + std::to_string(k));
      for (auto& f : per_episode[k]) states.push_back(std::move(f));
    }
    source = std::string(eval::method_name(img->net.method)) + " policy, generation " +
             std::to_string(img->generation) + ", " + backend;
  } else {
    states = read_trajectory(traj_path, mj, spec.name, with_energy);
    source = "trajectory " + traj_path;
  }
  if (every > 1)
    states.erase(std::remove_if(states.begin(), states.end(), [&](const FrameState& f) { return f.step % every != 0; }),
                 states.end());
  if (states.empty())
    throw Error("ecsim render: no frame to draw (a GIF at real time shows one step in " + std::to_string(every) + ")",
                "give more steps, or --fps");

  // draw and encode
  const auto overlay_of = [&](const FrameState& f) {
    render::Overlay o;
    if (episodes > 1) {
      o.titles += "episode\n";
      o.values += std::to_string(f.episode) + "\n";
    }
    o.titles += "step\nreturn";
    o.values += std::to_string(f.step) + "\n" + fixed2(f.ret);
    if (with_energy) {
      o.titles += "\nenergy";
      o.values += "\n" + energy::energy_text(f.dynamic_pj + f.static_pj);
    }
    return o;
  };
  using Clock = std::chrono::steady_clock;
  const auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
  render::FrameRenderer renderer(mj, width, height, camera == "track" ? render::Camera::kTrack : render::Camera::kFixed,
                                 samples);
  render::VideoEncoder encoder(format, width, height, rate);
  tasks::Env view(model);  // the drawn state: set_state's mj_forward makes its kinematics current
  Clock::duration draw_time{}, encode_time{};
  // the PNGs go into a directory staged beside --frames, swapped in after the run
  const std::string staged = frames_dir.empty() ? std::string() : io::temporary_name(frames_dir);
  struct StagedDir {  // removed unless published
    std::string path;
    ~StagedDir() {
      std::error_code ec;
      if (!path.empty()) std::filesystem::remove_all(path, ec);
    }
  } staged_guard{staged};
  if (!staged.empty()) {
    std::filesystem::remove_all(staged);
    std::filesystem::create_directory(staged);
  }
  size_t pngs = 0;
  for (const FrameState& f : states) {
    const auto t0 = Clock::now();
    view.set_state(f.qpos.data(), f.qvel.data());
    const std::vector<uint8_t>& rgb = renderer.render(view.mutable_data(), overlay_of(f));
    const auto t1 = Clock::now();
    encoder.add(rgb.data());
    if (!staged.empty()) {
      io::write_file_atomic((std::filesystem::path(staged) / frame_name(f)).string(),
                            render::encode_png(rgb.data(), width, height));
      ++pngs;
    }
    draw_time += t1 - t0;
    encode_time += Clock::now() - t1;
  }
  const auto t2 = Clock::now();
  const std::string video = encoder.finish();
  encode_time += Clock::now() - t2;
  std::string sheet;
  if (!sheet_path.empty()) {
    const size_t n = states.size(), k = std::min<size_t>(kSheetFrames, n);
    std::vector<std::vector<uint8_t>> pictures;
    for (size_t i = 0; i < k; ++i) {
      const FrameState& f = states[k == 1 ? 0 : i * (n - 1) / (k - 1)];
      view.set_state(f.qpos.data(), f.qvel.data());
      render::Overlay o;
      o.titles = "step";
      o.values = (episodes > 1 ? std::to_string(f.episode) + ":" : std::string()) + std::to_string(f.step);
      pictures.push_back(renderer.render(view.mutable_data(), o, true));
    }
    sheet = contact_sheet(pictures, width, height, width >= 320 ? 2 : 1);
  }

  // outputs, all after the run
  io::write_file_atomic(out_path, video);
  std::string wrote = out_path;
  if (!frames_dir.empty()) {
    io::publish_directory(staged, frames_dir);
    staged_guard.path.clear();
    wrote += ", " + frames_dir + " (" + std::to_string(pngs) + " PNG)";
  }
  if (!sheet_path.empty()) {
    io::write_file_atomic(sheet_path, sheet);
    wrote += ", " + sheet_path;
  }
  const double draw_s = seconds(draw_time);
  std::cout << "render " << spec.name << " (" << source << "): " << states.size() << " frames " << width << "x"
            << height << " at " << rate_text(rate) << " fps"
            << (fps > 0     ? ""
                : every > 1 ? " (real time, a frame every " + std::to_string(every) + " steps)"
                            : " (real time)")
            << ", " << camera << " camera -> " << out_path << " (" << encoder.codec() << ")\n"
            << "drawn     in " << fixed2(draw_s) << " s ("
            << fixed2(static_cast<double>(states.size()) / std::max(draw_s, 1e-9)) << " frames/s; "
            << renderer.gl_description() << "), encoded in " << fixed2(seconds(encode_time)) << " s\n";
  if (wrote != out_path) std::cout << "wrote     " << wrote << "\n";
  return 0;
}

}  // namespace ecsim::cli
