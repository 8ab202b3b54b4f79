// Threads that are always joined. std::thread throws std::system_error when the system cannot
// start one more (no memory for its stack under `ulimit -v`, too many threads); a vector of
// std::thread left with running threads then calls std::terminate from their destructors. Here a
// failed start first calls the group's stop function (so that running workers stop taking work),
// joins every thread already started, and only then lets the error leave; the destructor joins too.
#pragma once

#include <functional>
#include <thread>
#include <utility>
#include <vector>

namespace ecsim {

class ThreadGroup {
 public:
  // stop: called before joining when a start fails (e.g. mark the work queue as done)
  explicit ThreadGroup(std::function<void()> stop = {}) : m_stop(std::move(stop)) {}
  ~ThreadGroup() { join(); }
  ThreadGroup(const ThreadGroup&) = delete;
  ThreadGroup& operator=(const ThreadGroup&) = delete;

  template <class F, class... Args>
  void start(F&& f, Args&&... args) {
    try {
      m_threads.emplace_back(std::forward<F>(f), std::forward<Args>(args)...);
    } catch (...) {
      if (m_stop) m_stop();
      join();
      throw;
    }
  }
  void join() {
    for (std::thread& t : m_threads)
      if (t.joinable()) t.join();
    m_threads.clear();
  }
  size_t size() const { return m_threads.size(); }

 private:
  std::function<void()> m_stop;
  std::vector<std::thread> m_threads;
};

}  // namespace ecsim
