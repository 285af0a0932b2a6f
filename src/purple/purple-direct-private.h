/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What purple-direct.c (a transfer's life, receiving, the area) and purple-direct-send.c
 * (sending: the offer, the streamhosts, the bytes) share: one direct transfer. */
#pragma once

#include <gio/gio.h>

#include "purple-bytestreams.h"
#include "purple-glue.h"
#include "purple-http.h"
#include "services/ibb.h"
#include "services/jingle-file.h"
#include "services/si-file.h"

G_BEGIN_DECLS

/* One transfer, owned by its PurpleXfer (xfer->data). */
typedef struct {
  XmppPurpleConn *conn;
  PurpleXfer *xfer;
  char *who;       /* the peer's full JID */
  gboolean jingle; /* XEP-0234 (Jingle) rather than XEP-0096 (SI) */
  gboolean sending;
  guint offer; /* receiving: the offer, until answered (0 after) */
  char *sid;   /* the stream's id */
  XmppIbbStream *stream;
  XmppPurpleS5b *s5b;      /* the SOCKS5 bytestream, while tried or used */
  guint bytestream;        /* receiving: the hosts' handle, until answered */
  guint ibb_timer;         /* receiving: waiting for in-band after SOCKS5 failed */
  guint asking;            /* sending: our streamhost and proxies not known yet */
  GPtrArray *own_hosts;    /* sending: XmppStreamhost*, ours */
  GPtrArray *proxy_hosts;  /* sending: XmppStreamhost*, the proxies' */
  GInputStream *in;        /* sending: the file */
  XmppPurpleIncoming *out; /* receiving: the file */
  guint64 done;
  gint64 told;
} Direct;

XmppSiFiles *direct_si_of(XmppPurpleConn *conn);
XmppJingleFiles *direct_jingle_of(XmppPurpleConn *conn);
/* Our full JID, or NULL before binding. */
const char *direct_own_jid(Direct *d);
/* The transfer fails with text shown; d is freed. */
void direct_fail(Direct *d, const char *text);
/* The transfer is complete; d is freed. */
void direct_finished(Direct *d);
/* The stream ended (error NULL: as it should): complete, or why not; d is freed. */
void direct_ended(Direct *d, const GError *error);
/* The events of either stream's end. */
void direct_stream_closed(gpointer data, const GError *error);
void direct_s5b_closed(gpointer data, const GError *error);
/* purple-direct-send.c: the user chose the file; it is offered. */
void direct_send_init(PurpleXfer *xfer);

G_END_DECLS
