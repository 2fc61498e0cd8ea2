/* A parsed scenario: directives (seed, net, hosts) and fault rules, in file
 * order.  The language is documented in scenarios/README.md. */
#ifndef SF_SCENARIO_H
#define SF_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/calls.h"

enum sf_action {
	SF_ACT_EINTR,     /* EINTR without doing the call; optional real signal first */
	SF_ACT_EAGAIN,    /* EAGAIN without doing the call */
	SF_ACT_ERROR,     /* -1 with a named errno */
	SF_ACT_SHORT,     /* send/recv at most `amount` bytes (1..len) */
	SF_ACT_DELAY,     /* sleep `amount` ns, then do the call */
	SF_ACT_TIMEOUT,   /* the program's own timeout fires once */
	SF_ACT_BLACKHOLE, /* connect never completes / data never arrives */
	SF_ACT_REFUSE,    /* connect: ECONNREFUSED */
	SF_ACT_RESET,     /* ECONNRESET now, EPIPE/ECONNRESET after */
	SF_ACT_CLOSE,     /* peer FIN: recv returns 0 from now on */
	SF_ACT_BANDWIDTH, /* at most `amount` bytes per second */
	SF_ACT_TRUNCATE,  /* the stream ends after `amount` bytes */
	SF_ACT_DROP,      /* UDP: datagram lost */
	SF_ACT_DUPLICATE, /* UDP: datagram delivered twice */
	SF_ACT_CORRUPT,   /* UDP: one byte flipped */
	SF_ACT_REORDER,   /* UDP: datagram held back behind the next one */
	SF_ACT_EAI,       /* resolver: getaddrinfo/getnameinfo fail with EAI code `err` */
	SF_ACT_HERROR,    /* resolver: gethostby* fail with h_errno `err` */
	SF_ACT_COUNT
};

extern const char *const sf_action_names[SF_ACT_COUNT];

/* An address matcher: family AF_UNSPEC matches any address; port -1 any. */
struct sf_addr_match {
	int family;        /* AF_UNSPEC, AF_INET or AF_INET6 */
	uint8_t addr[16];  /* network byte order; 4 bytes used for AF_INET */
	int prefix;        /* CIDR prefix length in bits */
	int port;          /* -1 = any */
};

/* An inclusive range [lo, hi]; a single value has lo == hi. */
struct sf_range {
	uint64_t lo, hi;
};

#define SF_UNBOUNDED UINT64_MAX

enum sf_dir { SF_DIR_ANY, SF_DIR_OUT /* we connected */, SF_DIR_IN /* we accepted */ };

struct sf_rule {
	unsigned id;   /* 1-based position among the rules, in file order */
	unsigned line; /* source line of the rule */
	uint64_t calls; /* mask of (1ull << enum sf_call) this rule matches */

	/* Matchers; all given ones must hold. */
	struct sf_addr_match peer; /* peer=ADDR[/PREFIX][:PORT], port=N */
	int lport;                 /* lport=N; -1 any */
	int proto;                 /* proto=tcp|udp: IPPROTO_TCP/UDP; 0 any */
	int family;                /* family=inet|inet6|unix: AF_*; AF_UNSPEC any */
	enum sf_dir dir;           /* dir=out|in */
	char *name;                /* name=GLOB (resolver calls); NULL any */
	unsigned conn;             /* conn=N: the Nth connection; 0 any */

	/* Schedule, over the count n (1-based) of calls this rule matched:
	 * fires when when.lo <= n <= when.hi and (n - when.lo) % step == 0,
	 * and the draw is below prob, and the time since start is within
	 * `time` (ns), and the connection's byte count in the call's direction
	 * is within `bytes`. */
	struct sf_range when; /* default {1, SF_UNBOUNDED} */
	uint64_t step;        /* default 1 */
	double prob;          /* default 1.0 */
	struct sf_range time; /* default {0, SF_UNBOUNDED} */
	struct sf_range bytes; /* default {0, SF_UNBOUNDED} */

	/* Action. */
	enum sf_action action;
	int err;              /* ERROR: errno; EAI: EAI_* code; HERROR: h_errno */
	int sys_errno;        /* EAI_SYSTEM: the errno that goes with it */
	int signal;           /* EINTR: signal raised first, 0 = none */
	struct sf_range amount; /* SHORT/TRUNCATE: bytes; DELAY: ns; BANDWIDTH: bytes/s */

