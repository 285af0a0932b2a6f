/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared declarations of the libpurple glue: the per-connection state kept in the
 * PurpleConnection's protocol data, and the functions the glue files call on each other. */
#pragma once

#include <purple.h>

#include "session.h"
#include "im/presence.h"
#include "services/vcard.h"

G_BEGIN_DECLS

#define XMPP_PURPLE_PLUGIN_ID "prpl-lyre"
#define XMPP_PURPLE_DEBUG     "lyre" /* purple_debug_* category */

/* Account setting keys. The first ones are prpl-jabber's, with the same meaning and values, so
 * an account moved from prpl-jabber keeps its settings. */
#define XMPP_PURPLE_OPT_SECURITY           "connection_security"
#define XMPP_PURPLE_SECURITY_REQUIRE       "require_tls"
#define XMPP_PURPLE_SECURITY_OPPORTUNISTIC "opportunistic_tls"
#define XMPP_PURPLE_SECURITY_DIRECT        "old_ssl"
#define XMPP_PURPLE_OPT_PLAIN_IN_CLEAR     "auth_plain_in_clear"
#define XMPP_PURPLE_OPT_CONNECT_SERVER     "connect_server"
#define XMPP_PURPLE_OPT_PORT               "port"
#define XMPP_PURPLE_OPT_FT_PROXIES         "ft_proxies"
#define XMPP_PURPLE_OPT_CUSTOM_SMILEYS     "custom_smileys"
#define XMPP_PURPLE_OPT_CA_FILE            "lyre_ca_file"
#define XMPP_PURPLE_OPT_PINNED_CERT        "lyre_pinned_cert"
/* RFC 5802 §5.1 key cache: ClientKey/ServerKey sign in as well as the password does, so the
 * record is kept only for accounts whose password accounts.xml already holds. */
#define XMPP_PURPLE_OPT_SCRAM_CACHE "lyre_scram_cache"
/* Set by Lyre after the first sign-in with SCRAM channel binding (-PLUS); from then on a
 * connection that cannot bind is refused as a possible downgrade. The user may untick it. */
#define XMPP_PURPLE_OPT_REQUIRE_CB "lyre_require_channel_binding"
/* The newest message archive id (XEP-0313) this account saw: the next catch-up starts after
 * it. Kept by purple-archive.c. */
#define XMPP_PURPLE_OPT_MAM_LAST_ID "lyre_mam_last_id"
/* Unix seconds, as text: without an archive id, the first catch-up starts no earlier (set when
 * an account is moved from prpl-jabber, whose logs already hold what came before). */
#define XMPP_PURPLE_OPT_MAM_NOT_BEFORE "lyre_mam_not_before"

#define XMPP_PURPLE_DEFAULT_PORT        5222 /* RFC 6120 §3.2.1 fallback */
#define XMPP_PURPLE_DEFAULT_DIRECT_PORT 5223 /* prpl-jabber's old_ssl port */

/* Hard limits of the socket layer. */
#define XMPP_PURPLE_READ_CHUNK (16 * 1024)       /* bytes read per wakeup: one TLS record */
#define XMPP_PURPLE_MAX_OUTBUF (8 * 1024 * 1024) /* unsent bytes before we give up */

typedef struct _XmppPurpleTarget {
  char *host;
  int port;
  XmppTransportKind kind;
} XmppPurpleTarget;

