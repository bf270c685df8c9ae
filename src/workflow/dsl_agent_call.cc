#include "workflow/dsl_agent_call.h"

#include "workflow/json_pointer.h"

namespace stigmer::workflow {

using Json = nlohmann::ordered_json;

void ValidateAgentCall(ValidationContext& context, const Json& task, const std::string& pointer) {
  if (!context.Require(task, pointer, "with")) return;
  const std::string with_pointer = JsonPointerAppend(pointer, "with");
  const Json& with = task["with"];
  if (!context.ExpectObject(with, with_pointer)) return;
  context.RejectUnknownMembers(with, with_pointer, {"agent", "message", "session", "model"});
  if (context.Require(with, with_pointer, "agent")) {
    const std::string agent_pointer = JsonPointerAppend(with_pointer, "agent");
    if (context.ExpectString(with["agent"], agent_pointer)) {
      const std::string& name = with["agent"].get_ref<const std::string&>();
      if (name.empty() || name.find("${") != std::string::npos) {
        context.Report(agent_pointer,
                       "must be the name of an applied agent, not an expression (stigmer-server "
                       "resolves it when the execution starts)");
      }
    }
  }
  if (context.Require(with, with_pointer, "message")) {
    context.ExpectString(with["message"], JsonPointerAppend(with_pointer, "message"));
  }
  if (with.contains("session")) {
    context.ExpectString(with["session"], JsonPointerAppend(with_pointer, "session"));
  }
  if (with.contains("model")) {
    context.ExpectObject(with["model"], JsonPointerAppend(with_pointer, "model"));
  }
}

namespace {

void Collect(const Json& value, std::set<std::string>& names) {
  if (value.is_object()) {
    auto call = value.find("call");
    auto with = value.find("with");
    if (call != value.end() && *call == "agent" && with != value.end() && with->is_object()) {
      auto agent = with->find("agent");
      if (agent != with->end() && agent->is_string()) names.insert(agent->get<std::string>());
    }
  }
  if (value.is_structured()) {
    for (const Json& member : value) Collect(member, names);
  }
}

}  // namespace

std::set<std::string> CalledAgents(const Json& document) {
  std::set<std::string> names;
  if (auto tasks = document.find("do"); tasks != document.end()) Collect(*tasks, names);
  return names;
}

}  // namespace stigmer::workflow
