# SPDX-License-Identifier: GPL-2.0-or-later
"""Files the transfer tests send, and how they compare what arrived."""

import hashlib
import os


def make_file(directory, name, size):
    """A file of size bytes in directory (pseudo-random, so that nothing compresses it
    away); its path."""
    path = os.path.join(directory, name)
    block = hashlib.sha256(name.encode()).digest() * 2048  # 64 KiB
    with open(path, "wb") as f:
        left = size
        while left > 0:
            f.write(block[:min(left, len(block))])
            left -= min(left, len(block))
    return path


def sha256(path):
    """The file's SHA-256, read 1 MiB at a time (the 200 MB ones too)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
