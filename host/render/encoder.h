// Frames into files with FFmpeg's libraries (libavcodec, libavformat, libswscale): an MP4 video
// (H.264 by libx264 where FFmpeg has it, else MPEG-4 part 2), an animated GIF, or one PNG. Frames
// are RGB24 rows, top row first. Everything is encoded in memory; the caller writes the bytes
// (atomically, io::write_file_atomic).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace ecsim::render {

enum class VideoFormat { kMp4, kGif };

// A frame rate as a fraction, frames per `den` seconds: 125/1, 200/3.
struct FrameRate {
  int num = 25, den = 1;
  double value() const { return static_cast<double>(num) / den; }
};

class VideoEncoder {
 public:
  // Throws ecsim::Error when FFmpeg has no encoder for the format or refuses the size or rate.
  VideoEncoder(VideoFormat format, int width, int height, FrameRate rate);
  ~VideoEncoder();
  VideoEncoder(const VideoEncoder&) = delete;
  VideoEncoder& operator=(const VideoEncoder&) = delete;

  void add(const uint8_t* rgb);  // width*height*3 bytes
  // flushes the encoder and the container; the bytes of the file
  std::string finish();
  // "h264 (libx264)", "mpeg4", "gif"
  std::string codec() const;
  int64_t frames() const { return m_frames; }

 private:
  struct State;
  std::unique_ptr<State> m_s;
  int64_t m_frames = 0;
};

// One picture as a PNG file's bytes (avcodec's PNG encoder).
std::string encode_png(const uint8_t* rgb, int width, int height);

}  // namespace ecsim::render
