/* A process killed mid-transfer closes its sockets for the processes that
 * survive it, as Linux closes a dead process's: their blocked recv, send and
 * poll return (EOF or ECONNRESET from recv, EPIPE or ECONNRESET from send)
 * instead of hanging, and what survives between the survivors is intact.
 *
 * Each of 100 rounds: the parent (which listens on 127.0.0.1) makes three
 * connections and forks three children joined in a ring by them -- child i
 * holds the client end of connection i and the server end of connection
 * i-1, and nothing else (the parent closes its copies).  Every child
 * streams a byte pattern both ways on both of its connections, either with
 * blocking send and recv in a thread each (some receivers pausing, so
 * senders block on full buffers) or with one thread polling non-blocking
 * sockets.  Once every child has received data on both connections, the
 * parent waits a random 0-20 ms and SIGKILLs a random child.  At its first
 * sign of trouble (an error, or EOF), a child stops sending (shutdown
 * SHUT_WR on each connection that still takes data), reads each connection
 * to its end, reports through a pipe and exits.  Checked by the parent:
 *   - each survivor ends within 10 s of its first sign of trouble, which
 *     comes within 30 s of its start (alarm: a hang is a death by SIGALRM;
 *     the bound counts from the trouble, not the start, so that a loaded
 *     machine's slow transfer before the kill is not taken for a hang --
 *     the kernel itself, run under a loaded CI, took over 5 s from start);
 *   - on a connection to the dead child: recv ended with EOF or
 *     ECONNRESET, send with EPIPE or ECONNRESET (or had shut down first);
 *   - on the connection between the survivors: both sides shut down and
 *     read EOF, every byte received in order;
 *   - under the shim: after the round the network validates
 *     (sf_vnet_check, sf_validate_all) and only the listener is still
 *     open (sf_vnet_open_socket_count: the dead child's closed sockets may
 *     sit in TIME_WAIT, as the kernel's would).
 * Without the shim the same program runs on the kernel (the oracle): the
 * sf_ functions are not found and the checks on the kernel's behaviour
 * stand alone.  SF_TEST_SEED picks the random draws (printed). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 100
#define NCHILD 3
#define CHUNK 65536
#define START_BOUND 30	  /* seconds from a child's start to its first trouble */
#define SURVIVOR_BOUND 10 /* seconds from its first trouble to its end */

enum { MSG_READY = 1, MSG_DONE = 2, MSG_HUNG = 3 };
/* where an end's sending or receiving is, for the report of a hang */
enum { AT_START, AT_SEND, AT_RECV, AT_POLL, AT_SHUTDOWN, AT_DONE };
static const char *const at_name[] = {"not started", "send", "recv", "poll", "shutdown", "done"};
enum { OUT_NONE = -1, OUT_CLEAN = 0 }; /* recv: 0 = EOF; send: 0 = shut down; else errno */

struct conn_result {
	int conn;	      /* connection number */
	int recv_out;	      /* OUT_CLEAN (EOF) or the errno */
	int send_out;	      /* OUT_CLEAN (shutdown) or the errno */
	unsigned long long in, out;
	long long bad_at;     /* offset of the first byte out of pattern, or -1 */
	atomic_int send_at, recv_at; /* AT_*: what the end's calls are doing */
};

struct msg {
	int kind;
	int child;
	struct conn_result r[2];
};

static int report_fd = -1;

static uint8_t pattern(unsigned long long off, int tag)
{
	return (uint8_t)(off * 7 + (unsigned)tag * 31 + (off >> 9));
}

static void put_msg(const struct msg *m)
{
	ssize_t n;
	do
		n = write(report_fd, m, sizeof(*m));
	while (n < 0 && errno == EINTR);
}

/* --- one child's transfers ------------------------------------------------ */

struct end {
	int fd;
	int conn;
	int tag_out, tag_in;
	bool slow_reader;
	/* shared between the end's threads and the child's main */
	atomic_bool stop;	/* stop sending: shut down */
	atomic_bool received;	/* a first byte arrived */
	struct conn_result res;
};

static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ev_cond = PTHREAD_COND_INITIALIZER;
static bool trouble;
static int started;

