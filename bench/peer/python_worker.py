"""The peer of bench/workflow_bench: the official Temporal Python SDK running the same two
workflows as stigmer's workflow-runner, written the way that SDK is meant to be used.

  .venv-bench/bin/python bench/peer/python_worker.py --address 127.0.0.1:7233 \
      [--task-queue python-peer] [--namespace default]

- FiveTasks(input {"items": [numbers]}): the set/switch/for logic of the five-task DSL workflow,
  in the workflow itself (no activity): items, total = sum(items); when total > 10 the items are
  added once more; returns {"total": total} (or {"items", "total"} when total <= 10, as the DSL's
  `then: exit` does).
- ThreeHttp(input {"url": base}): three activities in a row, each an HTTP GET of base + "/a",
  "/b", "/c" with urllib (stdlib); returns the JSON body of the last one.

Sized like workflow-runner: 2 workflow task pollers, 4 activity task pollers, at most 4 activities
at once on a pool of 4 threads. Everything else is the SDK's default (sandboxed workflows, sticky
cache). Prints "ready" once Temporal lists this worker among the pollers of its task queue (both
kinds), then runs until SIGTERM or SIGINT, and exits 0.
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
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.worker import PollerBehaviorSimpleMaximum, Worker

WORKFLOW_POLLERS = 2
ACTIVITY_POLLERS = 4
READY_TIMEOUT_SECONDS = 30


@activity.defn(name="http_get")
def http_get(url: str) -> Any:
    """GET `url`; its body parsed as JSON. A status outside 200-299 raises (the activity fails)."""
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


@workflow.defn(name="FiveTasks")
class FiveTasks:
    @workflow.run
    async def run(self, data: dict) -> dict:
        items = data["items"]  # init: set items
        total = sum(items)  # total: set items, total
        if not total > 10:  # route: switch, default → exit
            return {"items": items, "total": total}
        for n in items:  # double: for each n in items
            total = total + n  # add: set items, total
        return {"total": total}  # done: set total


@workflow.defn(name="ThreeHttp")
class ThreeHttp:
    @workflow.run
    async def run(self, data: dict) -> Any:
        result = None
        for path in ("/a", "/b", "/c"):
            result = await workflow.execute_activity(
                http_get, data["url"] + path, start_to_close_timeout=timedelta(seconds=30)
            )
        return result


async def polled_by(client: Client, namespace: str, task_queue: str, identity: str) -> bool:
    """True when Temporal lists `identity` among the workflow and the activity pollers."""
    for kind in (TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY):
        response = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=namespace, task_queue=TaskQueue(name=task_queue), task_queue_type=kind
            )
        )
        if identity not in (poller.identity for poller in response.pollers):
            return False
    return True


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", required=True, help="Temporal's frontend, host:port")
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--task-queue", default="python-peer")
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
            workflows=[FiveTasks, ThreeHttp],
            activities=[http_get],
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
