/* A capture records packets as the sender's side of a link sees them: a
 * datagram the link loses still left, so it is in the pcap; one it
 * delivers is in it once (recorded when read).  A child run of this
 * program sends 300 numbered datagrams over `loss 30%` and reads what
 * arrives, with SOCKFAULT_PCAP set; every number must be in the capture
 * exactly once, although fewer arrived. */
#include "lk.h"

#include <fcntl.h>
#include <sys/wait.h>

#define COUNT 300

static int run(void)
{
	int r = lk_udp(7111);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(u >= 0);
	struct sockaddr_in to = lk_addr("127.0.0.1", 7111);
	CHECK(fcntl(r, F_SETFL, O_NONBLOCK) == 0);
	unsigned got = 0;
	for (uint32_t i = 0; i < COUNT; i++) {
		CHECK(sendto(u, &i, sizeof(i), 0, (struct sockaddr *)&to, sizeof(to)) == sizeof(i));
		uint32_t x;
		while (recv(r, &x, sizeof(x), 0) == sizeof(x))
			got++;
	}
	printf("%u\n", got);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "run") == 0)
		return run();
	char path[64];
	snprintf(path, sizeof(path), "/tmp/sf-links-cap-%d.pcap", (int)getpid());
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 1);
		setenv("SOCKFAULT_PCAP", path, 1);
		execl("/proc/self/exe", "/proc/self/exe", "run", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	char out[32] = {0};
	CHECK(read(p[0], out, sizeof(out) - 1) > 0);
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	unsigned got = (unsigned)atoi(out);
	CHECK(got > 0 && got < COUNT); /* some were lost (30%: about 90) */

	/* Classic pcap, LINKTYPE_RAW: IPv4 (20 bytes), UDP (8), our 4 bytes. */
	FILE *f = fopen(path, "rb");
	CHECK(f != NULL);
	unsigned char gh[24];
	CHECK(fread(gh, 1, sizeof(gh), f) == sizeof(gh));
	static unsigned seen[COUNT];
	unsigned records = 0;
	unsigned char rh[16], pkt[65536];
	while (fread(rh, 1, sizeof(rh), f) == sizeof(rh)) {
		uint32_t incl;
		memcpy(&incl, rh + 8, 4);
		CHECK(incl <= sizeof(pkt) && fread(pkt, 1, incl, f) == incl);
		records++;
		CHECK(incl == 32 && pkt[9] == IPPROTO_UDP);
		uint32_t x;
		memcpy(&x, pkt + 28, 4);
		CHECK(x < COUNT);
		seen[x]++;
	}
	fclose(f);
	unlink(path);
	for (unsigned i = 0; i < COUNT; i++)
		if (seen[i] != 1) {
			fprintf(stderr, "datagram %u recorded %u times\n", i, seen[i]);
			exit(1);
		}
	CHECK(records == COUNT);
	printf("ok\n");
	return 0;
}
