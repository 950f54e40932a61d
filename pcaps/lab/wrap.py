#!/usr/bin/python3
"""Wraps a real Ethernet capture in the encapsulations this lab's kernel cannot make.

Usage: wrap.py BASE.pcap OUTDIR

BASE.pcap is lab-basic.pcap: real DNS, HTTP (IPv4 and IPv6) and ping traffic captured on
a veth between network namespaces. Every frame of it is re-encapsulated, keeping its
bytes and timestamp, as 802.1Q, 802.1ad QinQ, MPLS, PPPoE, GRE, ERSPAN I/II/III,
IP-in-IP (4in4, 6in4, 4in6, 6in6) and BSD loopback (DLT_NULL, DLT_LOOP) captures.
Headers are built with scapy; the pcap files are written here so the output is
byte-for-byte deterministic (same input, same files). Runs without root.
"""
import struct
import sys

from scapy.contrib.erspan import ERSPAN_II, ERSPAN_III, ERSPAN_PlatformSpecific
from scapy.contrib.mpls import MPLS, EoMCW
from scapy.layers.inet import IP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Dot1AD, Dot1Q, Ether, GRE
from scapy.layers.ppp import PPP, PPP_LCP_Echo, PPPoE, PPPoED, PPPoED_Tags, PPPoETag
from scapy.packet import Raw

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_LOOP = 108

CLIENT_MAC = "02:00:00:00:00:10"
# Tunnel endpoints (routers / a mirroring switch and its collector) on the outer segment.
TUN_MAC_A = "02:00:00:00:03:01"
TUN_MAC_B = "02:00:00:00:03:02"
TUN4_A, TUN4_B = "203.0.113.1", "203.0.113.2"
TUN6_A, TUN6_B = "2001:db8:ffff::1", "2001:db8:ffff::2"
PPPOE_AC_MAC = "02:00:00:00:00:ac"
PPPOE_SESSION = 0x0011

ETH_IPV4, ETH_IPV6, ETH_ARP = 0x0800, 0x86DD, 0x0806


def read_pcap(path):
    """Returns (linktype, [(sec, usec, frame)]) of a classic microsecond pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        end = "<"
    elif magic == b"\xa1\xb2\xc3\xd4":
        end = ">"
    else:
        sys.exit("%s: not a microsecond pcap file" % path)
    linktype = struct.unpack(end + "I", data[20:24])[0]
    records, off = [], 24
    while off + 16 <= len(data):
        sec, usec, incl, _orig = struct.unpack(end + "IIII", data[off:off + 16])
        records.append((sec, usec, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return linktype, records


def write_pcap(path, linktype, records):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype))
        for sec, usec, frame in records:
            f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)))
            f.write(frame)


class Frame:
    """One base frame split at the Ethernet header."""

    def __init__(self, sec, usec, raw):
        self.sec, self.usec, self.raw = sec, usec, raw
        self.dst, self.src = raw[0:6], raw[6:12]
        self.ethertype = struct.unpack(">H", raw[12:14])[0]
        self.payload = raw[14:]
        self.from_client = self.src == bytes.fromhex(CLIENT_MAC.replace(":", ""))

    @property
    def is_ip(self):
        return self.ethertype in (ETH_IPV4, ETH_IPV6)

    def ether(self, ethertype):
        """The frame's own Ethernet addresses with another ethertype."""
        return Ether(dst=mac(self.dst), src=mac(self.src), type=ethertype)


def mac(b):
    return ":".join("%02x" % x for x in b)


def outer_ether(fr, ethertype, one_way=False):
    if one_way or fr.from_client:
        return Ether(src=TUN_MAC_A, dst=TUN_MAC_B, type=ethertype)
    return Ether(src=TUN_MAC_B, dst=TUN_MAC_A, type=ethertype)


class Counter:
    """Per-direction counters for outer IP ids and GRE sequence numbers."""

    def __init__(self, start=1):
        self.n = {True: start, False: start}

    def next(self, direction):
        v = self.n[direction]
        self.n[direction] = v + 1
        return v


def outer_ip4(fr, proto, ids, one_way=False):
    a, b = (TUN4_A, TUN4_B) if (one_way or fr.from_client) else (TUN4_B, TUN4_A)
    return IP(src=a, dst=b, proto=proto, ttl=64, id=ids.next(one_way or fr.from_client))


def outer_ip6(fr, nh):
    a, b = (TUN6_A, TUN6_B) if fr.from_client else (TUN6_B, TUN6_A)
    return IPv6(src=a, dst=b, nh=nh, hlim=64)


def out(fr, pkt):
    return (fr.sec, fr.usec, bytes(pkt))


def wrap_vlan(frames):
    return [out(f, f.ether(0x8100) / Dot1Q(prio=0, vlan=100, type=f.ethertype) / Raw(f.payload))
            for f in frames]


