// A small process-wide thread pool for the cpu backend. ParallelFor splits [0, n) into
// chunks run by the pool's workers and by the calling thread, which always participates, so
// several execution contexts (each on its own libuv worker thread) can run layers at the
// same time without deadlock: if every worker is busy, the caller simply does all its chunks
// itself. A ParallelFor issued from inside a chunk runs inline. The first exception thrown by
// a chunk is rethrown in the caller after every chunk has finished or been skipped.
#pragma once

#include <cstdint>
#include <functional>

namespace hybridrt {

// Threads the machine offers (>= 1).
int HardwareThreads();

// Runs fn(begin, end) over [0, n) on at most `threads` threads (caller included), in chunks
// of at least `grain` iterations.
void ParallelFor(int threads, int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

// Parallel work is coming (a cpu engine's run, its build): while one of these is held, as many of
// the pool's workers as the holder's loops take (threads - 1; the holds' sum, at most all) spin
// for jobs instead of going to sleep, and a hold wakes those of them asleep, so
// that the run's parallel loops neither pay a wake-up nor lose the worker to one (a recurrent
// model's loops come more than the spin's length apart, between single-threaded steps). The spin
// ends kSpin (thread_pool.cc) after the last is released: an idle process does not spin.
// Begin/End nest and may come from several threads; `threads` is the holder's thread budget (1:
// its loops use no worker, and the call does nothing).
void PoolHoldBegin(int threads);
void PoolHoldEnd(int threads);

}  // namespace hybridrt
