# SPDX-License-Identifier: GPL-2.0-or-later
"""A SOCKS5 proxy the tests start on loopback: the account's proxy in purple's settings."""

import socket
import struct
import threading


class Socks5Proxy:
    """A SOCKS5 proxy on loopback (RFC 1928, no authentication, CONNECT only) that records
    where it was asked to connect. only_ports: the ports it connects to (others are refused,
    as a firewall would), None for any."""

    def __init__(self, only_ports=None):
        self.targets = []
        self.refused = []
        self.only_ports = only_ports
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while self.running:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    @staticmethod
    def _read(c, n):
        data = b""
        while len(data) < n:
            chunk = c.recv(n - len(data))
            if not chunk:
                raise OSError("closed")
            data += chunk
        return data

    def _serve(self, c):
        try:
            ver, n = self._read(c, 2)
            self._read(c, n)
            c.sendall(b"\x05\x00")
            _, cmd, _, atyp = self._read(c, 4)
            if atyp == 3:
                host = self._read(c, self._read(c, 1)[0]).decode()
            elif atyp == 1:
                host = socket.inet_ntoa(self._read(c, 4))
            else:
                host = socket.inet_ntop(socket.AF_INET6, self._read(c, 16))
            port = struct.unpack("!H", self._read(c, 2))[0]
            if self.only_ports is not None and port not in self.only_ports:
                self.refused.append((host, port))
                c.sendall(b"\x05\x02\x00\x01" + socket.inet_aton("0.0.0.0") + b"\x00\x00")
                c.close()
                return
            self.targets.append((host, port))
            up = socket.create_connection((host, port), timeout=30)
            c.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") + b"\x00\x00")
            for src, dst in ((c, up), (up, c)):
                threading.Thread(target=self._pipe, args=(src, dst), daemon=True).start()
        except OSError:
            c.close()

    @staticmethod
    def _pipe(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.running = False
        self.sock.close()
