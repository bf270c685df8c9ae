# Temporal's public API protos, taken from the npm package @temporalio/core-bridge that
# scripts/setup.sh fetched into .cache/. Checked against a pinned checksum, extracted at
# configure time into the build tree (never committed), and compiled into `temporal_api`.
set(TEMPORAL_CORE_BRIDGE_VERSION 1.24.0)
set(TEMPORAL_CORE_BRIDGE_SHA256 5f58de2e98bdc4711be3cbb06cc08bc39cb274cbbac41d02f0352bfe1630a8f7)
set(tarball ${CMAKE_SOURCE_DIR}/.cache/temporalio-core-bridge-${TEMPORAL_CORE_BRIDGE_VERSION}.tgz)
set(extract_dir ${CMAKE_BINARY_DIR}/temporal-protos)
set(proto_root ${extract_dir}/root)
set(stamp ${extract_dir}/${TEMPORAL_CORE_BRIDGE_SHA256}.stamp)

if(NOT EXISTS ${stamp})
  if(NOT EXISTS ${tarball})
    message(FATAL_ERROR "${tarball} is missing: run scripts/setup.sh (or `make build`) first.")
  endif()
  file(SHA256 ${tarball} actual)
  if(NOT actual STREQUAL TEMPORAL_CORE_BRIDGE_SHA256)
    message(FATAL_ERROR "${tarball}: sha256 ${actual}, expected ${TEMPORAL_CORE_BRIDGE_SHA256}")
  endif()
  file(REMOVE_RECURSE ${extract_dir})
  file(ARCHIVE_EXTRACT INPUT ${tarball} DESTINATION ${extract_dir}/raw
       PATTERNS "package/sdk-core/crates/protos/protos/api_upstream/*"
                "package/sdk-core/crates/protos/protos/grpc/health/*")
  set(upstream ${extract_dir}/raw/package/sdk-core/crates/protos/protos)
  # Everything but google/protobuf: those well-known types come from Debian's libprotobuf-dev.
  file(GLOB_RECURSE found RELATIVE ${upstream}/api_upstream ${upstream}/api_upstream/*.proto)
  list(FILTER found EXCLUDE REGEX "^google/protobuf/")
  foreach(rel IN LISTS found)
    file(READ ${upstream}/api_upstream/${rel} text)
    # Halves compile time and memory; we never need the generated reflection-free fast paths.
    if(NOT text MATCHES "optimize_for")
      string(REGEX REPLACE "(\npackage [^;]+;)" "\\1\noption optimize_for = CODE_SIZE;" text "${text}")
    endif()
    file(WRITE ${proto_root}/${rel} "${text}")
  endforeach()
  file(COPY ${upstream}/grpc/health/v1/health.proto DESTINATION ${proto_root}/grpc/health/v1)
  file(REMOVE_RECURSE ${extract_dir}/raw)
  file(TOUCH ${stamp})
endif()

# Only what the workflow service needs, found by following imports from it.
function(temporal_proto_closure out)
  set(pending temporal/api/workflowservice/v1/service.proto)
  set(seen)
  while(pending)
    list(POP_FRONT pending proto)
    if(proto IN_LIST seen OR proto MATCHES "^google/protobuf/")
      continue()
    endif()
    list(APPEND seen ${proto})
    file(STRINGS ${proto_root}/${proto} imports REGEX "^import \"")
    foreach(line IN LISTS imports)
      string(REGEX REPLACE "^import \"([^\"]+)\".*" "\\1" dep "${line}")
      list(APPEND pending ${dep})
    endforeach()
  endwhile()
  set(${out} ${seen} PARENT_SCOPE)
endfunction()
temporal_proto_closure(temporal_protos)

stigmer_proto_library(
  NAME temporal_api
  ROOT ${proto_root}
  PROTOS ${temporal_protos}
  GRPC temporal/api/workflowservice/v1/service.proto)

# The standard gRPC health protocol, used to probe Temporal and stigmer-server.
stigmer_proto_library(
  NAME grpc_health
  ROOT ${proto_root}
  PROTOS grpc/health/v1/health.proto
  GRPC grpc/health/v1/health.proto)
