/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMessages: RFC 6121 §5 messages in and out (bodies, threads, subjects, errors), with
 * delayed delivery, typing notifications, XHTML-IM, unique ids (XEP-0359) and corrections
 * (XEP-0308); receipts (XEP-0184) and chat markers (XEP-0333) are parsed here and acted on by
 * services/delivery.c. */
#pragma once

#include "im/chatstates.h"
#include "im/delay.h"
#include "router/router.h"
#include "im/namespaces.h"

G_BEGIN_DECLS

/* Hard limits. */
#define XMPP_MESSAGE_MAX_TEXTS     16  /* bodies (or subjects) in different languages kept */
#define XMPP_MESSAGE_MAX_THREADS   512 /* conversations whose thread we remember */
#define XMPP_MESSAGE_MAX_THREAD_ID 256 /* bytes of a thread id we keep and echo */
#define XMPP_MESSAGE_MAX_ID        256 /* bytes of a message, origin, stanza or marker id kept */
#define XMPP_MESSAGE_MAX_PEERS     512 /* conversations whose recent and last sent ids we keep */
#define XMPP_MESSAGE_MAX_RECENT    32  /* incoming ids kept a conversation (XEP-0308 targets) */

typedef enum {
  XMPP_MESSAGE_NORMAL, /* also a missing or unknown type (RFC 6121 §5.2.2) */
  XMPP_MESSAGE_CHAT,
  XMPP_MESSAGE_HEADLINE,
  XMPP_MESSAGE_GROUPCHAT,
  XMPP_MESSAGE_ERROR,
} XmppMessageType;

/* How a message reached us. */
typedef enum {
  XMPP_MESSAGE_DIRECT,          /* on our stream, from its sender */
  XMPP_MESSAGE_CARBON_RECEIVED, /* XEP-0280: a copy of what another of our clients received */
  XMPP_MESSAGE_CARBON_SENT,     /* XEP-0280: what another of our clients sent (to: the peer) */
  XMPP_MESSAGE_ARCHIVE,         /* XEP-0313: from our own archive (sent by us, or to us) */
} XmppMessageRoute;

/* A XEP-0333 chat marker, in the order a message goes through them; also what we know of the
 * delivery of a message we sent (a XEP-0184 receipt counts as RECEIVED). */
typedef enum {
  XMPP_MARKER_NONE,
  XMPP_MARKER_RECEIVED,
  XMPP_MARKER_DISPLAYED,
  XMPP_MARKER_ACKNOWLEDGED,
} XmppMarker;

/* One <body/> or <subject/>: its language (own xml:lang, else the message's; may be NULL). */
typedef struct _XmppMessageText {
  char *lang;
  char *text;
} XmppMessageText;

/* A received message, parsed (pure). */
typedef struct _XmppMessageInfo {
  XmppMessageRoute route;
  XmppJid *from; /* NULL: from our server (no from) */
  XmppJid *to;
  XmppMessageType type;
  char *id;
  char *lang;        /* the message's own xml:lang (the stanza's default), or NULL */
  GPtrArray *bodies; /* XmppMessageText*, document order, at most XMPP_MESSAGE_MAX_TEXTS */
  GPtrArray *subjects;
  char *thread;
  char *thread_parent;
  XmppDelay *delay; /* NULL when not delayed */
  XmppChatState chat_state;
  XmppMessageEvent event;      /* legacy XEP-0022 */
  XmppNode *html;              /* copy of the XEP-0071 <html/>, NULL when absent */
  GError *error;               /* type error: XMPP_STANZA_ERROR condition and text */
  gboolean forwarded;          /* a bare XEP-0297 <forwarded/> child (never unwrapped here, T45) */
  GPtrArray *forwarded_bodies; /* the inner message's bodies (XmppMessageText*), or NULL */
  char *origin_id;             /* XEP-0359 <origin-id/>: the sender's own id, or NULL */
  /* XEP-0359 <stanza-id/> our own server gave the message, or NULL. The parse never sets it:
   * only xmpp_messages_apply() does, and only when it is trustworthy (T41): by= our own bare
   * JID, and our server advertises urn:xmpp:sid:0 (so it strips forged ones). */
  char *stanza_id;
  gboolean receipt_request; /* XEP-0184 <request/> */
  char *receipt_id;         /* XEP-0184 <received id=/>: a receipt for our message with this id */
  gboolean markable;        /* XEP-0333 <markable/> */
  XmppMarker marker;        /* XEP-0333 <received/>, <displayed/> or <acknowledged/>, or NONE */
  char *marker_id;          /* the id the marker is about (NULL when NONE) */
  /* XEP-0308 <replace id=/>. The parse gives what the stanza says; xmpp_messages_apply() keeps
   * it only when the same full JID sent the message with that id (else the message is an
   * ordinary new one): the received event's info has it only for a real correction. */
  char *replace_id;
  char *oob_url; /* XEP-0066 link (im/oob.c: http or https, one line), or NULL */
} XmppMessageInfo;

