// An off-screen OpenGL context for MuJoCo's renderer: EGL on Mesa's surfaceless platform (no
// display server, no GPU: llvmpipe renders on the CPU), or EGL's default display with a pbuffer
// where the surfaceless platform is missing. MuJoCo 2.2 draws with legacy OpenGL, so the context
// is a compatibility-profile one.
#pragma once

#include <memory>
#include <string>

namespace ecsim::render {

class GlContext {
 public:
  // Creates the context and makes it current on the calling thread. Throws ecsim::Error with EGL's
  // error code when no context can be had.
  GlContext();
  ~GlContext();
  GlContext(const GlContext&) = delete;
  GlContext& operator=(const GlContext&) = delete;

  // "OpenGL 4.5 (Compatibility Profile) Mesa 22.3.6, llvmpipe (LLVM 15.0.6, 256 bits)"
  const std::string& description() const { return m_description; }

 private:
  struct Handles;
  std::unique_ptr<Handles> m_h;
  std::string m_description;
};

}  // namespace ecsim::render
