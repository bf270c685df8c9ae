#ifndef STIGMER_COMMON_JSON_FIELDS_H_
#define STIGMER_COMMON_JSON_FIELDS_H_

// Reading fields of JSON from elsewhere (a provider's answer, a recorded payload) without
// throwing: a missing field or one of another kind reads as empty.

#include <cstdint>
#include <string>

#include "nlohmann/json.hpp"

namespace stigmer {

// object[key] when it is a string; "" otherwise (also when `object` is not an object).
std::string StringAt(const nlohmann::json& object, const char* key);

// object[key] when it is an integer; 0 otherwise.
int64_t IntegerAt(const nlohmann::json& object, const char* key);

}  // namespace stigmer

#endif  // STIGMER_COMMON_JSON_FIELDS_H_
