/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The glue of attention, mood, nickname and tune (XEP-0224/0107/0172/0118). */
#pragma once

#include "purple-glue.h"

G_BEGIN_DECLS

#define XMPP_PURPLE_STATUS_MOOD "mood" /* purple's independent mood status (PURPLE_STATUS_MOOD) */
#define XMPP_PURPLE_STATUS_TUNE "tune" /* purple's independent tune status (PURPLE_STATUS_TUNE) */
#define XMPP_PURPLE_OPT_NICK    "lyre_nick" /* the nickname we published last (XEP-0172) */

typedef struct _XmppPurpleExtrasState XmppPurpleExtrasState;

void xmpp_purple_extras_start(XmppPurpleConn *conn);
void xmpp_purple_extras_stop(XmppPurpleConn *conn);
GList *xmpp_purple_extras_actions(GList *actions);
/* Appends the mood and tune statuses to the presence statuses. */
GList *xmpp_purple_extras_status_types(GList *types);
/* The mood and tune statuses: TRUE when status was one of them (handled here). */
gboolean xmpp_purple_extras_set_status(PurpleAccount *account, PurpleStatus *status);
/* prpl_info slots. */
gboolean xmpp_purple_extras_send_attention(PurpleConnection *gc, const char *username, guint type);
GList *xmpp_purple_extras_get_attention_types(PurpleAccount *account);
PurpleMood *xmpp_purple_extras_get_moods(PurpleAccount *account);

G_END_DECLS
