/* The fuzz input format (shim/fuzz/fuzz_input.c): raw and structured mode, each
 * record, the fault tapes, and the scenario text an input renders into. */
#include <errno.h>
#include <netdb.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "fuzz/fuzz_input.h"

static struct sf_fuzz_input in;

static int free_input(void **state)
{
	(void)state;
	sf_fuzz_input_free(&in);
	return 0;
}

static void parse(const void *data, size_t len)
{
	const char *why = NULL;
	assert_int_equal(sf_fuzz_input_parse(data, len, &in), 0);
	if (sf_fuzz_input_validate(&in, &why) != 0)
		fail_msg("invalid: %s", why);
}

#define PARSE(lit) parse(lit, sizeof(lit) - 1)

static void test_raw_input_is_one_any_connection_then_fin(void **state)
{
	(void)state;
	PARSE("E\x05hello");
	assert_true(in.raw);
	assert_int_equal(in.nconns, 1);
	assert_int_equal(in.nevents, 3);
	assert_int_equal(in.events[0].op, SF_PEER_OPEN);
	assert_int_equal(in.events[0].dir, SF_PEER_ANY);
	assert_int_equal(in.events[0].listen, 1);
	assert_int_equal(in.events[1].op, SF_PEER_SEND);
	assert_int_equal(in.events[1].len, 7);
	assert_memory_equal(in.events[1].data, "E\x05hello", 7);
	assert_int_equal(in.events[2].op, SF_PEER_FIN);
}

static void test_empty_input_is_a_connection_with_only_a_fin(void **state)
{
	(void)state;
	parse("", 0);
	assert_true(in.raw);
	assert_int_equal(in.nevents, 2);
	assert_int_equal(in.events[1].op, SF_PEER_FIN);
}

static void test_open_flags_give_direction_and_listen_index(void **state)
{
	(void)state;
	PARSE("SFZ1\x00\x00\x00\x01\x00\x02\x00\x03\x00\x0c");
	assert_false(in.raw);
	assert_int_equal(in.nconns, 5);
	assert_int_equal(in.events[0].dir, SF_PEER_IN);
	assert_int_equal(in.events[1].dir, SF_PEER_OUT);
	assert_int_equal(in.events[1].listen, 0);
	assert_int_equal(in.events[2].dir, SF_PEER_ANY);
	assert_int_equal(in.events[3].dir, SF_PEER_IN);
	assert_int_equal(in.events[4].listen, 4);
}

static void test_data_selects_connection_modulo_the_count(void **state)
{
	(void)state;
	PARSE("SFZ1\x00\x00\x00\x00\x01\x03\x02\x00hi");
	assert_int_equal(in.nevents, 3);
	assert_int_equal(in.events[2].op, SF_PEER_SEND);
	assert_int_equal(in.events[2].conn, 2); /* 3 % 2 + 1 */
	assert_int_equal(in.events[2].len, 2);
}

static void test_data_without_a_connection_opens_one_as_any(void **state)
{
	(void)state;
	PARSE("SFZ1\x01\x07\x01\x00x");
	assert_int_equal(in.nconns, 1);
	assert_int_equal(in.events[0].dir, SF_PEER_ANY);
	assert_int_equal(in.events[1].conn, 1);
}

static void test_data_length_is_clipped_to_the_rest(void **state)
{
	(void)state;
	PARSE("SFZ1\x00\x00\x01\x00\xff\xff" "abc");
	assert_int_equal(in.events[1].len, 3);
}

static void test_data_after_fin_and_anything_after_reset_are_dropped(void **state)
{
	(void)state;
	PARSE("SFZ1\x00\x00\x02\x00\x01\x00\x01\x00x\x02\x00\x03\x00\x03\x00\x02\x00");
	assert_int_equal(in.nevents, 3); /* open, fin, reset */
	assert_int_equal(in.events[1].op, SF_PEER_FIN);
	assert_int_equal(in.events[2].op, SF_PEER_RESET);
}

static void test_tape_records_append_to_their_class(void **state)
{
	(void)state;
	/* recv gets 80 10; class 5 is recv again (5 % 5): 90; send gets a3. */
	PARSE("SFZ1\x04\x00\x02\x80\x10\x04\x05\x01\x90\x04\x01\x01\xa3");
	assert_int_equal(in.tape_len[SF_TAPE_RECV], 3);
	assert_memory_equal(in.tape[SF_TAPE_RECV], "\x80\x10\x90", 3);
	assert_int_equal(in.tape_len[SF_TAPE_SEND], 1);
	assert_int_equal(in.tape[SF_TAPE_SEND][0], 0xa3);
	assert_int_equal(in.tape_len[SF_TAPE_ACCEPT], 0);
}

