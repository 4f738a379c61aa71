# zf_console_assets(OUT): a custom command that writes the web console's
# assets (cli/server/console/, plus Chart.js from Debian when it is
# installed) into a generated .cc (cmake/embed_console.cmake), and sets OUT
# to its path. Used by zfcli (cli/CMakeLists.txt) and by the fuzz build's
# copy of the request handlers (tests/fuzz/CMakeLists.txt).
function(zf_console_assets out)
  set(dir ${PROJECT_SOURCE_DIR}/cli/server/console)
  file(GLOB_RECURSE files CONFIGURE_DEPENDS ${dir}/*)
  set(cc ${CMAKE_CURRENT_BINARY_DIR}/console_assets.cc)
  # The statistics page's charts: Chart.js from Debian (libjs-chart.js,
  # scripts/deps), served as /console/vendor/chart.min.js. Without it the
  # page shows its figures and CSS bars only (docs/console.md, "Charts").
  find_file(ZF_CHARTJS chart.min.js PATHS /usr/share/javascript/chart.js NO_DEFAULT_PATH)
  set(extra "")
  set(extra_deps "")
  if(ZF_CHARTJS)
    set(extra "vendor/chart.min.js=${ZF_CHARTJS}")
    set(extra_deps ${ZF_CHARTJS})
  else()
    message(WARNING "zf: Chart.js (libjs-chart.js) not found; the console draws no charts")
  endif()
  add_custom_command(
    OUTPUT ${cc}
    COMMAND ${CMAKE_COMMAND} -DASSET_DIR=${dir} -DEXTRA=${extra} -DOUTPUT=${cc}
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_console.cmake
    DEPENDS ${files} ${extra_deps} ${PROJECT_SOURCE_DIR}/cmake/embed_console.cmake
    COMMENT "Embedding the web console"
    VERBATIM)
  set_source_files_properties(${cc} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
  set(${out} ${cc} PARENT_SCOPE)
endfunction()
