/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppPresence: RFC 6121 §4: contacts' presence per resource, our own presence (invisibility
 * included) and directed presence. Subscriptions (§3) are in subscription.h. */
#pragma once

#include "im/roster.h"
#include "router/stanza-error.h"
#include "im/namespaces.h"

G_BEGIN_DECLS

/* Hard limits (T52): a contact cannot make us keep more than this. */
#define XMPP_PRESENCE_MAX_RESOURCES 64     /* resources kept per contact; more are ignored */
#define XMPP_PRESENCE_MAX_CONTACTS  20000  /* contacts with presence kept; more are ignored */
#define XMPP_PRESENCE_MAX_STATUS    4096   /* bytes of <status/> kept (cut at a character) */
#define XMPP_PRESENCE_PRIORITY_MIN  (-128) /* RFC 6121 §4.7.2.3: a signed byte */
#define XMPP_PRESENCE_PRIORITY_MAX  127

/* RFC 6121 §4.7.1 and §3: the type attribute. */
typedef enum {
  XMPP_PRESENCE_AVAILABLE, /* no type attribute */
  XMPP_PRESENCE_UNAVAILABLE,
  XMPP_PRESENCE_SUBSCRIBE,
  XMPP_PRESENCE_SUBSCRIBED,
  XMPP_PRESENCE_UNSUBSCRIBE,
  XMPP_PRESENCE_UNSUBSCRIBED,
  XMPP_PRESENCE_PROBE,
  XMPP_PRESENCE_ERROR,
  XMPP_PRESENCE_INVALID, /* an unknown type: RFC 6120 §8.3.3.1 says ignore it */
} XmppPresenceType;

/* RFC 6121 §4.7.2.1, from the most to the least available (the order is used to rank). */
typedef enum {
  XMPP_SHOW_CHAT,
  XMPP_SHOW_NONE, /* no <show/>: plainly available */
  XMPP_SHOW_AWAY,
  XMPP_SHOW_XA,
  XMPP_SHOW_DND,
} XmppPresenceShow;

/* A received presence stanza, parsed (pure model, RFC 6121 §4.7). */
typedef struct _XmppPresenceInfo {
  XmppJid *from; /* owned; NULL when absent or invalid */
  XmppPresenceType type;
  XmppPresenceShow show; /* unknown <show/> values count as NONE */
  char *status;          /* the chosen <status/> (by xml:lang), NULL when none */
  int priority;          /* clamped to -128..127; absent or junk: 0 */
  gint64 idle_since;     /* Unix seconds (XEP-0319 or XEP-0256), 0 when not idle */
  char *nick;            /* XEP-0172 (not used yet) */
  char *caps_node;       /* XEP-0115 node (not used yet) */
  GError *error;         /* type error: the stanza error (XMPP_STANZA_ERROR) */
  gboolean muc;          /* a MUC occupant presence (muc#user): not a contact's */
} XmppPresenceInfo;

/* Parses a presence node. lang: the user's language (e.g. "fr"), NULL for none; now: the current
 * Unix time, for XEP-0256 seconds and for clamping future idle times. Never fails. */
XmppPresenceInfo *xmpp_presence_info_parse(const XmppNode *node, const char *lang, gint64 now);
void xmpp_presence_info_free(XmppPresenceInfo *info);
const char *xmpp_presence_type_name(XmppPresenceType type);
const char *xmpp_presence_show_name(XmppPresenceShow show); /* NULL for NONE */

/* One resource of a contact. */
typedef struct _XmppPresenceResource {
  char *resource; /* "" for presence from the bare JID */
  XmppPresenceShow show;
  char *status; /* NULL when none */
  int priority;
  gint64 idle_since; /* 0: not idle */
  guint64 serial;    /* order of arrival: larger is more recent */
} XmppPresenceResource;

/* What we know of a contact's presence (bare JID). */
typedef struct _XmppPresenceContact {
  char *bare;
  GPtrArray *resources; /* XmppPresenceResource*, owned; empty when offline */
  char *error;          /* the last presence error, "condition (text)" for logs; NULL: none */
  XmppStanzaErrorInfo *error_info; /* the same error, parsed (what the glue shows); NULL: none */
} XmppPresenceContact;

/* The best resource (RFC 6121 §4.7.2.3 and common practice): highest priority, then the most
 * available show, then the most recent. Negative priorities still count (they are online).
 * NULL when the contact has none. */
const XmppPresenceResource *xmpp_presence_contact_get_best(const XmppPresenceContact *contact);

typedef enum {
  XMPP_INVISIBLE_UNKNOWN, /* the server's features are not known yet */
  XMPP_INVISIBLE_XEP0186, /* urn:xmpp:invisible:0 offered by the server */
  XMPP_INVISIBLE_PRIVACY, /* XEP-0016 privacy list blocking outgoing presence (XEP-0126) */
  XMPP_INVISIBLE_LEGACY,  /* neither: unavailable presence while staying connected */
} XmppInvisibleMechanism;

/* Our own presence (RFC 6121 §4.2, §4.7). */
typedef struct _XmppOwnPresence {
  XmppPresenceShow show;
  const char *status; /* plain text, NULL for none */
  int priority;       /* clamped */
  gboolean invisible;
  gint64 idle_since; /* Unix seconds, 0: not idle (XEP-0319) */
} XmppOwnPresence;