/* One signed-in (or signing-in) account: owned by the PurpleConnection's protocol data. */
typedef struct _XmppPurpleConn {
  PurpleConnection *gc;
  PurpleAccount *account;
  XmppSession *session;
  XmppHost host; /* must outlive session: the core keeps a pointer to it */
  XmppTlsPolicy policy;

  /* Connection attempts: targets left to try, in order (XmppPurpleTarget*). */
  GQueue targets;
  PurpleProxyConnectData *connect_data;
  guint connect_timer;               /* the TCP connect's deadline (libpurple's has none) */
  PurpleSrvTxtQueryData *srv_direct; /* _xmpps-client._tcp (XEP-0368) */
  PurpleSrvTxtQueryData *srv_tcp;    /* _xmpp-client._tcp (RFC 6120 §3.2.1) */
  GPtrArray *srv_direct_results;     /* XmppPurpleTarget*, NULL until answered */
  GPtrArray *srv_tcp_results;
  gboolean srv_tcp_refused; /* the SRV answer was "." (RFC 2782) */
  guint srv_pending;        /* lookups not answered yet */
  char *last_connect_error;

  /* The transport. */
  int fd;
  XmppTransportKind kind;
  guint read_watch;
  guint write_watch;
  guint fail_timer; /* reports a write failure outside the core's call stack */
  GByteArray *outbuf;

  gboolean transport_started; /* xmpp_session_connect_transport was called once */
  gboolean session_closed;    /* the closed event fired: only free is allowed now */
  gboolean cert_pending;      /* a certificate question is open (handle: this struct) */
  XmppCertInfo *cert_info;    /* what the open question is about */
  guint cert_timer;           /* applies the answer outside any caller's stack */
  int cert_action;            /* the answer, while cert_timer runs */
  gboolean register_only;     /* XEP-0077 "Create this new account": no sign-in (accountsvc) */

  /* Per-area glue state, each defined and owned by its area's file (made by its _start, freed
   * by its _stop; NULL outside). */
  struct _XmppPurpleRosterState *roster_state;    /* purple-roster.c */
  struct _XmppPurplePresence *presence_state;     /* purple-presence.c, purple-subscription.c */
  struct _XmppPurpleInfo *info_state;             /* purple-info.c */
  struct _XmppPurpleProfileState *profile_state;  /* purple-profile.c */
  struct _XmppPurpleAccountSvc *accountsvc_state; /* purple-account-services.c */
  struct _XmppPurplePrivacyState *privacy_state;  /* purple-privacy.c */
  struct _XmppPurpleExtrasState *extras_state;    /* purple-extras.c */
  struct _XmppPurpleResume *resume_state;         /* purple-resume.c */
  struct _XmppPurpleArchive *archive_state;       /* purple-archive.c */
  struct _XmppPurpleChatState *chat_state;        /* purple-chat.c */
  struct _XmppPurpleBookmarks *bookmarks_state;   /* purple-bookmarks.c */
  struct _XmppPurpleDirect *direct_state;         /* purple-direct.c */
  gboolean areas_started;                         /* the areas run (purple-connection.c) */
} XmppPurpleConn;

/* purple-connection.c */
void xmpp_purple_connection_login(PurpleAccount *account);
/* The register_user slot: connects like login, but only to register the account (XEP-0077). */
void xmpp_purple_connection_register(PurpleAccount *account);
void xmpp_purple_connection_close(PurpleConnection *gc);
/* The session is ready and the roster applied: purple's "signed-on" (once per sign-in). */
void xmpp_purple_connection_online(XmppPurpleConn *conn);
/* A new transport for the same session (after the link was lost): SRV and targets anew. */
void xmpp_purple_connection_reconnect(XmppPurpleConn *conn);

/* purple-archive.c: the archive catch-up's bookkeeping (an area). */
typedef struct _XmppPurpleArchive XmppPurpleArchive;
void xmpp_purple_archive_start(XmppPurpleConn *conn);
void xmpp_purple_archive_stop(XmppPurpleConn *conn);
/* A message from the archive is about to be written into the conversation with who. */
void xmpp_purple_archive_note_message(XmppPurpleConn *conn, const char *who);

/* purple-resume.c: staying signed in across a lost link (XEP-0198). */
void xmpp_purple_resume_start(XmppPurpleConn *conn);
void xmpp_purple_resume_stop(XmppPurpleConn *conn);
/* The session was interrupted: try new connections (or give up, reporting a network error). */
void xmpp_purple_resume_interrupted(XmppPurpleConn *conn, const GError *error);
/* No connection could be made: TRUE when another try is scheduled (the session is waiting to
 * be resumed), FALSE when the caller reports the failure. */
gboolean xmpp_purple_resume_connect_failed(XmppPurpleConn *conn);
/* Resumed, or signed in anew: the tries start over next time. */
void xmpp_purple_resume_back(XmppPurpleConn *conn);
/* The session is over: each message that may not have reached the server is shown as such in
 * its conversation. */
void xmpp_purple_resume_report_undelivered(XmppPurpleConn *conn);
/* A message the core refused to queue while the link is down (T71): shown as not sent, from
 * the main loop (not inside the send call that refused it). */
void xmpp_purple_resume_not_sent(XmppPurpleConn *conn, const XmppNode *message);
/* The state of a connection of ours (NULL once closed). */
static inline XmppPurpleConn *
xmpp_purple_connection_get(PurpleConnection *gc)
{
  return gc != NULL ? purple_connection_get_protocol_data(gc) : NULL;
}

/* purple-errors.c: THE mapping of core errors to libpurple's. Pure. cert_problems are the
 * XmppCertProblem bits (used for XMPP_TLS_ERROR_CERTIFICATE). text (optional) receives a
 * translated, human-readable explanation (free with g_free). */
