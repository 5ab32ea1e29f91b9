#!/usr/bin/env python3
"""Finds import cycles between sibling modules in every crate of the workspace.

A module tree is layered when no two sibling modules need each other, directly or through
other siblings: then each can be read, tested and moved knowing only the ones below it.
This script builds each crate's module graph and reports every cycle among siblings.

For each compilation root (src/lib.rs, src/main.rs, the [[bin]], [[test]], [[example]] and
[[bench]] targets, tests/*.rs, examples/*.rs, benches/*.rs) it follows the `mod`
declarations (files, `#[path]`, inline modules), then reads in every file:

  - `use` declarations, grouped or not (`use crate::{a::B, c::{D, E}}`, `pub(crate) use`,
    `use super::x as y`, globs), starting at `crate`, `super`, `self` or a name in scope;
  - paths written inline that start at `crate`, `$crate`, `super` or `self`
    (`crate::x::f()`, `super::y::Z`).

A path is followed through re-exports (`pub use inner::Thing`, globs included): an edge
goes to the module the path names and to the one defining the item. Each edge A -> B is
lifted to the sibling level: the children of the lowest common ancestor of A and B that
contain them. An edge between a module and its ancestor (a child using its parent's items,
or the reverse) is skipped. Every strongly connected component of more than one sibling is
reported with its edges and where each was written. Test code (`#[cfg(test)]` modules and
uses) is left out unless --include-tests. Comments and literals are skipped; macro bodies
are read as tokens. Names from a glob used bare, and paths through a type alias, are not seen.

Usage:
  scripts/check-module-cycles.py [--root DIR] [CRATE_DIR ...]  check the workspace
                                                 (or only the given crate directories)
  scripts/check-module-cycles.py --self-test     check this script on small trees

Exit status: 0 when there is no cycle, 1 when there is one, 2 on a usage or parse error.
"""

from __future__ import annotations

import argparse
import bisect
import os
import re
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

Module = tuple[str, ...]  # the path from the crate root, () for the root itself

ITEM_KEYWORDS = {"fn", "struct", "enum", "trait", "type", "const", "static", "union"}
EDGE_EXAMPLES = 3  # where each edge was written: at most this many places per edge


# --- reading Rust ---------------------------------------------------------------------


RAW_STRING = re.compile(r'(?:b|c)?r(#*)"')


def strip_literals(src: str) -> tuple[str, list[str]]:
    """`src` without comments and with every string literal replaced by `"N"` (its index
    in the returned list) and every char literal by `' '`. Newlines are kept, so offsets
    still map to the same line numbers."""
    out: list[str] = []
    strings: list[str] = []
    i, n = 0, len(src)

    def ident_before(pos: int) -> bool:
        return pos > 0 and (src[pos - 1].isalnum() or src[pos - 1] == "_")

    while i < n:
        c = src[i]
        if src.startswith("//", i):
            end = src.find("\n", i)
            i = n if end < 0 else end
        elif src.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if src.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif src.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append("\n" * src.count("\n", i, j))
            i = j
        elif (m := RAW_STRING.match(src, i)) and not ident_before(i):
            close = '"' + m.group(1)
            end = src.find(close, m.end())
            end = n if end < 0 else end
            i = emit_string(src[m.end() : end], out, strings, src, m.start(), end + len(close))
        elif c == '"' or (c in "bc" and src.startswith('"', i + 1) and not ident_before(i)):
            start = i + 1 if c == '"' else i + 2
            j = start
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            i = emit_string(src[start:j], out, strings, src, i, j + 1)
        elif c == "'":
            if src.startswith("\\", i + 1):  # '\n', '\'', '\u{..}'
                j = i + 2
                while j < n and src[j] != "'":
                    j += 2 if src[j] == "\\" else 1
                out.append("' '")
                i = j + 1
            elif i + 2 < n and src[i + 2] == "'":  # 'x'
                out.append("' '")
                i += 3
            else:  # a lifetime or a label
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out), strings


def emit_string(text: str, out: list[str], strings: list[str], src: str, start: int, end: int) -> int:
    out.append(f'"{len(strings)}"' + "\n" * src.count("\n", start, end))
    strings.append(text)
    return end


