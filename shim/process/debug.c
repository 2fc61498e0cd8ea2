/* The sf_ debugging surface, for tests and fuzz targets: looked up with
 * dlsym(RTLD_DEFAULT), so a program without them (the library not loaded)
 * finds none.  Each runs the invariant checkers of the layer it names. */
#include <errno.h>
#include <stddef.h>

#include "core/fdtable.h"
#include "core/shim.h"
#include "core/socket.h"
#include "vnet/vsock.h"

SF_EXPORT int sf_fd_is_managed(int fd)
{
	return sf_fd_peek(fd) != NULL;
}

SF_EXPORT size_t sf_fd_managed_count(void)
{
	return sf_fd_count();
}

/* Runs sf_socket_validate on every managed socket; 0 or -EINVAL. */
SF_EXPORT int sf_validate_all(void)
{
	for (int fd = 0; fd < (int)SF_FD_MAX; fd += 1) {
		if ((fd & (SF_FD_CHUNK_SIZE - 1)) == 0 &&
		    !atomic_load(&sf_fd_chunks[(unsigned)fd >> SF_FD_CHUNK_BITS])) {
			fd += SF_FD_CHUNK_SIZE - 1;
			continue;
		}
		struct sf_socket *s = sf_socket_get(fd);
		if (!s)
			continue;
		const char *why;
		int r = sf_socket_validate(s, &why);
		sf_socket_put(s);
		if (r)
			return r;
	}
	if (sf_vnet_on) {
		const char *why;
		return sf_vnet_validate(&why);
	}
	return 0;
}

/* The number of live virtual sockets (open, or closed but still referenced
 * by a peer or a listener's queue). */
SF_EXPORT unsigned sf_vnet_socket_count(void)
{
	return sf_vnet_on ? sf_vnet_count() : 0;
}

/* Of those, the ones some process still holds a descriptor of (not the
 * closed ones in TIME_WAIT or waiting for a peer). */
SF_EXPORT unsigned sf_vnet_open_socket_count(void)
{
	return sf_vnet_on ? sf_vnet_count_open() : 0;
}

/* sf_vnet_validate with the reason, for tests: NULL when every virtual
 * socket is consistent. */
SF_EXPORT const char *sf_vnet_check(void)
{
	const char *why = NULL;
	if (sf_vnet_on && sf_vnet_validate(&why) != 0 && !why)
		why = "invalid";
	return why;
}
