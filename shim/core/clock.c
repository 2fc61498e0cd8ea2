/* The shim's clock (clock.h). */
#include "core/clock.h"

#include <errno.h>

uint64_t sf_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t sf_deadline_after(const struct timespec *t)
{
	if (!t)
		return UINT64_MAX;
	return sf_now_ns() + (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec;
}

void sf_sleep_ns(uint64_t ns)
{
	struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
	/* A delay models the network, which signals do not shorten
	 * (clock_nanosleep returns the error number, it does not set errno). */
	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}
