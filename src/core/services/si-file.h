/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppSiFiles: XEP-0096 SI file transfer (the XEP-0095 offer of a file and its stream method,
 * XEP-0020 feature negotiation), as Pidgin's built-in plugin and most clients speak it. The
 * bytes go over SOCKS5 bytestreams (services/bytestreams.c, XEP-0065) where the receiver takes
 * them, else over an in-band bytestream (services/ibb.c, XEP-0047), which every peer takes and
 * which is also the way back when no SOCKS5 host can be reached. An offer is always a question
 * for the user: nothing is accepted on its own. */
#pragma once

#include "router/router.h"
#include "services/disco.h"
#include "services/bytestreams.h"
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
/* The stream method the receiver chose. */
typedef enum { XMPP_SI_IBB, XMPP_SI_BYTESTREAMS } XmppSiMethod;
/* Our offer's answer: accepted (error NULL: set up the stream the receiver chose now) or why
 * not. */
typedef void (*XmppSiAnswered)(gpointer data, XmppSiMethod method, const GError *error);

XmppSiFiles *xmpp_si_files_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco,
                               XmppIbb *ibb, XmppBytestreams *bytestreams);
void xmpp_si_files_free(XmppSiFiles *si);
void xmpp_si_files_set_offered(XmppSiFiles *si, XmppSiOffered offered, gpointer data);
/* The user takes the file. With hosts_offered, when the sender offers SOCKS5 bytestreams the
 * answer chooses them and *bytestream is their handle (xmpp_bytestreams_answer); else the answer
 * names IBB (*bytestream 0). The in-band stream is expected either way (events as
 * xmpp_ibb_expect's): a sender whose hosts we cannot reach opens it. NULL when the offer is
 * gone (withdrawn, or answered already). */
XmppIbbStream *xmpp_si_accept(XmppSiFiles *si, guint handle, const XmppIbbEvents *events,
                              XmppBytestreamsOffered hosts_offered, gpointer data,
                              guint *bytestream);
/* The user refuses it (§4.2: forbidden, "Offer Declined"). */
void xmpp_si_decline(XmppSiFiles *si, guint handle);
/* Offers a file to peer (a full JID), over SOCKS5 bytestreams or IBB as it chooses: sid is
 * filled with the stream id to set up once the answer comes (free it). FALSE when peer is not
 * a full JID. */
gboolean xmpp_si_offer(XmppSiFiles *si, const char *peer, const char *name, guint64 size,
                       char **sid, XmppSiAnswered answered, gpointer data, GDestroyNotify destroy);
guint xmpp_si_n_offers(const XmppSiFiles *si);

G_END_DECLS
