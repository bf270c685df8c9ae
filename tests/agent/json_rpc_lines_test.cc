#include "agent/mcp/json_rpc_lines.h"

#include "gtest/gtest.h"

namespace stigmer::agent {
namespace {

TEST(JsonRpcLinesTest, LinesArriveWholeHoweverTheBytesAreCut) {
  LineSplitter lines(100);
  lines.Append("{\"a\":");
  EXPECT_FALSE(lines.Next()->has_value());
  lines.Append("1}\r\n{\"b\":2}\n{\"c\"");
  EXPECT_EQ(**lines.Next(), "{\"a\":1}");
  EXPECT_EQ(**lines.Next(), "{\"b\":2}");
  EXPECT_FALSE(lines.Next()->has_value());
}

TEST(JsonRpcLinesTest, ALineOverTheLimitIsAnError) {
  LineSplitter lines(8);
  lines.Append("123456789");
  EXPECT_EQ(lines.Next().status().code(), absl::StatusCode::kResourceExhausted);
  LineSplitter complete(8);
  complete.Append("123456789\n");
  EXPECT_FALSE(complete.Next().ok());
}

TEST(JsonRpcLinesTest, MessagesAreToldApart) {
  using Kind = JsonRpcMessage::Kind;
  const JsonRpcMessage response = ParseJsonRpcLine(R"({"jsonrpc":"2.0","id":4,"result":{"x":1}})");
  EXPECT_EQ(response.kind, Kind::kResponse);
  EXPECT_EQ(response.id, 4);
  EXPECT_EQ(response.result["x"], 1);
  const JsonRpcMessage failed =
      ParseJsonRpcLine(R"({"jsonrpc":"2.0","id":"7","error":{"code":-32602,"message":"bad"}})");
  EXPECT_EQ(failed.kind, Kind::kResponse);
  EXPECT_EQ(failed.error["code"], -32602);
  EXPECT_EQ(ParseJsonRpcLine(R"({"jsonrpc":"2.0","method":"notifications/progress"})").kind,
            Kind::kNotification);
  const JsonRpcMessage request = ParseJsonRpcLine(R"({"jsonrpc":"2.0","id":"s","method":"ping"})");
  EXPECT_EQ(request.kind, Kind::kRequest);
  EXPECT_EQ(request.method, "ping");
  for (const char* junk :
       {"", "garbage", "[]", R"({"id":{},"result":1})", R"({"id":1})", "Server running on stdio"}) {
    EXPECT_EQ(ParseJsonRpcLine(junk).kind, Kind::kInvalid) << junk;
  }
}

TEST(JsonRpcLinesTest, WhatWeSendIsOneLine) {
  EXPECT_EQ(
      JsonRpcLine(3, "tools/call", {{"name", "a\nb"}}),
      "{\"id\":3,\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"a\\nb\"}}\n");
  EXPECT_EQ(JsonRpcLine(nullptr, "notifications/initialized", nullptr),
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
  EXPECT_EQ(JsonRpcErrorLine("s1", -32601, "no"),
            "{\"error\":{\"code\":-32601,\"message\":\"no\"},\"id\":\"s1\",\"jsonrpc\":\"2.0\"}\n");
}

}  // namespace
}  // namespace stigmer::agent
