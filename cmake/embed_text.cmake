# Writes a C++ source defining one std::string_view constant with a text
# file's content (cmake -P; lib/CMakeLists.txt runs it).
#   INPUT   the text file
#   OUTPUT  the .cc to write
#   NAME    the constant, declared in namespace zf::internal
file(READ ${INPUT} text)
string(FIND "${text}" ")zf_text\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )zf_text\"")
endif()
file(WRITE ${OUTPUT}.tmp
  "// Generated from ${INPUT} by cmake/embed_text.cmake; do not edit.\n"
  "#include <string_view>\n"
  "namespace zf::internal {\n"
  "extern const std::string_view ${NAME};\n"
  "const std::string_view ${NAME} = R\"zf_text(${text})zf_text\";\n"
  "}  // namespace zf::internal\n")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUTPUT}.tmp)
