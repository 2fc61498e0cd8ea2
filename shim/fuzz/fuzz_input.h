/* The fuzz input format (fuzz/README.md): any byte string is a valid input
 * and means a peer script, fault tapes and resolver answers.  Pure code: no
 * I/O, no global state.  sf_fuzz_input_render turns an input into the
 * equivalent scenario text; fuzz-peer mode and `sockfault fuzz-to-scenario`
 * both go through it, so a converted input replays exactly what ran. */
#ifndef SF_FUZZ_INPUT_H
#define SF_FUZZ_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faults/scenario.h"

#define SF_FUZZ_MAGIC "SFZ1"
#define SF_FUZZ_MAX_CONNS 64
#define SF_FUZZ_MAX_ANSWERS 16

/* Structured-mode record opcodes: the record's first byte % 8. */
enum sf_fuzz_op {
	SF_FOP_OPEN,   /* [flags]: dir = flags & 3 (0 in, 1 out, 2 any, 3 in), listen = (flags >> 2 & 3) + 1 */
	SF_FOP_DATA,   /* [conn][len lo][len hi][bytes...]: one chunk */
	SF_FOP_FIN,    /* [conn] */
	SF_FOP_RESET,  /* [conn] */
	SF_FOP_TAPE,   /* [class][n][n tape bytes]: appended to that class's tape */
	SF_FOP_ANSWER, /* [kind][4 or 16 bytes]: kind even IPv4, odd IPv6 */
	SF_FOP_NOP6,
	SF_FOP_NOP7,
};

/* The fault tapes: byte k of a class's tape decides the fault of the kth
 * call of that class (counted as scenario rules count them). */
enum sf_fuzz_class {
	SF_TAPE_RECV,
	SF_TAPE_SEND,
	SF_TAPE_ACCEPT,
	SF_TAPE_CONNECT,
	SF_TAPE_RESOLVE,
	SF_TAPE_COUNT
};

extern const char *const sf_fuzz_class_names[SF_TAPE_COUNT];

/* One step of the peer; data points into the input given to the parser. */
struct sf_fuzz_event {
	enum sf_peer_op op;
	unsigned conn;        /* 1-based */
	enum sf_peer_dir dir; /* OPEN */
	unsigned listen;      /* OPEN, not OUT: 1..4 */
	const uint8_t *data;  /* SEND */
	size_t len;           /* SEND: >= 1 */
};

struct sf_fuzz_input {
	bool raw;                /* no magic: the whole input is one connection's bytes */
	struct sf_fuzz_event *events;
	size_t nevents;
	unsigned nconns;
	uint8_t *tape[SF_TAPE_COUNT]; /* owned */
	size_t tape_len[SF_TAPE_COUNT];
	struct {
		int family;      /* AF_INET or AF_INET6 */
		uint8_t addr[16];
	} answers[SF_FUZZ_MAX_ANSWERS];
	unsigned nanswers;
};

/* A tape byte's fault: action SF_ACT_COUNT means none. */
struct sf_fuzz_fault {
	enum sf_action action;
	uint64_t amount; /* SHORT: bytes (1..32) */
	int err;         /* EAI: the EAI_* code; ERROR: the errno */
};

/* Parses data[0..len) (kept referenced by the events: it must outlive
 * *out).  Every byte string is an input: fails only with -ENOMEM. */
int sf_fuzz_input_parse(const uint8_t *data, size_t len, struct sf_fuzz_input *out);

void sf_fuzz_input_free(struct sf_fuzz_input *in);

/* 0, or -EINVAL with the broken invariant in *why. */
int sf_fuzz_input_validate(const struct sf_fuzz_input *in, const char **why);

/* What tape byte b means for a call of class c. */
struct sf_fuzz_fault sf_fuzz_tape_fault(enum sf_fuzz_class c, uint8_t b);

/* The scenario text equivalent to the input: net virtual, host lines for the
 * answers, the peer script, one `CALLS nth=K -> ACTION` rule per faulting
 * tape byte.  Returns a malloc'd NUL-terminated string (length in *len), or
 * NULL when out of memory. */
char *sf_fuzz_input_render(const struct sf_fuzz_input *in, size_t *len);

/* Parse + render + sf_scenario_parse: the scenario a fuzz input runs as.
 * 0, or -ENOMEM (or -EINVAL if the rendered text did not parse, a bug:
 * the message is in err). */
int sf_fuzz_input_scenario(const uint8_t *data, size_t len, struct sf_scenario *out, char *err,
			   size_t errlen);

#endif