PurpleConnectionError xmpp_purple_error_from_gerror(const GError *error, guint cert_problems,
                                                    char **text);
/* Translated reasons for XmppCertProblem bits, one per line. */
char *xmpp_purple_error_describe_cert_problems(guint problems);
/* Server-supplied text made safe to show: valid UTF-8, no control characters, capped. */
char *xmpp_purple_error_sanitize(const char *text);
#define XMPP_PURPLE_MAX_SERVER_TEXT 300 /* bytes of server text shown in an error */

/* purple-cert.c */
void xmpp_purple_cert_ask(XmppPurpleConn *conn, const XmppCertInfo *info);
void xmpp_purple_cert_cancel(XmppPurpleConn *conn);

/* purple-trust.c: libpurple's certificate stores. */
/* SHA-256 fingerprint ("AB:CD:...") of the certificate kept for `name` in the tls_peers pool
 * (what "Always accept" stored, here or in prpl-jabber), or NULL. */
char *xmpp_purple_trust_accepted_fingerprint(const char *name);
/* Keeps `der` in the tls_peers pool under `name`, where Tools -> Certificates shows it. */
gboolean xmpp_purple_trust_accept_always(const char *name, GBytes *der);
/* libpurple's CA certificates as a PEM bundle, cheapest first: round 0 the pool's folder in the
 * purple home, round 1 the pool itself (the system's folders); NULL after that. */
GBytes *xmpp_purple_trust_ca_pem(guint round);

/* purple-presence.c */
GList *xmpp_purple_presence_status_types(PurpleAccount *account);
void xmpp_purple_presence_set_status(PurpleAccount *account, PurpleStatus *status);
/* The translated name of a contact's <show/> ("Away", ...), for tooltips and Get Info. */
const char *xmpp_purple_presence_show_label(XmppPresenceShow show);
/* Sends the account's active status (initial presence, RFC 6121 §4.2). */
void xmpp_purple_presence_send_current(XmppPurpleConn *conn);
/* The <presence/> for a status id of ours ("available", "away", ...), a message (may contain
 * purple markup, NULL for none) and a priority. Pure. */
XmppNode *xmpp_purple_presence_build(const char *status_id, const char *message, int priority);

/* The areas of the glue. Each has a file, a _start (the session is ready) and a _stop (the
 * connection closes, before the session is freed), called in the order written once in
 * purple-connection.c; the prpl_info slots it implements, which purple-plugin.c names in one
 * table; and, where it has them, _actions (account actions, PurplePluginAction*) and _buddy_menu
 * (a buddy's menu items, PurpleMenuAction*), combined in purple-plugin.c. */

/* purple-roster.c: fetches the roster on ready; when it is applied, sends initial presence
 * (RFC 6121 §2.2: roster first) through xmpp_purple_presence_send_current(). */
void xmpp_purple_roster_start(XmppPurpleConn *conn);
void xmpp_purple_roster_stop(XmppPurpleConn *conn);
void xmpp_purple_roster_add_buddy(PurpleConnection *gc, PurpleBuddy *buddy, PurpleGroup *group);
void xmpp_purple_roster_remove_buddy(PurpleConnection *gc, PurpleBuddy *buddy, PurpleGroup *group);
void xmpp_purple_roster_alias_buddy(PurpleConnection *gc, const char *who, const char *alias);
void xmpp_purple_roster_group_buddy(PurpleConnection *gc, const char *who, const char *old_group,
                                    const char *new_group);
void xmpp_purple_roster_rename_group(PurpleConnection *gc, const char *old_name, PurpleGroup *group,
                                     GList *moved);
void xmpp_purple_roster_remove_group(PurpleConnection *gc, PurpleGroup *group);

/* purple-presence.c (with purple-subscription.c) */
void xmpp_purple_presence_start(XmppPurpleConn *conn);
void xmpp_purple_presence_stop(XmppPurpleConn *conn);
void xmpp_purple_presence_tooltip_text(PurpleBuddy *buddy, PurpleNotifyUserInfo *info,
                                       gboolean full);
char *xmpp_purple_presence_status_text(PurpleBuddy *buddy);
void xmpp_purple_presence_set_idle(PurpleConnection *gc, int idle_seconds);

/* purple-im.c */
void xmpp_purple_im_start(XmppPurpleConn *conn);
void xmpp_purple_im_stop(XmppPurpleConn *conn);
int xmpp_purple_im_send(PurpleConnection *gc, const char *who, const char *message,
                        PurpleMessageFlags flags);
