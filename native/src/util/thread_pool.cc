// The pool behind ParallelFor (see thread_pool.h).
//
// Jobs sit in a list under one mutex. A job is split into chunks claimed with an atomic
// counter; whoever claims a chunk index below the count runs it and then counts it done.
// The caller returns only when every chunk is counted, and a late worker that finds no
// chunk left never touches the job's function, so `fn` (on the caller's stack) is only
// called while the caller waits.
//
// Waiting spins first (kSpin: a worker for the next job, the caller for the last chunks)
// and only then sleeps on a condition variable, as onnxruntime's pool does: a model runs
// hundreds of parallel loops a run, and on a virtual machine each futex sleep and wake-up
// cost tens of microseconds, which made two threads no faster than one. Submit wakes a
// worker only where one sleeps.
#include "src/util/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <list>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace hybridrt {

namespace {

thread_local bool tls_in_parallel = false;

// How long a thread spins for work (a worker) or for the last chunks (a caller) before it
// sleeps.
constexpr std::chrono::microseconds kSpin(200);

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Spins until ready(), or until kSpin has passed with hold() false throughout; returns ready().
template <typename Ready, typename Hold>
bool SpinUntil(Ready ready, Hold hold) {
  auto until = std::chrono::steady_clock::now() + kSpin;
  for (int i = 0;; ++i) {
    if (ready()) return true;
    CpuRelax();
    if ((i & 63) == 63) {
      const auto now = std::chrono::steady_clock::now();
      if (hold()) {
        until = now + kSpin;
      } else if (now >= until) {
        return ready();
      }
    }
  }
}

template <typename Ready>
bool SpinUntil(Ready ready) {
  return SpinUntil(ready, [] { return false; });
}

struct Job {
  const std::function<void(int64_t, int64_t)>* fn = nullptr;
  int64_t n = 0;
  int64_t chunk = 1;
  int64_t num_chunks = 0;
  int max_helpers = 0;  // workers besides the caller
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> done{0};
  std::atomic<int> helpers{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex mu;
  std::condition_variable finished;

  // Runs chunks until none is left; returns when this thread can claim no more.
  void Work() {
    for (;;) {
      int64_t c = next.fetch_add(1);
      if (c >= num_chunks) return;
      if (!failed.load()) {
        int64_t begin = c * chunk;
        int64_t end = std::min(n, begin + chunk);
        try {
          (*fn)(begin, end);
        } catch (...) {
          std::lock_guard<std::mutex> lock(mu);
          if (!failed.exchange(true)) error = std::current_exception();
        }
      }
      if (done.fetch_add(1) + 1 == num_chunks) {
        std::lock_guard<std::mutex> lock(mu);
        finished.notify_all();
      }
    }
  }
};

class Pool {
 public:
  explicit Pool(int workers) {
    asleep_ = std::make_unique<bool[]>(workers);
    for (int i = 0; i < workers; ++i) threads_.emplace_back([this, i] { Loop(i); });
  }
  int workers() const { return static_cast<int>(threads_.size()); }

  void Submit(const std::shared_ptr<Job>& job) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      jobs_.push_back(job);
      submitted_.fetch_add(1);
    }
    // A sleeper counts itself under mu_ before it checks for jobs, so it either saw this job
    // or is counted here.
    if (sleepers_.load() == 0) return;
    if (job->max_helpers >= workers()) {
      cv_.notify_all();
    } else {
      for (int i = 0; i < job->max_helpers; ++i) cv_.notify_one();
    }
  }