	/* Key of this rule's random stream: a hash of the rule's own text, so
	 * adding, removing or moving other rules never changes its draws. */
	uint64_t rng_key;
};

/* host NAME-GLOB ADDR... */
#define SF_HOST_MAX_ADDRS 16
struct sf_host {
	char *pattern;
	unsigned line;
	unsigned naddrs;
	struct {
		int family;
		uint8_t addr[16];
	} addrs[SF_HOST_MAX_ADDRS];
};

enum sf_net { SF_NET_KERNEL, SF_NET_VIRTUAL };

/* The peer script (`peer` lines): what the other side of the program's
 * connections does on the virtual network, one step after another in file
 * order.  Used by fuzz-peer mode and by scenarios converted from fuzz inputs
 * (scenarios/README.md, "Peer script"). */
enum sf_peer_op {
	SF_PEER_OPEN,  /* connection `conn` comes into being (dir, listen) */
	SF_PEER_SEND,  /* the peer sends one chunk: data, len */
	SF_PEER_FIN,   /* the peer shuts down its sending side */
	SF_PEER_RESET, /* the peer resets the connection */
};

enum sf_peer_dir {
	SF_PEER_IN,  /* the peer connects to the program's `listen`th listening socket */
	SF_PEER_OUT, /* the peer answers the program's next outbound connect */
	SF_PEER_ANY, /* whichever of the two the program gives the chance for first */
};

struct sf_peer_step {
	enum sf_peer_op op;
	unsigned conn;         /* 1-based, in order of the OPEN steps */
	unsigned line;
	enum sf_peer_dir dir;  /* OPEN */
	unsigned listen;       /* OPEN in/any: 1-based, in order of the program's listen calls */
	unsigned char *data;   /* SEND: the chunk, owned */
	size_t len;
};

/* link ADDR [latency D] [jitter D] [bandwidth R] [loss P] [duplicate P]
 * [reorder P]: a property of the virtual network between the program's
 * sockets and the addresses ADDR matches (scenarios/README.md, "Links";
 * the machinery is shim/vnet/vlink.c). */
struct sf_link {
	struct sf_addr_match addr;  /* like a rule's peer= */
	unsigned line;
	uint64_t latency_ns;        /* one way */
	uint64_t jitter_ns;         /* +- around latency, uniform */
	uint64_t rate;              /* bytes/s each way; 0 = unlimited */
	double loss, duplicate, reorder; /* UDP only: probabilities */
	/* Key of the link's random stream (like a rule's rng_key): its text
	 * hash mixed with its occurrence among identical link lines. */
	uint64_t rng_key;
};

struct sf_scenario {
	char *path;
	bool has_seed;
	uint64_t seed;
	enum sf_net net;
	int unknown_hosts; /* 0: pass to the real resolver; else the EAI_* code */
	struct sf_rule *rules;
	unsigned nrules;
	struct sf_host *hosts;
	unsigned nhosts;
	struct sf_peer_step *peer; /* the peer script, in file order */
	unsigned npeer;
	unsigned npeer_conns;      /* connections the script declares */
	struct sf_link *links;     /* in file order: the first match wins */
	unsigned nlinks;
};

/* Parses `len` bytes of `text` read from `path` (used only in messages).
 * On error returns -1 and writes one line "PATH:LINE:COL: message" (no
 * newline) to err; *out is then empty and needs no free.  Never reads past
 * text[len - 1]; text need not be NUL-terminated. */
int sf_scenario_parse(const char *path, const char *text, size_t len, struct sf_scenario *out,
		      char *err, size_t errlen);

/* Reads and parses the file at path; I/O errors are reported as
 * "PATH: strerror". */
int sf_scenario_load(const char *path, struct sf_scenario *out, char *err, size_t errlen);

void sf_scenario_free(struct sf_scenario *sc);

/* Parses a duration ("2s", "150ms", "1.5s", "10us", "1m") into ns. Returns 0
 * or -1.  Shared with the env parser (SOCKFAULT_* values). */
int sf_parse_duration(const char *s, size_t len, uint64_t *ns);

#endif
