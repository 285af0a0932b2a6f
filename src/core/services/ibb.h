/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppIbb: XEP-0047 In-Band Bytestreams, the transport every XMPP client can use for a direct
 * file transfer: the bytes go base64 in IQs through the servers, one block at a time (the next
 * once the peer took the last). A stream is opened by its sender; the receiver accepts only one
 * it expects (a transfer the user accepted): an unsolicited open is refused. */
#pragma once

#include "router/router.h"

G_BEGIN_DECLS

#define XMPP_NS_IBB "http://jabber.org/protocol/ibb"

#define XMPP_IBB_BLOCK_SIZE     4096  /* what we open with (prpl-jabber's too) */
#define XMPP_IBB_MAX_BLOCK_SIZE 65535 /* §2: the largest a peer may propose */
#define XMPP_IBB_MAX_STREAMS    16    /* open or expected at once */

typedef struct _XmppIbb XmppIbb;
typedef struct _XmppIbbStream XmppIbbStream;

typedef struct {
  /* The stream is open: the peer accepted ours, or opened the one we expected. */
  void (*opened)(gpointer data);
  /* Receiving: the next block, in order (borrowed). */
  void (*received)(gpointer data, const guint8 *bytes, gsize len);
  /* Sending: the peer took the last block; the next may go. */
  void (*acked)(gpointer data);
  /* The stream ended: error NULL when the peer closed it (the receiver's end of the file), or
   * when our close was taken; else why (refused, out of order, too large, timed out). The
   * stream is gone after this returns. */
  void (*closed)(gpointer data, const GError *error);
} XmppIbbEvents;

XmppIbb *xmpp_ibb_new(XmppRouter *router, const XmppHost *host);
void xmpp_ibb_free(XmppIbb *ibb);
/* A stream peer (a full JID) may open with this sid; NULL when too many are open already. */
XmppIbbStream *xmpp_ibb_expect(XmppIbb *ibb, const char *peer, const char *sid,
                               const XmppIbbEvents *events, gpointer data);
/* Opens a stream to peer with XMPP_IBB_BLOCK_SIZE; NULL when too many are open already. */
XmppIbbStream *xmpp_ibb_open(XmppIbb *ibb, const char *peer, const char *sid,
                             const XmppIbbEvents *events, gpointer data);
/* The block size agreed (what the opener proposed). */
gsize xmpp_ibb_get_block_size(const XmppIbbStream *stream);
/* Sends one block (at most the block size): FALSE when the stream is not open, a block is
 * still unacknowledged, or len is out of bounds. */
gboolean xmpp_ibb_send(XmppIbbStream *stream, const guint8 *bytes, gsize len);
/* Ends the stream: the sender's end of the file (closed runs once the peer takes it), or
 * either side's cancel (quiet: no event runs after this). */
void xmpp_ibb_close(XmppIbbStream *stream, gboolean quiet);
guint xmpp_ibb_n_streams(const XmppIbb *ibb);

G_END_DECLS