/* The <presence/> for own (pure). Invisible gives the legacy form: type='unavailable'. to: NULL
 * for broadcast, else directed presence. */
XmppNode *xmpp_presence_build_own(const XmppOwnPresence *own, const char *to);

typedef struct _XmppPresenceEvents {
  /* A contact's presence changed (contact borrowed for the call; no resources: offline). */
  void (*contact_changed)(gpointer data, const XmppPresenceContact *contact);
  /* RFC 6121 §3.1.3: someone asks to see our presence; answer with xmpp_subscription_answer. */
  void (*subscription_request)(gpointer data, const char *bare, const char *message);
  /* §3.1.5 / §3.2.3 / §3.3.3: a contact approved, cancelled (or denied) or unsubscribed. */
  void (*subscription_changed)(gpointer data, const char *bare, XmppPresenceType type);
  /* The server's invisibility mechanism is known (after xmpp_presence_discover). */
  void (*invisible_mechanism)(gpointer data, XmppInvisibleMechanism mechanism);
} XmppPresenceEvents;

typedef struct _XmppPresence XmppPresence;

XmppPresence *xmpp_presence_new(XmppRouter *router, const XmppHost *host, XmppRoster *roster);
void xmpp_presence_free(XmppPresence *presence);
/* events copied; data borrowed until replaced or the presence is freed. */
void xmpp_presence_set_events(XmppPresence *presence, const XmppPresenceEvents *events,
                              gpointer data);
/* The user's language for picking <status/> texts (copied; NULL: none). */
void xmpp_presence_set_lang(XmppPresence *presence, const char *lang);
/* RFC 6121 §3.4: the server offered <sub xmlns='urn:xmpp:features:pre-approval'/>. */
void xmpp_presence_set_pre_approval(XmppPresence *presence, gboolean supported);
gboolean xmpp_presence_get_pre_approval(const XmppPresence *presence);

/* Asks the server (disco#info) which invisibility mechanism it offers. Call once READY. */
void xmpp_presence_discover(XmppPresence *presence);
XmppInvisibleMechanism xmpp_presence_get_invisible_mechanism(const XmppPresence *presence);
const char *xmpp_presence_invisible_mechanism_name(XmppInvisibleMechanism mechanism);

/* Sends our presence to the server (never with a 'to': RFC 6121 §4.2, §11), invisibility done
 * with the server's mechanism. Remembered for later changes of mechanism. */
void xmpp_presence_send_own(XmppPresence *presence, const XmppOwnPresence *own);
/* XEP-0115 §6: an element added to every available presence we send (entity caps). build returns
 * a new node (transfer full) or NULL; data is borrowed until replaced (build NULL removes it). */
void xmpp_presence_set_own_extension(XmppPresence *presence, XmppNode *(*build)(gpointer data),
                                     gpointer data);
/* More such elements (e.g. XEP-0153 vcard-temp:x:update), added after the caps one, at most
 * XMPP_PRESENCE_MAX_OWN_EXTENSIONS (FALSE beyond); the same (build, data) is added once. */
#define XMPP_PRESENCE_MAX_OWN_EXTENSIONS 4
gboolean xmpp_presence_add_own_extension(XmppPresence *presence, XmppNode *(*build)(gpointer data),
                                         gpointer data);
void xmpp_presence_remove_own_extension(XmppPresence *presence, XmppNode *(*build)(gpointer data),
                                        gpointer data);
/* Sends our last presence again (an extension changed, e.g. our avatar hash); nothing before
 * the initial presence was sent. */
void xmpp_presence_resend_own(XmppPresence *presence);
/* Directed presence (RFC 6121 §4.6): our current presence (available) or unavailable to one
 * JID. Only on the user's explicit request. FALSE when jid is not valid. */
gboolean xmpp_presence_send_directed(XmppPresence *presence, const char *jid, gboolean available);

/* Contact lookup (borrowed; NULL when we have no presence for it). */
const XmppPresenceContact *xmpp_presence_get_contact(const XmppPresence *presence,
                                                     const char *bare);
guint xmpp_presence_n_contacts(const XmppPresence *presence);
/* Applies a parsed presence (what the stanza handler does). Exposed for tests. */
void xmpp_presence_apply(XmppPresence *presence, const XmppPresenceInfo *info);
/* A new session on the server (a failed resume): every contact is offline until its presence
 * comes again (contact_changed for each one we knew online). */
void xmpp_presence_forget_all(XmppPresence *presence);

/* For subscription.c. */
XmppRouter *xmpp_presence_get_router(XmppPresence *presence);
XmppRoster *xmpp_presence_get_roster(XmppPresence *presence);
const XmppHost *xmpp_presence_get_host(XmppPresence *presence);
const XmppPresenceEvents *xmpp_presence_get_events(XmppPresence *presence, gpointer *data);
/* bare -> request message: subscription requests waiting for the user's answer. */
GHashTable *xmpp_presence_get_pending_in(XmppPresence *presence);
/* bare -> NULL: contacts we approved or pre-approved during this session. */
GHashTable *xmpp_presence_get_approved(XmppPresence *presence);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppPresenceInfo, xmpp_presence_info_free)

G_END_DECLS
