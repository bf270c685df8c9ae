#ifndef STIGMER_TEMPORAL_COMPONENT_LOGGING_H_
#define STIGMER_TEMPORAL_COMPONENT_LOGGING_H_

namespace stigmer::temporal {

// Sets spdlog's default logger for a component process run under the supervisor: one line per
// event, "[level] message", without a timestamp (the supervisor stamps each line). Info and
// debug lines go to stdout (the component's .log), warnings and errors to stderr (its .err).
// Level info, or debug when STIGMER_LOG_LEVEL=debug. Call once, early in the process.
void ConfigureComponentLogging();

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_COMPONENT_LOGGING_H_
