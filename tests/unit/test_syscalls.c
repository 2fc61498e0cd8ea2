/* Symbol resolution: every interposed name resolves to libc's own function,
 * once, and the table is usable before any constructor of ours ran. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dlfcn.h>
#include <errno.h>
#include <unistd.h>

#include "core/syscalls.h"

static void every_entry_resolves_to_libc(void **state)
{
	(void)state;
	void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
	assert_non_null(libc);
	const struct sf_syscalls *t = sf_libc();
	void *const *entries = (void *const *)t;
	assert_int_equal(sizeof(*t), sf_syscall_count * sizeof(void *));
	for (unsigned i = 0; i < sf_syscall_count; i++) {
		/* The next definition after us: libc's, or a sanitizer's
		 * interceptor that itself forwards to libc. */
		void *want = dlsym(RTLD_NEXT, sf_syscall_names[i]);
		assert_non_null(want);
		if (entries[i] != want)
			fail_msg("%s resolved to %p, the next definition is %p", sf_syscall_names[i], entries[i], want);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
		if (entries[i] != dlsym(libc, sf_syscall_names[i]))
			fail_msg("%s did not resolve to libc's", sf_syscall_names[i]);
#endif
	}
	dlclose(libc);
}

static void resolution_happens_once(void **state)
{
	(void)state;
	const struct sf_syscalls *a = sf_libc(), *b = sf_libc();
	assert_ptr_equal(a, b);
	assert_int_equal(atomic_load(&sf_libc_ready), 1);
}

static void resolution_keeps_errno(void **state)
{
	(void)state;
	errno = 4242;
	(void)sf_libc();
	assert_int_equal(errno, 4242);
}

static void resolved_functions_work(void **state)
{
	(void)state;
	int p[2];
	char c = 0;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(sf_libc()->write(p[1], "x", 1), 1);
	assert_int_equal(sf_libc()->read(p[0], &c, 1), 1);
	assert_int_equal(c, 'x');
	assert_int_equal(sf_libc()->close(p[0]), 0);
	assert_int_equal(sf_libc()->close(p[1]), 0);
	assert_int_equal(sf_libc()->close(p[1]), -1);
	assert_int_equal(errno, EBADF);
}

/* The first call of the process may come from a constructor that runs before
 * ours; the table must fill itself on demand. */
static int early_close_result = 1;
__attribute__((constructor(101))) static void early(void)
{
	early_close_result = sf_libc()->close(-1) == -1 && errno == EBADF ? 0 : -1;
}

static void table_fills_itself_when_used_from_a_constructor(void **state)
{
	(void)state;
	assert_int_equal(early_close_result, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_fills_itself_when_used_from_a_constructor),
		cmocka_unit_test(every_entry_resolves_to_libc),
		cmocka_unit_test(resolution_happens_once),
		cmocka_unit_test(resolution_keeps_errno),
		cmocka_unit_test(resolved_functions_work),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