static void signal_event(bool is_trouble, bool is_start)
{
	pthread_mutex_lock(&ev_lock);
	if (is_trouble)
		trouble = true;
	if (is_start)
		started += 1;
	pthread_cond_broadcast(&ev_cond);
	pthread_mutex_unlock(&ev_lock);
}

static void fill(uint8_t *buf, size_t len, unsigned long long off, int tag)
{
	for (size_t i = 0; i < len; i += 1)
		buf[i] = pattern(off + i, tag);
}

static void check(struct end *e, const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i += 1)
		if (e->res.bad_at < 0 && buf[i] != pattern(e->res.in + i, e->tag_in))
			e->res.bad_at = (long long)(e->res.in + i);
	if (!atomic_exchange(&e->received, true))
		signal_event(false, true);
	e->res.in += len;
}

static void *sender(void *arg)
{
	struct end *e = arg;
	static _Thread_local uint8_t buf[CHUNK];
	unsigned seed = (unsigned)e->fd * 2654435761u;
	for (;;) {
		if (atomic_load(&e->stop)) {
			atomic_store(&e->res.send_at, AT_SHUTDOWN);
			shutdown(e->fd, SHUT_WR);
			e->res.send_out = OUT_CLEAN;
			atomic_store(&e->res.send_at, AT_DONE);
			return NULL;
		}
		size_t len = 1 + (size_t)rand_r(&seed) % CHUNK;
		fill(buf, len, e->res.out, e->tag_out);
		atomic_store(&e->res.send_at, AT_SEND);
		ssize_t n = send(e->fd, buf, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			e->res.send_out = errno;
			atomic_store(&e->res.send_at, AT_DONE);
			signal_event(true, false);
			return NULL;
		}
		e->res.out += (unsigned long long)n;
	}
}

static void *receiver(void *arg)
{
	struct end *e = arg;
	static _Thread_local uint8_t buf[CHUNK];
	unsigned seed = (unsigned)e->fd * 40503u + 1;
	for (;;) {
		atomic_store(&e->res.recv_at, AT_RECV);
		ssize_t n = recv(e->fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e->res.recv_out = n == 0 ? OUT_CLEAN : errno;
			atomic_store(&e->res.recv_at, AT_DONE);
			signal_event(true, false);
			return NULL;
		}
		check(e, buf, (size_t)n);
		if (e->slow_reader && rand_r(&seed) % 8 == 0)
			usleep((useconds_t)(rand_r(&seed) % 2000));
	}
}

/* The main thread: wait for both ends to have received, say so, then wait
 * for the first trouble and stop every sender. */
static void run_threads(struct end ends[2], int child)
{
	pthread_t t[4];
	for (int k = 0; k < 2; k += 1) {
		pthread_create(&t[2 * k], NULL, sender, &ends[k]);
		pthread_create(&t[2 * k + 1], NULL, receiver, &ends[k]);
	}
	pthread_mutex_lock(&ev_lock);
	while (started < 2 && !trouble)
		pthread_cond_wait(&ev_cond, &ev_lock);
	pthread_mutex_unlock(&ev_lock);
	struct msg ready = {.kind = MSG_READY, .child = child};
	put_msg(&ready);
	pthread_mutex_lock(&ev_lock);
	while (!trouble)
		pthread_cond_wait(&ev_cond, &ev_lock);
	pthread_mutex_unlock(&ev_lock);
	alarm(SURVIVOR_BOUND);
	for (int k = 0; k < 2; k += 1)
		atomic_store(&ends[k].stop, true);
	for (int k = 0; k < 4; k += 1)
		pthread_join(t[k], NULL);
}

