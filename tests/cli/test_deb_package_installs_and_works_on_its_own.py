"""`cpack -G DEB` makes a .deb that, unpacked into a fresh root and used from
there with no variable pointing at the build tree, works: it depends on
libpcap (which the shim loads at run time) and libc; `sockfault --version`
names the release; `sockfault run` injects a scenario's fault through the
packaged shim; each man page renders without a warning; a C program using the
fuzzing library builds with `pkg-config --cflags --libs sockfault` and its
sockets are virtual."""
import glob
import os
import re
import subprocess
from clicase import *

CPACK, BUILD = os.environ["SF_CPACK"], os.environ["SF_BUILD_DIR"]
tmp = scratch("sfdeb.")
out, root = os.path.join(tmp, "out"), os.path.join(tmp, "root")
# Nothing may lead back to the build tree.
env = {k: v for k, v in clean_env().items()
       if k not in ("LD_LIBRARY_PATH", "LD_PRELOAD", "PKG_CONFIG_PATH", "SF_CLI", "SF_BUILD_DIR")}


def step(*argv, **kw):
    r = subprocess.run(argv, capture_output=True, text=True, env=kw.pop("env", env), timeout=600, **kw)
    expect(r.returncode == 0, f"{' '.join(argv)}\n{show(r)}")
    return r


step(CPACK, "-G", "DEB", "-B", out, cwd=BUILD)
debs = glob.glob(os.path.join(out, "*.deb"))
expect(len(debs) == 1, f"packages: {debs}")
deb = debs[0]
depends = step("dpkg-deb", "-f", deb, "Depends").stdout
expect(re.search(r"\blibpcap0\.8\b", depends) and re.search(r"\blibc6\b", depends), f"Depends: {depends}")
step("dpkg-deb", "-x", deb, root)
usr = os.path.join(root, "usr")
cli = os.path.join(usr, "bin", "sockfault")

release = re.search(r"project\(sockfault VERSION (\S+)", open(os.path.join(SRC, "CMakeLists.txt")).read()).group(1)
v = step(cli, "--version").stdout
expect(v.startswith(f"sockfault {release}"), f"--version: {v!r}")

sc = os.path.join(tmp, "refuse.sf")
with open(sc, "w") as f:
    f.write("connect -> refuse\n")
r = subprocess.run([cli, "run", "-s", sc, "--", PY, "-c",
                    "import socket\ntry:\n socket.create_connection(('127.0.0.1', 9))\n"
                    "except ConnectionRefusedError:\n print('refused')\n"],
                   capture_output=True, text=True, env=env, timeout=120)
expect(r.returncode == 0 and r.stdout == "refused\n", show(r))
expect(re.search(r"rule 1 \(line 1\) refuse: fired 1 ", r.stderr), f"no summary from the packaged shim:\n{r.stderr}")

pages = sorted(glob.glob(os.path.join(usr, "share", "man", "man*", "*")))
expect([os.path.basename(p) for p in pages] == ["sockfault.1.gz", "sockfault-scenario.5.gz",
                                                "sockfault-suite.5.gz", "libsockfault.7.gz"], pages)
for page in pages:
    m = step("man", "--warnings", "-l", page, env=dict(env, MANWIDTH="80", MANPAGER="cat", PAGER="cat"))
    expect(not m.stderr.strip() and "NAME" in m.stdout, f"{page}: {m.stderr}")

pcdirs = glob.glob(os.path.join(usr, "lib", "**", "pkgconfig"), recursive=True)
expect(len(pcdirs) == 1, f"pkgconfig directories: {pcdirs}")
flags = step("pkg-config", "--cflags", "--libs", "sockfault", env=dict(env, PKG_CONFIG_PATH=pcdirs[0])).stdout.split()
prog = os.path.join(tmp, "uses_fuzz_lib.c")
with open(prog, "w") as f:
    f.write(r"""
#include <sockfault_fuzz.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
unsigned sf_vnet_socket_count(void); /* the library's debugging surface */
int main(void)
{
	sf_fuzz_reset();
	if (sf_fuzz_feed((const uint8_t *)"", 0) != 0)
		return 1;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	printf("fd %s, virtual sockets %u\n", fd >= 0 ? "ok" : "bad", sf_vnet_socket_count());
	close(fd);
	return 0;
}
""")
exe = os.path.join(tmp, "uses_fuzz_lib")
step("cc", "-o", exe, prog, *flags)
r = step(exe)
expect(r.stdout == "fd ok, virtual sockets 1\n", show(r))
print("ok", os.path.basename(deb), depends.strip())
