/* The report's model (harness/report_model.c) built from hand-written log
 * lines: which lane an event lands on (connection, fault, fork child),
 * bytes and exit counts summed, aggregation of many faults, and one time
 * axis for processes that started at different times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "report_model.h"

static void feed(struct sf_report *r, const char *const *lines)
{
	for (; *lines; lines++)
		sf_report_add_line(r, *lines, strlen(*lines));
}

/* Builds the model of lines, finished with no scenario, and checks the
 * invariants. */
static void build(struct sf_report *r, const char *const *lines)
{
	sf_report_init(r);
	feed(r, lines);
	sf_report_finish(r, NULL);
	const char *why = NULL;
	if (sf_report_validate(r, &why) != 0)
		fail_msg("invariant failed: %s", why);
	assert_int_equal(r->bad_lines, 0);
}

static int lane_of(const struct sf_report *r, enum sf_lane_kind kind, int pid)
{
	int found = -1;
	for (size_t i = 0; i < r->nlanes; i++)
		if (r->lanes[i].kind == kind && r->lanes[i].pid == pid) {
			assert_int_equal(found, -1); /* exactly one */
			found = (int)i;
		}
	assert_int_not_equal(found, -1);
	return found;
}

static size_t lanes_of_kind(const struct sf_report *r, enum sf_lane_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nlanes; i++)
		n += r->lanes[i].kind == kind;
	return n;
}

static const struct sf_report_point *mark_on(const struct sf_report *r, int lane, enum sf_mark_kind what)
{
	for (size_t i = 0; i < r->nmarks; i++)
		if (r->marks[i].lane == lane && r->marks[i].what == (int)what)
			return &r->marks[i];
	return NULL;
}

#define HEADER(pid, ppid, mono) \
	"{\"sockfault\":\"0.1.0\",\"pid\":" #pid ",\"ppid\":" #ppid ",\"name\":\"prog\",\"scenario\":\"\"," \
	"\"seed\":0,\"start_mono\":" #mono ",\"start_real\":1000.5}"

static void test_connect_send_recv_close_make_one_connection_lane_with_the_bytes_summed(void **state)
{
	(void)state;
	static const char *const lines[] = {
		HEADER(100, 1, 5000000000),
		"{\"time\":0.1,\"pid\":100,\"tid\":100,\"ev\":\"socket\",\"fd\":3,\"sock\":\"100.1\",\"type\":\"stream\"}",
		"{\"time\":0.2,\"pid\":100,\"tid\":100,\"ev\":\"connect\",\"fd\":3,\"sock\":\"100.1\",\"type\":\"stream\","
		"\"to\":\"10.0.0.1:80\",\"local\":\"10.0.0.2:4000\",\"peer\":\"10.0.0.1:80\",\"result\":0}",
		"{\"time\":0.3,\"pid\":100,\"tid\":100,\"ev\":\"send\",\"fd\":3,\"sock\":\"100.1\",\"call\":\"send\",\"bytes\":10}",
		"{\"time\":0.4,\"pid\":100,\"tid\":100,\"ev\":\"send\",\"fd\":3,\"sock\":\"100.1\",\"call\":\"send\",\"bytes\":5}",
		"{\"time\":0.5,\"pid\":100,\"tid\":100,\"ev\":\"recv\",\"fd\":3,\"sock\":\"100.1\",\"call\":\"recv\",\"bytes\":7}",
		"{\"time\":0.6,\"pid\":100,\"tid\":100,\"ev\":\"close\",\"fd\":3,\"sock\":\"100.1\",\"out\":15,\"in\":7}",
		NULL,
	};
	struct sf_report r;
	build(&r, lines);
	assert_int_equal(lanes_of_kind(&r, SF_LANE_CONN), 1);
	int conn = lane_of(&r, SF_LANE_CONN, 100), proc = lane_of(&r, SF_LANE_PROCESS, 100);
	assert_int_equal(r.lanes[conn].parent, proc);
	assert_string_equal(r.lanes[conn].local, "10.0.0.2:4000");
	assert_string_equal(r.lanes[conn].peer, "10.0.0.1:80");
	uint64_t out = 0, in = 0;
	for (size_t i = 0; i < r.ndata; i++)
		if (r.data[i].lane == conn) {
			out += r.data[i].out;
			in += r.data[i].in;
		}
	assert_int_equal(out, 15);
	assert_int_equal(in, 7);
	assert_non_null(mark_on(&r, conn, SF_MARK_CONNECT));
	assert_non_null(mark_on(&r, conn, SF_MARK_CLOSE));
	sf_report_free(&r);
}

