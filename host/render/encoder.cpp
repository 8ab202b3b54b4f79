#include "render/encoder.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "common/error.h"

namespace ecsim::render {

namespace {

std::string av_text(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, buf, sizeof buf);
  return buf;
}

void check(int err, const std::string& what) {
  if (err < 0) throw Error("FFmpeg: " + what + ": " + av_text(err));
}

// The container's bytes, written (and, for MP4's index, rewritten) in memory.
struct MemoryFile {
  std::string bytes;
  size_t pos = 0;
  static int write(void* opaque, uint8_t* buf, int size) {
    auto* f = static_cast<MemoryFile*>(opaque);
    const auto n = static_cast<size_t>(size);
    if (f->pos + n > f->bytes.size()) f->bytes.resize(f->pos + n);
    std::memcpy(f->bytes.data() + f->pos, buf, n);
    f->pos += n;
    return size;
  }
  static int64_t seek(void* opaque, int64_t offset, int whence) {
    auto* f = static_cast<MemoryFile*>(opaque);
    const auto size = static_cast<int64_t>(f->bytes.size());
    if (whence & AVSEEK_SIZE) return size;
    int64_t to = offset;
    if ((whence & 3) == SEEK_CUR) to += static_cast<int64_t>(f->pos);
    if ((whence & 3) == SEEK_END) to += size;
    if (to < 0) return AVERROR(EINVAL);
    f->pos = static_cast<size_t>(to);
    return to;
  }
};

struct FrameDeleter {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct CodecDeleter {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecDeleter>;

FramePtr make_frame(AVPixelFormat fmt, int width, int height) {
  FramePtr f(av_frame_alloc());
  if (!f) throw std::bad_alloc();
  f->format = fmt;
  f->width = width;
  f->height = height;
  check(av_frame_get_buffer(f.get(), 0), "a frame buffer");
  return f;
}

}  // namespace

struct VideoEncoder::State {
  MemoryFile file;
  AVFormatContext* format = nullptr;
  AVIOContext* io = nullptr;
  CodecPtr codec;
  AVStream* stream = nullptr;
  SwsContext* sws = nullptr;
  FramePtr frame;
  PacketPtr packet{av_packet_alloc()};
  int width = 0, height = 0;
  bool finished = false;
  ~State() {
    sws_freeContext(sws);
    if (io) {
      av_freep(&io->buffer);
      avio_context_free(&io);
    }
    if (format) avformat_free_context(format);
  }
  // every packet the encoder has ready, into the container
  void drain() {
    for (;;) {
      const int err = avcodec_receive_packet(codec.get(), packet.get());
      if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return;
      check(err, "encoding a frame");
      av_packet_rescale_ts(packet.get(), codec->time_base, stream->time_base);
      packet->stream_index = stream->index;
      check(av_interleaved_write_frame(format, packet.get()), "writing a packet");
    }
  }
};

VideoEncoder::VideoEncoder(VideoFormat fmt, int width, int height, FrameRate rate) : m_s(std::make_unique<State>()) {
  av_log_set_level(AV_LOG_ERROR);  // libx264 reports its settings and statistics on stderr
  State& s = *m_s;
  s.width = width;
  s.height = height;
  if (!s.packet) throw std::bad_alloc();
  check(avformat_alloc_output_context2(&s.format, nullptr, fmt == VideoFormat::kMp4 ? "mp4" : "gif", nullptr),
        "the container");
  const AVCodec* enc = nullptr;
  AVPixelFormat pix = AV_PIX_FMT_YUV420P;
  if (fmt == VideoFormat::kMp4) {
    enc = avcodec_find_encoder_by_name("libx264");
    if (!enc) enc = avcodec_find_encoder(AV_CODEC_ID_MPEG4);
  } else {
    enc = avcodec_find_encoder(AV_CODEC_ID_GIF);
    pix = AV_PIX_FMT_RGB8;  // the GIF encoder's fixed 3-3-2 palette, dithered by swscale
  }
  if (!enc)
    throw Error(std::string("FFmpeg has no ") + (fmt == VideoFormat::kMp4 ? "H.264 or MPEG-4" : "GIF") + " encoder",
                "install Debian's libavcodec59 (scripts/setup-deps.sh)");
  s.codec.reset(avcodec_alloc_context3(enc));
  if (!s.codec) throw std::bad_alloc();
  AVCodecContext& c = *s.codec;
  c.width = width;
  c.height = height;
  c.pix_fmt = pix;
  c.time_base = AVRational{rate.den, rate.num};
  c.framerate = AVRational{rate.num, rate.den};
  c.thread_count = 1;  // one core; the same bytes every run
  if (fmt == VideoFormat::kMp4) {
    c.gop_size = std::max(1, static_cast<int>(2 * rate.value()));
    if (enc->id == AV_CODEC_ID_H264) {
      av_opt_set(c.priv_data, "preset", "fast", 0);
      av_opt_set(c.priv_data, "crf", "20", 0);
    } else {
      c.flags |= AV_CODEC_FLAG_QSCALE;
      c.global_quality = FF_QP2LAMBDA * 3;
    }
  }
  if (s.format->oformat->flags & AVFMT_GLOBALHEADER) c.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  check(avcodec_open2(&c, enc, nullptr), std::string("opening the ") + enc->name + " encoder at " +
                                             std::to_string(width) + "x" + std::to_string(height));
  s.stream = avformat_new_stream(s.format, nullptr);
  if (!s.stream) throw std::bad_alloc();
  s.stream->time_base = c.time_base;
  s.stream->avg_frame_rate = c.framerate;
  check(avcodec_parameters_from_context(s.stream->codecpar, &c), "the stream's parameters");
  constexpr int kIoBuffer = 1 << 16;
  auto* buffer = static_cast<unsigned char*>(av_malloc(kIoBuffer));
  if (!buffer) throw std::bad_alloc();
  s.io = avio_alloc_context(buffer, kIoBuffer, 1, &s.file, nullptr, &MemoryFile::write, &MemoryFile::seek);
  if (!s.io) {
    av_free(buffer);
    throw std::bad_alloc();
  }
  s.format->pb = s.io;
  s.format->flags |= AVFMT_FLAG_CUSTOM_IO;
  check(avformat_write_header(s.format, nullptr), "the container's header");
  s.sws = sws_getContext(width, height, AV_PIX_FMT_RGB24, width, height, pix, SWS_POINT, nullptr, nullptr, nullptr);
  if (!s.sws) throw Error("FFmpeg: swscale cannot convert RGB24 to " + std::string(av_get_pix_fmt_name(pix)));
  s.frame = make_frame(pix, width, height);
}

VideoEncoder::~VideoEncoder() = default;

std::string VideoEncoder::codec() const {
  const AVCodec* c = m_s->codec->codec;
  const std::string id = avcodec_get_name(c->id);
  return id == c->name ? id : id + " (" + c->name + ")";
}

void VideoEncoder::add(const uint8_t* rgb) {
  State& s = *m_s;
  check(av_frame_make_writable(s.frame.get()), "a writable frame");
  const uint8_t* src[1] = {rgb};
  const int stride[1] = {3 * s.width};
  sws_scale(s.sws, src, stride, 0, s.height, s.frame->data, s.frame->linesize);
  s.frame->pts = m_frames++;
  check(avcodec_send_frame(s.codec.get(), s.frame.get()), "encoding a frame");
  s.drain();
}

std::string VideoEncoder::finish() {
  State& s = *m_s;
  if (s.finished) return s.file.bytes;
  if (m_frames == 0) throw Error("a video needs at least one frame");  // the MP4 muxer refuses none
  check(avcodec_send_frame(s.codec.get(), nullptr), "flushing the encoder");
  s.drain();
  check(av_write_trailer(s.format), "the container's trailer");
  avio_flush(s.io);
  s.finished = true;
  return s.file.bytes;
}

std::string encode_png(const uint8_t* rgb, int width, int height) {
  av_log_set_level(AV_LOG_ERROR);
  const AVCodec* enc = avcodec_find_encoder(AV_CODEC_ID_PNG);
  if (!enc) throw Error("FFmpeg has no PNG encoder", "install Debian's libavcodec59 (scripts/setup-deps.sh)");
  CodecPtr c(avcodec_alloc_context3(enc));
  if (!c) throw std::bad_alloc();
  c->width = width;
  c->height = height;
  c->pix_fmt = AV_PIX_FMT_RGB24;
  c->time_base = AVRational{1, 1};
  c->thread_count = 1;
  check(avcodec_open2(c.get(), enc, nullptr), "opening the PNG encoder");
  FramePtr f = make_frame(AV_PIX_FMT_RGB24, width, height);
  const size_t row = static_cast<size_t>(width) * 3;
  for (int y = 0; y < height; ++y)
    std::memcpy(f->data[0] + static_cast<ptrdiff_t>(y) * f->linesize[0], rgb + static_cast<size_t>(y) * row, row);
  f->pts = 0;
  check(avcodec_send_frame(c.get(), f.get()), "encoding a PNG");
  check(avcodec_send_frame(c.get(), nullptr), "flushing the PNG encoder");
  PacketPtr p(av_packet_alloc());
  if (!p) throw std::bad_alloc();
  std::string bytes;
  for (;;) {
    const int err = avcodec_receive_packet(c.get(), p.get());
    if (err == AVERROR_EOF || err == AVERROR(EAGAIN)) break;
    check(err, "encoding a PNG");
    bytes.append(reinterpret_cast<const char*>(p->data), static_cast<size_t>(p->size));
    av_packet_unref(p.get());
  }
  return bytes;
}

}  // namespace ecsim::render