TOKEN = re.compile(r'r#[A-Za-z_]\w*|[A-Za-z_]\w*|::|"\d+"|\S')


class Token(NamedTuple):
    text: str
    line: int


def tokenize(src: str) -> tuple[list[Token], list[str]]:
    text, strings = strip_literals(src)
    newlines = [i for i, c in enumerate(text) if c == "\n"]
    tokens = []
    for m in TOKEN.finditer(text):
        word = m.group().removeprefix("r#")
        tokens.append(Token(word, bisect.bisect_left(newlines, m.start()) + 1))
    return tokens, strings


def is_ident(text: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_]\w*", text))


# --- the crate model ----------------------------------------------------------------------


@dataclass
class UseItem:
    """One leaf of a `use` tree: `segments` (absolute or relative, as written), bound to
    `name` (None for a glob or `as _`)."""

    module: Module
    segments: list[str]
    name: str | None
    glob: bool
    where: str
    text: str
    test_only: bool = False


@dataclass
class Reference:
    """A path written in code (not in a `use`), from `module`."""

    module: Module
    segments: list[str]
    where: str
    text: str
    test_only: bool = False


@dataclass
class Crate:
    name: str
    root_file: Path
    children: dict[Module, set[str]] = field(default_factory=dict)
    items: dict[Module, set[str]] = field(default_factory=dict)
    uses: list[UseItem] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    files: dict[Module, Path] = field(default_factory=dict)
    # `#[cfg(test)]` modules: their edges are left out unless asked for (--include-tests).
    test_modules: set[Module] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    def add_module(self, module: Module, file: Path) -> None:
        self.children.setdefault(module, set())
        self.items.setdefault(module, set())
        self.files.setdefault(module, file)
        if module:
            self.children.setdefault(module[:-1], set()).add(module[-1])

    def is_test(self, module: Module) -> bool:
        return any(module[:k] in self.test_modules for k in range(1, len(module) + 1))


