#include "temporal/component_logging.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

#include "spdlog/sinks/base_sink.h"
#include "spdlog/spdlog.h"

namespace stigmer::temporal {
namespace {

// Writes warnings and errors to stderr, everything else to stdout, flushing each line so that
// the supervisor sees it at once.
class StdoutStderrSplitSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(message, formatted);
    std::FILE* out = message.level >= spdlog::level::warn ? stderr : stdout;
    std::fwrite(formatted.data(), 1, formatted.size(), out);
    std::fflush(out);
  }
  void flush_() override {
    std::fflush(stdout);
    std::fflush(stderr);
  }
};

}  // namespace

void ConfigureComponentLogging() {
  auto logger =
      std::make_shared<spdlog::logger>("stigmer", std::make_shared<StdoutStderrSplitSink>());
  logger->set_pattern("[%l] %v");
  const char* level = std::getenv("STIGMER_LOG_LEVEL");
  logger->set_level(level != nullptr && std::strcmp(level, "debug") == 0 ? spdlog::level::debug
                                                                         : spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace stigmer::temporal
