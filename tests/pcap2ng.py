#!/usr/bin/env python3
"""Turn an Ethernet pcap into a pcapng whose interfaces have different
link types, as dumpcap on two interfaces or mergecap of an Ethernet and a
Linux cooked capture write it (issue 11): every other packet is re-framed
as Linux cooked (SLL, LINKTYPE 113) on interface 1, the rest stay Ethernet
on interface 0.  libpcap 1.10 refuses such a file at its second interface.

    python3 tests/pcap2ng.py IN.pcap OUT.pcapng [--big] [--sections]

--big writes the sections big-endian; --sections starts a new section
(its own interfaces, the other byte order) halfway through.
"""
import struct
import sys


def read_pcap(path):
    data = open(path, "rb").read()
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        e = "<"
    elif magic == b"\xa1\xb2\xc3\xd4":
        e = ">"
    else:
        sys.exit("%s: not a classic pcap" % path)
    linktype = struct.unpack(e + "I", data[20:24])[0]
    if linktype != 1:
        sys.exit("%s: link type %d, Ethernet expected" % (path, linktype))
    pos, out = 24, []
    while pos + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(e + "IIII", data[pos:pos + 16])
        out.append(data[pos + 16:pos + 16 + caplen])
        pos += 16 + caplen
    return out


def block(e, btype, body):
    pad = (-len(body)) % 4
    total = 12 + len(body) + pad
    return struct.pack(e + "II", btype, total) + body + b"\0" * pad + struct.pack(e + "I", total)


def shb(e):
    return block(e, 0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1))


def idb(e, linktype, snaplen):
    return block(e, 1, struct.pack(e + "HHI", linktype, 0, snaplen))


def epb(e, ifn, pkt, n):
    return block(e, 6, struct.pack(e + "IIIII", ifn, 0, n, len(pkt), len(pkt)) + pkt + b"\0" * ((-len(pkt)) % 4))


def to_sll(eth):
    # Linux cooked header: packet type (0: to us), ARPHRD_ETHER, address
    # length and the source MAC padded to 8 bytes, then the EtherType
    return struct.pack(">HHH", 0, 1, 6) + eth[6:12] + b"\0\0" + eth[12:14] + eth[14:]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    big = "--big" in sys.argv
    sections = "--sections" in sys.argv
    if len(args) != 2:
        sys.exit(__doc__)
    pkts = read_pcap(args[0])
    e = ">" if big else "<"
    out = [shb(e), idb(e, 1, 262144), idb(e, 113, 65535)]
    for i, p in enumerate(pkts):
        if sections and i == len(pkts) // 2:
            e = "<" if e == ">" else ">"
            out += [shb(e), idb(e, 113, 262144), idb(e, 1, 65535)]
        half = sections and i >= len(pkts) // 2
        cooked = i % 2 == 1
        ifn = (0 if cooked else 1) if half else (1 if cooked else 0)
        out.append(epb(e, ifn, to_sll(p) if cooked else p, i))
    open(args[1], "wb").write(b"".join(out))


main()
