#include "common/secret_redactor.h"

#include "gtest/gtest.h"

namespace stigmer {
namespace {

TEST(SecretRedactorTest, ASecretInALogLineBecomesStars) {
  const SecretRedactor redactor({"hunter2-token"});
  EXPECT_EQ(redactor.Redact("curl: (22) 401 for Bearer hunter2-token on /api"),
            "curl: (22) 401 for Bearer *** on /api");
  EXPECT_EQ(redactor.Redact("nothing to hide"), "nothing to hide");
}

TEST(SecretRedactorTest, EveryOccurrenceOfEverySecretIsRedacted) {
  const SecretRedactor redactor({"alpha-1", "beta-22"});
  EXPECT_EQ(redactor.Redact("alpha-1 beta-22 alpha-1"), "*** *** ***");
}

TEST(SecretRedactorTest, TheLongestSecretWinsWhereTwoOverlap) {
  const SecretRedactor redactor({"abc", "abcdef"});
  EXPECT_EQ(redactor.Redact("xabcdefx"), "x***x");
}

TEST(SecretRedactorTest, SecretsInsideJsonTextAndUrlsAreFound) {
  const SecretRedactor redactor({"p\"ss/w rd"});
  EXPECT_EQ(redactor.Redact(R"({"detail":"bad p\"ss/w rd"})"), R"({"detail":"bad ***"})");
  EXPECT_EQ(redactor.Redact("GET https://x.test/?key=p%22ss%2Fw%20rd"),
            "GET https://x.test/?key=***");
}

TEST(SecretRedactorTest, JsonValuesKeepTheirStructure) {
  const SecretRedactor redactor({"s3cret", "424242"});
  const nlohmann::json output = {{"token", "Bearer s3cret"},
                                 {"s3cret", 1},
                                 {"list", {"a", "s3cret"}},
                                 {"pin", 424242},
                                 {"count", 3}};
  EXPECT_EQ(redactor.RedactJson(output), (nlohmann::json{{"token", "Bearer ***"},
                                                         {"***", 1},
                                                         {"list", {"a", "***"}},
                                                         {"pin", "***"},
                                                         {"count", 3}}));
}

TEST(SecretRedactorTest, SecretsObjectGivesItsValuesAndSkipsEmptyOnes) {
  const SecretRedactor redactor =
      SecretRedactor::FromSecretsObject({{"TOKEN", "t0k"}, {"EMPTY", ""}, {"PIN", 9911}});
  EXPECT_EQ(redactor.values(), (std::vector<std::string>{"9911", "t0k"}));
  EXPECT_TRUE(redactor.Reveals("pin 9911"));
  EXPECT_FALSE(SecretRedactor::FromSecretsObject("not an object").Reveals("anything"));
  EXPECT_TRUE(SecretRedactor().empty());
}

TEST(SecretRedactorTest, EveryStringMemberOfAJsonSecretIsRedactedAlone) {
  const SecretRedactor redactor = SecretRedactor::FromSecretsObject(
      {{"creds",
        R"( {"username": "ada-l", "password": "l0velace!", "client": {"secret": "s3cr"}})"},
       {"object", {{"token", "t0k-x"}}},
       {"braces", "{not json"}});
  EXPECT_EQ(redactor.Redact("user ada-l, password l0velace!, client s3cr, token t0k-x"),
            "user ***, password ***, client ***, token ***");
  EXPECT_TRUE(redactor.Reveals("{not json"));
  EXPECT_FALSE(redactor.Reveals("username password client"));  // member names are not secret
}

// Regression: with every member redacted, a secret holding `grant: password` blanked the word
// "password" and its authority the token endpoint's URL in every message of the run.
TEST(SecretRedactorTest, MembersThatSayHowToAuthenticateAreNotRedacted) {
  const SecretRedactor redactor = SecretRedactor::FromSecretsObject(
      {{"idp",
        {{"authority", "http://127.0.0.1:8080"},
         {"grant", "password"},
         {"scopes", {"read"}},
         {"username", "ada-l"},
         {"password", "l0velace!"},
         {"client",
          {{"id", "app-7"}, {"secret", "s3cr"}, {"authentication", "client_secret_post"}}}}}});
  EXPECT_EQ(redactor.Redact("POST http://127.0.0.1:8080/token (grant password, scope read, "
                            "client_secret_post) as ada-l with l0velace! and s3cr"),
            "POST http://127.0.0.1:8080/token (grant password, scope read, client_secret_post) "
            "as *** with *** and ***");
}

}  // namespace
}  // namespace stigmer
