#include "common/ulid.h"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace stigmer {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr int kLength = 26;
constexpr uint64_t kMaxMillis = (uint64_t{1} << 48) - 1;

// 80 random bits as a big-endian byte string, so that "add one" is a carry from the right.
using RandomPart = std::array<uint8_t, 10>;

void FillRandom(RandomPart& random) {
  size_t filled = 0;
  while (filled < random.size()) {
    ssize_t n = ::getrandom(random.data() + filled, random.size() - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::fprintf(stderr, "stigmer: getrandom failed: %s\n", std::strerror(errno));
      std::abort();
    }
    filled += static_cast<size_t>(n);
  }
}

// Adds one; false when all 80 bits were set (the random part wrapped around to zero).
bool Increment(RandomPart& random) {
  for (size_t i = random.size(); i-- > 0;) {
    if (++random[i] != 0) return true;
  }
  return false;
}

std::string Encode(uint64_t millis, const RandomPart& random) {
  std::string out(kLength, '0');
  // Time: 48 bits in 10 characters (the first holds only 3 bits).
  for (int i = 9; i >= 0; --i) {
    out[i] = kAlphabet[millis & 31];
    millis >>= 5;
  }
  // Randomness: 80 bits in 16 characters, five bits at a time from the most significant.
  int bit = 0;
  for (int i = 10; i < kLength; ++i, bit += 5) {
    int value = 0;
    for (int b = bit; b < bit + 5; ++b) {
      value = (value << 1) | ((random[b / 8] >> (7 - b % 8)) & 1);
    }
    out[i] = kAlphabet[value];
  }
  return out;
}

struct Generator {
  std::mutex mu;
  uint64_t last_millis = 0;
  RandomPart last_random{};
  bool started = false;
};

Generator& TheGenerator() {
  static Generator generator;
  return generator;
}

bool IsAlphabetChar(char c) { return c != '\0' && std::strchr(kAlphabet, c) != nullptr; }

}  // namespace

std::string NewUlid(absl::Time now) {
  int64_t signed_millis = absl::ToUnixMillis(now);
  uint64_t millis = signed_millis < 0 ? 0 : static_cast<uint64_t>(signed_millis);
  if (millis > kMaxMillis) millis = kMaxMillis;

  Generator& generator = TheGenerator();
  std::lock_guard<std::mutex> lock(generator.mu);
  if (!generator.started || millis != generator.last_millis || !Increment(generator.last_random)) {
    // A new millisecond (or, never in practice, 2^80 ULIDs in one): fresh randomness.
    FillRandom(generator.last_random);
  }
  generator.started = true;
  generator.last_millis = millis;
  return Encode(millis, generator.last_random);
}

bool IsUlid(absl::string_view text) {
  if (text.size() != kLength || text[0] > '7') return false;
  for (char c : text) {
    if (!IsAlphabetChar(c)) return false;
  }
  return true;
}

std::string NewWorkflowId(absl::Time now) { return absl::StrCat("wfl-", NewUlid(now)); }

std::string NewExecutionId(absl::Time now) { return absl::StrCat("wex-", NewUlid(now)); }

bool IsWorkflowId(absl::string_view text) {
  return absl::StartsWith(text, "wfl-") && IsUlid(text.substr(4));
}

bool IsExecutionId(absl::string_view text) {
  return absl::StartsWith(text, "wex-") && IsUlid(text.substr(4));
}

std::string NewAgentId(absl::Time now) { return absl::StrCat("agt-", NewUlid(now)); }

bool IsAgentId(absl::string_view text) {
  return absl::StartsWith(text, "agt-") && IsUlid(text.substr(4));
}

std::string NewSessionId(absl::Time now) { return absl::StrCat("ses-", NewUlid(now)); }

bool IsSessionId(absl::string_view text) {
  return absl::StartsWith(text, "ses-") && IsUlid(text.substr(4));
}

}  // namespace stigmer