def wrap_qinq(frames):
    return [out(f, f.ether(0x88A8) / Dot1AD(vlan=300, type=0x8100) /
                Dot1Q(vlan=100, type=f.ethertype) / Raw(f.payload)) for f in frames]


def wrap_mpls(frames, labels):
    res = []
    for f in (f for f in frames if f.is_ip):
        stack = None
        for i, label in enumerate(labels):
            m = MPLS(label=label, cos=0, s=1 if i == len(labels) - 1 else 0, ttl=64)
            stack = m if stack is None else stack / m
        res.append(out(f, f.ether(0x8847) / stack / Raw(f.payload)))
    return res


def wrap_mpls_pw(frames):
    """Ethernet pseudowire (RFC 4448) with the RFC 4385 control word, whole frames inside."""
    res = []
    for f in frames:
        # Sequence number 0: sequencing not used (RFC 4385 section 4).
        res.append(out(f, outer_ether(f, 0x8847) / MPLS(label=2000, s=1, ttl=64) /
                       EoMCW(zero=0, reserved=0, seq=0) / Raw(f.raw)))
    return res


def ppp_session(fr, proto, payload):
    if fr.from_client:
        eth = Ether(src=CLIENT_MAC, dst=PPPOE_AC_MAC, type=0x8864)
    else:
        eth = Ether(src=PPPOE_AC_MAC, dst=CLIENT_MAC, type=0x8864)
    return eth / PPPoE(version=1, type=1, code=0, sessionid=PPPOE_SESSION) / PPP(proto=proto) / payload