/* One thread, non-blocking sockets, poll. */
static void run_poll(struct end ends[2], int child)
{
	static uint8_t buf[CHUNK];
	unsigned seed = (unsigned)child * 7919u + 3;
	bool said_ready = false, stopping = false, alarm_rearmed = false;
	bool recv_done[2] = {false, false}, send_done[2] = {false, false};
	for (int k = 0; k < 2; k += 1)
		fcntl(ends[k].fd, F_SETFL, fcntl(ends[k].fd, F_GETFL) | O_NONBLOCK);
	while (!(recv_done[0] && recv_done[1] && send_done[0] && send_done[1])) {
		if (stopping && !alarm_rearmed) {
			alarm(SURVIVOR_BOUND);
			alarm_rearmed = true;
		}
		if (stopping) {
			for (int k = 0; k < 2; k += 1)
				if (!send_done[k]) {
					shutdown(ends[k].fd, SHUT_WR);
					ends[k].res.send_out = OUT_CLEAN;
					send_done[k] = true;
				}
		}
		struct pollfd p[2];
		int live = 0;
		for (int k = 0; k < 2; k += 1) {
			p[k].fd = ends[k].fd;
			p[k].events = (short)((recv_done[k] ? 0 : POLLIN) | (send_done[k] ? 0 : POLLOUT));
			if (!p[k].events)
				p[k].fd = -1;
			else
				live += 1;
		}
		/* The shutdowns above may have finished the last ends: a poll on
		 * nothing would wait forever (seen: under a loaded machine, the
		 * kernel oracle "hung" with every end done). */
		if (!live)
			continue;
		for (int k = 0; k < 2; k += 1) {
			atomic_store(&ends[k].res.send_at, send_done[k] ? AT_DONE : AT_POLL);
			atomic_store(&ends[k].res.recv_at, recv_done[k] ? AT_DONE : AT_POLL);
		}
		int r = poll(p, 2, -1);
		if (r < 0 && errno == EINTR)
			continue;
		for (int k = 0; k < 2; k += 1) {
			struct end *e = &ends[k];
			if (p[k].fd < 0 || !p[k].revents)
				continue;
			if (!recv_done[k] && (p[k].revents & (POLLIN | POLLHUP | POLLERR))) {
				ssize_t n = recv(e->fd, buf, sizeof(buf), 0);
				if (n > 0) {
					check(e, buf, (size_t)n);
				} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
					e->res.recv_out = n == 0 ? OUT_CLEAN : errno;
					recv_done[k] = true;
					stopping = true;
				}
			}
			if (!send_done[k] && (p[k].revents & (POLLOUT | POLLHUP | POLLERR))) {
				size_t len = 1 + (size_t)rand_r(&seed) % CHUNK;
				fill(buf, len, e->res.out, e->tag_out);
				ssize_t n = send(e->fd, buf, len, MSG_NOSIGNAL);
				if (n >= 0) {
					e->res.out += (unsigned long long)n;
				} else if (errno != EAGAIN && errno != EINTR) {
					e->res.send_out = errno;
					send_done[k] = true;
					stopping = true;
				}
			}
		}
		if (!said_ready && atomic_load(&ends[0].received) && atomic_load(&ends[1].received)) {
			struct msg ready = {.kind = MSG_READY, .child = child};
			put_msg(&ready);
			said_ready = true;
		}
	}
	if (!said_ready) {
		struct msg ready = {.kind = MSG_READY, .child = child};
		put_msg(&ready);
	}
}

static struct end *hung_ends;
static int hung_child;

/* SIGALRM: the child saw no trouble START_BOUND s after it started, or is
 * still running SURVIVOR_BOUND s after its first trouble -- report where
 * each end is, and die of it. */
static void on_alarm(int sig)
{
	(void)sig;
	struct msg m = {.kind = MSG_HUNG, .child = hung_child};
	for (int k = 0; k < 2; k += 1) {
		m.r[k].conn = hung_ends[k].res.conn;
		m.r[k].recv_out = hung_ends[k].res.recv_out;
		m.r[k].send_out = hung_ends[k].res.send_out;
		m.r[k].in = hung_ends[k].res.in;
		m.r[k].out = hung_ends[k].res.out;
		m.r[k].bad_at = hung_ends[k].res.bad_at;
		atomic_init(&m.r[k].send_at, atomic_load(&hung_ends[k].res.send_at));
		atomic_init(&m.r[k].recv_at, atomic_load(&hung_ends[k].res.recv_at));
	}
	put_msg(&m);
	signal(SIGALRM, SIG_DFL);
	raise(SIGALRM);
}

