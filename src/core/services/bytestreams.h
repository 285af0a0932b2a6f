/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppBytestreams: the XMPP side of XEP-0065 SOCKS5 bytestreams, the fast way for a direct
 * file transfer (the bytes go over TCP, not through the servers). The sender lists its
 * streamhosts (itself, and proxies: its server's, found among the server's items, or those the
 * user names); the receiver connects to the first it can reach and says which one it used; a
 * proxy is then activated by the sender. The sockets and the SOCKS5 handshake (socks5.h) are the
 * glue's. Only a stream we expect is taken: a list of hosts for any other is refused. */
#pragma once

#include "router/router.h"
#include "services/disco.h"
#include "services/server-items.h"

G_BEGIN_DECLS

#define XMPP_NS_BYTESTREAMS "http://jabber.org/protocol/bytestreams"

#define XMPP_BYTESTREAMS_MAX_HOSTS 8  /* streamhosts taken from one list */
#define XMPP_BYTESTREAMS_MAX_WAITS 16 /* streams expected at once */

typedef struct {
  char *jid;  /* who it is (a full JID for a peer's own, a proxy's JID) */
  char *host; /* an address or a name */
  guint16 port;
} XmppStreamhost;

XmppStreamhost *xmpp_streamhost_new(const char *jid, const char *host, guint16 port);
void xmpp_streamhost_free(XmppStreamhost *host);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppStreamhost, xmpp_streamhost_free)

typedef struct _XmppBytestreams XmppBytestreams;

XmppBytestreams *xmpp_bytestreams_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco,
                                      const XmppServerItems *server_items);
void xmpp_bytestreams_free(XmppBytestreams *bs);

/* ---- receiving ---- */

/* The sender's streamhosts for the stream we expect (XmppStreamhost*, borrowed, in its order of
 * preference; at most XMPP_BYTESTREAMS_MAX_HOSTS, possibly none usable): answer with
 * xmpp_bytestreams_answer. */
typedef void (*XmppBytestreamsOffered)(gpointer data, const GPtrArray *hosts);
/* peer (a full JID) may send hosts for sid: a handle for answer and forget, 0 when too many are
 * expected already. */
guint xmpp_bytestreams_expect(XmppBytestreams *bs, const char *peer, const char *sid,
                              XmppBytestreamsOffered offered, gpointer data);
/* The host we connected to (its JID), or NULL when none could be reached (item-not-found, after
 * which the sender may go in-band). The stream is no longer expected. */
void xmpp_bytestreams_answer(XmppBytestreams *bs, guint handle, const char *used);
/* The transfer ended: a list not answered yet is refused; nothing more is told. */
void xmpp_bytestreams_forget(XmppBytestreams *bs, guint handle);

/* ---- sending ---- */

/* The receiver's answer: the host it connected to (one of ours, borrowed), or why none. */
typedef void (*XmppBytestreamsUsed)(gpointer data, const XmppStreamhost *used, const GError *error);
/* Lists hosts (XmppStreamhost*, copied) to peer for sid. FALSE when peer is not a full JID or
 * there is no host. */
gboolean xmpp_bytestreams_offer(XmppBytestreams *bs, const char *peer, const char *sid,
                                const GPtrArray *hosts, XmppBytestreamsUsed used, gpointer data,
                                GDestroyNotify destroy);
/* A proxy's own address (§6.3.1). */
typedef void (*XmppBytestreamsFound)(gpointer data, const XmppStreamhost *host,
                                     const GError *error);
void xmpp_bytestreams_ask_proxy(XmppBytestreams *bs, const char *proxy, XmppBytestreamsFound found,
                                gpointer data, GDestroyNotify destroy);
/* Once both ends are connected to the proxy: it joins them (§6.3.5). */
typedef void (*XmppBytestreamsActivated)(gpointer data, const GError *error);
void xmpp_bytestreams_activate(XmppBytestreams *bs, const char *proxy, const char *sid,
                               const char *target, XmppBytestreamsActivated activated,
                               gpointer data, GDestroyNotify destroy);
/* Our server's proxy (the first of its items that is one), or NULL. */
const char *xmpp_bytestreams_server_proxy(const XmppBytestreams *bs);
guint xmpp_bytestreams_n_waits(const XmppBytestreams *bs);

G_END_DECLS