XmppMessageType xmpp_message_type_from_string(const char *type);
const char *xmpp_message_type_to_string(XmppMessageType type);

/* Parses a message stanza. now_s: the wall clock in seconds (for clamping delays). */
XmppMessageInfo *xmpp_message_info_parse(const XmppStanza *stanza, gint64 now_s);
void xmpp_message_info_free(XmppMessageInfo *info);
/* The id of the first XEP-0359 <stanza-id/> of message whose by is exactly the bare JID `by`
 * (a by with a resource, another JID or none does not count), or NULL. Pure; transfer full. */
char *xmpp_message_dup_stanza_id(const XmppNode *message, const XmppJid *by);
const char *xmpp_marker_name(XmppMarker marker); /* "received"...; NULL for NONE */
/* The text to show (RFC 6121 §5.2.3): the user's language (exact, then the same primary
 * language subtag), else the stanza's default language, else the first. NULL if none. */
const XmppMessageText *xmpp_message_choose_text(const GPtrArray *texts, const char *user_lang,
                                                const char *default_lang);
/* The chosen body as safe purple markup: the sanitised XHTML-IM body in the chosen language
 * when there is one with visible text, else the plain body escaped. NULL when no body. */
char *xmpp_message_info_dup_markup(const XmppMessageInfo *info, const char *user_lang);

typedef struct _XmppMessagesEvents {
  /* A message to show (chat, normal or headline), maybe only a subject. info borrowed; text is
   * safe markup (NULL when no body); subject is escaped (NULL when none). */
  void (*received)(gpointer data, const XmppMessageInfo *info, const char *text,
                   const char *subject);
  /* A peer's typing state changed (XEP-0085, or XEP-0022 as COMPOSING / ACTIVE). */
  void (*typing)(gpointer data, const XmppJid *from, XmppChatState state);
  /* A message of type error (info->error is set; bodies may echo what we sent). */
  void (*error)(gpointer data, const XmppMessageInfo *info);
  /* A message another of our clients sent (a XEP-0280 <sent/> carbon, or ours from the
   * archive: info->route says which): info->to is the peer, text is safe markup. Shown as ours
   * in the conversation with the peer (with its time when info->delay is set). */
  void (*sent)(gpointer data, const XmppMessageInfo *info, const char *text);
} XmppMessagesEvents;

typedef struct _XmppMessages XmppMessages;

XmppMessages *xmpp_messages_new(XmppRouter *router, const XmppHost *host);
void xmpp_messages_free(XmppMessages *messages);
void xmpp_messages_set_events(XmppMessages *messages, const XmppMessagesEvents *events,
                              gpointer data);
/* The user's language tag (e.g. "fr-CA"), or NULL for none. */
void xmpp_messages_set_language(XmppMessages *messages, const char *lang);
/* Whether our server advertises urn:xmpp:sid:0 (the session says so once it discovered the
 * server): only then is a stanza-id by our bare JID trusted (T41). FALSE at first. */
void xmpp_messages_set_stanza_ids_trusted(XmppMessages *messages, gboolean trusted);
/* What a layer above adds to each chat message we send (message carries its id and to; to is
 * the recipient as addressed): the receipt and marker requests of services/delivery.c, which
 * depend on what the peer supports. One decorator; NULL removes it. */