unsigned int xmpp_purple_im_send_typing(PurpleConnection *gc, const char *who,
                                        PurpleTypingState state);
void xmpp_purple_im_convo_closed(PurpleConnection *gc, const char *who);
/* An outgoing message in purple markup (what Pidgin's entry and purple_conv_im_send give) to
 * the plain body (*plain, never NULL) and the XHTML-IM element (*html, NULL when the body says
 * it all) to send. Pure. */
void xmpp_purple_im_prepare(const char *message, char **plain, XmppNode **html);
/* The IM conversation with who on this account, opened if it is not. */
PurpleConversation *xmpp_purple_im_conversation(XmppPurpleConn *conn, const char *who);
/* Registers /correct (XEP-0308; once, at plugin init). */
void xmpp_purple_im_commands(void);

/* purple-info.c: Get Info, /ping, caps cache (XEP-0030/0115/0092/0202/0012). */
void xmpp_purple_info_start(XmppPurpleConn *conn);
void xmpp_purple_info_stop(XmppPurpleConn *conn);
GList *xmpp_purple_info_actions(GList *actions);
GList *xmpp_purple_info_buddy_menu(PurpleBlistNode *node, GList *menu);
void xmpp_purple_info_get_info(PurpleConnection *gc, const char *who);
/* Appends this area's account option; registers /ping (once, at plugin init). */
GList *xmpp_purple_info_options(GList *options);
void xmpp_purple_info_commands(void);

/* purple-profile.c: our vCard, contacts' vCards and avatars (XEP-0054/0084/0153). */
void xmpp_purple_profile_start(XmppPurpleConn *conn);
void xmpp_purple_profile_stop(XmppPurpleConn *conn);
GList *xmpp_purple_profile_actions(GList *actions);
GList *xmpp_purple_profile_buddy_menu(PurpleBlistNode *node, GList *menu);
void xmpp_purple_profile_set_buddy_icon(PurpleConnection *gc, PurpleStoredImage *img);
/* Appends a contact's vCard fields (escaped: T50) to a Get Info window (used by purple-info.c). */
void xmpp_purple_profile_append_vcard(PurpleNotifyUserInfo *info, const XmppVcard *vcard);

/* purple-account-services.c: registration, password change, data forms, ad-hoc commands, user
 * search (XEP-0077/0004/0050/0055). */
void xmpp_purple_accountsvc_start(XmppPurpleConn *conn);
void xmpp_purple_accountsvc_stop(XmppPurpleConn *conn);
GList *xmpp_purple_accountsvc_actions(GList *actions);
GList *xmpp_purple_accountsvc_buddy_menu(PurpleBlistNode *node, GList *menu);
void xmpp_purple_accountsvc_register_user(PurpleAccount *account);
void xmpp_purple_accountsvc_unregister_user(PurpleAccount *account,
                                            PurpleAccountUnregistrationCb cb, void *user_data);
void xmpp_purple_accountsvc_change_passwd(PurpleConnection *gc, const char *old_pass,
                                          const char *new_pass);
/* A register_only connection's stream is up: ask for the form (the registration_ready event). */
void xmpp_purple_accountsvc_registration_ready(XmppPurpleConn *conn);

/* purple-privacy.c: blocking (XEP-0191) on purple's privacy settings. */
void xmpp_purple_privacy_start(XmppPurpleConn *conn);
void xmpp_purple_privacy_stop(XmppPurpleConn *conn);
void xmpp_purple_privacy_add_deny(PurpleConnection *gc, const char *name);
void xmpp_purple_privacy_rem_deny(PurpleConnection *gc, const char *name);
void xmpp_purple_privacy_set_permit_deny(PurpleConnection *gc);

/* purple-extras.c (purple-extras.h): attention, mood, nickname and tune. */

/* purple-console.c: the XML console, an IM conversation with this name (never a JID: a domain
 * has no space). send_im gives what is typed there to xmpp_purple_console_send (raw XML). */
#define XMPP_PURPLE_CONSOLE_NAME "XML Console"
gboolean xmpp_purple_console_owns(const char *who);
int xmpp_purple_console_send(PurpleConnection *gc, const char *message);
/* The account action "XML Console": opens (or raises) the console and starts the tap. */
void xmpp_purple_console_action(PurplePluginAction *action);

/* purple-browse.c: "Browse Services…": the server's items (XEP-0030) with their identities and
 * features, and what can be done with each: browse deeper, register (XEP-0077), commands
 * (XEP-0050). Its _tools_actions gives both tools' account actions, the console's first. */
GList *xmpp_purple_tools_actions(GList *actions);

G_END_DECLS
