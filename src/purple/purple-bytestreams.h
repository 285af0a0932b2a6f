/* SPDX-License-Identifier: GPL-2.0-or-later */
/* purple-bytestreams.c: the sockets of a SOCKS5 bytestream (XEP-0065, negotiated by the core's
 * bytestreams.c): our own streamhost (a listening socket that takes only the stream's
 * address), or a connection to the first of a list of streamhosts that answers, through the
 * account's proxy; the SOCKS5 handshake (the core's socks5.c) over them; then the file's bytes
 * one way. Everything it started ends when it is freed. */
#pragma once

#include <gio/gio.h>
#include <purple.h>

#include "services/bytestreams.h"

G_BEGIN_DECLS

#define XMPP_PURPLE_S5B_CONNECT_TIMEOUT 10 /* seconds for each streamhost */
#define XMPP_PURPLE_S5B_ACCEPT_TIMEOUT  30 /* seconds the peer has to reach our streamhost */
#define XMPP_PURPLE_S5B_MAX_ACCEPTED    4  /* connections to our streamhost handshaking at once */

typedef struct _XmppPurpleS5b XmppPurpleS5b;

typedef struct {
  /* listen: our streamhost's port, 0 when none could be opened. */
  void (*listening)(gpointer data, guint16 port);
  /* connect, or take_accepted: the stream is set up, over host (borrowed; NULL: a peer that
   * came to our streamhost). */
  void (*ready)(gpointer data, const XmppStreamhost *host);
  /* connect: no host could be reached; take_accepted: nobody came. */
  void (*failed)(gpointer data, const char *why);
  /* receive: the next bytes (borrowed). */
  void (*received)(gpointer data, const guint8 *bytes, gsize len);
  /* send: len more bytes went. */
  void (*sent)(gpointer data, gsize len);
  /* The stream ended: error NULL when the sender closed it, or when all was sent. */
  void (*closed)(gpointer data, const GError *error);
} XmppPurpleS5bEvents;

/* dst_addr: the stream's SOCKS5 address (xmpp_socks5_dst_addr). */
XmppPurpleS5b *xmpp_purple_s5b_new(PurpleAccount *account, const char *dst_addr,
                                   const XmppPurpleS5bEvents *events, gpointer data);
void xmpp_purple_s5b_free(XmppPurpleS5b *s5b);
/* Opens our streamhost (listening runs once it is). */
void xmpp_purple_s5b_listen(XmppPurpleS5b *s5b);
/* The peer said it reached our streamhost: ready once its handshake is done. */
void xmpp_purple_s5b_take_accepted(XmppPurpleS5b *s5b);
/* Tries hosts (XmppStreamhost*, copied) in order, each for XMPP_PURPLE_S5B_CONNECT_TIMEOUT. */
void xmpp_purple_s5b_connect(XmppPurpleS5b *s5b, const GPtrArray *hosts);
/* Once ready: sends in to its end (sent, then closed), or takes what comes (received, closed). */
void xmpp_purple_s5b_send(XmppPurpleS5b *s5b, GInputStream *in);
void xmpp_purple_s5b_receive(XmppPurpleS5b *s5b);

/* Where a peer could reach our streamhost, for the account's connection on fd: the address that
 * connection goes out from, and the public address the user set (or UPnP found), if another.
 * (XmppStreamhost*: jid ours, port the listener's.) */
GPtrArray *xmpp_purple_s5b_own_hosts(int fd, const char *jid, guint16 port);

G_END_DECLS
