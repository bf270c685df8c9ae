#include "workflow/dsl_events.h"

#include <string>

#include "workflow/dsl_names.h"
#include "workflow/json_pointer.h"

namespace stigmer::workflow {

using Json = nlohmann::ordered_json;

namespace {

// `correlate`: {key: {from: expression, expect?: constant or expression}}. `from` reads the event,
// `expect` the listen's data (`scope`).
void ValidateCorrelate(ValidationContext& context, const Json& correlate,
                       const std::string& pointer, const ExpressionScope& scope) {
  if (!context.ExpectObject(correlate, pointer)) return;
  if (correlate.empty()) context.Report(pointer, "must name at least one correlation key");
  for (const auto& [key, correlation] : correlate.items()) {
    const std::string key_pointer = JsonPointerAppend(pointer, key);
    if (!context.ExpectObject(correlation, key_pointer)) continue;
    context.RejectUnknownMembers(correlation, key_pointer, {"from", "expect"});
    if (context.Require(correlation, key_pointer, "from")) {
      context.CheckExpressionField(correlation["from"], JsonPointerAppend(key_pointer, "from"), {});
    }
    if (!correlation.contains("expect")) continue;
    const std::string expect_pointer = JsonPointerAppend(key_pointer, "expect");
    if (!context.ExpectString(correlation["expect"], expect_pointer)) continue;
    context.CheckEmbeddedExpressions(correlation["expect"], expect_pointer, scope);
    context.MarkChecked(expect_pointer);
  }
}

void ValidateFilter(ValidationContext& context, const Json& filter, const std::string& pointer,
                    const ExpressionScope& scope) {
  if (!context.ExpectObject(filter, pointer)) return;
  context.RejectUnknownMembers(filter, pointer, {"with", "correlate"});
  if (filter.contains("correlate")) {
    ValidateCorrelate(context, filter["correlate"], JsonPointerAppend(pointer, "correlate"), scope);
  }
  if (!context.Require(filter, pointer, "with")) return;
  const std::string with_pointer = JsonPointerAppend(pointer, "with");
  if (context.ExpectObject(filter["with"], with_pointer) && filter["with"].empty()) {
    context.Report(with_pointer, "must name at least one attribute");
  }
}

void ValidateFilterList(ValidationContext& context, const Json& list, const std::string& pointer,
                        const ExpressionScope& scope) {
  if (!list.is_array()) {
    context.Report(pointer, "must be a list of event filters");
    return;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    ValidateFilter(context, list[i], JsonPointerAppend(pointer, std::to_string(i)), scope);
  }
}

void ValidateStrategy(ValidationContext& context, const Json& to, const std::string& pointer,
                      const ExpressionScope& scope, bool until_allowed) {
  if (!context.ExpectObject(to, pointer)) return;
  context.RejectUnknownMembers(to, pointer, {"one", "all", "any", "until"});
  const int kinds = static_cast<int>(to.contains("one")) + static_cast<int>(to.contains("all")) +
                    static_cast<int>(to.contains("any"));
  if (kinds != 1) {
    context.Report(pointer, "needs exactly one of one, all and any");
    return;
  }
  if (to.contains("one")) {
    ValidateFilter(context, to["one"], JsonPointerAppend(pointer, "one"), scope);
  }
  for (const char* list : {"all", "any"}) {
    if (to.contains(list)) {
      ValidateFilterList(context, to[list], JsonPointerAppend(pointer, list), scope);
    }
  }
  if (!to.contains("until")) return;
  const std::string until_pointer = JsonPointerAppend(pointer, "until");
  if (!until_allowed || !to.contains("any")) {
    context.Report(until_pointer, until_allowed ? "applies only with `any`"
                                                : "an `until` strategy cannot have an `until`");
    return;
  }
  if (to["until"].is_string()) {
    context.CheckExpressionField(to["until"], until_pointer, scope);
    context.MarkChecked(until_pointer);
    return;
  }
  ValidateStrategy(context, to["until"], until_pointer, scope, false);
}

void BindName(ValidationContext& context, const Json& object, const std::string& pointer,
              const char* key, const char* fallback, ExpressionScope& scope) {
  if (!object.contains(key)) {
    scope.push_back(fallback);
    return;
  }
  const Json& name = object[key];
  if (!name.is_string() || !IsJqVariableName(name.get_ref<const std::string&>())) {
    context.Report(JsonPointerAppend(pointer, key),
                   "must be a variable name: letters, digits and '_', not starting with a digit");
    return;
  }
  scope.push_back(name.get<std::string>());
}

}  // namespace

void ValidateEmitTask(ValidationContext& context, const Json& task, const TaskPlace& place) {
  const std::string emit_pointer = JsonPointerAppend(place.pointer, "emit");
  const Json& emit = task["emit"];
  if (!context.ExpectObject(emit, emit_pointer)) return;
  context.RejectUnknownMembers(emit, emit_pointer, {"event"});
  if (!context.Require(emit, emit_pointer, "event")) return;
  const std::string event_pointer = JsonPointerAppend(emit_pointer, "event");
  if (!context.ExpectObject(emit["event"], event_pointer)) return;
  if (!context.Require(emit["event"], event_pointer, "with")) return;
  const std::string with_pointer = JsonPointerAppend(event_pointer, "with");
  const Json& with = emit["event"]["with"];
  if (!context.ExpectObject(with, with_pointer)) return;
  for (const char* required : {"source", "type"}) {
    if (context.Require(with, with_pointer, required)) {
      context.ExpectString(with[required], JsonPointerAppend(with_pointer, required));
    }
  }
}

void ValidateListenTask(ValidationContext& context, const Json& task, const TaskPlace& place) {
  const std::string listen_pointer = JsonPointerAppend(place.pointer, "listen");
  const Json& listen = task["listen"];
  if (context.ExpectObject(listen, listen_pointer)) {
    context.RejectUnknownMembers(listen, listen_pointer, {"to", "read"});
    if (context.Require(listen, listen_pointer, "to")) {
      ValidateStrategy(context, listen["to"], JsonPointerAppend(listen_pointer, "to"), place.scope,
                       true);
    }
    if (listen.contains("read")) {
      const Json& read = listen["read"];
      if (!read.is_string() || (read != "data" && read != "envelope" && read != "raw")) {
        context.Report(JsonPointerAppend(listen_pointer, "read"), "must be data, envelope or raw");
      }
    }
  }
  if (!task.contains("foreach")) return;
  const std::string foreach_pointer = JsonPointerAppend(place.pointer, "foreach");
  const Json& foreach = task["foreach"];
  if (!context.ExpectObject(foreach, foreach_pointer)) return;
  context.RejectUnknownMembers(foreach, foreach_pointer, {"item", "at", "do", "output", "export"});
  ExpressionScope scope = place.scope;
  BindName(context, foreach, foreach_pointer, "item", "item", scope);
  BindName(context, foreach, foreach_pointer, "at", "index", scope);
  if (foreach.contains("do")) {
    ValidateTaskList(context, foreach["do"], JsonPointerAppend(foreach_pointer, "do"), scope);
  }
  for (const char* key : {"output", "export"}) {
    if (!foreach.contains(key)) continue;
    const std::string pointer = JsonPointerAppend(foreach_pointer, key);
    if (!context.ExpectObject(foreach[key], pointer)) continue;
    context.RejectUnknownMembers(foreach[key], pointer, {"as", "schema"});
    if (foreach[key].contains("as")) {
      context.CheckEmbeddedExpressions(foreach[key]["as"], JsonPointerAppend(pointer, "as"), scope);
      context.MarkChecked(JsonPointerAppend(pointer, "as"));
    }
  }
}

void ValidateScheduleOn(ValidationContext& context, const Json& on) {
  if (on.is_object() && (on.contains("all") || on.contains("until"))) {
    context.Report("/schedule/on",
                   "schedule.on takes `one` or `any`: each matching event starts one execution");
    return;
  }
  ValidateStrategy(context, on, "/schedule/on", {}, false);
}

}  // namespace stigmer::workflow
