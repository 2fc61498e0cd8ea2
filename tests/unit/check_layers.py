#!/usr/bin/env python3
"""The shim's layers point one way (README "How it works").

The order is data: the `  name/` lines of the first code block under the
README's "## How it works", top layer first.  A file in shim/LAYER/ may
include headers of its own layer and of the layers below it; an #include of
a layer above fails, named FILE:LINE.  With --objects DIR (the object files
of the whole shim, built), the same holds for symbols: no object uses a
symbol defined by a layer above its own, so calls point down too (a layer
reaches up only through a hook table the upper layer fills).

    check_layers.py ROOT [--objects DIR]   check the tree at ROOT
    check_layers.py ROOT --plant           prove the check fails: a copy of
                                           the tree with one upward include
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layer_order(root):
    """The layers, top first, from README's "How it works" diagram."""
    text = open(os.path.join(root, "README.md"), encoding="utf-8").read()
    section = text.split("\n## How it works\n", 1)
    if len(section) != 2:
        sys.exit("README.md: no \"## How it works\" section")
    block = re.search(r"^```\n(.*?)^```", section[1], re.S | re.M)
    if not block:
        sys.exit("README.md: \"How it works\" has no diagram (a ``` block)")
    order = re.findall(r"^  ([a-z_]+)/\s", block.group(1), re.M)
    if not order:
        sys.exit("README.md: the \"How it works\" diagram names no layer (\"  name/ ...\" lines)")
    return order


def check_includes(root, order):
    shim = os.path.join(root, "shim")
    rank = {name: i for i, name in enumerate(order)}
    errors = []
    for entry in sorted(os.listdir(shim)):
        path = os.path.join(shim, entry)
        if os.path.isdir(path) and entry not in rank:
            errors.append(f"shim/{entry}/: a folder the README's layer diagram does not name")
        elif os.path.isfile(path) and re.search(r"\.[ch]$|\.def$", entry):
            errors.append(f"shim/{entry}: a source outside every layer")
    for layer in order:
        folder = os.path.join(shim, layer)
        if not os.path.isdir(folder):
            errors.append(f"README.md: layer {layer}/ has no folder shim/{layer}/")
            continue
        for name in sorted(os.listdir(folder)):
            if not re.search(r"\.(c|h|def)$", name):
                continue
            rel = f"shim/{layer}/{name}"
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                for lineno, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    target = m.group(1)
                    if "/" not in target:
                        if os.path.exists(os.path.join(folder, target)):
                            continue  # its own folder's header
                        errors.append(f"{rel}:{lineno}: includes \"{target}\", which is not in "
                                      f"shim/{layer}/; name other layers' headers as \"layer/file.h\"")
                        continue
                    to = target.split("/", 1)[0]
                    if to not in rank:
                        errors.append(f"{rel}:{lineno}: includes \"{target}\" from {to}/, "
                                      f"which is not a layer")
                    elif rank[to] < rank[layer]:
                        errors.append(f"{rel}:{lineno}: includes \"{target}\": {to}/ is above "
                                      f"{layer}/ (order: {' > '.join(order)})")
    return errors


def check_symbols(objdir, order):
    """Objects under objdir/LAYER/...: undefined symbols must not be defined
    by an object of a layer above."""
    rank = {name: i for i, name in enumerate(order)}
    defined, used = {}, []
    for dirpath, _, files in os.walk(objdir):
        for name in files:
            if not name.endswith(".o"):
                continue
            path = os.path.join(dirpath, name)
            layer = os.path.relpath(path, objdir).split(os.sep, 1)[0]
            if layer not in rank:
                continue
            src = os.path.relpath(path, objdir)[:-2]
            out = subprocess.run(["nm", "-P", path], capture_output=True, text=True, check=True).stdout
            for line in out.splitlines():
                parts = line.split()
                if len(parts) < 2:
                    continue
                sym, kind = parts[0], parts[1]
                if kind == "U":
                    used.append((src, layer, sym))
                elif kind.isupper():
                    defined[sym] = (src, layer)
    errors = []
    if not defined:
        errors.append(f"{objdir}: no object files of any layer (build first)")
    for src, layer, sym in sorted(used):
        if sym not in defined:
            continue
        to = defined[sym][1]
        if to == order[0] and not sym.startswith("sf_"):
            continue  # a libc name the top layer interposes: a call to libc, not up
        if rank[to] < rank[layer]:
            errors.append(f"shim/{src}: uses {sym} of shim/{defined[sym][0]}: "
                          f"{defined[sym][1]}/ is above {layer}/")
    return errors


def plant(root):
    """A copy of the tree with core/socket.c including an interpose header
    must fail, naming that file and line."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(os.path.join(root, "README.md"), tmp)
        shutil.copytree(os.path.join(root, "shim"), os.path.join(tmp, "shim"))
        order = layer_order(tmp)
        if check_includes(tmp, order):
            sys.exit("plant: the tree fails before anything is planted")
        top, bottom = order[0], order[-1]
        victim = os.path.join(tmp, "shim", bottom, sorted(
            n for n in os.listdir(os.path.join(tmp, "shim", bottom)) if n.endswith(".c"))[0])
        header = sorted(n for n in os.listdir(os.path.join(tmp, "shim", order[1])) if n.endswith(".h"))
        target = f"{order[1]}/{header[0]}" if header else f"{top}/x.h"
        lines = open(victim).read().split("\n")
        at = next(i for i, l in enumerate(lines) if l.startswith("#include")) + 1
        lines.insert(at, f'#include "{target}"')
        open(victim, "w").write("\n".join(lines))
        errors = check_includes(tmp, order)
        want = f"shim/{bottom}/{os.path.basename(victim)}:{at + 1}: includes \"{target}\""
        if not any(e.startswith(want) for e in errors):
            print("\n".join(errors))
            sys.exit(f"plant: an upward include was not reported as {want!r}")
        print(f"planted {target} in shim/{bottom}/{os.path.basename(victim)}:{at + 1}; reported:")
        print("\n".join(errors))


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    root = argv[1]
    if argv[2:] == ["--plant"]:
        plant(root)
        return 0
    order = layer_order(root)
    errors = check_includes(root, order)
    if argv[2:3] == ["--objects"] and len(argv) == 4:
        errors += check_symbols(argv[3], order)
    elif argv[2:]:
        sys.exit(__doc__)
    for e in errors:
        print(e)
    if errors:
        return 1
    print(f"layers, top to bottom: {' > '.join(order)}: every include"
          f"{' and symbol' if argv[2:] else ''} points down")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
