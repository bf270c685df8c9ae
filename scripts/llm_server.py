# stigmer's `llm` component: llama.cpp's OpenAI-compatible server (xllamacpp) on one GGUF model.
# Serves /health (200 once the model is loaded), /v1/models and /v1/chat/completions (with
# response_format json_schema) on --host:--port until SIGTERM or SIGINT, or until its parent
# dies. The daemon runs this text with `python -c` (it is built into the stigmer binary); by hand:
#   .venv/bin/python scripts/llm_server.py --model FILE --port N [--ctx-size N] [--threads N]
import argparse
import ctypes
import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1


def main():
    parser = argparse.ArgumentParser(prog="llm_server", description="stigmer's local model")
    parser.add_argument("--model", required=True, help="path of the .gguf file")
    parser.add_argument("--alias", default="", help="model name in /v1/models")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ctx-size", type=int, default=4096)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    # The parent's death is turned into SIGTERM too, so every way out is the same.
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it died before prctl took effect
        return 0
    if not os.path.isfile(args.model):
        print(f"llm: the model file {args.model} does not exist", file=sys.stderr)
        return 1
    try:
        import xllamacpp
    except ImportError as error:
        print(f"llm: {sys.executable} cannot load xllamacpp ({error}); "
              "run `make setup` in the stigmer source tree", file=sys.stderr)
        return 1

    params = xllamacpp.CommonParams()
    params.model.path = args.model
    if args.alias:
        params.model_alias = {args.alias}
    params.hostnames = [args.host]
    params.port = args.port
    params.n_ctx = args.ctx_size
    params.n_parallel = 1
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    params.ui = False
    server = xllamacpp.Server(params)  # listens at once; /health says 503 until the model loaded
    print(f"llm: serving {args.alias or args.model} on {server.listening_address}/v1", flush=True)
    while not stop.wait(3600):
        pass
    print("llm: stopping", flush=True)
    # The server's threads are native and hold no state worth saving: leave without unwinding.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
