/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppCsi: XEP-0352 client state indication. The user's idleness, told to a server that offers
 * it, so it may hold back what is not urgent (presence floods) while nobody looks. */
#pragma once

#include "router/router.h"

G_BEGIN_DECLS

typedef struct _XmppCsi XmppCsi;

XmppCsi *xmpp_csi_new(XmppRouter *router, const XmppHost *host);
void xmpp_csi_free(XmppCsi *csi);
/* Whether the server of the stream just signed in on offers CSI (its stream features). A new
 * stream starts active (XEP-0352 §2), so an inactive user is told again here. */
void xmpp_csi_set_offered(XmppCsi *csi, gboolean offered);
/* The user went idle (TRUE) or came back: <inactive/> or <active/>, sent only when the server
 * offers CSI and only when it changes what the server was last told. */
void xmpp_csi_set_inactive(XmppCsi *csi, gboolean inactive);
/* What the server was last told (FALSE: active). */
gboolean xmpp_csi_is_inactive(const XmppCsi *csi);

G_END_DECLS