static void test_fault_with_a_sock_lands_on_that_sockets_lane(void **state)
{
	(void)state;
	static const char *const lines[] = {
		HEADER(100, 1, 0),
		"{\"time\":0.1,\"pid\":100,\"tid\":100,\"ev\":\"socket\",\"fd\":3,\"sock\":\"100.1\",\"type\":\"stream\"}",
		"{\"time\":0.1,\"pid\":100,\"tid\":100,\"ev\":\"socket\",\"fd\":4,\"sock\":\"100.2\",\"type\":\"stream\"}",
		"{\"time\":0.2,\"pid\":100,\"tid\":100,\"ev\":\"connect\",\"fd\":3,\"sock\":\"100.1\",\"to\":\"10.0.0.1:80\"}",
		"{\"time\":0.2,\"pid\":100,\"tid\":100,\"ev\":\"connect\",\"fd\":4,\"sock\":\"100.2\",\"to\":\"10.0.0.9:443\"}",
		"{\"time\":0.3,\"pid\":100,\"tid\":100,\"ev\":\"fault\",\"fd\":4,\"sock\":\"100.2\",\"rule\":2,\"line\":3,"
		"\"call\":\"send\",\"action\":\"reset\"}",
		NULL,
	};
	struct sf_report r;
	build(&r, lines);
	assert_int_equal(r.nfaults, 1);
	const struct sf_report_lane *l = &r.lanes[r.faults[0].lane];
	assert_int_equal(l->kind, SF_LANE_CONN);
	assert_string_equal(l->peer, "10.0.0.9:443");
	assert_int_equal(r.faults[0].what, 2);
	assert_int_equal(r.nrules, 2);
	assert_int_equal(r.rules[1].fired, 1);
	sf_report_free(&r);
}

static void test_exit_lines_matched_counts_sum_across_processes(void **state)
{
	(void)state;
	static const char *const lines[] = {
		HEADER(100, 1, 0),
		HEADER(200, 100, 1000),
		"{\"time\":1,\"pid\":200,\"tid\":200,\"ev\":\"exit\",\"rules\":[{\"rule\":1,\"line\":2,\"matched\":3,\"fired\":1},"
		"{\"rule\":2,\"line\":3,\"matched\":0,\"fired\":0}]}",
		"{\"time\":2,\"pid\":100,\"tid\":100,\"ev\":\"exit\",\"rules\":[{\"rule\":1,\"line\":2,\"matched\":4,\"fired\":0}]}",
		NULL,
	};
	struct sf_report r;
	build(&r, lines);
	assert_int_equal(r.nrules, 2);
	assert_true(r.rules[0].matched_known);
	assert_int_equal(r.rules[0].matched, 7);
	assert_int_equal(r.rules[0].line, 2);
	assert_true(r.rules[1].matched_known);
	assert_int_equal(r.rules[1].matched, 0);
	assert_non_null(mark_on(&r, lane_of(&r, SF_LANE_PROCESS, 100), SF_MARK_EXIT));
	assert_non_null(mark_on(&r, lane_of(&r, SF_LANE_PROCESS, 200), SF_MARK_EXIT));
	sf_report_free(&r);
}

