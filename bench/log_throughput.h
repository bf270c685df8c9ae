#ifndef STIGMER_BENCH_LOG_THROUGHPUT_H_
#define STIGMER_BENCH_LOG_THROUGHPUT_H_

#include <string>

namespace stigmer::bench {

// Log throughput: `fixture --spew-lines N` writes `megabytes` MB of 100-byte lines to stdout;
// the time from its spawn until its last line is in the log file (inotify), three times each:
//   - straight into a file (the fixture's own speed, no supervisor),
//   - through the Supervisor library's LogSink (timestamped lines, no rotation),
//   - through supervisord's stdout_logfile (no rotation).
// Every log file is checked to hold every line afterwards. Prints the figures (median of the
// three runs) and appends the summary row. 0 on success.
// REQUIRES: supervisor::BlockSupervisorSignals() was called in main() before any thread.
int MeasureLogThroughput(const std::string& fixture, int megabytes);

}  // namespace stigmer::bench

#endif  // STIGMER_BENCH_LOG_THROUGHPUT_H_
