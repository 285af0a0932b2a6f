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
CLONE_NEWUSER = 0x10000000
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1


def _interfaces():
    return sorted(name for _, name in socket.if_nameindex())


def _own_user_namespace(libc):
    """Where a plain unshare is not allowed (a container, an unprivileged user): a user
    namespace of our own, in which we are who we were, with its network namespace."""
    uid, gid = os.geteuid(), os.getegid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        return False
    try:
        with open("/proc/self/setgroups", "w") as f:
            f.write("deny")
        with open("/proc/self/uid_map", "w") as f:
            f.write("%d %d 1" % (uid, uid))
        with open("/proc/self/gid_map", "w") as f:
            f.write("%d %d 1" % (gid, gid))
    except OSError:
        return False
    return True


def enter_private_network():
    """True once in a namespace of our own (loopback up); False when the system does not let
    us make one (no namespaces at all): the caller then skips what needs it. Call it before
    any thread or child process is started."""
    if _interfaces() == ["lo"]:
        return True  # already alone (a namespace made by whoever started us)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0 and not _own_user_namespace(libc):
        return False
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        ifreq = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(s, SIOCGIFFLAGS, ifreq))[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | IFF_UP))
    return _interfaces() == ["lo"]
