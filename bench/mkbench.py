#!/usr/bin/env python3
"""mkbench.py - builds a multi-million-packet benchmark capture from the project's own captures.

The lab captures under pcaps/ are small (a few hundred packets) but real. This
tool concatenates the usable frames of the Ethernet ones into a base sequence
and writes that sequence K times, each replica with its own addresses, so that
every replica's flows are whole (both directions, handshake to teardown) and
distinct from every other replica's:

  IPv4  the two low octets of each unicast address are XORed with a 16-bit
        value derived from the replica index and the input capture;
  IPv6  the last four bytes of the interface identifier (RFC 4291) of each
        unicast address are XORed with a 32-bit value derived from them.

XOR with one value per replica and capture is a bijection, so addresses that differ within
a replica still differ (a flow's two ends never merge) and the same address is
mapped the same way in both directions. Ports are kept. Multicast, broadcast
and unspecified addresses are left alone. IPv4 header, TCP, UDP and ICMPv6
checksums are patched incrementally (RFC 1624) so the output stays valid.

Each replica's timestamps are shifted by the base sequence's span plus a gap,
so time runs forward through the file as in one long capture.

Frames that cannot be rewritten safely are left out: non-IP frames (ARP...),
tunnels (IP-in-IP, GRE, VXLAN, Geneve, GTP-U), MPLS and PPPoE, fragments
(their L4 checksum covers bytes of other frames), ICMP errors (they quote an
inner header with the old addresses) and IPv6 packets with extension headers
other than hop-by-hop and destination options.

Usage: mkbench.py [-n PACKETS] [-o OUT] [--gap SECONDS] [CAPTURE ...]
       (default: every Ethernet-linktype *.pcap directly under pcaps/,
        3,000,000 packets, bench/work/bench.pcap)
"""
import argparse
import glob
import os
import struct
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

LINKTYPE_ETHERNET = 1
MAGIC_US = 0xA1B2C3D4
MAGIC_NS = 0xA1B23C4D

ETH_IPV4 = 0x0800
ETH_IPV6 = 0x86DD
ETH_VLAN = (0x8100, 0x88A8, 0x9100)

IPPROTO_TCP = 6
IPPROTO_UDP = 17
IPPROTO_ICMP = 1
IPPROTO_ICMPV6 = 58
IPV6_HOPOPTS = 0
IPV6_DSTOPTS = 60

# UDP ports of encapsulations whose inner addresses would stay unchanged.
TUNNEL_UDP_PORTS = {4789, 6081, 2152, 8472}
# ICMP error types quote the offending packet's header (RFC 792, RFC 4443).
ICMP4_ERRORS = {3, 4, 5, 11, 12}
ICMP6_ERRORS = {1, 2, 3, 4}

# Where the checksum sits inside each L4 header.
CSUM_OFFSET = {IPPROTO_TCP: 16, IPPROTO_UDP: 6, IPPROTO_ICMPV6: 2}


class Skip(Exception):
    """A frame this tool does not rewrite; the message says why."""