static void test_fork_childs_events_land_on_the_parents_connection_lane(void **state)
{
	(void)state;
	static const char *const lines[] = {
		HEADER(100, 1, 0),
		"{\"time\":0.1,\"pid\":100,\"tid\":100,\"ev\":\"socket\",\"fd\":3,\"sock\":\"100.1\",\"type\":\"stream\"}",
		"{\"time\":0.2,\"pid\":100,\"tid\":100,\"ev\":\"connect\",\"fd\":3,\"sock\":\"100.1\",\"to\":\"10.0.0.1:80\"}",
		HEADER(200, 100, 300000000),
		/* The child inherited fd 3: its socket keeps the parent's origin. */
		"{\"time\":0.1,\"pid\":200,\"tid\":200,\"ev\":\"send\",\"fd\":3,\"sock\":\"100.1\",\"call\":\"send\",\"bytes\":9}",
		"{\"time\":0.5,\"pid\":100,\"tid\":100,\"ev\":\"send\",\"fd\":3,\"sock\":\"100.1\",\"call\":\"send\",\"bytes\":1}",
		NULL,
	};
	struct sf_report r;
	build(&r, lines);
	assert_int_equal(lanes_of_kind(&r, SF_LANE_CONN), 1);
	int conn = lane_of(&r, SF_LANE_CONN, 100);
	int parent = lane_of(&r, SF_LANE_PROCESS, 100), child = lane_of(&r, SF_LANE_PROCESS, 200);
	assert_int_equal(r.lanes[conn].parent, parent);
	assert_int_equal(r.lanes[child].parent, parent); /* ppid */
	uint64_t out = 0;
	bool child_send = false;
	for (size_t i = 0; i < r.ndata; i++)
		if (r.data[i].lane == conn) {
			out += r.data[i].out;
			/* 0.1 s into the child, which started 0.3 s after the parent. */
			child_send |= r.data[i].out == 9 && r.data[i].t > 0.39 && r.data[i].t < 0.41;
		}
	assert_int_equal(out, 10);
	assert_true(child_send);
	sf_report_free(&r);
}

static void test_more_fault_lines_than_the_limit_aggregate_to_counts_that_sum_to_the_lines(void **state)
{
	(void)state;
	enum { N = SF_REPORT_MAX_FAULTS * 2 + 123 };
	struct sf_report r;
	sf_report_init(&r);
	static const char *const head[] = {HEADER(100, 1, 0), NULL};
	feed(&r, head);
	char line[200];
	for (unsigned i = 0; i < N; i++) {
		/* Two rules, spread over 10 s, some on a socket's lane. */
		int n = snprintf(line, sizeof(line),
				 "{\"time\":%.6f,\"pid\":100,\"tid\":100,\"ev\":\"fault\",%s\"rule\":%u,\"call\":\"recv\"}",
				 10.0 * i / N, i % 3 ? "" : "\"sock\":\"100.1\",", 1 + i % 2);
		sf_report_add_line(&r, line, (size_t)n);
	}
	sf_report_finish(&r, NULL);
	const char *why = NULL;
	if (sf_report_validate(&r, &why) != 0)
		fail_msg("invariant failed: %s", why);
	assert_int_equal(r.nfault_events, N);
	assert_true(r.nfaults <= SF_REPORT_MAX_FAULTS);
	uint64_t sum = 0;
	bool aggregated = false;
	for (size_t i = 0; i < r.nfaults; i++) {
		sum += r.faults[i].count;
		aggregated |= r.faults[i].count > 1;
	}
	assert_int_equal(sum, N);
	assert_true(aggregated);
	assert_int_equal(r.nrules, 2);
	assert_int_equal(r.rules[0].fired + r.rules[1].fired, N);
	assert_int_equal(r.rules[0].fired, (N + 1) / 2);
	sf_report_free(&r);
}

