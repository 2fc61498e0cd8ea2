"""A C client sees the faults as the kernel would show them: a refused
connect, EINTR after a real SIGUSR1 handler ran, a reset then EPIPE."""
import os
from sfcase import *

client = os.path.join(PROGRAMS, "sf_client")
with Server("echo") as srv:
    p = str(srv.port)
    refused = run([client, "127.0.0.1", p, "3"], scenario="connect -> refuse\n")
    intr = run([client, "127.0.0.1", p, "20"],
               scenario="recv every=3 -> eintr signal=SIGUSR1\nsend nth=2 -> eintr\n")
    reset = run([client, "127.0.0.1", p, "20"], scenario="recv nth=5 -> reset\n")
    piped = run([client, "127.0.0.1", p, "20"], scenario="send bytes=300.. -> error EPIPE\n")
expect(refused.stdout.startswith("connect: ECONNREFUSED"), refused.stdout + refused.stderr)
expect(intr.returncode == 0, intr.stdout + intr.stderr)
lines = intr.stdout.split("\n")
expect(lines[0] == "done", intr.stdout)
eintr, handled = int(lines[1].split()[1]), int(lines[1].split()[3])
expect(eintr >= 7 and handled >= 6, f"expected EINTRs and handler runs: {lines[1]}")
expect(reset.stdout.startswith("recv: ECONNRESET"), reset.stdout + reset.stderr)
expect(piped.stdout.startswith("send: EPIPE"), piped.stdout + piped.stderr)
print("ok")
