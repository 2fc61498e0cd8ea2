"""socat's upstream connects refused: each forked child logs the refusal
and closes its client's connection (curl: "Empty reply from server", exit
52); the listener survives them and accepts the next client.  (first=1
would not pick one child: a fork child starts from its parent's rule
counts, and socat's listener never connects -- FINDINGS.md, the tool.)"""
from rwcase import *

socat, curl = need("socat", "curl")
web, wport = http_server(scratch())
with web:
    port = free_port()
    with Proc([socat, f"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork",
               f"TCP:127.0.0.1:{wport}"], f"connect port={wport} -> refuse\n") as proxy:
        wait_port(port, proxy.proc, "socat")
        rs = [run_bytes([curl, "-sS", "-o", "/dev/null", f"http://127.0.0.1:{port}/"])
              for _ in range(2)]
        alive = proxy.proc.poll() is None
        err = proxy.stderr_text()
for r in rs:
    expect_equal(r.returncode, 52, f"curl through the proxy ({describe(r)})")
expect(alive, "the listening socat exited")
expect(err.count("Connection refused") >= 2, f"socat's stderr:\n{err}")
print("ok")
