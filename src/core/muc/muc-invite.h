/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMucInvite: an invitation to a room, mediated by the room (XEP-0045 §7.8.2: a message
 * from the room with <x xmlns='muc#user'><invite from=/></x>) or sent directly by a contact
 * (XEP-0249: <x xmlns='jabber:x:conference' jid=/>), and the builders for both. An
 * invitation is only ever a question to the user (T44): nothing here joins anything. */
#pragma once

#include "router/stanza.h"

G_BEGIN_DECLS

#define XMPP_NS_CONFERENCE "jabber:x:conference" /* XEP-0249 */

typedef struct {
  char *room;      /* the room's bare JID */
  char *inviter;   /* who invites (full or bare JID as given), or NULL when the room hides it */
  char *reason;    /* capped, or NULL */
  char *password;  /* capped, or NULL */
  gboolean direct; /* XEP-0249 rather than through the room */
} XmppMucInvite;

/* The invitation a message carries, or NULL. Mediated: only from a room's bare JID (a
 * resource means an occupant, who cannot speak for the room). Direct: only a room's bare JID
 * as the jid. */
XmppMucInvite *xmpp_muc_invite_parse(const XmppStanza *message);
void xmpp_muc_invite_free(XmppMucInvite *invite);

/* <message to=room><x muc#user><invite to=who><reason/></invite></x></message> */
XmppNode *xmpp_muc_invite_build_mediated(const char *room, const char *who, const char *reason);
/* XEP-0249: <message to=who><x xmlns='jabber:x:conference' jid=room reason= password=/></message>
 * (reason and password may be NULL). */
XmppNode *xmpp_muc_invite_build_direct(const char *room, const char *who, const char *reason,
                                       const char *password);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppMucInvite, xmpp_muc_invite_free)

G_END_DECLS
