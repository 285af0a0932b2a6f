/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppSiFiles: XEP-0096 SI file transfer (the XEP-0095 offer of a file and its stream method,
 * XEP-0020 feature negotiation), as Pidgin's built-in plugin and most clients speak it. The
 * bytes go over an in-band bytestream (services/ibb.c, XEP-0047), which every peer takes. An
 * offer is always a question for the user: nothing is accepted on its own. */
#pragma once

#include "router/router.h"
#include "services/disco.h"
#include "services/ibb.h"

G_BEGIN_DECLS

#define XMPP_NS_SI          "http://jabber.org/protocol/si"
#define XMPP_NS_SI_FILE     "http://jabber.org/protocol/si/profile/file-transfer"
#define XMPP_NS_FEATURE_NEG "http://jabber.org/protocol/feature-neg"

#define XMPP_SI_MAX_OFFERS 16  /* offers waiting for the user's answer */
#define XMPP_SI_MAX_SID    128 /* bytes of a stream id we take */

typedef struct _XmppSiFiles XmppSiFiles;

/* A file offered to us (borrowed in the event). */
typedef struct {
  guint handle;     /* for xmpp_si_accept / xmpp_si_decline */
  const char *from; /* the sender's full JID */
  const char *sid;
  const char *name; /* as the sender wrote it: clean it before using it as a file name */
  guint64 size;
  const char *description; /* or NULL */
} XmppSiOffer;

typedef void (*XmppSiOffered)(gpointer data, const XmppSiOffer *offer);
/* Our offer's answer: accepted (error NULL: open the stream now) or why not. */
typedef void (*XmppSiAnswered)(gpointer data, const GError *error);

XmppSiFiles *xmpp_si_files_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco,
                               XmppIbb *ibb);
void xmpp_si_files_free(XmppSiFiles *si);
void xmpp_si_files_set_offered(XmppSiFiles *si, XmppSiOffered offered, gpointer data);
/* The user takes the file: the answer names IBB, and the stream is expected (events as
 * xmpp_ibb_expect's). NULL when the offer is gone (withdrawn, or answered already). */
XmppIbbStream *xmpp_si_accept(XmppSiFiles *si, guint handle, const XmppIbbEvents *events,
                              gpointer data);
/* The user refuses it (§4.2: forbidden, "Offer Declined"). */
void xmpp_si_decline(XmppSiFiles *si, guint handle);
/* Offers a file to peer (a full JID): sid is filled with the stream id to open once the
 * answer comes (free it). FALSE when peer is not a full JID. */
gboolean xmpp_si_offer(XmppSiFiles *si, const char *peer, const char *name, guint64 size,
                       char **sid, XmppSiAnswered answered, gpointer data, GDestroyNotify destroy);
guint xmpp_si_n_offers(const XmppSiFiles *si);

G_END_DECLS
