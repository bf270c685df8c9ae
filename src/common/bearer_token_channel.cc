#include "common/bearer_token_channel.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/client_interceptor.h"

namespace stigmer {
namespace {

namespace experimental = grpc::experimental;

class BearerTokenInterceptor final : public experimental::Interceptor {
 public:
  explicit BearerTokenInterceptor(const std::string* header) : header_(header) {}

  void Intercept(experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace("authorization", *header_);
    }
    methods->Proceed();
  }

 private:
  const std::string* header_;
};

class BearerTokenInterceptorFactory final : public experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerTokenInterceptorFactory(const std::string& token)
      : header_(absl::StrCat("Bearer ", token)) {}

  // gRPC owns and deletes the interceptor; the factory lives as long as the channel.
  experimental::Interceptor* CreateClientInterceptor(experimental::ClientRpcInfo*) override {
    return std::make_unique<BearerTokenInterceptor>(&header_).release();
  }

 private:
  const std::string header_;
};

}  // namespace

std::shared_ptr<grpc::Channel> CreateBearerTokenChannel(const std::string& address,
                                                        const std::string& token,
                                                        const grpc::ChannelArguments& arguments) {
  std::vector<std::unique_ptr<experimental::ClientInterceptorFactoryInterface>> interceptors;
  if (!token.empty()) {
    interceptors.push_back(std::make_unique<BearerTokenInterceptorFactory>(token));
  }
  return experimental::CreateCustomChannelWithInterceptors(
      address, grpc::InsecureChannelCredentials(), arguments, std::move(interceptors));
}

}  // namespace stigmer