static void test_answers_are_ipv4_or_ipv6(void **state)
{
	(void)state;
	PARSE("SFZ1\x05\x00\x0a\x00\x00\x01\x05\x01\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01");
	assert_int_equal(in.nanswers, 2);
	assert_int_equal(in.answers[0].family, AF_INET);
	assert_memory_equal(in.answers[0].addr, "\x0a\x00\x00\x01", 4);
	assert_int_equal(in.answers[1].family, AF_INET6);
	assert_int_equal(in.answers[1].addr[15], 1);
}

static void test_tape_bytes_below_0x80_are_no_fault(void **state)
{
	(void)state;
	for (int c = 0; c < SF_TAPE_COUNT; c++)
		for (int b = 0; b < 0x80; b++)
			assert_int_equal(sf_fuzz_tape_fault((enum sf_fuzz_class)c, (uint8_t)b).action, SF_ACT_COUNT);
}

static void test_tape_bytes_decode_per_class(void **state)
{
	(void)state;
	assert_int_equal(sf_fuzz_tape_fault(SF_TAPE_RECV, 0x80).action, SF_ACT_EINTR);
	assert_int_equal(sf_fuzz_tape_fault(SF_TAPE_RECV, 0x9f).action, SF_ACT_EAGAIN);
	struct sf_fuzz_fault f = sf_fuzz_tape_fault(SF_TAPE_SEND, 0xa4);
	assert_int_equal(f.action, SF_ACT_SHORT);
	assert_int_equal(f.amount, 5);
	assert_int_equal(sf_fuzz_tape_fault(SF_TAPE_RECV, 0xc0).action, SF_ACT_RESET);
	assert_int_equal(sf_fuzz_tape_fault(SF_TAPE_RECV, 0xd0).action, SF_ACT_CLOSE);
	assert_int_equal(sf_fuzz_tape_fault(SF_TAPE_SEND, 0xd0).action, SF_ACT_COUNT);
	f = sf_fuzz_tape_fault(SF_TAPE_ACCEPT, 0xa0);
	assert_int_equal(f.action, SF_ACT_ERROR);
	assert_int_equal(f.err, ECONNABORTED);
	assert_int_equal(sf_fuzz_tape_fault(SF_TAPE_CONNECT, 0x90).action, SF_ACT_REFUSE);
	f = sf_fuzz_tape_fault(SF_TAPE_RESOLVE, 0x80);
	assert_int_equal(f.action, SF_ACT_EAI);
	assert_int_equal(f.err, EAI_AGAIN);
}

static void test_render_writes_net_hosts_peer_and_rules(void **state)
{
	(void)state;
	PARSE("SFZ1\x05\x00\x0a\x00\x00\x01\x00\x01\x01\x00\x02\x00hi\x03\x00\x04\x00\x03\x00\x80\xa3");
	size_t len;
	char *text = sf_fuzz_input_render(&in, &len);
	assert_non_null(text);
	assert_non_null(strstr(text, "\nnet virtual\nhost * 10.0.0.1\npeer 1 out\npeer 1 send 6869\npeer 1 reset\n"
				     "recv nth=2 -> eintr\nrecv nth=3 -> short 4\n"));
	free(text);
}

static void test_long_chunks_render_as_send_then_more_lines(void **state)
{
	(void)state;
	unsigned char big[3000];
	memset(big, 'z', sizeof(big));
	parse(big, sizeof(big));
	size_t len;
	char *text = sf_fuzz_input_render(&in, &len);
	struct sf_scenario sc;
	char err[256];
	assert_non_null(strstr(text, "\npeer 1 more "));
	assert_int_equal(sf_scenario_parse("r.sf", text, len, &sc, err, sizeof(err)), 0);
	assert_int_equal(sc.peer[1].len, sizeof(big));
	sf_scenario_free(&sc);
	free(text);
}

#define T(f) cmocka_unit_test_teardown(f, free_input)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_raw_input_is_one_any_connection_then_fin),
		T(test_empty_input_is_a_connection_with_only_a_fin),
		T(test_open_flags_give_direction_and_listen_index),
		T(test_data_selects_connection_modulo_the_count),
		T(test_data_without_a_connection_opens_one_as_any),
		T(test_data_length_is_clipped_to_the_rest),
		T(test_data_after_fin_and_anything_after_reset_are_dropped),
		T(test_tape_records_append_to_their_class),
		T(test_answers_are_ipv4_or_ipv6),
		T(test_tape_bytes_below_0x80_are_no_fault),
		T(test_tape_bytes_decode_per_class),
		T(test_render_writes_net_hosts_peer_and_rules),
		T(test_long_chunks_render_as_send_then_more_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
