/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppSocks5: the SOCKS5 handshake of an XEP-0065 bytestream (RFC 1928: no authentication, a
 * CONNECT to a domain name that is the stream's SHA-1 "address", port 0), as bytes in and
 * bytes out; the glue moves them over the socket. A client connects to a streamhost (the
 * receiver, or the sender to a proxy); a server is the sender's own streamhost, which accepts
 * only the address it expects (the hash is the connection's only credential). Once done, what
 * follows on the socket is the file. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  XMPP_SOCKS5_CONTINUE, /* more bytes to read (or to write) */
  XMPP_SOCKS5_DONE,     /* the stream is set up: once the output is written, data follows */
  XMPP_SOCKS5_FAILED,   /* refused or malformed (write the output, a refusal, then close) */
} XmppSocks5State;

typedef struct _XmppSocks5 XmppSocks5;

/* The side that connects to dst_addr (40 hex digits, xmpp_socks5_dst_addr). */
XmppSocks5 *xmpp_socks5_new_client(const char *dst_addr);
/* The side that is connected to, and takes only dst_addr. */
XmppSocks5 *xmpp_socks5_new_server(const char *dst_addr);
void xmpp_socks5_free(XmppSocks5 *s5);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppSocks5, xmpp_socks5_free)

/* What to write now (borrowed; *len 0 when nothing); output_done after n of them went. */
const guint8 *xmpp_socks5_get_output(const XmppSocks5 *s5, gsize *len);
void xmpp_socks5_output_done(XmppSocks5 *s5, gsize n);
/* Bytes read: the handshake takes what it needs (*used), the rest is already data. */
XmppSocks5State xmpp_socks5_feed(XmppSocks5 *s5, const guint8 *bytes, gsize len, gsize *used);
XmppSocks5State xmpp_socks5_get_state(const XmppSocks5 *s5);
/* Why it failed (for the log), or NULL. */
const char *xmpp_socks5_get_error(const XmppSocks5 *s5);

/* XEP-0065 §5.3.2: SHA-1 of sid + the initiator's full JID + the target's full JID, in
 * lowercase hex. */
char *xmpp_socks5_dst_addr(const char *sid, const char *initiator, const char *target);

G_END_DECLS