typedef void (*XmppMessageDecorator)(gpointer data, XmppNode *message, const XmppJid *to);
void xmpp_messages_set_decorator(XmppMessages *messages, XmppMessageDecorator decorator,
                                 gpointer data);

/* Applies a received message (what the catch-all owner does for DIRECT ones; the carbons
 * owner hands over the forwarded message of a carbon it checked). TRUE when something was
 * shown or a typing state changed. */
gboolean xmpp_messages_apply(XmppMessages *messages, const XmppStanza *stanza,
                             XmppMessageRoute route);
/* Applies a message from our own archive (services/mam.c checked where it came from):
 * archive_id is its archive id (what dedup knows it by). Ours (from our bare JID) is shown as
 * sent, others' as received; both with their original time. */
gboolean xmpp_messages_apply_archived(XmppMessages *messages, const XmppStanza *stanza,
                                      const char *archive_id);
/* The newest archive id (trusted stanza-id, or archive result id) of a message we saw, or NULL:
 * where the next archive catch-up starts. */
const char *xmpp_messages_get_last_archive_id(XmppMessages *messages);

/* Sends a chat message, with a XEP-0359 <origin-id/> equal to its id. html: the <html
 * xmlns=XEP-0071/> element to send with the body (see xmpp_xhtml_build, which makes both), or NULL;
 * it is copied. The thread the peer last used is echoed (RFC 6121 §5.2.5). An OTR message (the body
 * starts with "?OTR") is kept out of carbons (XEP-0280 §6: <private/> and a XEP-0334 <no-copy/>):
 * our other clients could not read it. Returns the message id (free it); NULL (nothing sent) if to
 * is not a valid JID or there is no random data for the id. */
char *xmpp_messages_send_chat(XmppMessages *messages, const char *to, const char *body,
                              const XmppNode *html);
/* Sends a file's address (an HTTP upload's GET URL) as a chat message: the URL as the body and
 * in a XEP-0066 <x xmlns='jabber:x:oob'><url/></x>, which clients show as the file itself.
 * Returns the id as xmpp_messages_send_chat. */
char *xmpp_messages_send_link(XmppMessages *messages, const char *to, const char *url);
/* Sends a XEP-0308 correction of the last chat message we sent to peer (by bare JID): a new
 * message (new id and origin-id) with <replace id=/> naming the original message, also for a
 * second correction (XEP-0308 §5). Returns the new id (free it); NULL (nothing sent) when we
 * sent that peer nothing to correct, or as xmpp_messages_send_chat. */
char *xmpp_messages_send_correction(XmppMessages *messages, const char *to, const char *body,
                                    const XmppNode *html);
/* The id of the last chat message we sent to peer that a correction would replace, or NULL. */
const char *xmpp_messages_get_last_sent_id(XmppMessages *messages, const char *peer);
/* Our typing state towards a peer: sent only when the peer uses chat states (or asked for
 * XEP-0022 events). */
void xmpp_messages_send_typing(XmppMessages *messages, const char *to, XmppChatState state);
/* The thread of the conversation with a peer (any JID form; keyed by bare JID), or NULL. */
const char *xmpp_messages_get_thread(XmppMessages *messages, const char *peer);
/* The conversation with peer was closed: forget its thread, typing state and the ids kept for
 * corrections. */
void xmpp_messages_forget(XmppMessages *messages, const char *peer);
XmppChatStates *xmpp_messages_get_chatstates(XmppMessages *messages);

/* What the module remembers about past messages, entry by entry: each table is bounded by
 * count (the limits above and XMPP_DEDUP_MAX_KEYS), whatever the traffic. */
typedef struct {
  guint dedup_keys;   /* messages known, for showing each once */
  guint recent_peers; /* conversations with ids a correction may name */
  guint recent_ids;   /* those ids, all conversations together */
  guint threads;
  guint last_sent;
} XmppMessagesTables;
void xmpp_messages_get_tables(const XmppMessages *messages, XmppMessagesTables *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppMessageInfo, xmpp_message_info_free)

G_END_DECLS