static void child_main(int child, int fd_out, int conn_out, int fd_in, int conn_in, bool poll_mode,
		       unsigned seed)
{
	static struct end ends[2];
	hung_ends = ends;
	hung_child = child;
	signal(SIGALRM, on_alarm);
	alarm(START_BOUND);
	ends[0] = (struct end){.fd = fd_out, .conn = conn_out, .tag_out = 2 * conn_out, .tag_in = 2 * conn_out + 1};
	ends[1] = (struct end){.fd = fd_in, .conn = conn_in, .tag_out = 2 * conn_in + 1, .tag_in = 2 * conn_in};
	for (int k = 0; k < 2; k += 1) {
		ends[k].slow_reader = (seed >> k) & 1;
		ends[k].res = (struct conn_result){.conn = ends[k].conn, .recv_out = OUT_NONE,
						   .send_out = OUT_NONE, .bad_at = -1};
	}
	if (poll_mode)
		run_poll(ends, child);
	else
		run_threads(ends, child);
	/* (the alarm stays: _exit, which closes the sockets, is bounded too) */
	struct msg done = {.kind = MSG_DONE, .child = child};
	memcpy(&done.r[0], &ends[0].res, sizeof(done.r[0]));
	memcpy(&done.r[1], &ends[1].res, sizeof(done.r[1]));
	put_msg(&done);
	_exit(0);
}

/* --- the parent ----------------------------------------------------------- */

static int failures;

#define FAIL(...)                                     \
	do {                                          \
		printf("#   round %d: ", round);      \
		printf(__VA_ARGS__);                  \
		printf("\n");                         \
		failures += 1;                        \
		round_ok = false;                     \
	} while (0)

static const char *outcome(int v, const char *clean)
{
	static char b[4][64];
	static int i;
	i = (i + 1) % 4;
	if (v == OUT_NONE)
		return "nothing";
	if (v == OUT_CLEAN)
		return clean;
	snprintf(b[i], sizeof(b[i]), "%s", strerrorname_np(v) ? strerrorname_np(v) : strerror(v));
	return b[i];
}

/* Where a child that would not end is: each thread's state, wchan and
 * system call (number and arguments), from /proc. */
static void show_stuck(int round, pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char line[200] = "", wchan[64] = "", f[300];
		snprintf(f, sizeof(f), "/proc/%d/task/%s/syscall", (int)pid, de->d_name);
		FILE *fp = fopen(f, "r");
		if (fp) {
			if (!fgets(line, sizeof(line), fp))
				line[0] = 0;
			fclose(fp);
		}
		line[strcspn(line, "\n")] = 0;
		snprintf(f, sizeof(f), "/proc/%d/task/%s/wchan", (int)pid, de->d_name);
		fp = fopen(f, "r");
		if (fp) {
			if (!fgets(wchan, sizeof(wchan), fp))
				wchan[0] = 0;
			fclose(fp);
		}
		printf("#   round %d:   pid %d thread %s: wchan %s, syscall %s\n", round, (int)pid, de->d_name,
		       wchan, line);
	}
	closedir(d);
}

/* The parent's own bound: a round that takes 150 s is a hang of the parent
 * (in a call of its own, or in the network's validation). */
static const char *volatile parent_at = "starting";
static volatile int parent_round;
static void on_parent_alarm(int sig)
{
	(void)sig;
	char b[200];
	int n = snprintf(b, sizeof(b), "not ok %d - round %d: the parent hung (150 s) in %s\n1..%d\n", parent_round,
			 parent_round, parent_at, parent_round);
	if (write(1, b, (size_t)n) < 0)
		_exit(1);
	_exit(1);
}

