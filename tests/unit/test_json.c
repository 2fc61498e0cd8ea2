/* The event log's JSON reader (harness/json.c): escapes and \u sequences,
 * what RFC 8259 rejects (bad surrogates, raw control characters, leading
 * zeros, trailing text), the nesting limit, the offset of an error, and
 * the member accessors' defaults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "json.h"

static struct sf_json_arena *arena;

static int setup(void **state)
{
	(void)state;
	arena = sf_json_arena_new();
	return arena ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	sf_json_arena_free(arena);
	return 0;
}

/* Parses text; err_at is SIZE_MAX unless the parse failed. */
static const struct sf_json *parse(const char *text, size_t *err_at)
{
	size_t at = SIZE_MAX;
	sf_json_arena_reset(arena);
	const struct sf_json *v = sf_json_parse(arena, text, strlen(text), &at);
	if (err_at)
		*err_at = at;
	return v;
}

/* The string a JSON string literal stands for. */
static const char *string_of(const char *text)
{
	const struct sf_json *v = parse(text, NULL);
	assert_non_null(v);
	assert_int_equal(v->type, SF_JSON_STRING);
	return v->string;
}

static void rejected_at(const char *text, size_t offset)
{
	size_t at;
	assert_null(parse(text, &at));
	assert_int_equal(at, offset);
}

static void test_simple_escapes_unescape(void **state)
{
	(void)state;
	assert_string_equal(string_of("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\""), "a\"b\\c/d\b\f\n\r\t");
}

static void test_u_escapes_become_utf8(void **state)
{
	(void)state;
	assert_string_equal(string_of("\"\\u0041\""), "A");
	assert_string_equal(string_of("\"\\u00e9\""), "\xc3\xa9");
	assert_string_equal(string_of("\"\\u20AC\""), "\xe2\x82\xac");
}

static void test_surrogate_pair_is_one_code_point(void **state)
{
	(void)state;
	/* U+1F600: D83D DE00 (RFC 8259 section 7, UTF-16 pairs). */
	assert_string_equal(string_of("\"\\ud83d\\ude00\""), "\xf0\x9f\x98\x80");
	assert_string_equal(string_of("\"x\\uDBFF\\uDFFFy\""), "x\xf4\x8f\xbf\xbfy");
}

static void test_u0000_is_kept_as_replacement_character(void **state)
{
	(void)state;
	assert_string_equal(string_of("\"a\\u0000b\""), "a\xef\xbf\xbd" "b");
}

static void test_lone_or_reversed_surrogates_are_rejected(void **state)
{
	(void)state;
	rejected_at("\"\\ud83d\"", 1);          /* high, then the end */
	rejected_at("\"\\ud83dx\"", 1);         /* high, then not an escape */
	rejected_at("\"\\ud83d\\u0041\"", 1);   /* high, then not a low one */
	rejected_at("\"ab\\ude00\"", 3);        /* a low one alone */
	rejected_at("\"\\ude00\\ud83d\"", 1);   /* reversed */
}

static void test_bad_escapes_are_rejected_at_their_backslash(void **state)
{
	(void)state;
	rejected_at("\"ab\\x\"", 3);
	rejected_at("\"\\u12g4\"", 1);
	rejected_at("\"\\u12\"", 1);
}

static void test_raw_control_characters_in_strings_are_rejected(void **state)
{
	(void)state;
	rejected_at("\"ab\tc\"", 3);
	rejected_at("{\"k\":\"a\nb\"}", 7);
	rejected_at("\"\x01\"", 1);
	assert_string_equal(string_of("\"\x7f\""), "\x7f"); /* DEL is not a control character in JSON */
}

static void test_unterminated_string_is_rejected_at_the_end(void **state)
{
	(void)state;
	rejected_at("\"abc", 4);
	rejected_at("\"abc\\", 5);
	rejected_at("\"abc\\\"", 6);
}

static void test_nesting_up_to_32_levels_parses(void **state)
{
	(void)state;
	char text[80] = "";
	for (int i = 0; i < 32; i++)
		strcat(text, "[");
	for (int i = 0; i < 32; i++)
		strcat(text, "]");
	const struct sf_json *v = parse(text, NULL);
	assert_non_null(v);
	int depth = 0;
	for (; v; v = v->child)
		depth++;
	assert_int_equal(depth, 32);
}

static void test_nesting_beyond_32_levels_is_rejected_at_the_33rd(void **state)
{
	(void)state;
	/* Objects and arrays count alike. */
	rejected_at("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", 32);
	rejected_at("[{\"a\":[{\"a\":[{\"a\":[{\"a\":[{\"a\":[{\"a\":[{\"a\":[{\"a\":[{\"a\":[{\"a\":[{\"a\":"
		    "[{\"a\":[{\"a\":[{\"a\":[{\"a\":[{\"a\":[{\"a\":0}]}]}]}]}]}]}]}]}]}]}]}]}]}]}]}]}]",
		    1 + 6 * 15 + 5); /* the [ of the 16th {"a":[, level 33 */
}

static void test_trailing_text_is_rejected_where_it_starts(void **state)
{
	(void)state;
	rejected_at("{\"a\":1} x", 8);
	rejected_at("[1]]", 3);
	rejected_at("1 2", 2);
	rejected_at("truex", 4);
	/* Whitespace after the value is not trailing text. */
	size_t at;
	assert_non_null(parse(" {\"a\":1} \r\n\t", &at));
}

