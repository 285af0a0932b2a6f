# SPDX-License-Identifier: GPL-2.0-or-later
# A loopback TCP relay that injects the faults real links have, between a client under test
# and a real server: reset (RST), half-close (FIN), blackhole (a silent link: bytes swallowed
# both ways, sockets kept open), one-way drop, delay, and truncation (part of the next chunk,
# then a reset). One thread, one selector; every loop is bounded by the proxy's lifetime.
"""Usage (in a test):
    proxy = FaultProxy(server.c2s_port); proxy.start()
    ... client connects to 127.0.0.1:proxy.port ...
    proxy.cut("rst"); proxy.set_mode("blackhole"); proxy.close()
"""

import selectors
import socket
import struct
import threading
import time

MODES = ("pass", "blackhole", "drop-up", "drop-down", "delay")


class _Pair:
    def __init__(self, client, server):
        self.client, self.server = client, server
        self.pending = []  # (due, sock, data): delayed chunks, in order
        self.silent = False  # this path swallows everything, both ways
        self.opened = time.monotonic()


class FaultProxy:
    def __init__(self, target_port, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.listener.setblocking(False)
        self.port = self.listener.getsockname()[1]
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ, None)
        self.lock = threading.Lock()
        self.pairs = []
        self.mode = "pass"
        self.delay_s = 0.0
        self.truncate_after = None  # bytes of the next server->client chunk before a reset
        self.accepted = []  # monotonic times of accepted connections
        self.stopping = False
        self.commands = []  # (how, threading.Event): cuts for the relay thread
        self.errors = []  # what went wrong inside the relay (for the test's report)
        self.trace = []  # (monotonic time, what happened), for a failing run's report
        self.thread = threading.Thread(target=self._run, daemon=True)

    # -- control (any thread) --------------------------------------------------------------
    def start(self):
        self.thread.start()
        return self

    def set_mode(self, mode, delay_s=0.0):
        assert mode in MODES, mode
        with self.lock:
            self.mode, self.delay_s = mode, delay_s
            self.trace.append((time.monotonic(), "mode %s" % mode))

    def cut(self, how="rst"):
        """Ends every live connection: 'rst' (abortive close) or 'fin' (both halves shut).
        Done by the relay thread (sockets are its alone); returns once done."""
        done = threading.Event()
        with self.lock:
            self.commands.append((how, done))
        if self.thread.is_alive():
            done.wait(timeout=5)
        else:
            self._cut_now(how)

    def _cut_now(self, how):
        with self.lock:
            pairs, self.pairs = self.pairs, []
            self.trace.append((time.monotonic(), "cut (%s), %d connection(s)" % (how, len(pairs))))
        for pair in pairs:
            for sock in (pair.client, pair.server):
                self._drop(sock, how)

    def silence_existing(self):
        """The connections open now go silent both ways (sockets kept open, as when a NAT
        forgets a mapping); new connections pass."""
        with self.lock:
            for pair in self.pairs:
                pair.silent = True

    def truncate_next(self, nbytes):
        """The next server->client chunk is cut after nbytes, then the link is reset."""
        with self.lock:
            self.truncate_after = nbytes

    def wait_live(self, for_s, timeout):
        """Until a connection has stayed open for_s seconds (the client is back), or timeout;
        True if it did."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                opened = [p.opened for p in self.pairs]
            if opened and time.monotonic() - max(opened) >= for_s:
                return True
            time.sleep(0.1)
        return False

    def n_accepted(self):
        with self.lock:
            return len(self.accepted)

    def accepted_since(self, t):
        with self.lock:
            return [a for a in self.accepted if a >= t]

    def close(self):
        self.stopping = True
        self.thread.join(timeout=5)
        self._cut_now("rst")
        try:
            self.selector.unregister(self.listener)
        except (KeyError, ValueError):
            pass
        self.listener.close()
        self.selector.close()

    # -- the relay ---------------------------------------------------------------------------
    def _drop(self, sock, how):
        try:
            self.selector.unregister(sock)
        except (KeyError, ValueError):
            pass
        try:
            if how == "rst":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()

    def _accept(self):
        try:
            client, _ = self.listener.accept()
        except OSError:
            return
        try:
            server = socket.create_connection(self.target, timeout=5)
        except OSError as exc:
            self.errors.append("connect to the server: %s" % exc)
            client.close()
            return
        client.setblocking(False)
        server.setblocking(False)
        pair = _Pair(client, server)
        with self.lock:
            self.pairs.append(pair)
            self.accepted.append(time.monotonic())
            self.trace.append((time.monotonic(), "accepted"))
        self.selector.register(client, selectors.EVENT_READ, (pair, "up"))
        self.selector.register(server, selectors.EVENT_READ, (pair, "down"))

    def _forward(self, pair, direction):
        src = pair.client if direction == "up" else pair.server
        dst = pair.server if direction == "up" else pair.client
        try:
            data = src.recv(65536)
        except OSError:
            data = b""
        if not data:
            with self.lock:
                self.trace.append((time.monotonic(), "closed by the %s" % (
                    "client" if direction == "up" else "server")))
                if pair in self.pairs:
                    self.pairs.remove(pair)
            # The peer closed: pass the half-close on, as a real path would.
            self._drop(src, "fin")
            self._drop(dst, "fin")
            return
        with self.lock:
            mode, delay, truncate = self.mode, self.delay_s, self.truncate_after
            if truncate is not None and direction == "down":
                self.truncate_after = None
        if pair.silent or mode == "blackhole" or (mode == "drop-up" and direction == "up") or (
                mode == "drop-down" and direction == "down"):
            return
        if truncate is not None and direction == "down":
            with self.lock:
                self.trace.append((time.monotonic(), "truncated after %d bytes" % truncate))
            self._send(dst, data[:truncate])
            with self.lock:
                if pair in self.pairs:
                    self.pairs.remove(pair)
            self._drop(pair.client, "rst")
            self._drop(pair.server, "rst")
            return
        if mode == "delay" and delay > 0:
            pair.pending.append((time.monotonic() + delay, dst, data))
            return
        self._send(dst, data)

    @staticmethod
    def _send(sock, data):
        try:
            sock.setblocking(True)
            sock.settimeout(5)
            sock.sendall(data)
        except OSError:
            pass
        finally:
            try:
                sock.setblocking(False)
            except OSError:
                pass

    def _flush_delayed(self):
        now = time.monotonic()
        with self.lock:
            pairs = list(self.pairs)
        for pair in pairs:
            while pair.pending and pair.pending[0][0] <= now:
                _, dst, data = pair.pending.pop(0)
                self._send(dst, data)

    def _run(self):
        try:
            self._loop()
        except Exception as exc:  # a bug here must show, not silently stop relaying
            self.errors.append("relay thread died: %r" % exc)
            raise

    def _loop(self):
        while not self.stopping:
            for key, _ in self.selector.select(timeout=0.05):
                if key.data is None:
                    self._accept()
                else:
                    pair, direction = key.data
                    self._forward(pair, direction)
            self._flush_delayed()
            with self.lock:
                commands, self.commands = self.commands, []
            for how, done in commands:
                self._cut_now(how)
                done.set()
