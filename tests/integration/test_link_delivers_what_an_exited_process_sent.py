"""What a process sent just before it exited still arrives over a link, as
the kernel delivers a socket's queued data and FIN after its process is gone:
under `net virtual` with `link * latency 50ms` (this file's scenario,
test_link_latency_delays_connect_between_processes.sf), a forked child connects to
its parent's listener, sends "last words", closes and exits at once; the
parent's recv gets those bytes and then EOF (b""), each in time (due 50 ms
after the send; a generous 2 s bound; a lost FIN is a hang, cut by a 5 s
socket timeout).  The same program runs natively
first: the kernel is the oracle.

Environment (set by CMake): SF_CLI, SF_PYTHON3, SF_SAN_RUNTIME.
"""
import os
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "test_link_latency_delays_connect_between_processes.sf")


def late(t):
    """Each arrival is due 50 ms after its send: after 2 s it is late."""
    return " (late: %.1f s)" % t if t > 2 else ""


def program():
    s = socket.socket()
    s.bind(("127.0.0.1", 7302))
    s.listen(1)
    pid = os.fork()
    if pid == 0:
        c = socket.socket()
        c.connect(("127.0.0.1", 7302))
        c.sendall(b"last words")
        c.close()
        os._exit(0)
    a, _ = s.accept()
    a.settimeout(5)
    t0 = time.monotonic()
    got, t_data, end = b"", 0.0, "no eof in 5 s"
    try:
        while True:
            chunk = a.recv(100)
            if not chunk:
                end = "eof" + late(time.monotonic() - t0)
                break
            got += chunk
            t_data = time.monotonic() - t0
    except socket.timeout:
        pass
    print("data %r%s; %s" % (got, late(t_data), end))
    os.waitpid(pid, 0)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--program":
        program()
        return 0
    py = subprocess.run([os.environ["SF_PYTHON3"], "-c", "import sys; print(sys.executable)"],
                        stdout=subprocess.PIPE, check=True).stdout.decode().strip()
    base = {k: v for k, v in os.environ.items() if not k.startswith("SOCKFAULT_") and k != "LD_PRELOAD"}
    want = "data b'last words'; eof"
    status = 0
    native = subprocess.run([py, __file__, "--program"], env=base, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, timeout=60).stdout.decode().strip()
    if native == want:
        print("ok 1 - natively, the parent reads the exited child's data, then EOF")
    else:
        status = 1
        print("not ok 1 - natively: %r, expected %r" % (native, want))
    venv = dict(base)
    if os.environ.get("SF_SAN_RUNTIME"):
        venv["LD_PRELOAD"] = os.environ["SF_SAN_RUNTIME"]
    virtual = subprocess.run([os.environ["SF_CLI"], "run", "-s", SCENARIO, "--", py, __file__, "--program"],
                             env=venv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=60).stdout.decode().strip()
    if virtual == want:
        print("ok 2 - over link * latency 50ms, the parent reads the exited child's data, then EOF")
    else:
        status = 1
        print("not ok 2 - over link * latency 50ms: %r, expected %r (the kernel's answer)" % (virtual, want))
    print("1..2")
    return status


if __name__ == "__main__":
    sys.exit(main())
