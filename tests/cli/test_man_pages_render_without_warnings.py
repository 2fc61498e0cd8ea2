"""Each man page the build makes (build/man, from the Markdown sources)
renders with man(1) without a single warning, at the widths terminals
have."""
import os
import subprocess
from clicase import *

mandir = os.path.join(os.environ["SF_BUILD_DIR"], "man")
files = sorted(os.listdir(mandir)) if os.path.isdir(mandir) else []
pages = [f for f in files if not f.endswith(".gz")]
expect(pages == ["libsockfault.7", "sockfault-scenario.5", "sockfault-suite.5", "sockfault.1"], files)
expect(sorted(f for f in files if f.endswith(".gz")) == [p + ".gz" for p in pages], f"installed forms: {files}")
for page in pages:
    for width in ("80", "100", "132"):
        r = subprocess.run(["man", "--warnings", "-l", os.path.join(mandir, page)], capture_output=True,
                           text=True, env=clean_env(MANWIDTH=width, MANPAGER="cat", PAGER="cat"))
        expect(r.returncode == 0 and not r.stderr.strip() and "NAME" in r.stdout,
               f"man -l {page} at width {width}: exit {r.returncode}\n{r.stderr}")
print("ok", pages)
