/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppAvatars: XEP-0084 (PEP) avatars with XEP-0153 vCard-based avatars as fallback. */
#pragma once

#include "services/pep.h"
#include "services/vcard.h"

G_BEGIN_DECLS

typedef struct _XmppAvatars XmppAvatars;

XmppAvatars *xmpp_avatars_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco, XmppPep *pep, XmppVcards *vcards);
void xmpp_avatars_free(XmppAvatars *avatars);

G_END_DECLS
