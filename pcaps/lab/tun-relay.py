#!/usr/bin/python3
"""A wire between two tun devices in two network namespaces (a point-to-point IP link).

Usage: tun-relay.py NETNS_PATH_A IFNAME_A NETNS_PATH_B IFNAME_B

Creates tun device IFNAME_A inside the namespace at NETNS_PATH_A and IFNAME_B inside
NETNS_PATH_B (IFF_TUN without packet information), then copies every IP packet written
by one kernel to the other. Capturing on such a device gives link type DLT_RAW, with
the packets of real programs and no link-layer header. Runs until killed.
"""
import ctypes
import fcntl
import os
import select
import signal
import struct
import sys

CLONE_NEWNET = 0x40000000
TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000

libc = ctypes.CDLL(None, use_errno=True)


def enter_netns(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns %s: %s" % (path, os.strerror(err)))
    finally:
        os.close(fd)


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    ifr = struct.pack("16sH22x", name.encode(), IFF_TUN | IFF_NO_PI)
    fcntl.ioctl(fd, TUNSETIFF, ifr)
    return fd


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    ns_a, if_a, ns_b, if_b = sys.argv[1:]
    enter_netns(ns_a)
    fd_a = open_tun(if_a)
    enter_netns(ns_b)
    fd_b = open_tun(if_b)
    peer = {fd_a: fd_b, fd_b: fd_a}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        ready, _, _ = select.select([fd_a, fd_b], [], [])
        for fd in ready:
            packet = os.read(fd, 65535)
            try:
                os.write(peer[fd], packet)
            except OSError:
                # The other side is down (still being configured): drop, as a wire would.
                pass


if __name__ == "__main__":
    main()
