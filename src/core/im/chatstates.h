/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Typing notifications: XEP-0085 chat states and legacy XEP-0022 message events, parsed from
 * messages, and the per-peer policy of what we send. */
#pragma once

#include "xml/node.h"
#include "im/namespaces.h"

G_BEGIN_DECLS

/* Peers remembered at once; beyond this the least recently seen is forgotten. */
#define XMPP_CHATSTATES_MAX_PEERS 512
/* Bytes of a XEP-0022 message id we keep (to echo back). */
#define XMPP_CHATSTATES_MAX_ID 256

typedef enum {
  XMPP_CHAT_STATE_NONE, /* no chat state element */
  XMPP_CHAT_STATE_ACTIVE,
  XMPP_CHAT_STATE_COMPOSING,
  XMPP_CHAT_STATE_PAUSED,
  XMPP_CHAT_STATE_INACTIVE,
  XMPP_CHAT_STATE_GONE,
} XmppChatState;

const char *xmpp_chatstates_name(XmppChatState state); /* NULL for NONE */

/* XEP-0022 jabber:x:event in a message. */
typedef struct _XmppMessageEvent {
  gboolean present;
  gboolean composing; /* <composing/> is there */
  char *id;           /* <id/>: this is a notification about our message id; NULL: a request */
} XmppMessageEvent;

/* The XEP-0085 state of a message (the first known state element), or NONE. */
XmppChatState xmpp_chatstates_parse(const XmppNode *message);
/* Fills event from a message's jabber:x:event (cleared first). */
void xmpp_chatstates_parse_event(const XmppNode *message, XmppMessageEvent *event);
void xmpp_chatstates_event_clear(XmppMessageEvent *event);

/* What we know of one peer (keyed by bare JID). */
typedef enum {
  XMPP_CHAT_STATES_UNKNOWN, /* not seen yet: send <active/> with the first message only */
  XMPP_CHAT_STATES_YES,     /* they sent a chat state: send ours */
  XMPP_CHAT_STATES_NO,      /* they answered a message without one: stay quiet (§5.1) */
} XmppChatStatesSupport;

typedef struct _XmppChatStates XmppChatStates;

XmppChatStates *xmpp_chatstates_new(void);
void xmpp_chatstates_free(XmppChatStates *cs);

/* An incoming message from peer (bare JID string): learns whether the peer uses XEP-0085 and
 * remembers a XEP-0022 composing request (the message id) to answer while we type. */
void xmpp_chatstates_note_incoming(XmppChatStates *cs, const char *peer, const char *message_id,
                                   gboolean has_body, XmppChatState state,
                                   const XmppMessageEvent *event);
XmppChatStatesSupport xmpp_chatstates_get_support(XmppChatStates *cs, const char *peer);

/* Adds what belongs to an outgoing message with a body: <active/> unless the peer is known not
 * to use chat states, and the XEP-0022 composing request unless it is known to use XEP-0085. */
void xmpp_chatstates_decorate_message(XmppChatStates *cs, const char *peer, XmppNode *message);
/* A standalone typing notification for peer (to: its address), or NULL when none should be
 * sent (the peer does not use either protocol, or the state did not change). */
XmppNode *xmpp_chatstates_build_notification(XmppChatStates *cs, const char *peer, const char *to,
                                             XmppChatState state);
/* Forgets a peer (conversation closed). */
void xmpp_chatstates_forget(XmppChatStates *cs, const char *peer);
guint xmpp_chatstates_n_peers(const XmppChatStates *cs);

G_END_DECLS
