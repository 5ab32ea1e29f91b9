#!/usr/bin/env python3
"""Shortens the names between the WebAssembly module and its JavaScript glue.

wasm-bindgen names every import after the JavaScript it calls plus a hash
(`__wbg_addEventListener_847fd86b8c33ec43`); the names appear twice, in the module's import
section and as keys of the glue's import object, and with their hashes they barely compress
(about 5 KB of the gzipped app). This renames each one to a short name (`a`, `b`, ... `ba`)
in both files. An import is renamed only when its name appears exactly once in the glue, as
a key (`name:`), so anything unexpected leaves that name as it was.

The glue's own exports (`__wbindgen_malloc`, the closure trampolines ...) are renamed the
same way wherever the glue names them as a property (`.name`); `memory`, `main` and any
name the glue does not use that way keep theirs.

Usage: minify-imports.py APP.wasm APP.js
"""

import re
import string
import sys

ALPHABET = string.ascii_letters


def leb(data, at):
    """Reads an unsigned LEB128 number: (value, next offset)."""
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def to_leb(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def short_names():
    """a, b, ..., Z, ba, bb, ...: never a JavaScript keyword, never starting with a digit."""
    n = 0
    while True:
        name, k = "", n
        while True:
            name = ALPHABET[k % len(ALPHABET)] + name
            k //= len(ALPHABET)
            if k == 0:
                break
        n += 1
        if name not in ("do", "if", "in"):
            yield name


def import_desc_end(data, at, kind):
    """The offset after an import's description."""
    if kind in (0, 4):  # function: type index; tag: attribute and type index
        if kind == 4:
            at += 1
        _, at = leb(data, at)
    elif kind in (1, 2):  # table: element type and limits; memory: limits
        if kind == 1:
            at += 1
        flags, at = leb(data, at)
        _, at = leb(data, at)
        if flags & 1:
            _, at = leb(data, at)
    elif kind == 3:  # global: value type and mutability
        at += 2
    else:
        raise ValueError(f"unknown import kind {kind}")
    return at


def main():
    wasm_path, js_path = sys.argv[1], sys.argv[2]
    wasm = open(wasm_path, "rb").read()
    js = open(js_path, encoding="utf-8").read()
    if wasm[:8] != b"\0asm\1\0\0\0":
        sys.exit(f"{wasm_path} is not a WebAssembly module")

    at = 8
    while at < len(wasm):
        section, body = wasm[at], leb(wasm, at + 1)
        size, start = body
        if section == 2:
            break
        at = start + size
    else:
        sys.exit("no import section")

    count, pos = leb(wasm, start)
    entries = []
    for _ in range(count):
        length, pos = leb(wasm, pos)
        module = wasm[pos : pos + length]
        pos += length
        length, pos = leb(wasm, pos)
        field = wasm[pos : pos + length].decode("utf-8")
        pos += length
        kind = wasm[pos]
        end = import_desc_end(wasm, pos + 1, kind)
        entries.append((module, field, wasm[pos:end]))
        pos = end
    if pos != start + size:
        sys.exit("the import section did not parse to its end")

    names = short_names()
    taken = {field for _, field, _ in entries}
    renamed = 0
    out = bytearray(to_leb(count))
    for module, field, desc in entries:
        key = re.compile(r"(?<![\w$])" + re.escape(field) + r"(?![\w$])")
        uses = key.findall(js)
        if len(uses) == 1 and re.search(r"(?<![\w$])" + re.escape(field) + r":", js):
            new = next(names)
            while new in taken:
                new = next(names)
            js = key.sub(new, js)
            field = new
            renamed += 1
        out += to_leb(len(module)) + module
        encoded = field.encode("utf-8")
        out += to_leb(len(encoded)) + encoded + desc

    wasm = wasm[:at] + bytes([2]) + to_leb(len(out)) + bytes(out) + wasm[start + size :]

    # The export section, after the import section.
    at = 8
    while at < len(wasm):
        section = wasm[at]
        size, start = leb(wasm, at + 1)
        if section == 7:
            break
        at = start + size
    else:
        sys.exit("no export section")
    count, pos = leb(wasm, start)
    exports = []
    for _ in range(count):
        length, pos = leb(wasm, pos)
        field = wasm[pos : pos + length].decode("utf-8")
        pos += length
        end = pos + 1
        _, end = leb(wasm, end)
        exports.append((field, wasm[pos:end]))
        pos = end
    if pos != start + size:
        sys.exit("the export section did not parse to its end")
    taken = {field for field, _ in exports}
    exported = 0
    out = bytearray(to_leb(count))
    for field, desc in exports:
        token = re.compile(r"(?<![\w$])" + re.escape(field) + r"(?![\w$])")
        as_property = re.compile(r"(?<=\.)" + re.escape(field) + r"(?![\w$])")
        uses = len(token.findall(js))
        if field.startswith(("__wbindgen_", "__externref_", "wasm_bindgen__")) and uses and (
            uses == len(as_property.findall(js))
        ):
            new = next(names)
            while new in taken:
                new = next(names)
            js = as_property.sub(new, js)
            field = new
            exported += 1
        encoded = field.encode("utf-8")
        out += to_leb(len(encoded)) + encoded + desc
    wasm = wasm[:at] + bytes([7]) + to_leb(len(out)) + bytes(out) + wasm[start + size :]

    open(wasm_path, "wb").write(wasm)
    open(js_path, "w", encoding="utf-8").write(js)
    print(
        f"minify-imports: {renamed} of {len(entries)} import names and "
        f"{exported} of {count} export names shortened"
    )


if __name__ == "__main__":
    main()
