#include "render/gl_context.h"

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GL/gl.h>

#include <cstdio>

#include "common/error.h"

namespace ecsim::render {

struct GlContext::Handles {
  EGLDisplay display = EGL_NO_DISPLAY;
  EGLSurface surface = EGL_NO_SURFACE;
  EGLContext context = EGL_NO_CONTEXT;
};

namespace {

std::string egl_error(const std::string& call) {
  char code[16];
  std::snprintf(code, sizeof code, "0x%04x", static_cast<unsigned>(eglGetError()));
  return call + " failed (EGL error " + code + ")";
}

const char* const kFix =
    "install Mesa's EGL (Debian: libegl1 libegl-mesa0 libgl1-mesa-dri; scripts/setup-deps.sh); "
    "no display or GPU is needed";

}  // namespace

GlContext::GlContext() : m_h(std::make_unique<Handles>()) {
  // Mesa's surfaceless platform first: it needs neither X nor a GPU device node
  const auto get_platform_display =
      reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(eglGetProcAddress("eglGetPlatformDisplayEXT"));
  bool surfaceless = false;
  if (get_platform_display) {
    m_h->display = get_platform_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
    surfaceless = m_h->display != EGL_NO_DISPLAY && eglInitialize(m_h->display, nullptr, nullptr);
  }
  if (!surfaceless) {
    m_h->display = eglGetDisplay(EGL_DEFAULT_DISPLAY);
    if (m_h->display == EGL_NO_DISPLAY || !eglInitialize(m_h->display, nullptr, nullptr))
      throw Error("no off-screen OpenGL: " + egl_error("eglInitialize"), kFix);
  }
  const EGLint config_attribs[] = {EGL_RED_SIZE,
                                   8,
                                   EGL_GREEN_SIZE,
                                   8,
                                   EGL_BLUE_SIZE,
                                   8,
                                   EGL_ALPHA_SIZE,
                                   8,
                                   EGL_DEPTH_SIZE,
                                   24,
                                   EGL_STENCIL_SIZE,
                                   8,
                                   EGL_SURFACE_TYPE,
                                   EGL_PBUFFER_BIT,
                                   EGL_RENDERABLE_TYPE,
                                   EGL_OPENGL_BIT,
                                   EGL_NONE};
  EGLConfig config = nullptr;
  EGLint n = 0;
  if (!eglChooseConfig(m_h->display, config_attribs, &config, 1, &n) || n < 1) {
    if (!surfaceless)
      throw Error("no off-screen OpenGL: " + egl_error("eglChooseConfig") + ", no pbuffer config", kFix);
    config = nullptr;  // surfaceless: a context without a config (EGL_KHR_no_config_context)
  }
  if (!eglBindAPI(EGL_OPENGL_API))
    throw Error("no off-screen OpenGL: " + egl_error("eglBindAPI(EGL_OPENGL_API)"), kFix);
  const EGLint context_attribs[] = {EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_COMPATIBILITY_PROFILE_BIT,
                                    EGL_NONE};
  m_h->context = eglCreateContext(m_h->display, config, EGL_NO_CONTEXT, context_attribs);
  if (m_h->context == EGL_NO_CONTEXT)
    throw Error("no off-screen OpenGL: " + egl_error("eglCreateContext (compatibility profile)"), kFix);
  if (!surfaceless) {
    // MuJoCo renders into its own framebuffer object; the pbuffer only makes the context current
    const EGLint pbuffer_attribs[] = {EGL_WIDTH, 1, EGL_HEIGHT, 1, EGL_NONE};
    m_h->surface = eglCreatePbufferSurface(m_h->display, config, pbuffer_attribs);
    if (m_h->surface == EGL_NO_SURFACE)
      throw Error("no off-screen OpenGL: " + egl_error("eglCreatePbufferSurface"), kFix);
  }
  if (!eglMakeCurrent(m_h->display, m_h->surface, m_h->surface, m_h->context))
    throw Error("no off-screen OpenGL: " + egl_error("eglMakeCurrent"), kFix);
  const auto text = [](GLenum what) {
    const auto* s = reinterpret_cast<const char*>(glGetString(what));
    return std::string(s ? s : "?");
  };
  m_description =
      "OpenGL " + text(GL_VERSION) + ", " + text(GL_RENDERER) + (surfaceless ? ", EGL surfaceless" : ", EGL pbuffer");
}

GlContext::~GlContext() {
  if (m_h->display == EGL_NO_DISPLAY) return;
  eglMakeCurrent(m_h->display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
  if (m_h->context != EGL_NO_CONTEXT) eglDestroyContext(m_h->display, m_h->context);
  if (m_h->surface != EGL_NO_SURFACE) eglDestroySurface(m_h->display, m_h->surface);
  eglTerminate(m_h->display);
}

}  // namespace ecsim::render