class Parser:
    """Reads one crate: the root file and every module file it declares."""

    def __init__(self, crate: Crate, base: Path):
        self.crate = crate
        self.base = base  # paths in reports are relative to this directory
        self.seen: set[Path] = set()

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.base))
        except ValueError:
            return str(path)

    def parse_file(self, path: Path, module: Module, mod_dir: Path) -> None:
        """Parses `path`, the file of `module`; `mod_dir` is where its `mod x;` files are."""
        path = path.resolve()
        if path in self.seen:
            return
        self.seen.add(path)
        self.crate.add_module(module, path)
        tokens, strings = tokenize(path.read_text(encoding="utf-8"))
        self.parse_tokens(tokens, strings, path, module, mod_dir)

    def parse_tokens(self, tokens: list[Token], strings: list[str], path: Path, module: Module, mod_dir: Path) -> None:
        # Each open inline module: (its path, its directory, the brace depth inside it).
        stack: list[tuple[Module, Path, int]] = [(module, mod_dir, 0)]
        depth = 0
        path_attr: str | None = None
        cfg_test = False
        i = 0
        n = len(tokens)

        def tok(k: int) -> str:
            return tokens[k].text if k < n else ""

        while i < n:
            t = tokens[i].text
            current, cur_dir, body_depth = stack[-1]
            where = f"{self.rel(path)}:{tokens[i].line}"
            if t == "#" and tok(i + 1) in ("[", "!"):
                i, attr_path, attr_test = self.read_attribute(tokens, strings, i)
                if attr_path is not None:
                    path_attr = attr_path
                cfg_test = cfg_test or attr_test
                continue
            if t == "{":
                depth += 1
            elif t == "}":
                if len(stack) > 1 and depth == stack[-1][2]:
                    stack.pop()
                depth -= 1
                path_attr, cfg_test = None, False
            elif t == ";":
                path_attr, cfg_test = None, False
            elif t == "mod" and tok(i - 1) != "::" and is_ident(tok(i + 1)) and tok(i + 2) in (";", "{"):
                name = tok(i + 1)
                child = current + (name,)
                if cfg_test:
                    self.crate.test_modules.add(child)
                if tok(i + 2) == ";":
                    self.declare_file_module(child, cur_dir, path, path_attr, where)
                    i += 3
                else:
                    self.crate.add_module(child, path)
                    depth += 1
                    stack.append((child, cur_dir / name, depth))
                    i += 3
                path_attr, cfg_test = None, False
                continue
            elif t == "use" and tok(i - 1) != "::":
                i = self.read_use(tokens, i + 1, current, path, cfg_test)
                path_attr, cfg_test = None, False
                continue
            elif t in ("crate", "super", "self") and tok(i + 1) == "::" and tok(i - 1) not in ("::", "in"):
                i = self.read_reference(tokens, i, current, path)
                continue
            elif t in ITEM_KEYWORDS and depth == body_depth and is_ident(tok(i + 1)):
                self.crate.items[current].add(tok(i + 1))
            elif t == "macro_rules" and tok(i + 1) == "!" and is_ident(tok(i + 2)):
                self.crate.items[current].add(tok(i + 2))
            i += 1

    def read_attribute(self, tokens: list[Token], strings: list[str], i: int) -> tuple[int, str | None, bool]:
        """Skips `#[...]` or `#![...]` from `i`; returns the index after it, the value of a
        `path = "..."` attribute, and whether it is `cfg(test)`."""
        j = i + 1
        if tokens[j].text == "!":
            j += 1
        start, level = j, 0
        while j < len(tokens):
            if tokens[j].text == "[":
                level += 1
            elif tokens[j].text == "]":
                level -= 1
                if level == 0:
                    break
            j += 1
        inner = [t.text for t in tokens[start + 1 : j]]
        value = None
        if len(inner) == 3 and inner[0] == "path" and inner[1] == "=" and inner[2].startswith('"'):
            value = strings[int(inner[2].strip('"'))]
        return j + 1, value, inner == ["cfg", "(", "test", ")"]

    def declare_file_module(self, child: Module, cur_dir: Path, path: Path, path_attr: str | None, where: str) -> None:
        name = child[-1]
        if path_attr is not None:
            candidates = [path.parent / path_attr]
        else:
            candidates = [cur_dir / f"{name}.rs", cur_dir / name / "mod.rs"]
        for file in candidates:
            if file.is_file():
                is_mod_rs = path_attr is None and file.name == "mod.rs"
                # `#[path]` files and `x/mod.rs` keep their children next to them;
                # `x.rs` keeps them in `x/`.
                sub_dir = file.parent if (is_mod_rs or path_attr is not None) else file.parent / name
                self.parse_file(file, child, sub_dir)
                return
        self.crate.add_module(child, path)
        self.crate.problems.append(f"{where}: no file for `mod {name};` (looked for {', '.join(self.rel(c) for c in candidates)})")

    def read_use(self, tokens: list[Token], i: int, module: Module, path: Path, test_only: bool) -> int:
        """Reads the tree of a `use` declaration starting at `i`; returns the index after `;`."""
        end = i
        while end < len(tokens) and tokens[end].text != ";":
            end += 1
        words = [t.text for t in tokens[i:end]]
        where = f"{self.rel(path)}:{tokens[i].line if i < len(tokens) else 0}"
        text = "use " + "".join(f" {w} " if w == "as" else f"{w} " if w == "," else w for w in words)
        try:
            leaves, _ = parse_use_tree(words, 0, [])
        except (IndexError, ValueError):
            self.crate.problems.append(f"{where}: could not read `{text}`")
            return end + 1
        for segments, alias, glob in leaves:
            if segments and segments[-1] == "self":  # `a::{self, b}` names `a` itself
                segments = segments[:-1]
            if not segments:
                continue
            name = None if glob or alias == "_" else (alias or segments[-1])
            self.crate.uses.append(UseItem(module, segments, name, glob, where, text, test_only))
        return end + 1

    def read_reference(self, tokens: list[Token], i: int, module: Module, path: Path) -> int:
        segments = [tokens[i].text]
        j = i + 1
        while j + 1 < len(tokens) and tokens[j].text == "::" and is_ident(tokens[j + 1].text):
            segments.append(tokens[j + 1].text)
            j += 2
        where = f"{self.rel(path)}:{tokens[i].line}"
        self.crate.references.append(Reference(module, segments, where, "::".join(segments)))
        return j


