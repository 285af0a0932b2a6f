# SPDX-License-Identifier: GPL-2.0-or-later
"""A network of the test's own: this process, and everything it starts from then on, in a new
network namespace with only a loopback interface (up). Direct file transfers advertise every
address a client has: in the namespace the only one is 127.0.0.1, so the clients reach each
other on loopback alone and no test connects to the machine's real interfaces."""

import ctypes
import fcntl
import os
import socket
import struct

CLONE_NEWNET = 0x40000000
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1


def _interfaces():
    return sorted(name for _, name in socket.if_nameindex())


def enter_private_network():
    """True once in a namespace of our own (loopback up); False when the system does not let
    us make one (not root, or no namespaces): the caller then skips what needs it. Call it
    before any thread or child process is started."""
    if _interfaces() == ["lo"]:
        return True  # already alone (a namespace made by whoever started us)
    libc = ctypes.CDLL(None, use_errno=True)
    if os.geteuid() != 0 or libc.unshare(CLONE_NEWNET) != 0:
        return False
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        ifreq = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(s, SIOCGIFFLAGS, ifreq))[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | IFF_UP))
    return _interfaces() == ["lo"]
