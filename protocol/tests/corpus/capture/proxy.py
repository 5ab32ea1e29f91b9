"""A recording TCP proxy: the wire truth of a capture.

It listens on 127.0.0.1 (a free port), and relays each accepted connection to the real
server, recording every chunk of bytes in the order the proxy saw them:
("c", bytes) from the client, ("s", bytes) from the server, ("c-eof",) / ("s-eof",) when a
side closed. A reply can only be seen after the command it answers was relayed, so the
order of the events is a causal order of the session.
"""

import selectors
import socket
import threading
import time


class Proxy:
    def __init__(self, upstream_host, upstream_port, *, src_addr=None):
        self.upstream = (upstream_host, upstream_port)
        self.src_addr = src_addr
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.port = self.listener.getsockname()[1]
        self.connections = []  # one event list per accepted connection
        self._stop = threading.Event()
        self._threads = []
        self._accept_thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._accept_thread.start()

    def _accept_loop(self):
        self.listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                client, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            events = []
            self.connections.append(events)
            t = threading.Thread(target=self._relay, args=(client, events), daemon=True)
            t.start()
            self._threads.append(t)

    def _relay(self, client, events):
        try:
            server = socket.create_connection(self.upstream, timeout=5,
                                              source_address=(self.src_addr, 0) if self.src_addr else None)
        except OSError as err:
            events.append(("error", str(err).encode()))
            client.close()
            return
        sel = selectors.DefaultSelector()
        sel.register(client, selectors.EVENT_READ, ("c", server))
        sel.register(server, selectors.EVENT_READ, ("s", client))
        open_sides = {"c", "s"}
        while open_sides and not self._stop.is_set():
            for key, _ in sel.select(timeout=0.2):
                side, other = key.data
                try:
                    data = key.fileobj.recv(65536)
                except OSError:
                    data = b""
                if data:
                    events.append((side, data, time.monotonic()))
                    try:
                        other.sendall(data)
                    except OSError:
                        pass
                else:
                    events.append((side + "-eof", b"", time.monotonic()))
                    sel.unregister(key.fileobj)
                    open_sides.discard(side)
                    try:
                        other.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
        for s in (client, server):
            try:
                s.close()
            except OSError:
                pass

    def wait_idle(self, timeout=10.0):
        """Waits until every relayed connection has finished (both sides closed)."""
        deadline = time.monotonic() + timeout
        for t in list(self._threads):
            t.join(max(0.0, deadline - time.monotonic()))

    def close(self):
        self._stop.set()
        try:
            self.listener.close()
        except OSError:
            pass
        self._accept_thread.join(1)
        for t in self._threads:
            t.join(1)

    def server_bytes(self, conn=0):
        return b"".join(e[1] for e in self.connections[conn] if e[0] == "s")

    def client_bytes(self, conn=0):
        return b"".join(e[1] for e in self.connections[conn] if e[0] == "c")
