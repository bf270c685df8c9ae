#ifndef STIGMER_ACTIVITIES_EMIT_ACTIVITY_H_
#define STIGMER_ACTIVITIES_EMIT_ACTIVITY_H_

#include <string>

#include "activities/activity_control.h"
#include "activities/activity_dispatcher.h"
#include "nlohmann/json.hpp"

namespace stigmer::activities {

// The `emit` activity. `request` is {"task": path, "event": the evaluated emit.event.with}.
// The event gets specversion "1.0", and when it has none, the id "<workflow id><activity id>"
// (the execution and the task's step: the same on every attempt, so a retried activity
// publishes the event once: the bus stores an id once per source) and the time now.
// Completes with the event as published and whether the bus already had it
// ({"event", "duplicate"}). Fails with a validation error (400) naming the problem when the
// event is not one the bus takes, a communication error when the server cannot be
// reached or refuses (500).
ActivityResult RunEmitActivity(const ActivityInfo& info, const nlohmann::json& request,
                               const EventBusEndpoint& endpoint);

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_EMIT_ACTIVITY_H_
