/* vsignal: the fixture of the vnet signal tests -- a handler installed with
 * or without SA_RESTART, and a thread that signals the main thread while it
 * is blocked in a socket call, then (optionally) does something on a
 * socket.  signal(7), "Interruption of system calls and library functions
 * by signal handlers", is the specification these tests check. */
#ifndef VSIGNAL_H
#define VSIGNAL_H

#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "vcheck.h"

static volatile sig_atomic_t vs_handled;

static void vs_handler(int sig)
{
	(void)sig;
	vs_handled++;
}

/* SIGUSR1 runs vs_handler; restart: SA_RESTART. */
static inline void vs_install(bool restart)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = vs_handler;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
}

struct vs_later {
	pthread_t target;
	int ms;              /* before the signal */
	void (*then)(void *); /* after it, another ms later (NULL: nothing) */
	void *arg;
};

static inline void vs_sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

static inline void *vs_thread(void *p)
{
	struct vs_later *l = p;
	vs_sleep_ms(l->ms);
	CHECK(pthread_kill(l->target, SIGUSR1) == 0);
	if (l->then) {
		vs_sleep_ms(l->ms);
		l->then(l->arg);
	}
	return NULL;
}

/* Signals the calling thread in ms, then calls then(arg) ms later. */
static inline pthread_t vs_signal_me_later(struct vs_later *l, int ms, void (*then)(void *), void *arg)
{
	*l = (struct vs_later){.target = pthread_self(), .ms = ms, .then = then, .arg = arg};
	pthread_t t;
	CHECK(pthread_create(&t, NULL, vs_thread, l) == 0);
	return t;
}

#endif