def parse_use_tree(words: list[str], i: int, prefix: list[str]) -> tuple[list[tuple[list[str], str | None, bool]], int]:
    """Expands one use tree at `words[i]`: each leaf's full segments, its `as` name and
    whether it is a glob."""
    segments = list(prefix)
    if i < len(words) and words[i] == "::":
        i += 1
    leaves: list[tuple[list[str], str | None, bool]] = []
    while True:
        word = words[i]
        if word == "{":
            i += 1
            while words[i] != "}":
                sub, i = parse_use_tree(words, i, segments)
                leaves += sub
                if words[i] == ",":
                    i += 1
            return leaves, i + 1
        if word == "*":
            return [(segments, None, True)], i + 1
        if not is_ident(word):
            raise ValueError(word)
        segments = segments + [word]
        i += 1
        if i < len(words) and words[i] == "::":
            i += 1
            continue
        alias = None
        if i < len(words) and words[i] == "as":
            alias = words[i + 1]
            i += 2
        return [(segments, alias, False)], i


# --- resolving paths ------------------------------------------------------------------


class Resolver:
    """Finds the modules a path leads to, following `use` bindings and globs."""

    def __init__(self, crate: Crate):
        self.crate = crate
        self.named: dict[tuple[Module, str], list[UseItem]] = {}
        self.globs: dict[Module, list[UseItem]] = {}
        for use in crate.uses:
            if use.glob:
                self.globs.setdefault(use.module, []).append(use)
            elif use.name:
                self.named.setdefault((use.module, use.name), []).append(use)
        self.active: set[tuple[Module, tuple[str, ...]]] = set()

    def targets(self, module: Module, segments: list[str]) -> list[Module]:
        """The modules `segments`, written in `module`, depends on: the deepest module the
        path names, and the module the item is defined in after re-exports. Empty for a
        path outside the crate."""
        start = self.anchor(module, segments)
        found = self.resolve(module, segments)
        if start is None or (found is None and segments[0] not in ("crate", "super", "self")):
            return []
        named, rest = start
        for s in rest:
            if s not in self.crate.children.get(named, ()):
                break
            named = named + (s,)
        return [named] if found is None or found[0] == named else [named, found[0]]

    def resolve(self, module: Module, segments: list[str]) -> tuple[Module, list[str]] | None:
        """Where `segments`, written in `module`, leads (see `walk`)."""
        start = self.anchor(module, segments)
        if start is None:
            return None
        return self.walk(*start, relative=segments[0] not in ("crate", "super", "self"))

    def anchor(self, module: Module, segments: list[str]) -> tuple[Module, list[str]] | None:
        first = segments[0]
        if first == "crate":
            return (), segments[1:]
        if first in ("super", "self"):
            m, k = module, 0
            while k < len(segments) and segments[k] in ("super", "self"):
                if segments[k] == "super":
                    if not m:
                        return None
                    m = m[:-1]
                k += 1
            return m, segments[k:]
        return module, segments

    def walk(self, module: Module, rest: list[str], relative: bool = False) -> tuple[Module, list[str]] | None:
        """Follows `rest` from `module`: into child modules, through bindings and globs.
        Returns the module reached and the segments left (the item's name and beyond),
        or None when the path leaves the crate."""
        key = (module, tuple(rest))
        if key in self.active:
            return module, rest
        self.active.add(key)
        try:
            for k, s in enumerate(rest):
                if s in self.crate.children.get(module, ()):
                    module = module + (s,)
                    relative = False
                    continue
                hop = self.through_binding(module, s)
                if hop is None and relative:
                    return None  # another crate, or the prelude
                if hop is None:
                    return module, rest[k:]
                target, left = hop
                if target is None:
                    return None
                if left:
                    return self.walk(target, left + rest[k + 1 :]) or (module, rest[k:])
                module = target
                relative = False
            return module, []
        finally:
            self.active.discard(key)

    def through_binding(self, module: Module, name: str) -> tuple[Module | None, list[str]] | None:
        """Where `name`, a binding in `module`, leads: (module, segments left), (None, _)
        for another crate, or None when `module` has no such binding."""
        for use in self.named.get((module, name), []):
            return self.resolve(use.module, use.segments) or (None, [])
        if name in self.crate.items.get(module, ()):
            return None
        for use in self.globs.get(module, []):
            found = self.resolve(use.module, use.segments)
            if found is None or found[1]:
                continue
            glob_module = found[0]
            if (
                name in self.crate.children.get(glob_module, ())
                or name in self.crate.items.get(glob_module, ())
                or (glob_module, name) in self.named
            ):
                return glob_module, [name]
        return None


