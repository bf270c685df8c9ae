# stigmer_proto_library(NAME <target> ROOT <import root> PROTOS <paths relative to ROOT>...
#                       [IMPORTS <extra import dirs>...] [DEPS <targets>...] [GRPC <protos with services>...])
# Generates C++ (messages, and gRPC stubs for the GRPC protos) into the build tree and builds a
# static library. Generated code is compiled without our warning flags.
function(stigmer_proto_library)
  cmake_parse_arguments(P "" "NAME;ROOT" "PROTOS;IMPORTS;DEPS;GRPC" ${ARGN})
  set(out_dir ${CMAKE_BINARY_DIR}/gen)
  set(import_flags -I${P_ROOT})
  foreach(dir IN LISTS P_IMPORTS)
    list(APPEND import_flags -I${dir})
  endforeach()
  list(APPEND import_flags -I${Protobuf_INCLUDE_DIRS})

  set(sources)
  foreach(proto IN LISTS P_PROTOS)
    string(REGEX REPLACE "\\.proto$" "" stem ${proto})
    set(outputs ${out_dir}/${stem}.pb.cc ${out_dir}/${stem}.pb.h)
    set(grpc_flags)
    if(proto IN_LIST P_GRPC)
      list(APPEND outputs ${out_dir}/${stem}.grpc.pb.cc ${out_dir}/${stem}.grpc.pb.h)
      set(grpc_flags --grpc_out=${out_dir} --plugin=protoc-gen-grpc=${GRPC_CPP_PLUGIN})
    endif()
    string(JOIN "|" joined_outputs ${outputs})
    add_custom_command(
      OUTPUT ${outputs}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
      COMMAND protobuf::protoc ${import_flags} --cpp_out=${out_dir} ${grpc_flags} ${P_ROOT}/${proto}
      COMMAND ${CMAKE_COMMAND} -DFILES=${joined_outputs} -P ${CMAKE_SOURCE_DIR}/cmake/FixReservedNamespaces.cmake
      DEPENDS ${P_ROOT}/${proto} ${CMAKE_SOURCE_DIR}/cmake/FixReservedNamespaces.cmake
      COMMENT "protoc ${proto}"
      VERBATIM)
    list(APPEND sources ${outputs})
  endforeach()

  add_library(${P_NAME} STATIC ${sources})
  target_include_directories(${P_NAME} SYSTEM PUBLIC ${out_dir})
  target_link_libraries(${P_NAME} PUBLIC protobuf::libprotobuf gRPC::grpc++ ${P_DEPS})
endfunction()