def read_pcap(path):
    """Yields (ts_ns, frame bytes, original length) of a classic pcap file.

    Returns None (no generator) for files that are not Ethernet pcap."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return None
    for endian in ("<", ">"):
        magic = struct.unpack_from(endian + "I", data, 0)[0]
        if magic in (MAGIC_US, MAGIC_NS):
            break
    else:
        return None  # pcapng or not a capture
    linktype = struct.unpack_from(endian + "I", data, 20)[0] & 0x0FFFFFFF
    if linktype != LINKTYPE_ETHERNET:
        return None
    frac_ns = 1000 if magic == MAGIC_US else 1
    rec = struct.Struct(endian + "IIII")
    out = []
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, orig = rec.unpack_from(data, off)
        off += 16
        if off + incl > len(data):
            break  # truncated last record
        out.append((sec * 1_000_000_000 + frac * frac_ns, data[off:off + incl], orig))
        off += incl
    return out


def is_v4_unicast(addr):
    return addr[0] < 224 and addr != b"\x00\x00\x00\x00"


def is_v6_unicast(addr):
    return addr[0] != 0xFF and addr != bytes(16)


def plan_frame(frame):
    """Finds what to patch in one frame.

    Returns (family, address offsets, IPv4 header checksum offset or None,
    L4 checksum offset or None, whether a zero L4 checksum means 'none')."""
    off = 12
    if len(frame) < off + 2:
        raise Skip("short")
    etype = struct.unpack_from(">H", frame, off)[0]
    off += 2
    while etype in ETH_VLAN:
        if len(frame) < off + 4:
            raise Skip("short")
        etype = struct.unpack_from(">H", frame, off + 2)[0]
        off += 4
    if etype == ETH_IPV4:
        return plan_ipv4(frame, off)
    if etype == ETH_IPV6:
        return plan_ipv6(frame, off)
    raise Skip("not IP (ethertype 0x%04x)" % etype)


def plan_l4(frame, l4, proto, family):
    """Checks the transport header and returns its checksum offset (or None)."""
    if proto in (IPPROTO_TCP, IPPROTO_UDP):
        if len(frame) < l4 + (20 if proto == IPPROTO_TCP else 8):
            raise Skip("short L4")
        if proto == IPPROTO_UDP:
            sport, dport = struct.unpack_from(">HH", frame, l4)
            if sport in TUNNEL_UDP_PORTS or dport in TUNNEL_UDP_PORTS:
                raise Skip("UDP tunnel")
        return l4 + CSUM_OFFSET[proto]
    if proto == IPPROTO_ICMP and family == 4:
        if len(frame) < l4 + 4 or frame[l4] in ICMP4_ERRORS:
            raise Skip("ICMP error or short")
        return None  # the ICMPv4 checksum does not cover addresses
    if proto == IPPROTO_ICMPV6 and family == 6:
        if len(frame) < l4 + 4 or frame[l4] in ICMP6_ERRORS:
            raise Skip("ICMPv6 error or short")
        return l4 + CSUM_OFFSET[proto]
    raise Skip("L4 protocol %d (tunnel or other)" % proto)


def plan_ipv4(frame, ip):
    if len(frame) < ip + 20 or frame[ip] >> 4 != 4:
        raise Skip("bad IPv4")
    ihl = (frame[ip] & 0x0F) * 4
    total = struct.unpack_from(">H", frame, ip + 2)[0]
    flags_frag = struct.unpack_from(">H", frame, ip + 6)[0]
    if ihl < 20 or len(frame) < ip + ihl or total < ihl:
        raise Skip("bad IPv4")
    if flags_frag & 0x3FFF:  # MF or a fragment offset
        raise Skip("fragment")
    proto = frame[ip + 9]
    l4csum = plan_l4(frame, ip + ihl, proto, 4)
    # If the L4 header was cut by the snap length its checksum cannot be patched.
    if l4csum is not None and l4csum + 2 > len(frame):
        raise Skip("short L4")
    addrs = [o for o in (ip + 12, ip + 16) if is_v4_unicast(frame[o:o + 4])]
    return (4, addrs, ip + 10, l4csum, proto == IPPROTO_UDP)


def plan_ipv6(frame, ip):
    if len(frame) < ip + 40 or frame[ip] >> 4 != 6:
        raise Skip("bad IPv6")
    nh = frame[ip + 6]
    off = ip + 40
    while nh in (IPV6_HOPOPTS, IPV6_DSTOPTS):
        if len(frame) < off + 8:
            raise Skip("short extension header")
        nh, hlen = frame[off], (frame[off + 1] + 1) * 8
        off += hlen
    l4csum = plan_l4(frame, off, nh, 6)
    if l4csum is not None and l4csum + 2 > len(frame):
        raise Skip("short L4")
    addrs = [o for o in (ip + 8, ip + 24) if is_v6_unicast(frame[o:o + 16])]
    return (6, addrs, None, l4csum, False)


def ones_fold(x):
    while x >> 16:
        x = (x & 0xFFFF) + (x >> 16)
    return x


class Template:
    """One base frame, pre-parsed so that each replica costs a few operations."""

    __slots__ = ("ts", "orig", "frame", "slot", "family", "words", "ipcsum", "l4csum", "udp")

    def __init__(self, ts, frame, orig, slot, plan):
        family, addrs, ipcsum, l4csum, udp = plan
        self.ts, self.orig, self.frame, self.slot = ts, orig, frame, slot
        self.family, self.ipcsum, self.l4csum, self.udp = family, ipcsum, l4csum, udp
        # (offset, original 16-bit word) of every word that replicas rewrite:
        # IPv4 octets 2-3, IPv6 bytes 12-15 of each address.
        self.words = []
        for a in addrs:
            first = a + 2 if family == 4 else a + 12
            count = 1 if family == 4 else 2
            for i in range(count):
                o = first + 2 * i
                self.words.append((o, struct.unpack_from(">H", frame, o)[0], i))

    def render(self, masks):
        """The frame with addresses XORed by masks (one 16-bit mask per word index)."""
        if not self.words or not any(masks):
            return self.frame
        buf = bytearray(self.frame)
        # RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'); the same delta applies to the
        # IPv4 header checksum and to the pseudo-header part of the L4 checksum.
        delta = 0
        for o, old, i in self.words:
            new = old ^ masks[i]
            buf[o] = new >> 8
            buf[o + 1] = new & 0xFF
            delta += (~old & 0xFFFF) + new
        for c in (self.ipcsum, self.l4csum):
            if c is None:
                continue
            hc = (buf[c] << 8) | buf[c + 1]
            if c == self.l4csum and self.udp and hc == 0:
                continue  # UDP over IPv4 without a checksum (RFC 768)
            hc = ~ones_fold((~hc & 0xFFFF) + delta) & 0xFFFF
            if c == self.l4csum and self.udp and hc == 0:
                hc = 0xFFFF  # zero means 'no checksum' for UDP
            buf[c] = hc >> 8
            buf[c + 1] = hc & 0xFF
        return bytes(buf)


def replica_masks(r, family):
    """Per-replica XOR masks: replica 0 keeps the original addresses.

    Multiplying by an odd constant is a bijection modulo 2^16 (2^32), so
    different replicas always get different masks; it spreads the bits so
    consecutive replicas do not differ in one low bit only."""
    if family == 4:
        return ((r * 0x9E37) & 0xFFFF,)
    m = (r * 0x9E3779B1) & 0xFFFFFFFF
    return (m >> 16, m & 0xFFFF)


def default_inputs():
    return sorted(glob.glob(os.path.join(ROOT, "pcaps", "*.pcap")))


def load_templates(paths, gap_ns, verbose):
    """Concatenates the usable frames of all inputs on one forward time line."""
    templates, skipped, used_files = [], {}, []
    clock = None  # where the next capture starts
    for path in paths:
        recs = read_pcap(path)
        if recs is None:
            if verbose:
                print(f"mkbench: {os.path.relpath(path)}: not an Ethernet pcap, skipped",
                      file=sys.stderr)
            continue
        if not recs:
            continue
        first = recs[0][0]
        if clock is None:
            clock = first
        shift = clock - first
        kept = 0
        last = first
        slot = sum(1 for u in used_files if u[2])
        for ts, frame, orig in recs:
            last = max(last, ts)
            try:
                plan = plan_frame(frame)
            except Skip as why:
                reason = str(why)
                skipped[reason] = skipped.get(reason, 0) + 1
                continue
            templates.append(Template(ts + shift, frame, orig, slot, plan))
            kept += 1
        used_files.append((path, len(recs), kept))
        clock = last + shift + gap_ns
    return templates, skipped, used_files, clock


def write_bench(out, templates, nslots, npackets, period_ns, frac_div):
    """Writes npackets frames (replicas of templates), returns (replicas, bytes).

    Each input capture of each replica gets its own mapping: several captures
    hold the same conversation (l2-vlan.pcap is lab-basic.pcap re-wrapped), and
    their flows must stay apart too."""
    hdr = struct.Struct("<IIII")
    chunk = []
    n = 0
    r = 0
    size = 24
    with open(out, "wb") as f:
        magic = MAGIC_US if frac_div == 1000 else MAGIC_NS
        f.write(struct.pack("<IHHiIII", magic, 2, 4, 0, 0, 262144, LINKTYPE_ETHERNET))
        while n < npackets:
            shift = r * period_ns
            m4 = [replica_masks((r * nslots + s) & 0xFFFF, 4) for s in range(nslots)]
            m6 = [replica_masks((r * nslots + s) & 0xFFFFFFFF, 6) for s in range(nslots)]
            for t in templates:
                if n >= npackets:
                    break
                frame = t.render(m4[t.slot] if t.family == 4 else m6[t.slot])
                ts = t.ts + shift
                sec, frac = divmod(ts, 1_000_000_000)
                chunk.append(hdr.pack(sec, frac // frac_div, len(frame), t.orig))
                chunk.append(frame)
                size += 16 + len(frame)
                n += 1
            if len(chunk) > 200_000:
                f.write(b"".join(chunk))
                chunk.clear()
            r += 1
        f.write(b"".join(chunk))
    return r, size


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("captures", nargs="*", help="pcap files (default: pcaps/*.pcap)")
    ap.add_argument("-n", "--packets", type=int, default=3_000_000,
                    help="packets to write (default 3000000)")
    ap.add_argument("-o", "--output", default=os.path.join(ROOT, "bench", "work", "bench.pcap"),
                    help="output file (default bench/work/bench.pcap)")
    ap.add_argument("--gap", type=float, default=1.0,
                    help="seconds between one replica's end and the next one's start (default 1)")
    ap.add_argument("--nanoseconds", action="store_true",
                    help="write a nanosecond-resolution pcap")
    ap.add_argument("-v", "--verbose", action="store_true", help="say which frames were skipped")
    a = ap.parse_args()
    if a.packets <= 0 or a.gap < 0:
        ap.error("--packets must be positive and --gap not negative")

    started = time.monotonic()
    paths = a.captures or default_inputs()
    gap_ns = int(a.gap * 1e9)
    templates, skipped, used, end = load_templates(paths, gap_ns, a.verbose)
    if not templates:
        print("mkbench: no usable Ethernet IPv4/IPv6 frames in: " + " ".join(paths),
              file=sys.stderr)
        return 2
    period = end - templates[0].ts  # base span plus one gap
    nslots = sum(1 for u in used if u[2])
    mappings = -(-a.packets // len(templates)) * nslots
    if mappings > 0x10000:
        print(f"mkbench: warning: {mappings} address mappings needed but IPv4 has only 65536 "
              "distinct address mappings; later replicas reuse them (their flows are distinct "
              "in time only)", file=sys.stderr)

    os.makedirs(os.path.dirname(os.path.abspath(a.output)), exist_ok=True)
    replicas, size = write_bench(a.output, templates, nslots, a.packets, period,
                                 1 if a.nanoseconds else 1000)
    took = time.monotonic() - started

    for path, total, kept in used:
        if kept:
            print(f"input  {os.path.relpath(path)}: {kept} of {total} frames used")
    unused = [os.path.basename(p) for p, _, kept in used if not kept]
    if unused:
        print("unused (nothing rewritable): " + " ".join(unused))
    if skipped:
        print("skipped frames: " + ", ".join(f"{k} {v}" for k, v in sorted(skipped.items())))
    v4 = sum(1 for t in templates if t.family == 4)
    print(f"base   {len(templates)} frames ({v4} IPv4, {len(templates) - v4} IPv6), "
          f"span {period / 1e9:.3f} s per replica")
    print(f"wrote  {os.path.relpath(a.output)}: {a.packets} packets, {replicas} replicas, "
          f"{size / 1e6:.1f} MB, capture time {replicas * period / 1e9 / 3600:.1f} h, "
          f"in {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
