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

}  // namespace hybridrt