  // PoolHoldBegin/End (thread_pool.h): a holder whose loops take `helpers` workers keeps that
  // many more awake, workers 0 .. awake_ - 1 (its jobs never take more: ParallelFor's helpers),
  // so an engine of 2 threads on a machine of 64 keeps one worker spinning, not 63. awake_ is
  // counted under mu_, where a sleeper checks it before it waits; a hold that finds one of the
  // workers it keeps awake asleep wakes the sleepers (those past awake_ sleep again).
  void Hold(int helpers) {
    bool wake = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const int awake = std::min(awake_.fetch_add(helpers) + helpers, workers());
      for (int i = 0; i < awake && !wake; ++i) wake = asleep_[i];
    }
    if (wake) cv_.notify_all();
  }
  void Release(int helpers) { awake_.fetch_sub(helpers); }

  void Remove(const std::shared_ptr<Job>& job) {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.remove(job);
  }

 private:
  void Loop(int index) {
    tls_in_parallel = true;
    for (;;) {
      std::shared_ptr<Job> job;
      // A job listed now, else spin until the next Submit (a finished job stays listed until
      // its caller removes it, so "a job is listed" would end the spin at once).
      const int64_t seen = submitted_.load();
      {
        std::lock_guard<std::mutex> lock(mu_);
        job = Pick();
      }
      const auto held = [&] { return index < awake_.load(std::memory_order_relaxed); };
      if (!job && SpinUntil([&] { return submitted_.load(std::memory_order_relaxed) != seen; }, held)) {
        std::lock_guard<std::mutex> lock(mu_);
        job = Pick();
      }
      if (!job) {
        std::unique_lock<std::mutex> lock(mu_);
        sleepers_.fetch_add(1);
        asleep_[index] = true;
        cv_.wait(lock, [&] { return (job = Pick()) != nullptr || index < awake_.load(); });
        asleep_[index] = false;
        sleepers_.fetch_sub(1);
      }
      if (!job) continue;  // woken by a hold: spin for its jobs
      job->Work();
      job->helpers.fetch_sub(1);
    }
  }

  // A job with chunks left and room for a helper (mu_ held); claims the helper slot.
  std::shared_ptr<Job> Pick() {
    for (auto& j : jobs_) {
      if (j->next.load() >= j->num_chunks) continue;
      int h = j->helpers.load();
      while (h < j->max_helpers) {
        if (j->helpers.compare_exchange_weak(h, h + 1)) return j;
      }
    }
    return nullptr;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::list<std::shared_ptr<Job>> jobs_;
  std::atomic<int64_t> submitted_{0};  // jobs ever submitted
  std::atomic<int> sleepers_{0};       // workers waiting on cv_
  std::atomic<int> awake_{0};          // workers the holds keep awake: their helpers, summed
  std::unique_ptr<bool[]> asleep_;     // by worker: waiting on cv_ (under mu_)
  std::vector<std::thread> threads_;
};

Pool& GlobalPool() {
  // NOTE: deliberately leaked: workers block on a condition variable forever, and joining
  // them from a static destructor at process exit could hang an exiting Node.js.
  static Pool* pool = new Pool(HardwareThreads() - 1);
  return *pool;
}

}  // namespace

int HardwareThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(std::min(n, 256u));
}

void PoolHoldBegin(int threads) {
  if (threads > 1) GlobalPool().Hold(threads - 1);
}

void PoolHoldEnd(int threads) {
  if (threads > 1) GlobalPool().Release(threads - 1);
}

void ParallelFor(int threads, int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  grain = std::max<int64_t>(grain, 1);
  Pool& pool = GlobalPool();
  int helpers = std::min(threads - 1, pool.workers());
  if (tls_in_parallel || helpers <= 0 || n <= grain) {
    fn(0, n);
    return;
  }
  auto job = std::make_shared<Job>();
  job->fn = &fn;
  job->n = n;
  // A few chunks per thread balance uneven chunks without much claiming overhead.
  int64_t chunks = std::min<int64_t>((n + grain - 1) / grain, static_cast<int64_t>(helpers + 1) * 4);
  job->chunk = (n + chunks - 1) / chunks;
  job->num_chunks = (n + job->chunk - 1) / job->chunk;
  job->max_helpers = static_cast<int>(std::min<int64_t>(helpers, job->num_chunks - 1));
  pool.Submit(job);
  tls_in_parallel = true;
  job->Work();
  tls_in_parallel = false;
  if (!SpinUntil([&] { return job->done.load() == job->num_chunks; })) {
    std::unique_lock<std::mutex> lock(job->mu);
    job->finished.wait(lock, [&] { return job->done.load() == job->num_chunks; });
  }
  pool.Remove(job);
  if (job->error) std::rethrow_exception(job->error);
}

}  // namespace hybridrt
