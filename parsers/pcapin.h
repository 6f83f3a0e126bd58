/*
 * pcapin.h - JT/T 808 traffic out of pcap / pcapng captures.
 *
 * libpcap reads the capture (pcap_fopen_offline: classic pcap and pcapng);
 * this module peels the link layer (Ethernet with 802.1Q/QinQ tags, Linux
 * cooked SLL and SLL2, raw IPv4/IPv6, BSD loopback), IPv4 (options) and
 * IPv6 (extension headers), reassembles each TCP direction in sequence
 * order and feeds the bytes to one jt808 decoder per direction; UDP
 * payloads go to a decoder of their own, one datagram at a time.
 *
 * Direction: both directions of every connection are decoded, each as its
 * own stream.  Terminals send 0x0xxx messages, the platform 0x8xxx ones,
 * so platform replies simply show up as "jt808.skipped.0x8001" (and
 * "jt808.downlink") and never produce positions.  This needs no guess
 * about which port is the server's, which a capture that starts
 * mid-connection cannot tell.
 *
 * Origins are RL_LOC_PACKET: the 1-based number of the packet that carried
 * a frame's opening 0x7e.
 *
 * TCP: retransmissions and overlaps are trimmed to the bytes not yet
 * delivered; out-of-order segments wait (copied) until the hole before
 * them fills.  Memory is bounded: when the bytes waiting in one direction
 * exceed stream_buffer_max (or all directions total_buffer_max) the
 * missing bytes are declared lost: the decoder drops the frame they cut
 * (rejected, "frame cut: lost TCP segment") and resyncs at the next 0x7e.
 * The same happens at FIN/RST and at the end of the capture.  A capture
 * that starts mid-stream starts at the first segment seen; the decoder
 * skips to the first 0x7e.  IP fragments are counted and skipped (JT/T
 * 808 terminals send small segments; reassembling fragments is not worth
 * its risk here).
 *
 * Counters (sink->count): pcap.packets, pcap.non_ip, pcap.ip_fragments,
 * pcap.not_tcp_udp, pcap.port_filtered, pcap.bad_headers,
 * pcap.snapped_packets, pcap.tcp.streams, pcap.tcp.retransmitted_bytes,
 * pcap.tcp.out_of_order_segments, pcap.tcp.gaps, pcap.tcp.lost_bytes,
 * pcap.tcp.streams_evicted, pcap.tcp.untracked_packets,
 * pcap.tcp.sequence_jumps (a jump of more than 16 MiB: a new connection on
 * the same ports whose SYN was not captured; decoded from there),
 * pcap.udp.datagrams,
 * plus every jt808.* counter of the decoders.
 */
#ifndef RL_PCAPIN_H
#define RL_PCAPIN_H

#include <stddef.h>
#include <stdio.h>

#include "sink.h"
#include "jt808.h"

typedef struct pcapin_opts {
    unsigned port;            /* --port: only TCP/UDP with this source or destination port; 0 = all */
    size_t stream_buffer_max; /* out-of-order bytes held per TCP direction; 0 = 1 MiB */
    size_t total_buffer_max;  /* out-of-order bytes held in all; 0 = 256 MiB */
    size_t max_open_streams;  /* TCP directions decoded at once; past it the oldest is finished
                                 (counted as pcap.tcp.streams_evicted); 0 = 200000 */
} pcapin_opts;

/*
 * Read the capture in `f` (closed by this call: libpcap owns it) and push
 * everything into `sink`.  `name` only appears in the message when the
 * file is not a capture.  opts may be NULL.
 * Returns 0 when the capture was read to its end (a capture cut short is
 * rejected at the packet where it ends and still returns 0), 1 when the
 * sink asked to stop (--strict), -1 when `f` is not a readable capture or
 * its link type is not supported (the reason goes to sink->reject at
 * packet 0).
 */
int pcapin_read(FILE *f, const char *name, unsigned file_index, jt808_session *session, const rl_sink *sink,
                const pcapin_opts *opts);

#endif