# --- cycles ---------------------------------------------------------------------------


@dataclass
class Edge:
    parent: Module
    source: str
    target: str
    where: list[str]


def sibling_edges(crate: Crate, include_tests: bool = False) -> dict[tuple[Module, str, str], list[str]]:
    """Every dependency lifted to the sibling level: (common parent, from, to) -> places.
    Test code (`#[cfg(test)]` modules and uses) is left out unless `include_tests`."""
    resolver = Resolver(crate)
    raw: list[tuple[Module, Module, str]] = []
    for use in [*crate.uses, *crate.references]:
        if not include_tests and (use.test_only or crate.is_test(use.module)):
            continue
        for target in resolver.targets(use.module, use.segments):
            raw.append((use.module, target, f"{use.where}: {use.text}"))
    edges: dict[tuple[Module, str, str], list[str]] = {}
    for source, target, where in raw:
        common = 0
        while common < min(len(source), len(target)) and source[common] == target[common]:
            common += 1
        if common == len(source) or common == len(target):
            continue  # the same module, or one inside the other
        key = (source[:common], source[common], target[common])
        places = edges.setdefault(key, [])
        if where not in places:
            places.append(where)
    return edges


def strongly_connected(nodes: set[str], succ: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm; the components, each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(succ.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            out.append(sorted(component))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


@dataclass
class Cycle:
    crate: str
    parent: Module
    members: list[str]
    edges: list[Edge]


def find_cycles(crate: Crate, include_tests: bool = False) -> list[Cycle]:
    edges = sibling_edges(crate, include_tests)
    by_parent: dict[Module, dict[str, set[str]]] = {}
    for parent, source, target in edges:
        by_parent.setdefault(parent, {}).setdefault(source, set()).add(target)
    cycles = []
    for parent in sorted(by_parent):
        succ = by_parent[parent]
        nodes = set(succ) | {t for ts in succ.values() for t in ts}
        for component in strongly_connected(nodes, succ):
            if len(component) < 2:
                continue
            inside = set(component)
            cycle_edges = [
                Edge(parent, s, t, edges[(parent, s, t)])
                for s in component
                for t in sorted(succ.get(s, ()))
                if t in inside
            ]
            cycles.append(Cycle(crate.name, parent, component, cycle_edges))
    return cycles


# --- the workspace --------------------------------------------------------------------


def crate_roots(crate_dir: Path) -> list[Path]:
    """Every compilation root of the package in `crate_dir`."""
    roots: list[Path] = []
    manifest = crate_dir / "Cargo.toml"
    config = tomllib.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else {}
    if (crate_dir / "src/lib.rs").is_file():
        roots.append(crate_dir / "src/lib.rs")
    if isinstance(config.get("lib"), dict) and "path" in config["lib"]:
        roots.append(crate_dir / config["lib"]["path"])
    if (crate_dir / "src/main.rs").is_file():
        roots.append(crate_dir / "src/main.rs")
    for section in ("bin", "test", "example", "bench"):
        for target in config.get(section, []):
            if "path" in target:
                roots.append(crate_dir / target["path"])
    for pattern in ("src/bin/*.rs", "src/bin/*/main.rs", "tests/*.rs", "tests/*/main.rs", "examples/*.rs", "benches/*.rs"):
        roots.extend(sorted(crate_dir.glob(pattern)))
    unique: list[Path] = []
    for root in roots:
        if root.is_file() and root.resolve() not in {u.resolve() for u in unique}:
            unique.append(root)
    return unique


def workspace_crates(root: Path) -> list[Path]:
    """The workspace members, and fuzz/ when it is there (its own workspace)."""
    manifest = tomllib.loads((root / "Cargo.toml").read_text(encoding="utf-8"))
    members = manifest.get("workspace", {}).get("members", [])
    dirs = []
    for member in members:
        dirs.extend(sorted(p for p in root.glob(member) if (p / "Cargo.toml").is_file()))
    if (root / "fuzz/Cargo.toml").is_file() and root / "fuzz" not in dirs:
        dirs.append(root / "fuzz")
    return dirs


def read_crate(root_file: Path, base: Path) -> Crate:
    crate = Crate(name=str(root_file.relative_to(base)) if root_file.is_relative_to(base) else str(root_file), root_file=root_file)
    Parser(crate, base).parse_file(root_file, (), root_file.parent)
    return crate


def check(root: Path, crate_dirs: list[Path], out=sys.stdout, include_tests: bool = False) -> tuple[list[Cycle], list[str]]:
    cycles: list[Cycle] = []
    problems: list[str] = []
    for crate_dir in crate_dirs:
        for root_file in crate_roots(crate_dir):
            crate = read_crate(root_file, root)
            found = find_cycles(crate, include_tests)
            problems += crate.problems
            cycles += found
            print(f"{crate.name}: {len(crate.files)} modules, {len(found)} cycle(s)", file=out)
    for cycle in cycles:
        parent = "::".join(("crate",) + cycle.parent)
        print(f"\ncycle in {cycle.crate}, among the children of {parent}: {', '.join(cycle.members)}", file=out)
        for edge in cycle.edges:
            print(f"  {edge.source} -> {edge.target}", file=out)
            for place in edge.where[:EDGE_EXAMPLES]:
                print(f"      {place}", file=out)
            if len(edge.where) > EDGE_EXAMPLES:
                print(f"      ... and {len(edge.where) - EDGE_EXAMPLES} more", file=out)
    for problem in problems:
        print(f"warning: {problem}", file=out)
    return cycles, problems


# --- the self-test --------------------------------------------------------------------

SELF_TEST_TREE = {
    "Cargo.toml": '[workspace]\nmembers = ["demo"]\n',
    "demo/Cargo.toml": '[package]\nname = "demo"\n',
    "demo/src/lib.rs": """
        //! mod ignored;   (a comment: not a module)
        mod a;
        mod b;
        mod c;
        mod layered;
        mod relay;
        #[path = "elsewhere/d_file.rs"]
        mod d;
        pub use c::Shared;
        fn uses_children() { a::f(); b::g(); }
    """,
    # a -> b through a grouped, nested, pub(crate) use.
    "demo/src/a.rs": """
        pub(crate) use crate::{b::{self, Thing}, layered::{Low}};
        pub fn f() {}
        const NOT_A_PATH: &str = "crate::c::Shared";
        mod tests { use super::*; use crate::a::f as same; }
    """,
    # b -> c by a path in an expression, c -> a by `super::a::f()`: the cycle a, b, c.
    "demo/src/b.rs": """
        pub struct Thing;
        pub fn g() -> u32 { let x = crate::c::helper(); x }
    """,
    "demo/src/c.rs": """
        pub struct Shared;
        pub fn helper() -> u32 { super::a::f(); 1 }
        /* a block comment: crate::layered::Low is not used here */
        fn lifetimes<'a>(s: &'a str) -> char { let _ = s; '{' }
    """,
    # layered/ has children using each other one way only, and their parent.
    "demo/src/layered/mod.rs": """
        mod low;
        mod high;
        pub use low::Low;
        pub(crate) fn shared() {}
    """,
    # low -> high only in test code: not a cycle unless test code is counted.
    "demo/src/layered/low.rs": """
        pub struct Low; fn f() { super::shared(); }
        #[cfg(test)]
        use super::high::Helper;
        #[cfg(test)]
        mod tests { fn t() { let _ = super::super::high::Helper; } }
    """,
    "demo/src/layered/high.rs": "use super::low::Low;\npub struct Helper;\n",
    # relay/: x -> y via a glob re-export in relay, y -> x via `self::super`.
    "demo/src/relay.rs": """
        mod x;
        mod y;
        mod inline_mod {
            pub fn z() { super::x::X; }
        }
        pub use y::*;
    """,
    "demo/src/relay/x.rs": "pub struct X;\nfn f() { let _ = crate::relay::FromY; }\n",
    "demo/src/relay/y.rs": "pub struct FromY;\nuse self::super::x::X as _;\n",
    "demo/src/elsewhere/d_file.rs": "use crate::Shared;\n",
}


def self_test() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, text in SELF_TEST_TREE.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n".join(line.strip() for line in text.splitlines()) + "\n", encoding="utf-8")
        with open(os.devnull, "w", encoding="utf-8") as sink:
            cycles, problems = check(root, workspace_crates(root), out=sink)
        found = {(c.parent, tuple(c.members)) for c in cycles}
        expected = {
            ((), ("a", "b", "c")),
            (("relay",), ("x", "y")),
        }
        failures = []
        if found != expected:
            failures.append(f"cycles {sorted(found)}, expected {sorted(expected)}")
        edges = {(c.parent, e.source, e.target): e.where for c in cycles for e in c.edges}
        for key in [((), "a", "b"), ((), "b", "c"), ((), "c", "a"), (("relay",), "x", "y"), (("relay",), "y", "x")]:
            if key not in edges:
                failures.append(f"missing edge {key}")
        all_edges = sibling_edges(read_crate(root / "demo/src/lib.rs", root))
        # d uses crate::Shared, which the root re-exports from c; high uses its sibling low.
        for key in [((), "d", "c"), (("layered",), "high", "low"), ((), "a", "layered")]:
            if key not in all_edges:
                failures.append(f"missing edge {key}")
        with_tests = find_cycles(read_crate(root / "demo/src/lib.rs", root), include_tests=True)
        if (("layered",), ["high", "low"]) not in [(c.parent, c.members) for c in with_tests]:
            failures.append("the test-only cycle high <-> low is not found with include_tests")
        if ((), "a", "c") in all_edges:
            failures.append("a string literal was read as a path (a -> c)")
        if any("NOT_A_PATH" in w or "block comment" in w for ws in edges.values() for w in ws):
            failures.append("a comment or string was read as a path")
        if problems:
            failures.append(f"problems: {problems}")
        crate = read_crate(root / "demo/src/lib.rs", root)
        if ("d",) not in crate.files or not str(crate.files[("d",)]).endswith("d_file.rs"):
            failures.append("#[path] was not followed")
        if ("ignored",) in crate.files:
            failures.append("a `mod` in a comment was read")
        if ("relay", "inline_mod") not in crate.files:
            failures.append("the inline module was not seen")
        # Without the back edges there is no cycle.
        (root / "demo/src/c.rs").write_text("pub struct Shared;\npub fn helper() -> u32 { 1 }\n", encoding="utf-8")
        (root / "demo/src/relay/y.rs").write_text("pub struct FromY;\n", encoding="utf-8")
        with open(os.devnull, "w", encoding="utf-8") as sink:
            cycles, _ = check(root, workspace_crates(root), out=sink)
        if cycles:
            failures.append(f"cycles left after removing the back edges: {[c.members for c in cycles]}")
    for failure in failures:
        print(f"check-module-cycles self-test: FAILED: {failure}", file=sys.stderr)
    if not failures:
        print("check-module-cycles self-test: ok")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent, help="the workspace root (default: this repository)")
    parser.add_argument("--self-test", action="store_true", help="check this script on a small tree with known cycles")
    parser.add_argument("--include-tests", action="store_true", help="count the edges of #[cfg(test)] modules and uses too")
    parser.add_argument("crates", nargs="*", type=Path, help="crate directories (default: every workspace member, and fuzz/)")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    root = args.root.resolve()
    dirs = [d.resolve() for d in args.crates] or workspace_crates(root)
    cycles, _ = check(root, dirs, include_tests=args.include_tests)
    if cycles:
        print(f"\ncheck-module-cycles: {len(cycles)} cycle(s) among sibling modules")
        return 1
    print("check-module-cycles: no cycle among sibling modules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
