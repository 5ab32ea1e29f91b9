#!/usr/bin/env python3
"""A misbehaving SMTP server on loopback, for capturing how clients report it.

    fake_server.py silent PORT    accept, read, never answer (client timeouts)
    fake_server.py hangup PORT    send a greeting, read one line, close (unexpected close)

Serves until killed.
"""

import socket
import sys


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen()
    held = []
    while True:
        conn, _ = server.accept()
        if mode == "silent":
            held.append(conn)
            continue
        conn.sendall(b"220 fake.test ESMTP\r\n")
        conn.recv(4096)
        conn.close()


if __name__ == "__main__":
    main()
