#!/usr/bin/env python3
"""Summaries for the review of the labels: counts per server and client, every distinct
(answers, reply text, reason) triple, and the checks a label file must pass.

Usage: review.py [--triples] [--table] [--show LABEL_FILE...]
"""
import collections
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def files():
    return sorted(p for p in ROOT.glob("*/*.labels.json") if p.parent.name != "capture")


def show(paths):
    """A compact listing of label files for reading them against their transcripts."""
    for f in paths:
        d = json.loads(Path(f).read_text(encoding="utf-8"))
        print(f"##### {f}  [{d['description'][:100]}]")
        for l in d["lines"]:
            if l["kind"] == "reply-continuation":
                continue
            if l["dir"] == "server":
                extra = f"{l.get('answers', '')}/{l.get('reason', '')}"
            else:
                extra = ",".join(l.get("allowed_findings", [])) + (" NOT_SENT" if l.get("not_sent") else "")
            print(f"  {l['dir'][0]} {l['kind'][:8]:8} {extra:40} | {l['text'][:90]}")
        print("  notes:", [(n["note"], n["text"][:50]) for n in d["notes"] if n["note"] != "tls-started"])
        print("  outcome:", d["outcome"])


def main():
    if "--show" in sys.argv:
        show(sys.argv[sys.argv.index("--show") + 1:])
        return
    triples = collections.Counter()
    per_server = collections.Counter()
    per_client = collections.Counter()
    per_class = collections.Counter()
    problems = []
    for p in files():
        d = json.loads(p.read_text(encoding="utf-8"))
        per_server[p.parent.name] += 1
        client = d["client"]
        per_client["smtplib" if client.startswith("smtplib") else client] += 1
        per_client[client] += 0 if not client.startswith("smtplib") else 1
        per_class[d.get("class", "")] += 1
        t = p.with_name(p.name.replace(".labels.json", ".txt")).read_text(encoding="utf-8")
        for l in d["lines"]:
            if l["kind"] == "reply":
                triples[(l["answers"], l["text"][:70], l["reason"])] += 1
                if l["reason"] == "generic" and not l["text"].startswith(("458", "459")):
                    problems.append(f"{p.relative_to(ROOT)}: generic reason for {l['text']!r}")
            if l["dir"] == "client" and "allowed_findings" not in l:
                problems.append(f"{p.relative_to(ROOT)}: client line without allowed_findings")
        # every SMTP line and note must be somewhere in the transcript, in order
        pos = 0
        for l in d["lines"]:
            needle = l["text"]
            if client.startswith("smtplib"):  # smtplib prints bytes reprs
                needle = repr(needle.encode("utf-8"))[2:-1].replace("\\'", "'")
            i = t.find(needle, pos)
            if i < 0:
                problems.append(f"{p.relative_to(ROOT)}: line {l['text'][:60]!r} not found in order")
            else:
                pos = i
    if "--table" in sys.argv:
        table = collections.Counter()
        clients_seen, servers_seen = set(), set()
        for p in files():
            d = json.loads(p.read_text(encoding="utf-8"))
            table[(p.parent.name, d["client"])] += 1
            clients_seen.add(d["client"])
            servers_seen.add(p.parent.name)
        cl = sorted(clients_seen)
        print("| server | " + " | ".join(cl) + " | total |")
        print("| --- | " + " | ".join("---:" for _ in cl) + " | ---: |")
        for sv in sorted(servers_seen):
            row = [table[(sv, c)] for c in cl]
            print(f"| {sv} | " + " | ".join(str(n) if n else "" for n in row) + f" | {sum(row)} |")
        tot = [sum(table[(sv, c)] for sv in servers_seen) for c in cl]
        print("| **total** | " + " | ".join(str(n) for n in tot) + f" | {sum(tot)} |")
        return
    if "--triples" in sys.argv:
        for (a, text, r), n in sorted(triples.items()):
            print(f"{n:4} {a:14} {r:24} {text}")
    print("per server:", dict(per_server))
    print("per client:", dict(per_client))
    print("per class:", dict(per_class))
    print("total:", sum(per_server.values()))
    for pr in problems:
        print("PROBLEM", pr)


if __name__ == "__main__":
    main()
