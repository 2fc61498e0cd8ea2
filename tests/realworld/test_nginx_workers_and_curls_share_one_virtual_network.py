"""nginx (a master and two pre-forked workers) and four concurrent curls,
all started by one `sockfault run --net virtual` with every send and recv
cut short: each curl fetches a 2 MiB file byte-exact from the workers over
the run's one virtual network (nginx listens on port 80 of the virtual
network, which the host never sees), and the faults fired in the workers
and the curls, separate processes sharing one network."""
from rwcase import *

nginx_bin, curl = need("nginx", "curl", under_shim=True)
root = scratch()
want = payload(os.path.join(root, "f"), 2 << 20, seed=23)
os.chmod(root, 0o755)
d = scratch("sfnginx.")
conf = os.path.join(d, "nginx.conf")
with open(conf, "w") as f:
    f.write(NGINX_CONF.format(d=d, port=80, root=root, sendfile="off", extra=""))
out = scratch("sfout.")
SCRIPT = r"""
nginx=$1 d=$2 conf=$3 curl=$4 out=$5
"$nginx" -p "$d" -c "$conf" -e stderr &
pid=$!
i=0
until "$curl" -s -o /dev/null http://127.0.0.1:80/f; do
    i=$((i + 1)); [ $i -lt 400 ] || { echo "nginx never answered" >&2; kill $pid; exit 1; }
    sleep 0.05
done
for k in 1 2 3 4; do "$curl" -sS -o "$out/got$k" http://127.0.0.1:80/f & done
wait %2 %3 %4 %5
st=$?
kill -QUIT $pid
wait $pid
exit $st
"""
log = tmp_path("log")
r = run_bytes(["sh", "-c", SCRIPT, "sh", nginx_bin, d, conf, curl, out], scenario=SHORTS, log=log,
              extra=["--net", "virtual"], timeout=180)
expect(r.returncode == 0, describe(r))
for k in range(1, 5):
    expect_equal(sha256_file(os.path.join(out, f"got{k}")), want, f"SHA-256 of download {k}")
events = log_events(log)
expect(len(events) > 100, f"only {len(events)} short transfers")
expect(len({e["pid"] for e in events}) >= 3, "the faults fired in one process only: not several sharing a network")
print("ok")
