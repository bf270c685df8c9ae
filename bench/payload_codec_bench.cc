// The cost of payload encryption (temporal/payload_codec_interceptor.h): a Payloads message of
// one JSON value of 1 KiB and of 1 MiB, encoded then decoded as the channel to Temporal does,
// next to the peer, the same message only copied and serialized (what the channel did before).
#include <cstdio>
#include <string>

#include "absl/time/clock.h"
#include "temporal/payload_codec_interceptor.h"

namespace {

using stigmer::temporal::Payloads;

template <typename F>
double MicrosPerRun(int runs, F&& run) {
  const absl::Time start = absl::Now();
  for (int i = 0; i < runs; ++i) run();
  return absl::ToDoubleMicroseconds(absl::Now() - start) / runs;
}

}  // namespace

int main() {
  auto codec = stigmer::temporal::PayloadCodec::FromHexKey(
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "bench");
  if (!codec.ok()) return 1;
  std::printf("%-8s %14s %14s %8s\n", "payload", "codec µs", "plain µs", "ratio");
  for (const auto& [name, size, runs] :
       {std::tuple{"1 KiB", size_t{1} << 10, 20000}, std::tuple{"1 MiB", size_t{1} << 20, 200}}) {
    const Payloads plain = stigmer::temporal::JsonPayloads({std::string(size, 'x')});
    size_t sink = 0;
    const double codec_us = MicrosPerRun(runs, [&] {
      Payloads message = plain;
      stigmer::temporal::EncodeMessagePayloads(**codec, message);
      sink += message.SerializeAsString().size();
      stigmer::temporal::DecodeMessagePayloads(**codec, message);
      sink += message.payloads(0).data().size();
    });
    const double plain_us = MicrosPerRun(runs, [&] {
      Payloads message = plain;
      sink += message.SerializeAsString().size();
    });
    std::printf("%-8s %14.2f %14.2f %7.1fx  (%zu)\n", name, codec_us, plain_us, codec_us / plain_us,
                sink % 10);
  }
  return 0;
}
