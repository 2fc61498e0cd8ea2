# Makes one man page from its Markdown source with pandoc (one source of
# truth: the Markdown references are what the man pages say).  A source that
# does not open with "# NAME" (the references under scenarios/) gets a NAME
# section from SUMMARY, which whatis(1) and apropos(1) read.
#   cmake -DPANDOC=<pandoc> -DIN=<file.md> -DOUT=<page> -DNAME=<name> -DSECTION=<n>
#         -DSUMMARY=<one line> -DVERSION=<x.y.z> -P manpage.cmake
# Man-page-shaped sources (harness/sockfault.1.md, shim/libsockfault.7.md)
# are pandoc Markdown, for its definition lists; the references are GitHub's.
file(READ "${IN}" md)
if(md MATCHES "^# NAME\n")
  set(from markdown)
else()
  set(from gfm)
  set(md "# NAME\n\n${NAME} - ${SUMMARY}\n\n${md}")
endif()
get_filename_component(dir "${OUT}" DIRECTORY)
set(tmp "${OUT}.md")
file(WRITE "${tmp}" "${md}")
string(TOUPPER "${NAME}" title)
execute_process(
  COMMAND "${PANDOC}" --standalone --from ${from} --to man
          --metadata "title=${title}" --metadata "section=${SECTION}"
          --metadata "footer=sockfault ${VERSION}" --metadata "header=sockfault manual"
          "${tmp}"
  OUTPUT_VARIABLE roff RESULT_VARIABLE rc ERROR_VARIABLE err)
file(REMOVE "${tmp}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pandoc ${IN}: ${err}")
endif()
# Left-aligned text (AD is what the man macros restore at each paragraph):
# the references' tables have narrow columns, which justified text cannot
# fill without troff warnings (hyphenation stays: without it long words do
# not fit them).  And in
# nroff (terminal) output a page as long as the text: man-db renders one
# continuous page, but tbl checks a table's text blocks against the default
# 11-inch page and warns about a long cell.
string(REGEX REPLACE "(\n\\.TH [^\n]*\n)" "\\1.ds AD l\n.ad l\n.if n .pl 100000v\n" roff "${roff}")
file(WRITE "${OUT}" "${roff}")
