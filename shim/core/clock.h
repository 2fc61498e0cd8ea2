/* The shim's clock: CLOCK_MONOTONIC in nanoseconds, deadlines and sleeps.
 * Every layer that times something (time= windows, delays, links, waits,
 * timeouts) asks here, so one file decides what "now" is. */
#ifndef SF_CLOCK_H
#define SF_CLOCK_H

#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC in ns. */
uint64_t sf_now_ns(void);
/* CLOCK_MONOTONIC deadline for a relative timeout; UINT64_MAX for NULL. */
uint64_t sf_deadline_after(const struct timespec *t);
/* Sleeps ns, resuming after signal handlers. */
void sf_sleep_ns(uint64_t ns);

#endif
