#include "durable/command_budget.h"

namespace stigmer::durable {

size_t CommandBytes(const std::vector<Command>& commands) {
  size_t bytes = 0;
  for (const Command& command : commands) bytes += command.ByteSizeLong();
  return bytes;
}

size_t DropMarkersToFit(std::vector<Command>& commands, size_t max_bytes, size_t max_count) {
  size_t bytes = CommandBytes(commands);
  size_t count = commands.size();
  std::vector<bool> dropped(commands.size(), false);
  size_t dropped_count = 0;
  for (size_t i = commands.size(); i-- > 0 && (bytes > max_bytes || count > max_count);) {
    if (commands[i].command_type() != ::temporal::api::enums::v1::COMMAND_TYPE_RECORD_MARKER) {
      continue;
    }
    bytes -= commands[i].ByteSizeLong();
    --count;
    dropped[i] = true;
    ++dropped_count;
  }
  if (dropped_count == 0) return 0;
  std::vector<Command> kept;
  kept.reserve(count);
  for (size_t i = 0; i < commands.size(); ++i) {
    if (!dropped[i]) kept.push_back(std::move(commands[i]));
  }
  commands = std::move(kept);
  return dropped_count;
}

}  // namespace stigmer::durable
