#include "io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/error.h"

namespace ecsim::io {

void check_output_path(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return;  // absent: it will be created
  if (S_ISDIR(st.st_mode))
    throw Error("output '" + path + "' is a directory",
                "give the path of a file (ecsim never writes over a directory)");
  if (!S_ISREG(st.st_mode))
    throw Error("output '" + path + "' is not a regular file (a device, pipe or socket)",
                "give the path of a regular file (ecsim only replaces regular files)");
}

void write_file_atomic(const std::string& path, const std::string& content) {
  check_output_path(path);
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    throw Error("cannot write '" + path + "': " + std::strerror(errno),
                "check that the directory exists and is writable");
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw Error("write to '" + path + "' failed: " + std::strerror(e), "check free disk space");
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    throw Error("cannot flush '" + path + "': " + std::strerror(errno), "check free disk space");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    throw Error("cannot rename into '" + path + "': " + std::strerror(e), "check directory permissions");
  }
}

}  // namespace ecsim::io
