"""The report tests' browser driver (browser.py) sees what a user would: a
real (trusted) click on a button below the fold changes the page, an
uncaught exception and a request to the network are reported, a page
without either reports none, a full-page screenshot is a PNG of the whole
document, and when the driver is done no browser process is left.  Skips
(77) without chromium."""
import os
import pathlib
import struct

from sftest import expect, fail, scratch
from browser import Browser, JSError, chromium_or_skip, group_running

chromium_or_skip()
d = scratch()


def page(name, body):
    p = os.path.join(d, name)
    with open(p, "w") as f:
        f.write("<!doctype html><meta charset=utf-8><title>%s</title>\n%s\n" % (name, body))
    return p


# the button is below a spacer taller than the 900 px viewport: a click
# must scroll to it; isTrusted is true only for input from the browser,
# never for element.click() or dispatchEvent
clicks = page("clicks.html", """
<div style="height: 2500px">spacer</div>
<button id=go onclick="document.getElementById('out').textContent =
  'clicked, trusted=' + event.isTrusted">go</button>
<div id=out></div>
<script>window.sfReport = {ready: true}</script>""")
throws = page("throws.html", """
<script>window.sfReport = {ready: true}</script>
<script>throw new Error("boom from throws.html")</script>""")
fetches = page("fetches.html", """
<script>fetch("http://example.invalid/").catch(() => {})
  .finally(() => { window.sfReport = {ready: true} })</script>""")

with Browser() as b:
    pgid = b.proc.pid
    ms = b.open(clicks)
    expect(ms > 0, f"open() returned {ms}")
    expect(b.eval("document.title") == "clicks.html", "open() did not load clicks.html")
    expect(b.eval("document.getElementById('out').textContent") == "", "out is not empty before the click")
    b.click("#go")
    got = b.eval("document.getElementById('out').textContent")
    expect(got == "clicked, trusted=true", f"after the click, out holds {got!r}")
    expect(b.console_errors() == [], f"clicks.html has console errors: {b.console_errors()}")
    expect(b.requests() == [pathlib.Path(clicks).as_uri()], f"clicks.html requested {b.requests()}")

    try:
        b.eval("null.x")
        fail("eval of a throwing expression returned")
    except JSError as e:
        expect("TypeError" in str(e), f"eval raised {e}")
    expect(b.console_errors() == [], f"eval's exception is counted as the page's: {b.console_errors()}")

    shot = os.path.join(d, "clicks.png")
    b.screenshot(shot)
    with open(shot, "rb") as f:
        png = f.read()
    expect(png[:8] == b"\x89PNG\r\n\x1a\n", f"{shot} is not a PNG: {png[:8]!r}")
    w, h = struct.unpack(">II", png[16:24])  # IHDR, the first chunk
    expect(w == 1400 and h >= 2500, f"the full-page screenshot is {w}x{h}, the page 1400x2500+")

    b.open(throws)
    errs = b.console_errors()
    expect(len(errs) == 1 and "boom from throws.html" in errs[0], f"throws.html's errors: {errs}")

    b.open(fetches)
    # ready once the fetch failed (.invalid never resolves, RFC 2606)
    expect("http://example.invalid/" in b.requests(), f"fetches.html's requests: {b.requests()}")
    expect(b.console_errors() == [] or all("example.invalid" in e for e in b.console_errors()),
           f"fetches.html's errors: {b.console_errors()}")

left = group_running(pgid)
expect(not left, f"browser processes left after the driver closed: {left}")
print(f"ok: open() of clicks.html took {ms:.0f} ms")
