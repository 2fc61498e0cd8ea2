/* The pre-fork server: a listener made before fork(2) is one listening
 * socket in every process, with one accept queue; workers blocked in
 * accept(2) on it share the connections, and each connection is accepted
 * by exactly one of them (which one is the scheduler's: not printed, only
 * totals).  Three workers each accept, read one request, answer it with
 * the request's own number and close, until a "quit" request; the parent
 * connects 30 clients at once, sends every request, and reads one answer
 * per client, then end of file.  Each worker reports how many it served in
 * its exit status (100 + n): together 30.  Then three "quit" clients end the
 * workers (a worker exits after its first quit, so each gets one).
 * man 2 accept, man 2 fork. */
#include "vfork.h"

enum { WORKERS = 3, CLIENTS = 30 };

static int l;

static void worker(void *arg)
{
	(void)arg;
	int served = 0;
	for (;;) {
		int s = accept(l, NULL, NULL);
		if (s < 0 && errno == EINTR)
			continue;
		CHECK(s >= 0);
		char req[8];
		vf_recv_exact(s, req, sizeof(req));
		if (memcmp(req, "quit....", 8) == 0) {
			CHECK_OK(close(s));
			break;
		}
		CHECK(memcmp(req, "req ", 4) == 0);
		char ans[8];
		memcpy(ans, "ans ", 4);
		memcpy(ans + 4, req + 4, 4);
		vc_send_all(s, ans, sizeof(ans));
		CHECK_OK(close(s));
		served++;
	}
	_exit(100 + served); /* a FAIL is exit 1 */
}

static int connect_to(const struct sockaddr_in *a)
{
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0);
	CHECK_OK(connect(c, (const struct sockaddr *)a, sizeof(*a)));
	return c;
}

int main(void)
{
	vc_begin("fork: workers share a listener, each connection accepted once");
	struct sockaddr_in a = sfit_loopback(0);
	socklen_t al = sizeof(a);
	l = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(l >= 0);
	vc_set_int(l, SOL_SOCKET, SO_REUSEADDR, 1);
	VC_OK(bind(l, (struct sockaddr *)&a, sizeof(a)));
	VC_OK(listen(l, 64));
	CHECK_OK(getsockname(l, (struct sockaddr *)&a, &al));
	struct vf_child w[WORKERS];
	for (int i = 0; i < WORKERS; i++)
		w[i] = vf_spawn("worker", worker, NULL);
	VC_NOTE("%d workers forked, each blocked in accept", WORKERS);

	int c[CLIENTS];
	for (int i = 0; i < CLIENTS; i++)
		c[i] = connect_to(&a);
	VC_NOTE("%d clients connected", CLIENTS);
	for (int i = 0; i < CLIENTS; i++) {
		char req[9];
		snprintf(req, sizeof(req), "req %04d", i);
		vc_send_all(c[i], req, 8);
	}
	int answered = 0, eofs = 0;
	for (int i = 0; i < CLIENTS; i++) {
		char ans[9] = {0}, want[9], more;
		snprintf(want, sizeof(want), "ans %04d", i);
		vf_recv_exact(c[i], ans, 8);
		if (memcmp(ans, want, 8) != 0)
			FAIL("client %d got \"%s\", expected \"%s\"", i, ans, want);
		answered++;
		ssize_t r = recv(c[i], &more, 1, 0);
		CHECK_EQ(r, 0);
		eofs++;
		CHECK_OK(close(c[i]));
	}
	VC_NOTE("answers: %d, each its own request's; then end of file: %d", answered, eofs);

	for (int i = 0; i < WORKERS; i++) {
		int q = connect_to(&a);
		vc_send_all(q, "quit....", 8);
		char b;
		CHECK_EQ(recv(q, &b, 1, 0), 0); /* the worker closed it */
		CHECK_OK(close(q));
	}
	int total = 0;
	for (int i = 0; i < WORKERS; i++) {
		int st = vf_wait(&w[i]);
		if (!WIFEXITED(st) || WEXITSTATUS(st) < 100)
			FAIL("worker %s", vf_status_name(st));
		total += WEXITSTATUS(st) - 100;
	}
	VC_NOTE("workers exited; connections served in all: %d", total);
	CHECK_EQ(total, CLIENTS);
	VC_OK(close(l));
	return 0;
}
