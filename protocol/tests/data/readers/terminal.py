#!/usr/bin/env python3
"""Runs a command in a pseudo-terminal and records what the terminal shows.

The reader tests need logs as people paste them: typed lines echoed by the terminal and
interleaved with what the tool prints. This types lines into a real terminal, waiting for
the tool's output between them, and writes the screen text (escape sequences removed, CRLF
as LF) to stdout.

    terminal.py [--shell] -- COMMAND... < SCRIPT

SCRIPT lines: `wait REGEX` (at most 10 s), `sleep SECONDS`, `type TEXT` (TEXT and Enter),
`typeraw TEXT` (Python escapes allowed, no Enter), `eof` (Ctrl-D), `end` (wait for the
command to exit, at most 10 s). With --shell the arguments are typed as one command line at
an interactive bash whose prompt is `$ `, so the log starts with the prompt and the command,
as a screen would.
"""

import os
import pty
import re
import select
import sys
import time

ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]")


def main():
    args = sys.argv[1:]
    shell = args[:1] == ["--shell"]
    if shell:
        args = args[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    steps = [line.rstrip("\n") for line in sys.stdin]
    env = dict(os.environ, TERM="dumb", PS1="$ ", INPUTRC="/dev/null", LANG="C.UTF-8")
    pid, fd = pty.fork()
    if pid == 0:
        if shell:
            os.execvpe("bash", ["bash", "--norc", "--noprofile", "--noediting", "-i"], env)
        os.execvpe(args[0], args, env)
    out = bytearray()

    def pump(timeout):
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        out.extend(data)
        return True

    def wait_for(pattern, limit=10.0):
        start = len(out) if pattern != "^" else 0
        deadline = time.time() + limit
        regex = re.compile(pattern.encode())
        while time.time() < deadline:
            if regex.search(bytes(out[mark[0]:])):
                mark[0] = len(out)
                return
            if not pump(0.05):
                return
        mark[0] = len(out)
        sys.stderr.write(f"terminal.py: timed out waiting for {pattern!r}\n")

    mark = [0]
    if shell:
        wait_for(r"\$ ")
        os.write(fd, " ".join(args).encode() + b"\r")
    for step in steps:
        verb, _, arg = step.partition(" ")
        if verb == "wait":
            wait_for(arg)
        elif verb == "sleep":
            deadline = time.time() + float(arg)
            while time.time() < deadline and pump(0.05):
                pass
        elif verb == "type":
            os.write(fd, arg.encode() + b"\r")
        elif verb == "typeraw":
            os.write(fd, arg.encode().decode("unicode_escape").encode("latin-1"))
        elif verb == "eof":
            os.write(fd, b"\x04")
        elif verb == "end":
            if shell:
                wait_for(r"\$ ")
                os.write(fd, b"exit\r")
            deadline = time.time() + 10
            while time.time() < deadline and pump(0.05):
                pass
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    # A screen shows no carriage returns: tools that print the server's CRLF verbatim
    # leave CR CR LF after the terminal's own CR LF.
    text = re.sub(rb"\r+\n", b"\n", ESCAPES.sub(b"", bytes(out)))
    if shell:
        cut = text.rfind(b"$ exit")
        if cut >= 0:
            text = text[:cut] + b"$ \n"
    sys.stdout.buffer.write(text)


if __name__ == "__main__":
    main()