static void test_processes_with_different_starts_share_one_time_axis(void **state)
{
	(void)state;
	static const char *const lines[] = {
		/* B's header first: the axis starts at the earliest start, A's. */
		HEADER(200, 100, 3000000000),
		HEADER(100, 1, 1000000000),
		"{\"time\":0.5,\"pid\":100,\"tid\":100,\"ev\":\"lookup\",\"call\":\"getaddrinfo\",\"name\":\"a\",\"result\":0}",
		"{\"time\":0.5,\"pid\":200,\"tid\":200,\"ev\":\"lookup\",\"call\":\"getaddrinfo\",\"name\":\"b\",\"result\":-2}",
		NULL,
	};
	struct sf_report r;
	build(&r, lines);
	const struct sf_report_point *a = mark_on(&r, lane_of(&r, SF_LANE_RESOLVER, 100), SF_MARK_LOOKUP);
	const struct sf_report_point *b = mark_on(&r, lane_of(&r, SF_LANE_RESOLVER, 200), SF_MARK_LOOKUP_FAILED);
	assert_non_null(a);
	assert_non_null(b);
	assert_float_equal(a->t, 0.5, 1e-9);
	assert_float_equal(b->t, 2.5, 1e-9);
	assert_float_equal(r.duration, 2.5, 1e-9);
	sf_report_free(&r);
}

static void test_ppid_cycle_puts_every_lane_after_its_parent(void **state)
{
	(void)state;
	/* Reused pids can make two processes each other's parent. */
	static const char *const lines[] = {
		HEADER(100, 200, 0),
		HEADER(200, 100, 0),
		"{\"time\":0.1,\"pid\":100,\"ev\":\"lookup\",\"result\":0}",
		"{\"time\":0.1,\"pid\":200,\"ev\":\"lookup\",\"result\":0}",
		NULL,
	};
	struct sf_report r;
	build(&r, lines); /* validate: a lane's parent precedes it */
	int a = lane_of(&r, SF_LANE_PROCESS, 100), b = lane_of(&r, SF_LANE_PROCESS, 200);
	assert_true(r.lanes[a].parent == -1 || r.lanes[b].parent == -1);
	sf_report_free(&r);
}

static void test_numbers_out_of_range_are_clamped_not_converted(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"{\"sockfault\":\"x\",\"pid\":5e9,\"ppid\":-5e9,\"seed\":-3,\"start_mono\":1e300}",
		"{\"time\":1e300,\"pid\":5e9,\"tid\":1e300,\"fd\":-1e20,\"ev\":\"fault\",\"rule\":4e9}",
		"{\"pid\":1,\"ev\":\"exit\",\"rules\":[{\"rule\":3e9,\"matched\":1},{\"rule\":1,\"matched\":-5}]}",
		NULL,
	};
	struct sf_report r;
	build(&r, lines);
	assert_int_equal(r.seed, 0);
	assert_int_equal(r.nfaults, 1);
	assert_int_equal(r.faults[0].what, 0); /* no rule: 4e9 is no rule id */
	assert_int_equal(r.nrules, 1);         /* 3e9 did not size the table */
	assert_int_equal(r.rules[0].matched, 0);
	sf_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_send_recv_close_make_one_connection_lane_with_the_bytes_summed),
		cmocka_unit_test(test_fault_with_a_sock_lands_on_that_sockets_lane),
		cmocka_unit_test(test_exit_lines_matched_counts_sum_across_processes),
		cmocka_unit_test(test_fork_childs_events_land_on_the_parents_connection_lane),
		cmocka_unit_test(test_more_fault_lines_than_the_limit_aggregate_to_counts_that_sum_to_the_lines),
		cmocka_unit_test(test_processes_with_different_starts_share_one_time_axis),
		cmocka_unit_test(test_ppid_cycle_puts_every_lane_after_its_parent),
		cmocka_unit_test(test_numbers_out_of_range_are_clamped_not_converted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
