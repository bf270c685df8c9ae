// The codec server with the real Temporal CLI as an independent client: `temporal workflow show
// --codec-endpoint` shows the encrypted input of a run in clear with the API token, and not
// without it.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "codec_server/codec_request.h"
#include "common/http_server.h"
#include "common/unique_fd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "temporal/temporal_client.h"
#include "testing/command_runner.h"
#include "testing/temporal_dev_server.h"
#include "testing/test_env.h"

namespace stigmer::codec_server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKey[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
constexpr char kToken[] = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
constexpr char kSecret[] = "hunter2-c0dec";

class CodecServerTest : public testing::TemporalDevServerSuite {
 protected:
  void SetUp() override {
    TemporalDevServerSuite::SetUp();
    CodecEndpoint endpoint;
    endpoint.codec = *temporal::PayloadCodec::FromHexKey(kKey, "/k");
    endpoint.api_token = kToken;
    codec_ = endpoint.codec;
    auto server =
        HttpServer::Start({.address = "127.0.0.1", .port = 0, .max_body_bytes = kMaxCodecBodyBytes},
                          [endpoint = std::move(endpoint)](const HttpRequest& request) {
                            return HandleCodecHttpRequest(endpoint, request);
                          });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    url_ = absl::StrCat("http://127.0.0.1:", server_->port());
  }

  // A run whose input holds a secret, started through the codec (no worker needed: the input is
  // in its first event).
  std::string StartWithSecret() {
    temporal::TemporalClientOptions options;
    options.address = temporal_address();
    options.codec = codec_;
    auto client = temporal::TemporalClient::Connect(options, absl::Seconds(10));
    EXPECT_TRUE(client.ok()) << client.status();
    temporal::StartWorkflowOptions start;
    start.workflow_id = "wex-codec";
    start.task_queue = "nobody-polls";
    start.input = {
        nlohmann::json::object(), nlohmann::json::object(), {{"secrets", {{"TOKEN", kSecret}}}}};
    EXPECT_TRUE(client.ok() && (*client)->StartWorkflow(start).ok());
    return start.workflow_id;
  }

  testing::CommandResult Show(const std::string& id, std::vector<std::string> codec_flags) {
    std::vector<std::string> argv = {
        testing::TemporalBinary(), "workflow", "show", "-w", id, "--address",
        temporal_address(),        "-o",       "json"};
    argv.insert(argv.end(), codec_flags.begin(), codec_flags.end());
    return testing::RunCommand(argv, {}, absl::Seconds(30));
  }

  std::shared_ptr<const temporal::PayloadCodec> codec_;
  std::unique_ptr<HttpServer> server_;
  std::string url_;
};

// The third input payload of the run as `temporal workflow show -o json` prints it:
// "<encoding> <data>", both decoded from base64.
std::string ThirdInput(const testing::CommandResult& show) {
  const nlohmann::json history = nlohmann::json::parse(show.out, nullptr, false);
  if (history.is_discarded()) return "not JSON: " + show.out + show.err;
  const nlohmann::json& payload =
      history["events"][0]["workflowExecutionStartedEventAttributes"]["input"]["payloads"][2];
  std::string encoding;
  std::string data;
  absl::Base64Unescape(payload["metadata"]["encoding"].get<std::string>(), &encoding);
  absl::Base64Unescape(payload["data"].get<std::string>(), &data);
  return absl::StrCat(encoding, " ", data);
}

TEST_F(CodecServerTest, TemporalCliShowsTheDecryptedInputWithTheTokenOnly) {
  const std::string id = StartWithSecret();
  const std::string in_clear =
      absl::StrCat("json/plain {\"secrets\":{\"TOKEN\":\"", kSecret, "\"}}");

  const testing::CommandResult plain = Show(id, {});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_THAT(ThirdInput(plain), ::testing::StartsWith("binary/encrypted "));
  EXPECT_THAT(ThirdInput(plain), Not(HasSubstr(kSecret)));

  const testing::CommandResult bearer =
      Show(id, {"--codec-endpoint", url_, "--codec-auth", absl::StrCat("Bearer ", kToken)});
  ASSERT_EQ(bearer.exit_code, 0) << bearer.err;
  EXPECT_EQ(ThirdInput(bearer), in_clear);

  // The Temporal UI's form: the token as the endpoint's first path segment.
  const testing::CommandResult by_path =
      Show(id, {"--codec-endpoint", absl::StrCat(url_, "/", kToken)});
  ASSERT_EQ(by_path.exit_code, 0) << by_path.err;
  EXPECT_EQ(ThirdInput(by_path), in_clear);

  for (const auto& flags : std::vector<std::vector<std::string>>{
           {"--codec-endpoint", url_},
           {"--codec-endpoint", url_, "--codec-auth", "Bearer not-the-token"}}) {
    const testing::CommandResult refused = Show(id, flags);
    EXPECT_THAT(ThirdInput(refused), Not(HasSubstr(kSecret))) << refused.out << refused.err;
  }
}

// POSTs `body` to the codec server's /decode with the token; the status line of the answer.
std::string PostStatusLine(int port, const std::string& body) {
  UniqueFd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (::connect(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return "cannot connect";
  }
  const std::string head =
      absl::StrCat("POST /decode HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ", kToken,
                   "\r\nContent-Length: ", body.size(), "\r\n\r\n");
  const std::string request = head + body;
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n =
        ::send(socket.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer and close before reading everything
    sent += static_cast<size_t>(n);
  }
  char buffer[256] = {};
  const ssize_t n = ::recv(socket.get(), buffer, sizeof buffer - 1, 0);
  const std::string answer(buffer, n > 0 ? static_cast<size_t>(n) : 0);
  return answer.substr(0, answer.find("\r\n"));
}

TEST_F(CodecServerTest, ABodyOverFourMebibytesIs413AndTheServerGoesOn) {
  EXPECT_EQ(PostStatusLine(server_->port(), std::string(kMaxCodecBodyBytes + 1, ' ')),
            "HTTP/1.1 413 Content Too Large");
  EXPECT_EQ(PostStatusLine(server_->port(), "{}"), "HTTP/1.1 200 OK");
}

TEST(CodecServerCommandTest, APortInUseIsNamedAndExitsOne) {
  testing::TempDir home;
  UniqueFd holder(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  ASSERT_EQ(::bind(holder.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(holder.get(), 1), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(holder.get(), reinterpret_cast<sockaddr*>(&address), &length), 0);
  const int port = ntohs(address.sin_port);

  const testing::CommandResult result = testing::RunCommand(
      {testing::StigmerBinary(), "codec-server", "--port", std::to_string(port)},
      {{"STIGMER_HOME", home.path().string()}}, absl::Seconds(30));
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_THAT(result.err,
              HasSubstr(absl::StrCat("cannot listen for codec requests on 127.0.0.1:", port,
                                     ": is another program using that port? "
                                     "Choose another with --port")));
}

}  // namespace
}  // namespace stigmer::codec_server