static int read_msg(int fd, struct msg *m, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int r = poll(&p, 1, timeout_ms);
	if (r <= 0)
		return -1;
	ssize_t n = read(fd, m, sizeof(*m));
	return n == (ssize_t)sizeof(*m) ? 0 : -1;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *(*vnet_check)(void) = (const char *(*)(void))dlsym(RTLD_DEFAULT, "sf_vnet_check");
	int (*validate_all)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "sf_validate_all");
	unsigned (*socket_count)(void) = (unsigned (*)(void))dlsym(RTLD_DEFAULT, "sf_vnet_open_socket_count");
	const char *net = getenv("SOCKFAULT_NET");
	bool virtual_net = vnet_check && net && strncmp(net, "virtual", 7) == 0;
	printf("# %s\n", vnet_check ? (virtual_net ? "under the shim, on the virtual network"
						   : "under the shim, on the kernel's network")
				    : "natively (no shim): the kernel is the oracle");

	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	if (getenv("SF_TEST_SEED"))
		seed = (unsigned)strtoul(getenv("SF_TEST_SEED"), NULL, 0);
	printf("# SF_TEST_SEED=%u\n", seed);
	signal(SIGPIPE, SIG_IGN);

	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(l, 8) != 0 ||
	    getsockname(l, (struct sockaddr *)&a, &alen) != 0) {
		printf("not ok 1 - the listener: %s\n1..1\n", strerror(errno));
		return 1;
	}
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		printf("not ok 1 - pipe: %s\n1..1\n", strerror(errno));
		return 1;
	}
	report_fd = pipefd[1];
	int by_mode[2][NCHILD] = {{0}}; /* kills: [poll mode?][victim] */

	signal(SIGALRM, on_parent_alarm);
	for (int round = 1; round <= ROUNDS; round += 1) {
		bool round_ok = true;
		parent_round = round;
		parent_at = "connect/accept";
		alarm(150);
		unsigned rs = seed + (unsigned)round * 1000003u;
		int cli[NCHILD], srv[NCHILD];
		pid_t pids[NCHILD];
		bool poll_mode[NCHILD] = {false};
		int victim = -1;
		for (int k = 0; k < NCHILD; k += 1) {
			cli[k] = socket(AF_INET, SOCK_STREAM, 0);
			if (cli[k] < 0 || connect(cli[k], (struct sockaddr *)&a, sizeof(a)) != 0 ||
			    (srv[k] = accept(l, NULL, NULL)) < 0) {
				FAIL("connection %d: %s", k, strerror(errno));
				goto out;
			}
		}
		for (int i = 0; i < NCHILD; i += 1) {
			poll_mode[i] = rand_r(&rs) % 2;
			unsigned cs = (unsigned)rand_r(&rs);
			/* child i: the client end of connection i (to child i+1), the
			 * server end of connection i-1 (from child i-1) */
			int in = (i + NCHILD - 1) % NCHILD;
			parent_at = "fork";
			pids[i] = fork();
			if (pids[i] < 0) {
				FAIL("fork: %s", strerror(errno));
				goto out;
			}
			if (pids[i] == 0) {
				alarm(0);
				signal(SIGALRM, SIG_DFL);
				close(l);
				close(pipefd[0]);
				for (int k = 0; k < NCHILD; k += 1) {
					if (k != i)
						close(cli[k]);
					if (k != in)
						close(srv[k]);
				}
				child_main(i, cli[i], i, srv[in], in, poll_mode[i], cs);
			}
		}
		for (int k = 0; k < NCHILD; k += 1) {
			close(cli[k]);
			close(srv[k]);
		}
		parent_at = "waiting for the children to transfer";
		victim = rand_r(&rs) % NCHILD;
		int ready = 0;
		struct msg m, done[NCHILD];
		bool have_done[NCHILD] = {false};
		while (ready < NCHILD) {
			if (read_msg(pipefd[0], &m, 10000) != 0) {
				FAIL("the children did not all start transferring in 10 s (%d did)", ready);
				break;
			}
			if (m.kind == MSG_READY)
				ready += 1;
			else if (m.kind == MSG_DONE) {
				done[m.child] = m;
				have_done[m.child] = true;
			}
		}
		struct timespec pause = {0, (long)(rand_r(&rs) % 20000) * 1000};
		nanosleep(&pause, NULL);
		kill(pids[victim], SIGKILL);
		by_mode[poll_mode[victim]][victim] += 1;

		parent_at = "waiting for the children";
		int reaped = 0;
		for (int i = 0; i < NCHILD; i += 1) {
			int st;
			/* the survivors' own alarm bounds them; this bounds the parent */
			pid_t w;
			int waited = 0;
			while ((w = waitpid(pids[i], &st, WNOHANG)) == 0 && waited < 2000 * (START_BOUND + SURVIVOR_BOUND + 5)) {
				usleep(500);
				waited += 1;
			}
			if (w != pids[i]) {
				FAIL("child %d did not end (%d s); killed", i,
				     START_BOUND + SURVIVOR_BOUND + 5);
				show_stuck(round, pids[i]);
				kill(pids[i], SIGKILL);
				waitpid(pids[i], &st, 0);
				continue;
			}
			reaped += 1;
			if (i == victim) {
				if (!(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
					FAIL("the victim, child %d, ended with status %#x", i, st);
			} else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM) {
				FAIL("survivor %d (%s) hung after the kill of child %d: no trouble in %d s, or not ended %d s after it",
				     i, poll_mode[i] ? "poll" : "blocking threads", victim, START_BOUND, SURVIVOR_BOUND);
			} else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
				FAIL("survivor %d ended with status %#x", i, st);
			}
		}
		while (read_msg(pipefd[0], &m, 0) == 0)
			if (m.kind == MSG_DONE) {
				done[m.child] = m;
				have_done[m.child] = true;
			} else if (m.kind == MSG_HUNG) {
				for (int k = 0; k < 2; k += 1) {
					struct conn_result *r = &m.r[k];
					printf("#   round %d:   survivor %d, connection %d: send at %s (%s, %llu bytes out), recv at %s (%s, %llu bytes in)\n",
					       round, m.child, r->conn, at_name[atomic_load(&r->send_at)],
					       outcome(r->send_out, "shut down"), r->out, at_name[atomic_load(&r->recv_at)],
					       outcome(r->recv_out, "EOF"), r->in);
				}
			}
		(void)reaped;

		/* connection k joins child k (client) and child k+1 (server) */
		for (int i = 0; i < NCHILD; i += 1) {
			if (i == victim)
				continue;
			if (!have_done[i]) {
				FAIL("survivor %d sent no report", i);
				continue;
			}
			for (int k = 0; k < 2; k += 1) {
				struct conn_result *r = &done[i].r[k];
				int other = r->conn == i ? (i + 1) % NCHILD : r->conn;
				const char *mode = poll_mode[i] ? "poll" : "threads";
				if (r->bad_at >= 0)
					FAIL("child %d (%s), connection %d: byte %lld out of pattern", i, mode, r->conn,
					     r->bad_at);
				if (other == victim) {
					if (r->recv_out != OUT_CLEAN && r->recv_out != ECONNRESET)
						FAIL("child %d (%s), connection %d to the killed child %d: recv ended with %s, expected EOF or ECONNRESET",
						     i, mode, r->conn, victim, outcome(r->recv_out, "EOF"));
					if (r->send_out != OUT_CLEAN && r->send_out != EPIPE && r->send_out != ECONNRESET)
						FAIL("child %d (%s), connection %d to the killed child %d: send ended with %s, expected EPIPE or ECONNRESET",
						     i, mode, r->conn, victim, outcome(r->send_out, "shutdown"));
				} else {
					if (r->recv_out != OUT_CLEAN || r->send_out != OUT_CLEAN)
						FAIL("child %d (%s), connection %d to survivor %d: recv %s, send %s; expected EOF and a clean shutdown",
						     i, mode, r->conn, other, outcome(r->recv_out, "EOF"),
						     outcome(r->send_out, "shutdown"));
				}
			}
		}

		if (vnet_check) {
			parent_at = "sf_vnet_check";
			const char *why = vnet_check();
			if (why)
				FAIL("sf_vnet_check: %s", why);
			parent_at = "sf_validate_all";
			if (validate_all && validate_all() != 0)
				FAIL("sf_validate_all failed");
			if (virtual_net && socket_count) {
				parent_at = "sf_vnet_open_socket_count";
				unsigned c = socket_count(), c0 = c;
				/* a second's grace, to tell a late cleanup from a leak */
				for (int t = 0; c != 1 && t < 100; t += 1) {
					usleep(10000);
					c = socket_count();
				}
				if (c0 != 1)
					FAIL("%u virtual sockets open after the round (%u after 1 s more), expected 1 (the listener)",
					     c0, c);
			}
		}
	out:
		alarm(0);
		printf("%s %d - round %d: child %d (%s) killed mid-transfer, the survivors saw its sockets close\n",
		       round_ok ? "ok" : "not ok", round, round, victim,
		       victim < 0 ? "none" : poll_mode[victim] ? "poll" : "blocking threads");
		if (!round_ok && failures > 20)
			break;
	}
	printf("# kills: blocking threads %d/%d/%d, poll %d/%d/%d (by child)\n", by_mode[0][0], by_mode[0][1],
	       by_mode[0][2], by_mode[1][0], by_mode[1][1], by_mode[1][2]);
	printf("1..%d\n", ROUNDS);
	return failures != 0;
}