static void test_negative_fraction_and_exponent_numbers(void **state)
{
	(void)state;
	const struct sf_json *v = parse("[-12, 0.5, -0.25e1, 1E3, 2e+2, 5e-1, -0]", NULL);
	assert_non_null(v);
	const double want[] = {-12, 0.5, -2.5, 1000, 200, 0.5, 0};
	size_t i = 0;
	for (const struct sf_json *e = v->child; e; e = e->next, i++) {
		assert_int_equal(e->type, SF_JSON_NUMBER);
		assert_true(i < 7);
		assert_true(e->number == want[i]);
	}
	assert_int_equal(i, 7);
}

static void test_leading_zero_is_rejected_after_the_zero(void **state)
{
	(void)state;
	rejected_at("01", 1);
	rejected_at("-012", 2);
	assert_non_null(parse("0", NULL));
}

static void test_malformed_numbers_are_rejected(void **state)
{
	(void)state;
	size_t at;
	const char *bad[] = {"-", "1.", ".5", "1e", "1e+", "+1", "0x10", "--1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_null(parse(bad[i], &at));
}

static void test_number_beyond_double_range_is_rejected(void **state)
{
	(void)state;
	rejected_at("[1, 1e999]", 4);
	rejected_at("-1e400", 0);
	const struct sf_json *v = parse("1e-400", NULL); /* underflow: 0 */
	assert_non_null(v);
	assert_true(v->number == 0);
}

static void test_empty_object_and_array(void **state)
{
	(void)state;
	const struct sf_json *v = parse("{ }", NULL);
	assert_non_null(v);
	assert_int_equal(v->type, SF_JSON_OBJECT);
	assert_null(v->child);
	v = parse("[\n]", NULL);
	assert_non_null(v);
	assert_int_equal(v->type, SF_JSON_ARRAY);
	assert_null(v->child);
	rejected_at("[1,]", 3);
	rejected_at("{\"a\":1,}", 7);
	rejected_at("{,}", 1);
}

static void test_literals(void **state)
{
	(void)state;
	const struct sf_json *v = parse("[true,false,null]", NULL);
	assert_non_null(v);
	assert_int_equal(v->child->type, SF_JSON_BOOL);
	assert_true(v->child->number == 1);
	assert_int_equal(v->child->next->type, SF_JSON_BOOL);
	assert_true(v->child->next->number == 0);
	assert_int_equal(v->child->next->next->type, SF_JSON_NULL);
	rejected_at("nul", 0);
	rejected_at("[tru]", 1);
}

static void test_get_finds_members_by_key(void **state)
{
	(void)state;
	const struct sf_json *o = parse("{\"a\":1,\"b\":\"x\",\"c\":{\"d\":2}}", NULL);
	assert_non_null(o);
	assert_non_null(sf_json_get(o, "b"));
	assert_string_equal(sf_json_get(o, "b")->key, "b");
	assert_null(sf_json_get(o, "d")); /* not a member of the outer object */
	assert_true(sf_json_num(sf_json_get(o, "c"), "d", 0) == 2);
	assert_null(sf_json_get(NULL, "a"));
	assert_null(sf_json_get(parse("[1]", NULL), "a")); /* an array has no members */
}

static void test_num_and_str_give_the_default_when_absent_or_of_another_type(void **state)
{
	(void)state;
	const struct sf_json *o = parse("{\"n\":7,\"s\":\"x\",\"z\":null}", NULL);
	assert_non_null(o);
	assert_true(sf_json_num(o, "n", -1) == 7);
	assert_true(sf_json_num(o, "s", -1) == -1);
	assert_true(sf_json_num(o, "z", -1) == -1);
	assert_true(sf_json_num(o, "missing", 42) == 42);
	assert_string_equal(sf_json_str(o, "s", "d"), "x");
	assert_string_equal(sf_json_str(o, "n", "d"), "d");
	assert_null(sf_json_str(o, "missing", NULL));
}

static void test_arena_outlives_many_lines(void **state)
{
	(void)state;
	/* More nodes than one block holds, then a reset and reuse. */
	char text[20000];
	size_t n = 0;
	text[n++] = '[';
	for (int i = 0; i < 4000; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%d", i ? "," : "", i % 10);
	text[n++] = ']';
	text[n] = 0;
	for (int round = 0; round < 3; round++) {
		const struct sf_json *v = parse(text, NULL);
		assert_non_null(v);
		size_t count = 0;
		double sum = 0;
		for (const struct sf_json *e = v->child; e; e = e->next, count++)
			sum += e->number;
		assert_int_equal(count, 4000);
		assert_true(sum == 4000 / 10 * 45);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_escapes_unescape),
		cmocka_unit_test(test_u_escapes_become_utf8),
		cmocka_unit_test(test_surrogate_pair_is_one_code_point),
		cmocka_unit_test(test_u0000_is_kept_as_replacement_character),
		cmocka_unit_test(test_lone_or_reversed_surrogates_are_rejected),
		cmocka_unit_test(test_bad_escapes_are_rejected_at_their_backslash),
		cmocka_unit_test(test_raw_control_characters_in_strings_are_rejected),
		cmocka_unit_test(test_unterminated_string_is_rejected_at_the_end),
		cmocka_unit_test(test_nesting_up_to_32_levels_parses),
		cmocka_unit_test(test_nesting_beyond_32_levels_is_rejected_at_the_33rd),
		cmocka_unit_test(test_trailing_text_is_rejected_where_it_starts),
		cmocka_unit_test(test_negative_fraction_and_exponent_numbers),
		cmocka_unit_test(test_leading_zero_is_rejected_after_the_zero),
		cmocka_unit_test(test_malformed_numbers_are_rejected),
		cmocka_unit_test(test_number_beyond_double_range_is_rejected),
		cmocka_unit_test(test_empty_object_and_array),
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_get_finds_members_by_key),
		cmocka_unit_test(test_num_and_str_give_the_default_when_absent_or_of_another_type),
		cmocka_unit_test(test_arena_outlives_many_lines),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
