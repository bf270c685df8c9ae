#ifndef STIGMER_COMMON_BYTE_SIZE_H_
#define STIGMER_COMMON_BYTE_SIZE_H_

#include <cstddef>
#include <string>

namespace stigmer {

// A size for messages: "12 bytes", "64 KiB", "2 MiB", "23.4 MiB" (one decimal unless whole).
std::string HumanBytes(size_t bytes);

}  // namespace stigmer

#endif  // STIGMER_COMMON_BYTE_SIZE_H_
