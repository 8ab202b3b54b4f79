// Pictures of a task's state, drawn by MuJoCo's own renderer (mjv_updateScene, mjr_render,
// mjr_overlay in MuJoCo's font) into an off-screen framebuffer of an off-screen OpenGL context
// (render/gl_context.h) and read back as RGB rows, top row first.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <mujoco/mujoco.h>

namespace ecsim::render {

enum class Camera {
  kTrack,  // follows the root body (mjCAMERA_TRACKING)
  kFixed,  // stands where the model puts the root body, farther back
};

// The text in a frame's corner, as mjr_overlay draws it: two columns, one line each.
struct Overlay {
  std::string titles;  // "step\nreturn"
  std::string values;  // "12\n9.87"
};

class FrameRenderer {
 public:
  // Renders frames of models shaped like m (a copy is kept: the off-screen size and the lights are
  // the renderer's, the physics is untouched). Creates the GL context. Throws ecsim::Error when
  // there is no GL or the size is more than the GL can hold.
  // samples: multisampling (MSAA) samples per pixel, 0 for none.
  FrameRenderer(const mjModel* m, int width, int height, Camera camera, int samples = 4);
  ~FrameRenderer();
  FrameRenderer(const FrameRenderer&) = delete;
  FrameRenderer& operator=(const FrameRenderer&) = delete;

  // The picture of d (its kinematics current, as mj_forward leaves them): width*height*3 bytes of
  // RGB, top row first, valid until the next call. big: the overlay in MuJoCo's big font.
  const std::vector<uint8_t>& render(mjData* d, const Overlay& overlay, bool big = false);

  int width() const { return m_width; }
  int height() const { return m_height; }
  // the GL that renders: "OpenGL 4.5 (Compatibility Profile) Mesa 22.3.6, llvmpipe (...), EGL surfaceless"
  const std::string& gl_description() const;

 private:
  void add_floor_marks();

  struct State;
  std::unique_ptr<State> m_s;
  int m_width, m_height;
  Camera m_camera;
  std::vector<uint8_t> m_flipped, m_rgb;
};

}  // namespace ecsim::render
