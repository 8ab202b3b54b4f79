#include "io/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "common/error.h"

namespace ecsim::io {

namespace {

// ECSIM_TEST_TRACE_WRITES / ECSIM_TEST_KILL_AT_WRITE (see the header)
void commit_point(const std::string& path) {
  static const bool trace = std::getenv("ECSIM_TEST_TRACE_WRITES") != nullptr;
  static const long kill_at = [] {
    const char* k = std::getenv("ECSIM_TEST_KILL_AT_WRITE");
    return k ? std::strtol(k, nullptr, 10) : 0L;
  }();
  static long count = 0;
  ++count;
  if (trace) std::fprintf(stderr, "ecsim: commit %ld %s\n", count, path.c_str());
  if (count == kill_at) ::raise(SIGKILL);
}

// makes a completed rename durable (the directory entry), best effort: the data is already synced
void sync_parent(const std::string& path) {
  const std::string parent = std::filesystem::path(path).parent_path().string();
  const int fd = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

std::string temporary_name(const std::string& path) { return path + ".tmp." + std::to_string(::getpid()); }

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
  const std::string tmp = temporary_name(path);
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
  commit_point(path);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    throw Error("cannot rename into '" + path + "': " + std::strerror(e), "check directory permissions");
  }
  sync_parent(path);
}

void check_output_directory(const std::string& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0 && !S_ISDIR(st.st_mode))
    throw Error("output '" + dir + "' exists and is not a directory",
                "move it away or give another path (ecsim only replaces a directory)");
}

void publish_directory(const std::string& staged, const std::string& dir) {
  namespace fs = std::filesystem;
  check_output_directory(dir);
  const bool exists = fs::exists(dir);
  sync_parent(staged + "/.");  // the staged directory's entries
  commit_point(dir);
  std::error_code ec;
  if (!exists) {
    if (std::rename(staged.c_str(), dir.c_str()) != 0) {
      const int e = errno;
      fs::remove_all(staged, ec);
      throw Error("cannot rename '" + staged + "' to '" + dir + "': " + std::strerror(e),
                  "check directory permissions");
    }
  } else if (const bool no_exchange = std::getenv("ECSIM_TEST_NO_RENAME_EXCHANGE") != nullptr;  // tests the fallback
             no_exchange || ::renameat2(AT_FDCWD, staged.c_str(), AT_FDCWD, dir.c_str(), RENAME_EXCHANGE) != 0) {
    int e = no_exchange ? EINVAL : errno;
    if (e == EINVAL || e == ENOSYS || e == EOPNOTSUPP) {
      // a file system without the exchange (some network file systems): two renames; a kill
      // between them leaves no dir, only its staged versions, which --resume writes again
      const std::string old = dir + ".old." + std::to_string(::getpid());
      if (std::rename(dir.c_str(), old.c_str()) == 0) {
        if (std::rename(staged.c_str(), dir.c_str()) == 0) {
          fs::remove_all(old, ec);
          sync_parent(dir);
          return;
        }
        e = errno;
        std::rename(old.c_str(), dir.c_str());
      } else {
        e = errno;
      }
    }
    fs::remove_all(staged, ec);
    throw Error("cannot replace '" + dir + "' by '" + staged + "': " + std::strerror(e),
                "check the directory's permissions and free space");
  }
  sync_parent(dir);
  if (exists) fs::remove_all(staged, ec);  // the old version; a kill here leaves a stale temporary
}

}  // namespace ecsim::io
