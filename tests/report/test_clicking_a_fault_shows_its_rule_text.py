"""Clicking a fault marker (a real mouse click) shows, in the details panel,
the scenario line of the rule that fired and the logged event; the rules
table holds each rule's text with its fired count, and a rule that never
fired is flagged as the summary does."""
from reportcase import *

chromium_or_skip()
html, log, p = run_report([sftest.PY, ROUNDTRIP, "20000"], scenario="""
recv -> reset after=2
connect peer=192.0.2.1:9 -> refuse
""")
with Browser() as b:
    b.open(html)
    expect(count(b, ".fault") >= 1, "no fault marker")
    before = b.eval("document.getElementById('details').textContent")
    expect("recv -> reset" not in before, "the rule text is shown before any click")
    b.click(".fault")
    text = b.eval("document.getElementById('details').textContent")
    expect("recv -> reset after=2" in text, f"the details do not show the rule's line: {text[:300]!r}")
    expect('"action": "reset"' in text, f"the details do not show the logged event: {text[:300]!r}")
    rows = b.eval("[...document.querySelectorAll('#rules tr.rule')].map(r => "
                  "[r.dataset.rule, r.classList.contains('unfired'), r.textContent])")
    sftest.expect_equal([r[:2] for r in rows], [["1", False], ["2", True]], "rules and which never fired")
    expect("connect peer=192.0.2.1:9 -> refuse" in rows[1][2], f"rule 2's text: {rows[1][2]!r}")
    warn = b.eval("[...document.querySelectorAll('#warnings .warning')].map(e => e.textContent)")
    expect(len(warn) == 1 and "rule 2 (line 3) refuse never fired" in warn[0], f"warnings: {warn}")
    expect_clean(b, html)
    keep_screenshot(b)
