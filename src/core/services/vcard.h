/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppVcards: XEP-0054 vCards: fetching a contact's or our own, publishing ours. */
#pragma once

#include "services/disco.h"

G_BEGIN_DECLS

typedef struct _XmppVcard XmppVcard; /* the parsed model: see below for the fields (owner) */
typedef struct _XmppVcards XmppVcards;

/* vcard NULL when the request failed (error set) or the contact has none. */
typedef void (*XmppVcardCallback)(const XmppVcard *vcard, const GError *error,
                                  gpointer user_data);

XmppVcards *xmpp_vcards_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco);
void xmpp_vcards_free(XmppVcards *vcards);
/* jid NULL: our own vCard. */
void xmpp_vcards_fetch(XmppVcards *vcards, const XmppJid *jid, XmppVcardCallback cb,
                       gpointer user_data, GDestroyNotify destroy);

G_END_DECLS
