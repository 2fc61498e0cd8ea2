/* What `sockfault report` draws, built from a run's event log and pcaps:
 * lanes (processes, threads, connections, listeners, UDP flows, resolver),
 * the bytes each moved over time, life events (connect, accept, FIN, RST,
 * close, lookups, wire flags) and faults, aggregated so that a run of any
 * length stays a page a browser renders at once. */
#ifndef SF_REPORT_MODEL_H
#define SF_REPORT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum sf_lane_kind { SF_LANE_PROCESS, SF_LANE_THREAD, SF_LANE_CONN, SF_LANE_LISTENER, SF_LANE_FLOW, SF_LANE_RESOLVER };

/* Life events, in the order report.js names them. */
enum sf_mark_kind {
	SF_MARK_CONNECT, SF_MARK_CONNECT_FAILED, SF_MARK_ACCEPT, SF_MARK_LISTEN, SF_MARK_FIN_IN, SF_MARK_FIN_OUT,
	SF_MARK_RST, SF_MARK_ERROR, SF_MARK_CLOSE, SF_MARK_LOOKUP, SF_MARK_LOOKUP_FAILED, SF_MARK_WIRE_SYN,
	SF_MARK_WIRE_FIN, SF_MARK_WIRE_RST, SF_MARK_START, SF_MARK_EXIT,
};

struct sf_report_lane {
	enum sf_lane_kind kind;
	char *label;
	int parent;           /* the process lane it belongs to, -1 for a process without a known parent */
	double start, end;    /* seconds since the run began; end < 0: the run's end */
	char *local, *peer;   /* connections: "HOST:PORT", NULL when unknown */
	int pid;
};

struct sf_report_data {  /* one data call (or a bin of them) */
	double t;
	int lane;
	uint64_t out, in;
	unsigned calls;
	uint64_t link_ns;    /* the largest link delay among them */
};

struct sf_report_point { /* a mark or a fault */
	double t;
	int lane;
	int what;            /* enum sf_mark_kind, or the rule id */
	unsigned count;      /* events it stands for (aggregated: > 1) */
	int detail;          /* index into details, -1 none */
};

struct sf_report_rule {
	unsigned id, line;
	char *text;          /* the scenario's line */
	const char *action;
	uint64_t matched, fired;
	bool matched_known;  /* some process's exit line counted it */
};

struct sf_report {
	char *title;
	char *scenario_path;
	uint64_t seed;
	char *version;
	double duration;
	struct sf_report_lane *lanes;
	size_t nlanes, lanes_cap;
	struct sf_report_data *data;
	size_t ndata, data_cap;
	double bin_width;    /* 0: data[] holds every call */
	struct sf_report_point *marks, *faults;
	size_t nmarks, marks_cap, nfaults, faults_cap;
	size_t nfault_events, nmark_events, ndata_events; /* before aggregation */
	size_t ndata_calls;  /* send/recv calls that moved bytes: ndata_events counts each once per
	                      * lane it is drawn on (its connection's and its thread's) */
	char **details;      /* the log lines (JSON) the points refer to */
	size_t ndetails, details_cap;
	struct sf_report_rule *rules;
	size_t nrules;
	size_t bad_lines;    /* lines that were not JSON objects */
	size_t bad_column;   /* 1-based, in the first of them */
	struct sf_report_index *index; /* lane lookup while building */
	double t0_mono, t0_real; /* the earliest process start, in both clocks */
};

/* Limits: above them, points and data are aggregated into time bins. */
#define SF_REPORT_MAX_DATA 60000
#define SF_REPORT_MAX_MARKS 40000
#define SF_REPORT_MAX_FAULTS 20000
#define SF_REPORT_MAX_DETAILS 30000
/* Rule ids above this in a log are not rules (a fault is drawn as rule 0,
 * an exit line's count is dropped): they would size the rule table. */
#define SF_REPORT_MAX_RULE_ID 100000

void sf_report_init(struct sf_report *r);
void sf_report_free(struct sf_report *r);

/* Reads an event log; 0, or -1 with a message on stderr (file:line for a
 * line that is not JSON). */
int sf_report_read_log(struct sf_report *r, const char *path);
/* Adds one log line (for the fuzz target and tests). */
void sf_report_add_line(struct sf_report *r, const char *line, size_t len);
/* Reads a pcap: SYN/FIN/RST marks on the connection lanes they belong to,
 * a lane of their own for flows the log does not know; 0 or -1. */
int sf_report_read_pcap(struct sf_report *r, const char *path);
/* Rule texts and counts from the scenario the log names (or path, if not
 * NULL); then bins what is over the limits and orders the lanes.  Call
 * once, after the inputs. */
void sf_report_finish(struct sf_report *r, const char *scenario_path);

/* Invariant checker (the fuzz target calls it): 0, or -1 and *why. */
int sf_report_validate(const struct sf_report *r, const char **why);

/* Writes the page (report_html.c). */
int sf_report_write_html(const struct sf_report *r, FILE *out);

#endif
