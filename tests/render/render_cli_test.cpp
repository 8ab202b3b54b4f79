// `ecsim render`, run as a user runs it, without a display (DISPLAY and WAYLAND_DISPLAY unset):
// MuJoCo renders off-screen through EGL. The video is checked with ffprobe, the frames decoded with
// ffmpeg (both from FFmpeg, found on PATH), the trajectory replay against the policy's own frames.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../common/cli.h"

namespace ecsim {
namespace {

namespace fs = std::filesystem;
using test::run_ecsim;
using test::run_program;

// Runs `ecsim <args>` for a render. Under the sanitizers (ECSIM_SANITIZE) without leak checks:
// Mesa's EGL driver leaves 240 bytes behind in the module eglTerminate unloads (a bare EGL program
// shows the same; LeakSanitizer cannot name an unloaded module in a suppression). ASan's and
// UBSan's other checks stay on, and the trainings and rollouts here keep their leak checks.
test::CliResult run_render(const std::string& args) {
  const char* asan = std::getenv("ASAN_OPTIONS");
  test::ChildSetup setup;
  setup.env.emplace_back("ASAN_OPTIONS", (asan && *asan ? std::string(asan) + ":" : std::string()) + "detect_leaks=0");
  std::vector<std::string> argv{ECSIM_BINARY};
  for (std::string& a : test::split_args(args)) argv.push_back(std::move(a));
  return run_program(std::move(argv), setup);
}

class RenderCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ::unsetenv("DISPLAY");  // the children inherit it: no X server is ever asked
    ::unsetenv("WAYLAND_DISPLAY");
    s_dir = new test::ScratchDir("render");
    s_run = (*s_dir / "run").string();
    s_train = run_ecsim(
        "train --task hopper --neurons 64 --pop 8 --generations 2 --max-steps 60 --eval-episodes 2 --no-plot "
        "--progress never --out " +
        s_run);
  }
  static void TearDownTestSuite() {
    delete s_dir;
    s_dir = nullptr;
  }
  void SetUp() override {
    ASSERT_EQ(s_train.code, 0) << s_train.output;
    m_ffprobe = test::find_program("ffprobe");
    m_ffmpeg = test::find_program("ffmpeg");
    if (m_ffprobe.empty() || m_ffmpeg.empty()) GTEST_SKIP() << "ffprobe/ffmpeg not on PATH (Debian: ffmpeg)";
  }
  static std::string path(const std::string& leaf) { return (*s_dir / leaf).string(); }

  // the first video stream's entries as ffprobe reports them, frames counted by decoding
  std::map<std::string, std::string> probe(const std::string& file) const {
    const auto r = run_program({m_ffprobe, "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                                "stream=codec_name,width,height,r_frame_rate,nb_read_frames", "-of",
                                "default=noprint_wrappers=1", file});
    EXPECT_EQ(r.code, 0) << r.output;
    std::map<std::string, std::string> kv;
    std::istringstream in(r.output);
    for (std::string line; std::getline(in, line);)
      if (const auto eq = line.find('='); eq != std::string::npos) kv[line.substr(0, eq)] = line.substr(eq + 1);
    return kv;
  }
  // a PNG's pixels, RGB24, decoded by ffmpeg
  std::string pixels(const std::string& png) const {
    const std::string raw = png + ".rgb";
    const auto r = run_program({m_ffmpeg, "-v", "error", "-y", "-i", png, "-f", "rawvideo", "-pix_fmt", "rgb24", raw});
    EXPECT_EQ(r.code, 0) << r.output;
    return test::read_text(raw);
  }

  static test::ScratchDir* s_dir;
  static std::string s_run;
  static test::CliResult s_train;
  std::string m_ffprobe, m_ffmpeg;
};

test::ScratchDir* RenderCli::s_dir = nullptr;
std::string RenderCli::s_run;
test::CliResult RenderCli::s_train;

// rows of a CSV file (the header not counted)
size_t data_rows(const std::string& file) {
  std::istringstream in(test::read_text(file));
  size_t n = 0;
  for (std::string line; std::getline(in, line);) n += !line.empty();
  return n - 1;
}

// the replay's frames, one per row of the trajectory, equal the policy's of the same names
void expect_same_frames(const std::string& frames, const std::string& replay, size_t rows) {
  const auto replayed = test::dir_entries(replay);
  EXPECT_EQ(replayed.size(), rows);  // no reset state in the file
  for (const std::string& name : replayed) {
    ASSERT_TRUE(fs::exists(fs::path(frames) / name)) << name;
    EXPECT_TRUE(test::read_text(fs::path(replay) / name) == test::read_text(fs::path(frames) / name))
        << name << " differs";
  }
}

