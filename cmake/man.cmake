# The man pages, made from their Markdown sources at build time (pandoc,
# .ci/install-deps) into ${PROJECT_BINARY_DIR}/man/ and installed under
# ${CMAKE_INSTALL_MANDIR}.  -DSF_MAN=OFF builds without them.
option(SF_MAN "Build and install the man pages (needs pandoc)" ON)
if(NOT SF_MAN)
  return()
endif()
find_program(SF_PANDOC pandoc REQUIRED)
set(SF_MAN_DIR ${PROJECT_BINARY_DIR}/man)
set(SF_MAN_PAGES)
# sf_man_page(NAME SECTION SOURCE SUMMARY)
function(sf_man_page name section source summary)
  set(out ${SF_MAN_DIR}/${name}.${section})
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DPANDOC=${SF_PANDOC} -DIN=${PROJECT_SOURCE_DIR}/${source} -DOUT=${out}
            -DNAME=${name} -DSECTION=${section} -DSUMMARY=${summary} -DVERSION=${PROJECT_VERSION}
            -P ${PROJECT_SOURCE_DIR}/cmake/manpage.cmake
    DEPENDS ${PROJECT_SOURCE_DIR}/${source} ${PROJECT_SOURCE_DIR}/cmake/manpage.cmake
    COMMENT "man page ${name}(${section})" VERBATIM)
  # Installed compressed, as Debian policy (12.1) wants; man reads both.
  add_custom_command(OUTPUT ${out}.gz
    COMMAND gzip -9 -n -c ${out} > ${out}.gz
    DEPENDS ${out} COMMENT "" VERBATIM)
  install(FILES ${out}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  set(SF_MAN_PAGES ${SF_MAN_PAGES} ${out} ${out}.gz PARENT_SCOPE)
endfunction()
sf_man_page(sockfault 1 harness/sockfault.1.md "")
sf_man_page(sockfault-scenario 5 scenarios/README.md "the scenario language of sockfault")
sf_man_page(sockfault-suite 5 scenarios/SUITE.md "suite files for sockfault suite")
sf_man_page(libsockfault 7 shim/libsockfault.7.md "")
add_custom_target(sf_man ALL DEPENDS ${SF_MAN_PAGES})
