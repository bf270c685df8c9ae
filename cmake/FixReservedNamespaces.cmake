# The proto package temporal.api.namespace.v1 becomes the C++ namespace temporal::api::namespace::v1,
# which does not compile ("namespace" is a keyword). Rename it to namespace_ in the generated code;
# the descriptors keep the proto package name, so the wire format and reflection are unchanged.
string(REPLACE "|" ";" files "${FILES}")
foreach(file IN LISTS files)
  file(READ ${file} text)
  string(REGEX REPLACE "namespace namespace([ \n{])" "namespace namespace_\\1" fixed "${text}")
  string(REPLACE "::namespace::" "::namespace_::" fixed "${fixed}")
  if(NOT fixed STREQUAL text)
    file(WRITE ${file} "${fixed}")
  endif()
endforeach()