def wrap_pppoe(frames):
    """RFC 2516: discovery (PADI/PADO/PADR/PADS), LCP echo, IP in session, PADT at the end."""
    ips = [f for f in frames if f.is_ip]
    first, last = ips[0], ips[-1]
    tags = PPPoED_Tags(tag_list=[PPPoETag(tag_type=0x0101, tag_value=b""),
                                 PPPoETag(tag_type=0x0103, tag_value=b"\x00\x00\x00\x01")])
    ac_tags = PPPoED_Tags(tag_list=[PPPoETag(tag_type=0x0101, tag_value=b""),
                                    PPPoETag(tag_type=0x0102, tag_value=b"lab-ac"),
                                    PPPoETag(tag_type=0x0103, tag_value=b"\x00\x00\x00\x01")])
    disc = [
        Ether(src=CLIENT_MAC, dst="ff:ff:ff:ff:ff:ff", type=0x8863) / PPPoED(code=0x09, sessionid=0) / tags,
        Ether(src=PPPOE_AC_MAC, dst=CLIENT_MAC, type=0x8863) / PPPoED(code=0x07, sessionid=0) / ac_tags,
        Ether(src=CLIENT_MAC, dst=PPPOE_AC_MAC, type=0x8863) / PPPoED(code=0x19, sessionid=0) / tags,
        Ether(src=PPPOE_AC_MAC, dst=CLIENT_MAC, type=0x8863) /
        PPPoED(code=0x65, sessionid=PPPOE_SESSION) / ac_tags,
    ]
    res = []
    t = first.sec * 1000000 + first.usec - 20000
    for p in disc:
        res.append((t // 1000000, t % 1000000, bytes(p)))
        t += 1000
    client = Frame(0, 0, bytes(Ether(src=CLIENT_MAC, dst=PPPOE_AC_MAC)))
    server = Frame(0, 0, bytes(Ether(src=PPPOE_AC_MAC, dst=CLIENT_MAC)))
    for fr, code in ((client, 9), (server, 10)):
        lcp = PPP_LCP_Echo(code=code, id=1, magic_number=0x4C414221)
        res.append((t // 1000000, t % 1000000, bytes(ppp_session(fr, 0xC021, lcp))))
        t += 1000
    for f in ips:
        proto = 0x0021 if f.ethertype == ETH_IPV4 else 0x0057
        res.append(out(f, ppp_session(f, proto, Raw(f.payload))))
    t = last.sec * 1000000 + last.usec + 1000
    padt = Ether(src=CLIENT_MAC, dst=PPPOE_AC_MAC, type=0x8863) / PPPoED(code=0xA7, sessionid=PPPOE_SESSION)
    res.append((t // 1000000, t % 1000000, bytes(padt)))
    return res


def wrap_gre(frames, key=False):
    res, ids, seqs = [], Counter(), Counter(0)
    for f in (f for f in frames if f.is_ip):
        gre = GRE(proto=f.ethertype)
        if key:
            # Client to server: key + sequence; server to client: checksum as well.
            gre = GRE(proto=f.ethertype, key_present=1, key=0x00001001, seqnum_present=1,
                      sequence_number=seqs.next(f.from_client),
                      chksum_present=0 if f.from_client else 1)
        res.append(out(f, outer_ether(f, ETH_IPV4) / outer_ip4(f, 47, ids) / gre / Raw(f.payload)))
    return res


def wrap_erspan(frames, version):
    """A switch mirroring both directions of the link to a collector (one-way tunnel)."""
    res, ids, seqs = [], Counter(), Counter(0)
    t0 = frames[0].sec * 1000000 + frames[0].usec
    for f in frames:
        outer = outer_ether(f, ETH_IPV4, one_way=True) / outer_ip4(f, 47, ids, one_way=True)
        seq = seqs.next(True)
        if version == 1:
            hdr = GRE(proto=0x88BE)
        elif version == 2:
            hdr = GRE(proto=0x88BE, seqnum_present=1, sequence_number=seq) / \
                ERSPAN_II(ver=1, vlan=0, cos=0, en=0, t=0, session_id=100, index=1)
        else:
            ts = ((f.sec * 1000000 + f.usec - t0) // 100) & 0xFFFFFFFF
            # Frames from the server carry the optional platform-specific subheader.
            o = 0 if f.from_client else 1
            hdr = GRE(proto=0x22EB, seqnum_present=1, sequence_number=seq) / \
                ERSPAN_III(ver=2, vlan=0, cos=0, bso=0, t=0, session_id=200, timestamp=ts,
                           sgt_other=0, p=0, ft=0, hw=1, d=0 if f.from_client else 1,
                           gra=0, o=o)
            if o:
                hdr = hdr / ERSPAN_PlatformSpecific(platf_id=3, info1=0, info2=0)
        res.append(out(f, outer / hdr / Raw(f.raw)))
    return res


def wrap_ipip(frames, outer_v6, inner_type):
    res, ids = [], Counter()
    proto = 4 if inner_type == ETH_IPV4 else 41
    for f in (f for f in frames if f.ethertype == inner_type):
        if outer_v6:
            o = outer_ether(f, ETH_IPV6) / outer_ip6(f, proto)
        else:
            o = outer_ether(f, ETH_IPV4) / outer_ip4(f, proto, ids)
        res.append(out(f, o / Raw(f.payload)))
    return res


def wrap_loopback(frames, order, af6):
    """BSD loopback: 4-byte address family, host order (DLT_NULL) or network order (DLT_LOOP)."""
    res = []
    for f in (f for f in frames if f.is_ip):
        af = 2 if f.ethertype == ETH_IPV4 else af6
        res.append((f.sec, f.usec, struct.pack(order + "I", af) + f.payload))
    return res


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    linktype, records = read_pcap(sys.argv[1])
    if linktype != LINKTYPE_ETHERNET:
        sys.exit("%s: expected an Ethernet capture" % sys.argv[1])
    frames = [Frame(*r) for r in records]
    outdir = sys.argv[2]
    v4, v6 = ETH_IPV4, ETH_IPV6
    jobs = [
        ("l2-vlan.pcap", LINKTYPE_ETHERNET, wrap_vlan(frames)),
        ("l2-qinq.pcap", LINKTYPE_ETHERNET, wrap_qinq(frames)),
        ("l2-mpls.pcap", LINKTYPE_ETHERNET, wrap_mpls(frames, [1000])),
        ("l2-mpls2.pcap", LINKTYPE_ETHERNET, wrap_mpls(frames, [16, 1000])),
        ("l2-mpls-pw.pcap", LINKTYPE_ETHERNET, wrap_mpls_pw(frames)),
        ("l2-pppoe.pcap", LINKTYPE_ETHERNET, wrap_pppoe(frames)),
        ("tun-gre.pcap", LINKTYPE_ETHERNET, wrap_gre(frames)),
        ("tun-gre-key.pcap", LINKTYPE_ETHERNET, wrap_gre(frames, key=True)),
        ("tun-erspan1.pcap", LINKTYPE_ETHERNET, wrap_erspan(frames, 1)),
        ("tun-erspan2.pcap", LINKTYPE_ETHERNET, wrap_erspan(frames, 2)),
        ("tun-erspan3.pcap", LINKTYPE_ETHERNET, wrap_erspan(frames, 3)),
        ("tun-ipip-4in4.pcap", LINKTYPE_ETHERNET, wrap_ipip(frames, False, v4)),
        ("tun-ipip-6in4.pcap", LINKTYPE_ETHERNET, wrap_ipip(frames, False, v6)),
        ("tun-ipip-4in6.pcap", LINKTYPE_ETHERNET, wrap_ipip(frames, True, v4)),
        ("tun-ipip-6in6.pcap", LINKTYPE_ETHERNET, wrap_ipip(frames, True, v6)),
        # x86 FreeBSD writes AF_INET6 = 28 in little-endian; OpenBSD's DLT_LOOP uses 24.
        ("link-null.pcap", LINKTYPE_NULL, wrap_loopback(frames, "<", 28)),
        ("link-loop.pcap", LINKTYPE_LOOP, wrap_loopback(frames, ">", 24)),
    ]
    for name, lt, recs in jobs:
        write_pcap("%s/%s" % (outdir, name), lt, recs)
        print("wrote %s/%s (%d packets)" % (outdir, name, len(recs)), file=sys.stderr)


if __name__ == "__main__":
    main()
