/* The fd table: lookups, install/replace, removal, ranges and reference
 * counting of the sockets it holds. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sys/socket.h>

#include "core/fdtable.h"
#include "core/socket.h"

static int teardown(void **state)
{
	(void)state;
	sf_fd_remove_range(0, SF_FD_MAX - 1);
	assert_int_equal(sf_fd_count(), 0);
	return 0;
}

static void unknown_fd_is_not_managed(void **state)
{
	(void)state;
	assert_null(sf_fd_peek(3));
	assert_null(sf_fd_peek(-1));
	assert_null(sf_fd_peek((int)SF_FD_MAX));
	assert_null(sf_socket_get(77));
}

static void installed_socket_is_found_with_its_identity(void **state)
{
	(void)state;
	struct sf_socket *s = sf_socket_new(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 6), *old;
	assert_int_equal(sf_fd_install(5, s, &old), 0);
	assert_null(old);
	struct sf_socket *got = sf_socket_get(5);
	assert_ptr_equal(got, s);
	assert_int_equal(got->domain, AF_INET);
	assert_int_equal(got->type, SOCK_STREAM); /* creation flags are not the type */
	assert_int_equal(got->protocol, 6);
	const char *why = "";
	assert_int_equal(sf_socket_validate(got, &why), 0);
	sf_socket_put(got);
}

static void install_over_an_entry_hands_back_the_old_one(void **state)
{
	(void)state;
	struct sf_socket *a = sf_socket_new(AF_INET, SOCK_DGRAM, 0);
	struct sf_socket *b = sf_socket_new(AF_INET6, SOCK_DGRAM, 0), *old;
	assert_int_equal(sf_fd_install(9, a, &old), 0);
	assert_int_equal(sf_fd_install(9, b, &old), 0);
	assert_ptr_equal(old, a);
	sf_socket_put(old);
	assert_ptr_equal(sf_fd_peek(9), b);
}

static void remove_forgets_and_returns_the_reference(void **state)
{
	(void)state;
	struct sf_socket *s = sf_socket_new(AF_UNIX, SOCK_STREAM, 0), *old;
	assert_int_equal(sf_fd_install(1000, s, &old), 0);
	assert_ptr_equal(sf_fd_remove(1000), s);
	assert_null(sf_fd_peek(1000));
	assert_null(sf_fd_remove(1000));
	sf_socket_put(s);
}

static void range_removal_spans_chunks_and_stops_at_its_bounds(void **state)
{
	(void)state;
	const int fds[] = {1020, 1023, 1024, 2050, 3000};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		struct sf_socket *s = sf_socket_new(AF_INET, SOCK_STREAM, 0), *old;
		assert_int_equal(sf_fd_install(fds[i], s, &old), 0);
	}
	sf_fd_remove_range(1021, 2050);
	assert_non_null(sf_fd_peek(1020));
	assert_null(sf_fd_peek(1023));
	assert_null(sf_fd_peek(1024));
	assert_null(sf_fd_peek(2050));
	assert_non_null(sf_fd_peek(3000));
	assert_int_equal(sf_fd_count(), 2);
}

static void out_of_range_install_is_refused(void **state)
{
	(void)state;
	struct sf_socket *s = sf_socket_new(AF_INET, SOCK_STREAM, 0), *old;
	assert_int_equal(sf_fd_install(-1, s, &old), -EBADF);
	assert_int_equal(sf_fd_install((int)SF_FD_MAX, s, &old), -EBADF);
	sf_socket_put(s);
}

static void shared_socket_lives_until_its_last_fd_goes(void **state)
{
	(void)state;
	struct sf_socket *s = sf_socket_new(AF_INET, SOCK_STREAM, 0), *old;
	assert_int_equal(sf_fd_install(20, s, &old), 0);
	sf_socket_ref(s); /* as dup() does */
	assert_int_equal(sf_fd_install(21, s, &old), 0);
	assert_int_equal(atomic_load(&s->refs), 2);
	sf_socket_put(sf_fd_remove(20));
	assert_int_equal(atomic_load(&s->refs), 1);
	assert_ptr_equal(sf_socket_get(21), s);
	sf_socket_put(s);
}

