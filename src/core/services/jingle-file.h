/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppJingleFiles: XEP-0234 Jingle file transfer (XEP-0166 sessions) over in-band bytestreams
 * (XEP-0261, services/ibb.c), what Conversations, Dino and Gajim speak. The same shape as SI
 * (services/si-file.h): a file offered to us is a question for the user; ours is answered by
 * the peer's session-accept, after which the IBB stream named in the offer is opened; the
 * sender ends the session once every block is taken. */
#pragma once

#include "router/router.h"
#include "services/disco.h"
#include "services/ibb.h"
#include "services/si-file.h"

G_BEGIN_DECLS

#define XMPP_NS_JINGLE     "urn:xmpp:jingle:1"
#define XMPP_NS_JINGLE_FT  "urn:xmpp:jingle:apps:file-transfer:5"
#define XMPP_NS_JINGLE_IBB "urn:xmpp:jingle:transports:ibb:1"

#define XMPP_JINGLE_MAX_SESSIONS 16

typedef struct _XmppJingleFiles XmppJingleFiles;

XmppJingleFiles *xmpp_jingle_files_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco,
                                       XmppIbb *ibb);
void xmpp_jingle_files_free(XmppJingleFiles *jf);
/* Does a peer (its disco#info) take Jingle files over IBB? */
gboolean xmpp_jingle_files_supported(const XmppDiscoInfo *info);
void xmpp_jingle_files_set_offered(XmppJingleFiles *jf, XmppSiOffered offered, gpointer data);
/* As xmpp_si_accept: session-accept, and the offer's IBB stream expected. */
XmppIbbStream *xmpp_jingle_accept(XmppJingleFiles *jf, guint handle, const XmppIbbEvents *events,
                                  gpointer data);
/* session-terminate with <decline/>. */
void xmpp_jingle_decline(XmppJingleFiles *jf, guint handle);
/* Offers a file to peer (a full JID): *sid gets the IBB stream's id, to open once answered
 * (error NULL) — answered runs with an error when the peer declines or ends the session. */
gboolean xmpp_jingle_offer(XmppJingleFiles *jf, const char *peer, const char *name, guint64 size,
                           char **sid, XmppSiAnswered answered, gpointer data,
                           GDestroyNotify destroy);
/* Ends our session whose IBB stream is sid: <success/> (every block taken) or <cancel/>. */
void xmpp_jingle_finish(XmppJingleFiles *jf, const char *sid, gboolean success);
guint xmpp_jingle_n_sessions(const XmppJingleFiles *jf);

G_END_DECLS