TEST_F(RenderCli, VideoHasTheFramesSizeAndRateAndTheRobotMoves) {
  const std::string traj = path("traj.csv"), video = path("a.mp4"), frames = path("frames");
  const auto ro = run_ecsim("rollout --policy " + s_run + " --seed 3 --max-steps 30 --out " + traj);
  ASSERT_EQ(ro.code, 0) << ro.output;
  const size_t steps = data_rows(traj);
  ASSERT_GE(steps, 2u);
  const auto r = run_render("render " + s_run + " --seed 3 --max-steps 30 --width 160 --height 120 --out " + video +
                            " --frames " + frames + " --contact-sheet " + path("sheet.png"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("EGL"), std::string::npos) << r.output;

  const auto kv = probe(video);
  EXPECT_EQ(kv.at("codec_name"), "h264");
  EXPECT_EQ(kv.at("width"), "160");
  EXPECT_EQ(kv.at("height"), "120");
  EXPECT_EQ(kv.at("r_frame_rate"), "125/1");                      // hopper: dt = 4 x 2 ms
  EXPECT_EQ(kv.at("nb_read_frames"), std::to_string(steps + 1));  // the reset, then each step
  EXPECT_EQ(test::dir_entries(frames).size(), steps + 1);

  // the first frame is a picture, not a blank; the robot is elsewhere a few steps later
  const std::string first = pixels(frames + "/ep0_step000000.png");
  const std::string later = pixels(frames + "/ep0_step" + std::string(6 - std::to_string(steps).size(), '0') +
                                   std::to_string(steps) + ".png");
  ASSERT_EQ(first.size(), 160u * 120u * 3u);
  ASSERT_EQ(later.size(), first.size());
  std::set<std::string> colours;
  for (size_t i = 0; i + 3 <= first.size(); i += 3) colours.insert(first.substr(i, 3));
  EXPECT_GT(colours.size(), 20u);
  size_t differ = 0;
  for (size_t i = 0; i + 3 <= first.size(); i += 3) differ += first.compare(i, 3, later, i, 3) != 0;
  EXPECT_GT(differ, 50u);

  const auto sheet = probe(path("sheet.png"));  // 4 x 2 frames of 160 x 120, 4-pixel gaps
  EXPECT_EQ(sheet.at("width"), "660");
  EXPECT_EQ(sheet.at("height"), "252");
}

// a frame is a function of its state alone, for either camera: the replay (which starts after
// the first step) draws the policy's pictures
TEST_F(RenderCli, TrajectoryReplayDrawsThePolicysFrames) {
  for (const std::string camera : {"track", "fixed"}) {
    SCOPED_TRACE(camera);
    const std::string traj = path("traj2.csv"), frames = path("pf_" + camera), replay = path("tf_" + camera);
    ASSERT_EQ(run_ecsim("rollout --policy " + s_run + " --seed 5 --max-steps 20 --out " + traj).code, 0);
    const auto a = run_render("render " + s_run + " --seed 5 --max-steps 20 --width 160 --height 120 --camera " +
                              camera + " --out " + path("p.mp4") + " --frames " + frames);
    ASSERT_EQ(a.code, 0) << a.output;
    const auto b = run_render("render --trajectory " + traj + " --width 160 --height 120 --camera " + camera +
                              " --out " + path("t.mp4") + " --frames " + replay);
    ASSERT_EQ(b.code, 0) << b.output;
    expect_same_frames(frames, replay, data_rows(traj));
  }
}

TEST_F(RenderCli, SeveralEpisodesFollowOneAnother) {
  const std::string frames = path("eps");
  const auto r = run_render("render " + s_run + " --episodes 2 --max-steps 6 --width 160 --height 120 --out " +
                            path("e.mp4") + " --frames " + frames);
  ASSERT_EQ(r.code, 0) << r.output;
  const auto names = test::dir_entries(frames);
  EXPECT_TRUE(names.count("ep0_step000000.png") && names.count("ep1_step000000.png") &&
              names.count("ep1_step000006.png"))
      << r.output;
  EXPECT_EQ(probe(path("e.mp4")).at("nb_read_frames"), std::to_string(names.size()));
}

TEST_F(RenderCli, GifAtRealTimeShowsEveryFifthStep) {
  const std::string traj = path("traj3.csv"), gif = path("a.gif");
  ASSERT_EQ(run_ecsim("rollout --policy " + s_run + " --max-steps 30 --out " + traj).code, 0);
  const auto r = run_render("render " + s_run + " --max-steps 30 --width 160 --height 120 --out " + gif);
  ASSERT_EQ(r.code, 0) << r.output;
  const auto kv = probe(gif);
  EXPECT_EQ(kv.at("codec_name"), "gif");
  EXPECT_EQ(kv.at("width"), "160");
  EXPECT_EQ(kv.at("height"), "120");
  // hopper's 8 ms steps: steps 0, 5, 10, ... at 25 frames/s (4 hundredths each)
  EXPECT_EQ(kv.at("nb_read_frames"), std::to_string(data_rows(traj) / 5 + 1));
  EXPECT_NE(r.output.find("at 25 fps"), std::string::npos) << r.output;
}

TEST_F(RenderCli, BadFlagsExit2NamingTheFlag) {
  const std::string noq = path("noq.csv");
  test::write_text(noq, "step,reward\n0,1\n1,1\n");
  const std::string base = "render " + s_run + " --max-steps 5 --out " + path("bad.mp4") + " ";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {base + "--camera orbit", "--camera"},
      {"render " + s_run + " --out " + path("bad.avi"), "--out"},
      {"render --trajectory " + noq + " --out " + path("bad.mp4"), "--trajectory"},
      {base + "--width 0", "--width"},
      {base + "--height 100000", "--height"},
      {base + "--width 161", "--width"},
      {"render " + s_run + " --max-steps 5 --out " + path("bad.gif") + " --fps 30", "--fps"},
      {base + "--contact-sheet " + path("sheet.jpg"), "--contact-sheet"},
      {base + "--samples 17", "--samples"},
      {base + "--fps 0.01", "--fps"},
  };
  for (const auto& [args, flag] : cases) {
    const auto r = run_render(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(flag), std::string::npos) << args << "\n" << r.output;
  }
  EXPECT_FALSE(fs::exists(path("bad.mp4")));
}

}  // namespace
}  // namespace ecsim
