#include "render/frame_renderer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/error.h"
#include "render/gl_context.h"

namespace ecsim::render {

struct FrameRenderer::State {
  GlContext gl;  // first: the MuJoCo context below needs it current, and is freed before it
  mjModel* model = nullptr;
  mjvScene scene;
  mjvCamera camera;
  mjvOption option;
  mjrContext context;
  int root = 1;
  ~State() {
    mjr_freeContext(&context);
    mjv_freeScene(&scene);
    if (model) mj_deleteModel(model);
  }
};

namespace {

// Room for the floor marks beside the model's own geoms.
constexpr int kMaxGeoms = 2000;
// The tracking camera: from the side (the robots walk along +x, shown left to right), a little
// above the torso.
constexpr double kAzimuth = 90, kElevation = -12;

}  // namespace

FrameRenderer::FrameRenderer(const mjModel* m, int width, int height, Camera camera, int samples)
    : m_s(std::make_unique<State>()), m_width(width), m_height(height), m_camera(camera) {
  m_s->model = mj_copyModel(nullptr, m);
  mjModel* mm = m_s->model;
  mm->vis.global.offwidth = width;  // mjr_makeContext sizes the off-screen buffer from these
  mm->vis.global.offheight = height;
  mm->vis.quality.offsamples = samples;
  // the project's models have no lights: a brighter headlight than MuJoCo's default
  mm->vis.headlight.ambient[0] = mm->vis.headlight.ambient[1] = mm->vis.headlight.ambient[2] = 0.35f;
  mm->vis.headlight.diffuse[0] = mm->vis.headlight.diffuse[1] = mm->vis.headlight.diffuse[2] = 0.6f;
  for (int b = 1; b < mm->nbody; ++b)
    if (mm->body_parentid[b] == 0) {
      m_s->root = b;
      break;
    }
  mjv_defaultScene(&m_s->scene);
  mjv_defaultCamera(&m_s->camera);
  mjv_defaultOption(&m_s->option);
  mjr_defaultContext(&m_s->context);
  mjv_makeScene(mm, &m_s->scene, kMaxGeoms);
  // MuJoCo's font scale: 50 % for small frames, so the overlay leaves room for the robot
  const int font = height < 360 ? mjFONTSCALE_50 : height < 900 ? mjFONTSCALE_100 : mjFONTSCALE_150;
  mjr_makeContext(mm, &m_s->context, font);
  mjr_setBuffer(mjFB_OFFSCREEN, &m_s->context);
  if (m_s->context.currentBuffer != mjFB_OFFSCREEN || m_s->context.offWidth != width ||
      m_s->context.offHeight != height)
    throw Error("the off-screen framebuffer is " + std::to_string(m_s->context.offWidth) + "x" +
                    std::to_string(m_s->context.offHeight) + ", not the " + std::to_string(width) + "x" +
                    std::to_string(height) + " asked for",
                "ask for a smaller --width and --height");
  mjvCamera& cam = m_s->camera;
  cam.azimuth = kAzimuth;
  cam.elevation = kElevation;
  // from the robot's height where it starts (the model's extent counts the 40 m floor)
  cam.distance = 2.8 * std::max(0.5, static_cast<double>(mm->body_pos[3 * m_s->root + 2]));
  if (camera == Camera::kTrack) {
    cam.type = mjCAMERA_TRACKING;
    cam.trackbodyid = m_s->root;
  } else {
    // where the model puts the root body (the reset state, up to the reset noise), a little
    // ahead: from the model, not a frame, so that a frame depends on its state alone
    cam.type = mjCAMERA_FREE;
    cam.distance *= 2;
    cam.elevation = -8;
    const mjtNum* root = mm->body_pos + 3 * m_s->root;
    cam.lookat[0] = root[0] + 0.25 * cam.distance;
    cam.lookat[1] = root[1];
    cam.lookat[2] = root[2];
  }
  m_flipped.resize(static_cast<size_t>(width) * static_cast<size_t>(height) * 3);
  m_rgb.resize(m_flipped.size());
}

FrameRenderer::~FrameRenderer() = default;

const std::string& FrameRenderer::gl_description() const { return m_s->gl.description(); }

// Lines across the floor every half metre (every metre wider): MuJoCo's plane is one colour, so
// without them a tracked robot would seem to walk on the spot. Then a sky.
void FrameRenderer::add_floor_marks() {
  mjvScene& scn = m_s->scene;
  const double cx = m_s->camera.lookat[0];
  const double first = std::floor(cx - 12), last = std::ceil(cx + 12);
  const mjtNum mat[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  for (double x = first; x <= last; x += 0.5) {
    if (scn.ngeom >= scn.maxgeom) return;
    const bool metre = std::fmod(std::fabs(x), 1.0) == 0.0;
    const mjtNum size[3] = {metre ? 0.012 : 0.005, 6, 0.0005};
    const mjtNum pos[3] = {x, 4, 0.0005};
    const float rgba[4] = {0.25f, 0.3f, 0.25f, 1};
    mjvGeom* g = scn.geoms + scn.ngeom++;
    mjv_initGeom(g, mjGEOM_BOX, size, pos, mat, rgba);
    g->category = mjCAT_DECOR;
  }
  // a sky behind the floor (MuJoCo clears to black)
  if (scn.ngeom >= scn.maxgeom) return;
  const mjtNum size[3] = {80, 0.1, 40};
  const mjtNum pos[3] = {cx, 20.5, 39};  // just behind the floor's far edge (the plane is 40 m)
  const float rgba[4] = {0.55f, 0.68f, 0.85f, 1};
  mjvGeom* g = scn.geoms + scn.ngeom++;
  mjv_initGeom(g, mjGEOM_BOX, size, pos, mat, rgba);
  g->category = mjCAT_DECOR;
}

const std::vector<uint8_t>& FrameRenderer::render(mjData* d, const Overlay& overlay, bool big) {
  if (m_camera == Camera::kTrack) {
    // MuJoCo's tracking camera eases towards the body (its lookat moves a fraction of the way each
    // frame): set it on the body, so that a frame depends on its state alone, not on the frames
    // drawn before it (a replay from step k draws the same pictures)
    mju_copy3(m_s->camera.lookat, d->subtree_com + 3 * m_s->root);
  }
  mjv_updateScene(m_s->model, d, &m_s->option, nullptr, &m_s->camera, mjCAT_ALL, &m_s->scene);
  add_floor_marks();
  const mjrRect viewport{0, 0, m_width, m_height};
  mjr_render(viewport, &m_s->scene, &m_s->context);
  if (!overlay.titles.empty())
    mjr_overlay(big ? mjFONT_BIG : mjFONT_NORMAL, mjGRID_TOPLEFT, viewport, overlay.titles.c_str(),
                overlay.values.c_str(), &m_s->context);
  mjr_readPixels(m_flipped.data(), nullptr, viewport, &m_s->context);
  // OpenGL's rows run bottom-up
  const size_t row = static_cast<size_t>(m_width) * 3;
  for (int y = 0; y < m_height; ++y)
    std::memcpy(m_rgb.data() + static_cast<size_t>(y) * row,
                m_flipped.data() + static_cast<size_t>(m_height - 1 - y) * row, row);
  return m_rgb;
}

}  // namespace ecsim::render
