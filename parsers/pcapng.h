/*
 * pcapng.h - the pcapng block format, read by hand, push-style (issue 11).
 *
 * libpcap 1.10 reads a pcapng file only while every interface has the
 * link type and snap length of the first one: a capture of dumpcap on two
 * interfaces, or captures merged from an Ethernet and a Linux cooked
 * (SLL) source, is refused at its second Interface Description Block
 * ("an interface has a type 113 different from the type of the first
 * interface"), and nothing after it is read.  pcapin keeps libpcap for
 * every file it can read and hands the rest over to this reader at the
 * block libpcap would refuse (pcapin.c explains how); so this reader runs
 * in two modes:
 *
 *   watch: frames the blocks libpcap is being given and stops at the
 *          first one libpcap would refuse (an interface whose link type or
 *          snap length differs from the file's first, a section in the
 *          other byte order), or, when `first_ok` says so, at the file's
 *          first interface: its packets are neither buffered nor given out.
 *   read:  from there on, every packet with its own interface's link type.
 *
 * The format (IETF draft-ietf-opsawg-pcapng): blocks of type, total
 * length, body, total length again, in the byte order of their section;
 * a Section Header Block (SHB, 0x0A0D0D0A) starts a section, says its byte
 * order (magic 0x1A2B3C4D) and clears its interfaces; Interface
 * Description Blocks (IDB, 1) number the section's interfaces 0, 1, ...;
 * packets come in Enhanced Packet Blocks (EPB, 6: interface, time,
 * captured and original length), Simple Packet Blocks (SPB, 3: interface
 * 0, original length only) and the obsolete Packet Block (PB, 2: a 16-bit
 * interface).  Every other block is skipped.  Times are not read: the
 * positions carry their own.
 *
 * Bounds and rejects as libpcap's: a block of less than 12 bytes, a
 * length not a multiple of 4, a block over 16 MiB, a trailer length that
 * differs from the header's, a packet on an interface the section did not
 * describe, a captured length above the interface's snap length (at most
 * 256 KiB: the largest buffer this reader holds), a packet block before
 * any interface, a file that ends inside a block: each stops the reading
 * with the reason (pcapin reports "capture cut short after packet N").
 * Option bytes are skipped, never buffered.
 */
#ifndef RL_PCAPNG_H
#define RL_PCAPNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pcapng pcapng;

typedef struct pcapng_handler {
    void *ud;
    /* read mode: one packet; linktype is the interface's LINKTYPE_ value,
     * pkt the 1-based number of the packet block in the file. */
    void (*packet)(void *ud, int linktype, const uint8_t *data, size_t caplen, uint64_t pkt);
    /* watch mode: may the file's first interface (its link type) be left
     * to libpcap?  NULL: yes. */
    bool (*first_ok)(void *ud, int linktype);
} pcapng_handler;

/* watch: start in watch mode (see above), else read mode. */
pcapng *pcapng_new(bool watch, const pcapng_handler *h);
void pcapng_free(pcapng *p);

/* Push bytes; returns how many were taken.  Fewer than n only when the
 * reading stopped: an error (pcapng_error), or in watch mode the block to
 * hand over (pcapng_handoff); the bytes not taken are the caller's to
 * feed again in read mode.  The first bytes of the file, then every byte
 * in order. */
size_t pcapng_feed(pcapng *p, const void *buf, size_t n);
/* The input ended: NULL, or the reason when it ends inside a block. */
const char *pcapng_finish(pcapng *p);

/* watch mode: the reading stopped at a block libpcap would refuse; the
 * file offset of that block (all bytes before it are libpcap's). */
bool pcapng_handoff(const pcapng *p);
uint64_t pcapng_handoff_offset(const pcapng *p);
/* watch mode: the offset up to which every block has been framed and
 * found readable by libpcap (bytes past it are not vetted yet). */
uint64_t pcapng_vetted(const pcapng *p);
/* watch mode: stop vetting (libpcap found the file broken before this
 * reader did: its own message is the one reported); every byte passes. */
void pcapng_give_up(pcapng *p);
bool pcapng_given_up(const pcapng *p);
/* From the block of the handoff on: read mode.  Packet numbers go on
 * from the packet blocks framed so far. */
void pcapng_read_on(pcapng *p);

const char *pcapng_error(const pcapng *p); /* NULL while readable */
uint64_t pcapng_packets(const pcapng *p);  /* packet blocks so far */

#endif
