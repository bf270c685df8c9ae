"""The peer of bench/agent_bench: the agent loop hand-written on the official Temporal Python SDK,
as a user of that SDK would write it without a framework: one activity per model call (a POST
of the whole conversation to the same OpenAI-compatible endpoint stigmer's agent calls), one per
tool call, the conversation kept in the workflow.

  .venv-bench/bin/python bench/peer/python_agent_worker.py --address 127.0.0.1:7233 \
      [--task-queue python-agents] [--namespace default]

- AgentLoop(input {"base_url", "instructions", "message", "workspace"}): system and user
  messages; then model call (activity llm_chat), and for each tool call it asks for one activity
  files (operation "list": the names in `workspace`; one attempt, like stigmer's tools) whose
  result is added as a tool message, until the model answers without tool calls. Returns
  {"answer", "model_calls", "tool_calls"}.

Sized like agent-runner: 2 workflow task pollers, 4 activity task pollers, at most 4 activities
at once. Prints "ready" once Temporal lists it among its queue's pollers (python_worker.py's way),
then runs until SIGTERM or SIGINT, and exits 0.
"""

import argparse
import asyncio
import json
import os
import signal
import socket
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.worker import PollerBehaviorSimpleMaximum, Worker

from python_worker import ACTIVITY_POLLERS, READY_TIMEOUT_SECONDS, WORKFLOW_POLLERS, polled_by

FILES_TOOL = {
    "type": "function",
    "function": {
        "name": "files",
        "description": "Files in the workspace",
        "parameters": {
            "type": "object",
            "properties": {"operation": {"type": "string"}, "path": {"type": "string"}},
            "required": ["operation", "path"],
        },
    },
}


@activity.defn(name="llm_chat")
def llm_chat(request: dict) -> dict:
    """One chat completion: the assistant message of the first choice."""
    body = json.dumps(
        {"model": "scripted", "messages": request["messages"], "tools": [FILES_TOOL]}
    ).encode()
    post = urllib.request.Request(
        request["base_url"] + "/chat/completions",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(post, timeout=60) as response:
        return json.loads(response.read())["choices"][0]["message"]


@activity.defn(name="files")
def files(request: dict) -> str:
    """The files tool's list operation: the names in the workspace folder, one a line."""
    folder = os.path.join(request["workspace"], request.get("path", "."))
    os.makedirs(request["workspace"], mode=0o700, exist_ok=True)
    return "\n".join(sorted(os.listdir(folder)))


@workflow.defn(name="AgentLoop")
class AgentLoop:
    @workflow.run
    async def run(self, data: dict) -> dict:
        messages: list[Any] = [
            {"role": "system", "content": data["instructions"]},
            {"role": "user", "content": data["message"]},
        ]
        model_calls = tool_calls = 0
        while True:
            said = await workflow.execute_activity(
                llm_chat,
                {"base_url": data["base_url"], "messages": messages},
                start_to_close_timeout=timedelta(seconds=60),
            )
            model_calls += 1
            messages.append(said)
            calls = said.get("tool_calls") or []
            if not calls:
                return {
                    "answer": said.get("content"),
                    "model_calls": model_calls,
                    "tool_calls": tool_calls,
                }
            for call in calls:
                arguments = json.loads(call["function"]["arguments"])
                result = await workflow.execute_activity(
                    files,
                    {"workspace": data["workspace"], **arguments},
                    start_to_close_timeout=timedelta(seconds=60),
                    retry_policy=RetryPolicy(maximum_attempts=1),
                )
                tool_calls += 1
                messages.append({"role": "tool", "tool_call_id": call["id"], "content": result})


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", required=True, help="Temporal's frontend, host:port")
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--task-queue", default="python-agents")
    args = parser.parse_args()

    identity = f"{os.getpid()}@{socket.gethostname()}"
    client = await Client.connect(args.address, namespace=args.namespace, identity=identity)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)

    with ThreadPoolExecutor(max_workers=ACTIVITY_POLLERS) as activity_executor:
        worker = Worker(
            client,
            task_queue=args.task_queue,
            workflows=[AgentLoop],
            activities=[llm_chat, files],
            activity_executor=activity_executor,
            max_concurrent_activities=ACTIVITY_POLLERS,
            workflow_task_poller_behavior=PollerBehaviorSimpleMaximum(WORKFLOW_POLLERS),
            activity_task_poller_behavior=PollerBehaviorSimpleMaximum(ACTIVITY_POLLERS),
            identity=identity,
        )
        running = asyncio.create_task(worker.run())
        deadline = loop.time() + READY_TIMEOUT_SECONDS
        while not await polled_by(client, args.namespace, args.task_queue, identity):
            if running.done() or stop.is_set() or loop.time() > deadline:
                print("not polling", file=sys.stderr, flush=True)
                await worker.shutdown()
                return 1
            await asyncio.sleep(0.05)
        print("ready", flush=True)
        await stop.wait()
        await worker.shutdown()
        await running
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
