"""(conn=2: the first connection the server accepts is the test's own
probe for its port.)  A connection of http.server's reset while it sends a 1 MiB file: the
server logs the exception of that thread (a reset, or the broken pipe after it) and goes on serving;
the next request gets the file intact."""
from rwcase import *

curl = need("curl")
root = scratch()
want = payload(os.path.join(root, "f"), 1 << 20, seed=5)
srv, port = http_server(root, "send conn=2 bytes=200000.. -> reset\n")
with srv:
    r1 = run_bytes([curl, "-sS", "-o", tmp_path("first"), f"http://127.0.0.1:{port}/f"])
    out = tmp_path("second")
    r2 = run_bytes([curl, "-sS", "-o", out, f"http://127.0.0.1:{port}/f"])
    # The reset connection's thread may still be writing its traceback
    # (the second download does not wait for it): read until it is whole.
    err = srv.stderr_text()
    for _ in range(500):
        if "Error" in err.split("Traceback", 1)[-1]:
            break
        time.sleep(0.01)
        err = srv.stderr_text()
expect(r1.returncode in (18, 56), f"the first download: {describe(r1)}")
expect(r2.returncode == 0, describe(r2))
expect_equal(sha256_file(out), want, "SHA-256 of the second download")
expect("Exception occurred during processing of request" in err and
       ("ConnectionResetError" in err or "BrokenPipeError" in err), f"server's stderr:\n{err}")
print("ok")
