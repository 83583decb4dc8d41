#!/usr/bin/env python3
"""Import cycles in src/, as the house rules forbid them (docs/architecture.md):

* between the crate's top-level modules (app, cli, config, core, http, notify, protocols, store, templates, web);
* between the files of `core` (a file may use its own submodules: a parent holds its children).

A reference is a `use` path or an inline `crate::…`/`super::…`/`self::…` path outside `#[cfg(test)]`; it counts
against the file that defines the longest matching module, so importing a re-export counts against the module
that re-exports it. Prints each cycle with its edges and exits 1 when there is one.
"""
import os
import re
import sys
from collections import defaultdict

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")


def module_of(path):
    parts = os.path.relpath(path, ROOT)[:-3].split(os.sep)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def without_noise(text):
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r'"(\\.|[^"\\])*"', '""', text)
    return re.split(r"#\[cfg\(test\)\]", text)[0]


def expand(tree):
    """`a::{b, c::{d, e as f}}` -> ["a::b", "a::c::d", "a::c::e"]."""
    out = []

    def walk(prefix, body):
        parts, depth, current = [], 0, ""
        for ch in body:
            depth += ch == "{"
            depth -= ch == "}"
            if ch == "," and depth == 0:
                parts.append(current)
                current = ""
            else:
                current += ch
        parts.append(current)
        for part in parts:
            part = part.strip()
            if not part:
                continue
            brace = part.find("{")
            if brace >= 0:
                walk(prefix + part[:brace], part[brace + 1 : part.rfind("}")])
            else:
                out.append(prefix + re.sub(r"\s+as\s+\w+$", "", part))

    walk("", re.sub(r"\s+", " ", tree))
    return out


def references(path):
    me = module_of(path)
    text = without_noise(open(path, encoding="utf-8").read())
    paths = [p for m in re.finditer(r"\buse\s+([^;]+);", text) for p in expand(m.group(1))]
    paths += re.findall(r"\b((?:crate|super|self)(?:\s*::\s*\w+)+)", text)
    for p in paths:
        segs = [s.strip() for s in p.split("::") if s.strip()]
        if not segs:
            continue
        if segs[0] == "crate":
            yield tuple(segs[1:])
        elif segs[0] in ("super", "self"):
            base = list(me)
            while segs and segs[0] in ("super", "self"):
                if segs[0] == "super":
                    base = base[:-1]
                segs = segs[1:]
            yield tuple(base + segs)


def cycles(edges):
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(comp)

    sys.setrecursionlimit(10000)
    for v in list(edges):
        if v not in index:
            strong(v)
    return found


def main():
    files = [os.path.join(d, f) for d, _, fs in os.walk(ROOT) for f in fs if f.endswith(".rs")]
    modules = {module_of(f) for f in files}

    def defining(path):
        for n in range(len(path), 0, -1):
            if path[:n] in modules:
                return path[:n]
        return None

    views = {
        "top-level modules": lambda m: m[:1] or None,
        "files of core": lambda m: m if m[:1] == ("core",) and len(m) > 1 else None,
    }
    status = 0
    for name, node in views.items():
        edges = defaultdict(set)
        for f in files:
            a = node(module_of(f))
            if a is None:
                continue
            for ref in references(f):
                target = defining(ref)
                b = node(target) if target else None
                # A parent holds its children: using them is not a cycle.
                if b is None or b == a or b[: len(a)] == a:
                    continue
                edges[a].add(b)
        for comp in cycles(edges):
            status = 1
            members = set(comp)
            print(f"import cycle among the {name} ({len(comp)}): " + ", ".join(sorted("::".join(m) for m in comp)))
            for v in sorted(members):
                for w in sorted(edges[v] & members):
                    print(f"    {'::'.join(v)} -> {'::'.join(w)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
