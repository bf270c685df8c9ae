#ifndef STIGMER_WORKFLOW_JQ_HANDLES_H_
#define STIGMER_WORKFLOW_JQ_HANDLES_H_

// Owning handles for libjq's C objects, so that every jq_state is torn down and every jv
// reference freed exactly once, on every path.

#include <memory>
#include <utility>

extern "C" {
#include <jq.h>
#include <jv.h>
}

namespace stigmer::workflow {

struct JqStateDeleter {
  void operator()(jq_state* state) const { jq_teardown(&state); }
};

// A jq_state, torn down when destroyed. Not thread-safe: one thread uses a state at a time.
using JqStatePtr = std::unique_ptr<jq_state, JqStateDeleter>;

// A new jq_state; nullptr only if libjq could not allocate one.
inline JqStatePtr NewJqState() { return JqStatePtr(jq_init()); }

// Owns one reference to a jv value (libjq values are reference counted: jv_copy adds a
// reference, jv_free drops one, and most libjq calls consume the references they are given).
// Move-only.
class JvValue {
 public:
  // Takes over the reference `value` holds.
  explicit JvValue(jv value) : value_(value), owned_(true) {}
  JvValue(JvValue&& other) noexcept
      : value_(other.value_), owned_(std::exchange(other.owned_, false)) {}
  JvValue& operator=(JvValue&& other) noexcept {
    if (this != &other) {
      Reset();
      value_ = other.value_;
      owned_ = std::exchange(other.owned_, false);
    }
    return *this;
  }
  JvValue(const JvValue&) = delete;
  JvValue& operator=(const JvValue&) = delete;
  ~JvValue() { Reset(); }

  // The value, still owned by this handle: pass it only to calls that do not consume it
  // (jv_get_kind, jv_string_value, jv_number_value, ...).
  jv get() const { return value_; }
  // A new reference to the value, for a call that consumes its argument.
  jv Copy() const { return jv_copy(value_); }
  // Gives the reference up to the caller. REQUIRES: the handle owns a value.
  jv Release() {
    owned_ = false;
    return value_;
  }
  jv_kind kind() const { return jv_get_kind(value_); }

 private:
  void Reset() {
    if (owned_) jv_free(value_);
    owned_ = false;
  }

  jv value_;
  bool owned_;
};

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_JQ_HANDLES_H_
