#include "common/byte_size.h"

#include "common/payload_limits.h"
#include "gtest/gtest.h"

namespace stigmer {
namespace {

TEST(ByteSizeTest, SizesReadAsPeopleWriteThem) {
  EXPECT_EQ(HumanBytes(kMaxPayloadsBytes), "2 MiB");
  EXPECT_EQ(HumanBytes(2621440), "2.5 MiB");
  EXPECT_EQ(HumanBytes(1000), "1000 bytes");
  EXPECT_EQ(HumanBytes(1), "1 byte");
  EXPECT_EQ(HumanBytes(64 * 1024), "64 KiB");
  EXPECT_EQ(HumanBytes(size_t{3} << 30), "3 GiB");
}

}  // namespace
}  // namespace stigmer
