/* The protocol of the fuzzing sample server (fuzz_sample_server.c), apart
 * from main() so an in-process fuzz harness can link it.
 *
 * A message is [CMD:1][LEN:1][PAYLOAD:LEN].  Commands:
 *   'E'  echo: the payload comes back as ['e'][LEN][PAYLOAD]
 *   'N'  name: sets the session's name (at most 16 bytes); reply "ok"
 *   'B'  blob: stores a blob (at most 32 bytes); reply "ok"
 *   'Q'  quit: the server closes the connection
 *   other: reply "?"
 *
 * Two bugs are planted on purpose, for the fuzzing acceptance tests:
 *   bug 1 (data alone): the length check of 'N' allows 24 bytes, so a name
 *         of 17..24 bytes overruns into the session's guard word;
 *   bug 2 (split read): when a read ends right after a command byte, the
 *         parser resumes the header on the next read and checks the length
 *         only against its 64-byte payload buffer, not the command's own
 *         limit, so a split 'B' header with LEN 33..64 overruns the blob.
 * Both corruptions are detected by guard words and end in abort() with a
 * message naming the bug, so they crash deterministically with or without
 * sanitizers. */
#ifndef FUZZ_SAMPLE_PROTO_H
#define FUZZ_SAMPLE_PROTO_H

/* Serves one accepted connection until EOF, an error or 'Q'; closes it.
 * Returns the number of messages handled. */
int fss_serve_conn(int fd);

#endif
