/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fragmented traffic on af_packet ports. DPDK's PMD joins its sockets to
 * a PACKET_FANOUT group with PACKET_FANOUT_FLAG_DEFRAG, so the kernel
 * reassembles IP fragments before they reach the ring; a datagram longer
 * than a ring frame (a 3000-byte ping from a 1500-byte LAN) lands there
 * cut short, and the worker drops that copy as afp_cut. With
 * PACKET_COPY_THRESH (set at port open) the kernel also queues the whole
 * datagram on the socket: read here, split again to the port's MTU, and
 * handed to worker 0 as if those fragments had been received, so they
 * go the way any fragment goes. Control thread only.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_ip_frag.h>

#include "control/slowpath/sp_internal.h"
#include "fastpath/pkt.h"

#define AFP_MAX_FRAME	(RTE_ETHER_HDR_LEN + 65535)

/* A chain of mbufs from MP holding LEN bytes of DATA, or NULL. */
static struct rte_mbuf *
chain_from(struct rte_mempool *mp, const uint8_t *data, uint32_t len)
{
	struct rte_mbuf *head = NULL, *m;
	uint32_t off = 0, n;

	while (off < len) {
		m = rte_pktmbuf_alloc(mp);
		if (m == NULL || (head != NULL && rte_pktmbuf_chain(head, m) != 0)) {
			rte_pktmbuf_free(m);
			rte_pktmbuf_free(head);
			return NULL;
		}
		if (head == NULL)
			head = m;
		n = RTE_MIN(len - off, (uint32_t)rte_pktmbuf_tailroom(m));
		memcpy(rte_pktmbuf_append(m, (uint16_t)n), data + off, n);
		if (m != head)
			head->pkt_len += n;
		off += n;
	}
	return head;
}

/* Frame F (LEN bytes, Ethernet + IPv4 of a reassembled datagram) from
 * port IFX: its fragments at the port's MTU into worker 0's ring. */
static void
refragment(struct ew_sp *sp, unsigned int ifx, const uint8_t *f, uint32_t len)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(f + RTE_ETHER_HDR_LEN);
	struct rte_mbuf *m, *frags[64];
	struct rte_ether_hdr *eth;
	int n, i;

	m = chain_from(sp->dp->mp, f + RTE_ETHER_HDR_LEN,
			rte_be_to_cpu_16(ip->total_length));
	n = m == NULL ? -1 : rte_ipv4_fragment_packet(m, frags, RTE_DIM(frags),
			sp->t->ports[ifx].mtu, sp->dp->mp, sp->dp->mp);
	rte_pktmbuf_free(m);
	if (n < 0) {
		sp->st->drop[EW_DROP_FRAG_FAIL]++;
		return;
	}
	for (i = 0; i < n; i++) {
		m = rte_pktmbuf_copy(frags[i], sp->dp->mp, 0, UINT32_MAX);
		rte_pktmbuf_free(frags[i]);
		eth = m == NULL ? NULL : (struct rte_ether_hdr *)
				rte_pktmbuf_prepend(m, RTE_ETHER_HDR_LEN);
		if (eth == NULL || m->nb_segs > 1) {
			rte_pktmbuf_free(m);
			sp->st->drop[EW_DROP_FRAG_FAIL]++;
			continue;
		}
		memcpy(eth, f, RTE_ETHER_HDR_LEN);
		ew_sp_ip_finish((struct rte_ipv4_hdr *)(eth + 1));
		memset(ew_meta(m), 0, sizeof(struct ew_meta));
		if (rte_ring_sp_enqueue(sp->dp->ctl_rx[ifx], m) != 0) {
			rte_pktmbuf_free(m);
			sp->st->drop[EW_DROP_PUNT_FULL]++;
		}
	}
}

/* Is F (LEN bytes, maybe only the start of the frame) an untagged IPv4
 * datagram that needs splitting (longer than the port's MTU, DF clear)?
 * Anything else was whole in the ring too (the worker had it), or cannot
 * be split (a host's TSO super-packet, DF set): the worker counted the
 * ring's copy. */
static bool
needs_split(const uint8_t *f, uint32_t len, uint16_t mtu)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(f + RTE_ETHER_HDR_LEN);
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)f;

	if (len < RTE_ETHER_HDR_LEN + sizeof(*ip) ||
			eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4))
		return false;
	return rte_be_to_cpu_16(ip->total_length) > mtu &&
			!(ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG));
}

/* The next datagram queued on socket FD of a port of MTU into BUF
 * (SIZE bytes): its length when it needs splitting, 0 when it was
 * discarded, -1 when none is queued. Only the headers of one that does
 * not need splitting are copied. */
static ssize_t
next_datagram(int fd, uint8_t *buf, size_t size, uint16_t mtu)
{
	uint8_t hdr[RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr)];
	ssize_t len;

	len = recv(fd, hdr, sizeof(hdr), MSG_DONTWAIT | MSG_PEEK);
	if (len < 0)
		return -1;
	if (!needs_split(hdr, (uint32_t)len, mtu)) {
		recv(fd, hdr, sizeof(hdr), MSG_DONTWAIT);	/* the rest is dropped */
		return 0;
	}
	len = recv(fd, buf, size, MSG_DONTWAIT | MSG_TRUNC);
	if (len < 0 || (size_t)len > size ||
			ew_ipv4_check((const struct rte_ipv4_hdr *)(buf + RTE_ETHER_HDR_LEN),
				(uint32_t)len - RTE_ETHER_HDR_LEN) >= 0)
		return 0;
	return len;
}

unsigned int
ew_sp_afp_poll(struct ew_sp *sp, unsigned int budget)
{
	static uint8_t buf[AFP_MAX_FRAME];
	unsigned int ifx, q, got = 0;
	ssize_t len;

	for (ifx = 0; ifx < sp->dp->n_ports && ifx < sp->t->n_ports; ifx++) {
		for (q = 0; q < sp->dp->afp_n[ifx]; q++) {
			while (got < budget) {
				len = next_datagram(sp->dp->afp_fd[ifx][q], buf,
						sizeof(buf), sp->t->ports[ifx].mtu);
				if (len < 0)
					break;
				got++;
				if (len > 0)
					refragment(sp, ifx, buf, (uint32_t)len);
			}
		}
	}
	return got;
}
