#include "activities/activity_text.h"

#include "absl/strings/str_cat.h"

namespace stigmer::activities {
namespace {

// The length of the well-formed UTF-8 sequence at the start of `bytes`, 0 when ill-formed
// (RFC 3629, table 3-7 of the Unicode standard).
size_t SequenceLength(absl::string_view bytes) {
  const auto byte = [&bytes](size_t i) { return static_cast<unsigned char>(bytes[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  size_t length;
  unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // beyond U+10FFFF
  } else {
    return 0;
  }
  if (bytes.size() < length) return 0;
  if (byte(1) < low || byte(1) > high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

}  // namespace

bool IsValidUtf8(absl::string_view bytes) {
  while (!bytes.empty()) {
    const size_t length = SequenceLength(bytes);
    if (length == 0) return false;
    bytes.remove_prefix(length);
  }
  return true;
}

std::string ToValidUtf8(absl::string_view bytes) {
  std::string text;
  text.reserve(bytes.size());
  while (!bytes.empty()) {
    const size_t length = SequenceLength(bytes);
    if (length == 0) {
      text.append("\xEF\xBF\xBD");
      bytes.remove_prefix(1);
    } else {
      text.append(bytes.data(), length);
      bytes.remove_prefix(length);
    }
  }
  return text;
}

std::string Excerpt(absl::string_view bytes, size_t max_bytes) {
  if (bytes.size() <= max_bytes) return ToValidUtf8(bytes);
  size_t cut = max_bytes;
  // Step back over continuation bytes so that the cut does not split a character.
  for (int step = 0; step < 3 && cut > 0; ++step) {
    if ((static_cast<unsigned char>(bytes[cut]) & 0xC0) != 0x80) break;
    --cut;
  }
  return absl::StrCat(ToValidUtf8(bytes.substr(0, cut)), " … (", bytes.size() - cut,
                      " more bytes)");
}

}  // namespace stigmer::activities
