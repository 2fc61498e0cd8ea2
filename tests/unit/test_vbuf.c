/* The byte ring of a virtual stream (shim/vnet/vbuf.c): bytes come out in the
 * order they went in across the wrap, the ring grows by doubling up to the
 * capacity flow control allows and never beyond, and the rules that let one
 * writer and one reader copy at the same time hold -- the tail stays put
 * while bytes are consumed under a writer, and a reader's bytes are never
 * moved by growth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vnet/vbuf.h"

static size_t put(struct vbuf *b, size_t cap, const void *p, size_t n)
{
	struct iovec iov = {(void *)p, n};
	return vbuf_put_iov(b, cap, &iov, 1, 0, n);
}

static size_t get(struct vbuf *b, void *p, size_t n)
{
	struct iovec iov = {p, n};
	return vbuf_get_iov(b, &iov, 1, n, false, false);
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 31 + seed);
}

static void bytes_come_out_in_order_across_the_wrap(void **state)
{
	(void)state;
	struct vbuf b = {0};
	unsigned char in[3000], out[3000];
	fill(in, sizeof(in), 7);
	assert_int_equal(put(&b, 4096, in, 3000), 3000);
	assert_int_equal(get(&b, out, 2000), 2000);
	assert_memory_equal(out, in, 2000);
	/* 1000 left at 2000..3000; the next 3000 wrap past the end */
	unsigned char in2[3000];
	fill(in2, sizeof(in2), 99);
	assert_int_equal(put(&b, 4096, in2, 3000), 3000);
	assert_int_equal(b.cap, 4096);
	assert_int_equal(get(&b, out, 3000), 3000);
	assert_memory_equal(out, in + 2000, 1000);
	assert_memory_equal(out + 1000, in2, 2000);
	assert_int_equal(get(&b, out, 3000), 1000);
	assert_memory_equal(out, in2 + 2000, 1000);
	vbuf_free(&b);
}

static void grows_by_doubling_up_to_the_capacity(void **state)
{
	(void)state;
	struct vbuf b = {0};
	static unsigned char in[40000];
	assert_int_equal(put(&b, 147456, in, 10), 10);
	assert_int_equal(b.cap, 4096); /* a few bytes: the smallest ring */
	assert_int_equal(put(&b, 147456, in, 20000), 20000);
	assert_int_equal(b.cap, 32768);
	assert_int_equal(vbuf_room(&b, 30000, 40000), 30000 - 20010);
	assert_int_equal(put(&b, 30000, in, 40000), 30000 - 20010); /* full at the capacity */
	assert_int_equal(vbuf_room(&b, 30000, 1), 0);
	vbuf_free(&b);
}

static void peek_and_discard(void **state)
{
	(void)state;
	struct vbuf b = {0};
	unsigned char out[8];
	assert_int_equal(put(&b, 4096, "abcdefgh", 8), 8);
	struct iovec iov = {out, 4};
	assert_int_equal(vbuf_get_iov(&b, &iov, 1, 4, true, false), 4); /* MSG_PEEK */
	assert_memory_equal(out, "abcd", 4);
	assert_int_equal(b.len, 8);
	assert_int_equal(vbuf_get_iov(&b, &iov, 1, 4, false, true), 4); /* MSG_TRUNC: dropped */
	assert_int_equal(get(&b, out, 8), 4);
	assert_memory_equal(out, "efgh", 4);
	vbuf_free(&b);
}

static void tail_stays_put_while_a_writer_copies(void **state)
{
	(void)state;
	struct vbuf b = {0};
	unsigned char in[1000], out[1000];
	fill(in, sizeof(in), 3);
	assert_int_equal(put(&b, 4096, in, 500), 500);
	/* a writer reserves the room after the tail and copies... */
	size_t n = vbuf_room(&b, 4096, 500), tail = vbuf_tail(&b);
	assert_int_equal(n, 500);
	b.wbusy = true;
	/* ...while the reader empties the ring: head must not go back to 0 */
	assert_int_equal(get(&b, out, 500), 500);
	assert_int_equal(b.len, 0);
	assert_int_equal(vbuf_tail(&b), tail);
	struct iovec iov = {in + 500, 500};
	vbuf_write(&b, tail, &iov, 1, 0, n);
	b.wbusy = false;
	b.len += n;
	assert_int_equal(get(&b, out, 1000), 500);
	assert_memory_equal(out, in + 500, 500);
	/* with no writer an empty ring starts over at 0 */
	assert_int_equal(b.head, 0);
	vbuf_free(&b);
}

static void no_growth_under_a_reader(void **state)
{
	(void)state;
	struct vbuf b = {0};
	static unsigned char in[8192], out[4096];
	fill(in, sizeof(in), 5);
	assert_int_equal(put(&b, 65536, in, 4096), 4096);
	assert_int_equal(b.cap, 4096);
	unsigned char *data = b.data;
	size_t head = b.head;
	b.rbusy = true; /* a reader copies out of data[head..] */
	assert_int_equal(vbuf_room(&b, 65536, 4096), 0); /* full, and may not grow */
	assert_ptr_equal(b.data, data);
	struct iovec iov = {out, sizeof(out)};
	vbuf_read(&b, head, &iov, 1, 4096);
	vbuf_consume(&b, 4096);
	b.rbusy = false;
	assert_memory_equal(out, in, 4096);
	assert_int_equal(vbuf_room(&b, 65536, 8192), 8192); /* grows now */
	assert_true(b.cap >= 8192);
	vbuf_free(&b);
}

static void scatter_and_gather(void **state)
{
	(void)state;
	struct vbuf b = {0};
	struct iovec in[3] = {{"ab", 2}, {"", 0}, {"cdef", 4}};
	assert_int_equal(vbuf_put_iov(&b, 4096, in, 3, 1, 100), 5); /* skip "a" */
	char x[2], y[8];
	struct iovec out[2] = {{x, 2}, {y, 8}};
	assert_int_equal(vbuf_get_iov(&b, out, 2, 100, false, false), 5);
	assert_memory_equal(x, "bc", 2);
	assert_memory_equal(y, "def", 3);
	vbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bytes_come_out_in_order_across_the_wrap),
		cmocka_unit_test(grows_by_doubling_up_to_the_capacity),
		cmocka_unit_test(peek_and_discard),
		cmocka_unit_test(tail_stays_put_while_a_writer_copies),
		cmocka_unit_test(no_growth_under_a_reader),
		cmocka_unit_test(scatter_and_gather),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
