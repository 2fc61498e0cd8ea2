/* In-process fuzzing with sockfault's virtual network: link the code under
 * test with libsockfault_fuzz.a (the whole shim, its interposers included,
 * as a static library) and call, for every input:
 *
 *     int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
 *     {
 *         sf_fuzz_reset();             // a fresh network
 *         sf_fuzz_feed(data, size);    // the input: peer script, faults, answers
 *         run_the_code_under_test();   // its sockets are virtual; the peer plays the input
 *         return 0;
 *     }
 *
 * The input format is fuzz/README.md's (the same as SOCKFAULT_FUZZ's).  When
 * the input is used up and the code under test would wait, the peer goes
 * away: every connection gets its FIN, every listening socket stops (accept
 * fails with EINVAL), later timed waits time out at once; so the code
 * returns through its own end-of-stream and error paths.  One thread: the
 * code under test must not start threads of its own.  Not thread-safe: call
 * from the fuzzer's thread only. */
#ifndef SOCKFAULT_FUZZ_H
#define SOCKFAULT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Closes every virtual socket the last run left open, drops the sockets in
 * TIME_WAIT (their ports are free again) and forgets the peer, its script
 * and the fault counters.  The first call switches the process
 * to the virtual network. */
void sf_fuzz_reset(void);

/* Loads one input; returns 0, or -ENOMEM. */
int sf_fuzz_feed(const uint8_t *data, size_t size);

#ifdef __cplusplus
}
#endif

#endif
