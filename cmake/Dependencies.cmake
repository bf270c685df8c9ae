# Every C++ dependency comes from a Debian package; see scripts/setup.sh.
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG REQUIRED)
find_package(absl CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(nlohmann_json CONFIG REQUIRED)
find_package(yaml-cpp CONFIG REQUIRED)
find_package(valijson CONFIG REQUIRED)  # header-only JSON Schema validator
find_package(GTest CONFIG REQUIRED)
find_package(benchmark CONFIG REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(ONIG REQUIRED IMPORTED_TARGET oniguruma)
pkg_check_modules(MHD REQUIRED IMPORTED_TARGET libmicrohttpd)
# PostgreSQL client library, for a store shared by several stigmer-servers (server.database).
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET libpq)

# Debian's libjq 1.6 ships no pkg-config file.
find_path(JQ_INCLUDE_DIR jq.h REQUIRED)
find_library(JQ_LIBRARY jq REQUIRED)
add_library(jq::jq UNKNOWN IMPORTED)
set_target_properties(jq::jq PROPERTIES IMPORTED_LOCATION ${JQ_LIBRARY}
                      INTERFACE_INCLUDE_DIRECTORIES ${JQ_INCLUDE_DIR}
                      INTERFACE_LINK_LIBRARIES PkgConfig::ONIG)

find_program(GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
