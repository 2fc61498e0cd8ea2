/* In-process libFuzzer harness for the sample server
 * (tests/programs/fuzz_sample_proto.c, linked unchanged): the server's
 * accept loop on a virtual listening socket, with the shim's virtual network
 * (libsockfault_fuzz.a) reset for every input.  The peer plays the input:
 * client connections, their chunks, and the faults of its tape.  Both
 * planted bugs end in abort(), which libFuzzer reports as a crash. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_sample_proto.h"
#include "sockfault_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sf_fuzz_reset();
	if (sf_fuzz_feed(data, size) != 0)
		abort();
	int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(7000)};
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(ls, 16) < 0)
		abort(); /* the virtual network must always give us this */
	/* fuzz_sample_server.c's loop: at the end of the input the listener
	 * stops and accept fails. */
	for (;;) {
		int c = accept(ls, NULL, NULL);
		if (c < 0)
			break;
		fss_serve_conn(c);
	}
	close(ls);
	return 0;
}