static void released_sockets_are_recycled_not_freed(void **state)
{
	(void)state;
	/* Type-stable memory: the object a racing reader may still hold is
	 * reused for the next socket, never handed back to malloc. */
	struct sf_socket *s = sf_socket_new(AF_INET, SOCK_STREAM, 0);
	sf_socket_put(s);
	struct sf_socket *t = sf_socket_new(AF_INET6, SOCK_DGRAM, 17);
	assert_ptr_equal(s, t);
	assert_int_equal(t->domain, AF_INET6);
	assert_int_equal(atomic_load(&t->refs), 1);
	sf_socket_put(t);
}

static void validate_reports_a_broken_invariant(void **state)
{
	(void)state;
	struct sf_socket *s = sf_socket_new(AF_INET, SOCK_STREAM, 0);
	const char *why = NULL;
	s->peer_len = sizeof(s->peer) + 1;
	assert_int_equal(sf_socket_validate(s, &why), -EINVAL);
	assert_non_null(why);
	s->peer_len = 0;
	sf_socket_put(s);
}

/* Readers race with writers replacing the same slots; every socket a reader
 * gets must be live (refs > 0) and still the one at that fd when taken. */
#define RACE_FDS 64
#define RACE_ROUNDS 20000
static void *race_writer(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	for (int i = 0; i < RACE_ROUNDS; i++) {
		seed = seed * 1103515245u + 12345u;
		int fd = 100 + (int)(seed >> 16) % RACE_FDS;
		if (seed & 1) {
			struct sf_socket *s = sf_socket_new(AF_INET, SOCK_STREAM, 0), *old;
			if (sf_fd_install(fd, s, &old) != 0)
				sf_socket_put(s);
			if (old)
				sf_socket_put(old);
		} else {
			struct sf_socket *s = sf_fd_remove(fd);
			if (s)
				sf_socket_put(s);
		}
	}
	return NULL;
}

static void *race_reader(void *arg)
{
	(void)arg;
	long bad = 0;
	for (int i = 0; i < RACE_ROUNDS; i++) {
		struct sf_socket *s = sf_socket_get(100 + i % RACE_FDS);
		if (s) {
			bad += atomic_load(&s->refs) <= 0;
			sf_socket_put(s);
		}
	}
	return (void *)bad;
}

static void concurrent_get_never_returns_a_released_socket(void **state)
{
	(void)state;
	pthread_t t[8];
	for (uintptr_t i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, race_writer, (void *)(i + 1));
	for (int i = 4; i < 8; i++)
		pthread_create(&t[i], NULL, race_reader, NULL);
	long bad = 0;
	for (int i = 0; i < 8; i++) {
		void *r;
		pthread_join(t[i], &r);
		bad += (long)r;
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(unknown_fd_is_not_managed, teardown),
		cmocka_unit_test_teardown(installed_socket_is_found_with_its_identity, teardown),
		cmocka_unit_test_teardown(install_over_an_entry_hands_back_the_old_one, teardown),
		cmocka_unit_test_teardown(remove_forgets_and_returns_the_reference, teardown),
		cmocka_unit_test_teardown(range_removal_spans_chunks_and_stops_at_its_bounds, teardown),
		cmocka_unit_test_teardown(out_of_range_install_is_refused, teardown),
		cmocka_unit_test_teardown(shared_socket_lives_until_its_last_fd_goes, teardown),
		cmocka_unit_test_teardown(released_sockets_are_recycled_not_freed, teardown),
		cmocka_unit_test_teardown(validate_reports_a_broken_invariant, teardown),
		cmocka_unit_test_teardown(concurrent_get_never_returns_a_released_socket, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
