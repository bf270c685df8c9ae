#include "common/payload_limits.h"

#include "gtest/gtest.h"

namespace stigmer {
namespace {

TEST(PayloadLimitsTest, MebibytesReadAsPeopleWriteThem) {
  EXPECT_EQ(FormatMebibytes(kMaxPayloadsBytes), "2 MiB");
  EXPECT_EQ(FormatMebibytes(2621440), "2.5 MiB");
  EXPECT_EQ(FormatMebibytes(1000), "1 KiB");
  EXPECT_EQ(FormatMebibytes(12 * 1024 + 1), "13 KiB");
}

}  // namespace
}  // namespace stigmer
