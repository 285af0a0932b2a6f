/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared declarations of the libpurple glue: the per-connection state kept in the
 * PurpleConnection's protocol data, and the functions the glue files call on each other. */
#pragma once

#include <purple.h>

#include "session.h"

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

  /* Per-feature glue state, owned by each feature's glue file (freed by its _stop). */
  gpointer roster_state;
  gpointer presence_state;
  gpointer im_state;
  gpointer info_state;
  gpointer profile_state;
  gpointer accountsvc_state;
  gpointer privacy_state;
} XmppPurpleConn;

/* purple-connection.c */
void xmpp_purple_connection_login(PurpleAccount *account);
/* The register_user slot: connects like login, but only to register the account (XEP-0077). */
void xmpp_purple_connection_register(PurpleAccount *account);
void xmpp_purple_connection_close(PurpleConnection *gc);
/* The session is ready and the roster applied: purple's "signed-on" (once per sign-in). */
void xmpp_purple_connection_online(XmppPurpleConn *conn);
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

/* Each feature's glue file fills in its prpl_info slots (called once at plugin init), starts
 * when the session is ready and stops when the connection closes (before the session is freed). */
/* purple-roster.c: fetches the roster on ready; when it is applied, sends initial presence
 * (RFC 6121 §2.2: roster first) through xmpp_purple_presence_send_current(). */
void xmpp_purple_roster_register(PurplePluginProtocolInfo *info);
void xmpp_purple_roster_start(XmppPurpleConn *conn);
void xmpp_purple_roster_stop(XmppPurpleConn *conn);
/* purple-presence.c */
void xmpp_purple_presence_register(PurplePluginProtocolInfo *info);
void xmpp_purple_presence_start(XmppPurpleConn *conn);
void xmpp_purple_presence_stop(XmppPurpleConn *conn);
/* purple-im.c */
void xmpp_purple_im_register(PurplePluginProtocolInfo *info);
/* An outgoing message in purple markup (what Pidgin's entry and purple_conv_im_send give) to
 * the plain body (*plain, never NULL) and the XHTML-IM element (*html, NULL when the body says
 * it all) to send. Pure. */
void xmpp_purple_im_prepare(const char *message, char **plain, XmppNode **html);
void xmpp_purple_im_start(XmppPurpleConn *conn);
void xmpp_purple_im_stop(XmppPurpleConn *conn);

/* purple-info.c: Get Info, /ping, caps cache (XEP-0030/0115/0092/0202/0012). _actions appends this
 * area's account actions (PurplePluginAction*); _buddy_menu appends this area's items to a buddy's
 * menu (PurpleMenuAction*). */
void xmpp_purple_info_register(PurplePluginProtocolInfo *info);
void xmpp_purple_info_start(XmppPurpleConn *conn);
void xmpp_purple_info_stop(XmppPurpleConn *conn);
GList *xmpp_purple_info_actions(GList *actions);
GList *xmpp_purple_info_buddy_menu(PurpleBlistNode *node, GList *menu);
/* purple-profile.c: our vCard, contacts' vCards and avatars (XEP-0054/0084/0153). _actions appends
 * this area's account actions (PurplePluginAction*); _buddy_menu appends this area's items to a
 * buddy's menu (PurpleMenuAction*). */
void xmpp_purple_profile_register(PurplePluginProtocolInfo *info);
void xmpp_purple_profile_start(XmppPurpleConn *conn);
void xmpp_purple_profile_stop(XmppPurpleConn *conn);
GList *xmpp_purple_profile_actions(GList *actions);
GList *xmpp_purple_profile_buddy_menu(PurpleBlistNode *node, GList *menu);
/* Appends a contact's vCard fields (escaped: T50) to a Get Info window (used by purple-info.c). */
void xmpp_purple_profile_append_vcard(PurpleNotifyUserInfo *info, const XmppVcard *vcard);
/* purple-account-services.c: registration, password change, data forms, ad-hoc commands, user
 * search (XEP-0077/0004/0050/0055). _actions appends this area's account actions
 * (PurplePluginAction*); _buddy_menu appends this area's items to a buddy's menu
 * (PurpleMenuAction*). */
void xmpp_purple_accountsvc_register(PurplePluginProtocolInfo *info);
void xmpp_purple_accountsvc_start(XmppPurpleConn *conn);
void xmpp_purple_accountsvc_stop(XmppPurpleConn *conn);
GList *xmpp_purple_accountsvc_actions(GList *actions);
GList *xmpp_purple_accountsvc_buddy_menu(PurpleBlistNode *node, GList *menu);
/* A register_only connection's stream is up: ask for the form (the registration_ready event). */
void xmpp_purple_accountsvc_registration_ready(XmppPurpleConn *conn);
/* purple-privacy.c: blocking, attention, mood, nickname, tune (XEP-0191/0224/0107/0172/0118).
 * _actions appends this area's account actions (PurplePluginAction*); _buddy_menu appends this
 * area's items to a buddy's menu (PurpleMenuAction*). */
void xmpp_purple_privacy_register(PurplePluginProtocolInfo *info);
void xmpp_purple_privacy_start(XmppPurpleConn *conn);
void xmpp_purple_privacy_stop(XmppPurpleConn *conn);
GList *xmpp_purple_privacy_actions(GList *actions);
GList *xmpp_purple_privacy_buddy_menu(PurpleBlistNode *node, GList *menu);

G_END_DECLS
