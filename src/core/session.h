/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppSession: the composition root of the core. One per account: it owns the router and the
 * current stream (one transport's negotiation: TLS, SASL, bind), and outlives a transport, so a
 * later stream-management resume can attach a new transport to the same session. */
#pragma once

#include "host.h"
#include "router/router.h"
#include "sm.h"
#include "stream/tls.h"

G_BEGIN_DECLS

/* The features the session owns. Their APIs are in their own headers (im/roster.h, ...): a
 * caller includes those it uses, so this header does not pull every feature into every file. */
typedef struct _XmppRoster XmppRoster;
typedef struct _XmppPresence XmppPresence;
typedef struct _XmppMessages XmppMessages;
typedef struct _XmppCarbons XmppCarbons;
typedef struct _XmppMam XmppMam;
typedef struct _XmppDisco XmppDisco;
typedef struct _XmppCaps XmppCaps;
typedef struct _XmppDelivery XmppDelivery;
typedef struct _XmppCsi XmppCsi;
typedef struct _XmppEntityInfo XmppEntityInfo;
typedef struct _XmppPep XmppPep;
typedef struct _XmppVcards XmppVcards;
typedef struct _XmppAvatars XmppAvatars;
typedef struct _XmppRegistration XmppRegistration;
typedef struct _XmppAdhoc XmppAdhoc;
typedef struct _XmppSearch XmppSearch;
typedef struct _XmppBlocking XmppBlocking;
typedef struct _XmppExtras XmppExtras;
typedef struct _XmppMuc XmppMuc;
typedef struct _XmppBookmarks XmppBookmarks;
typedef struct _XmppHttpUpload XmppHttpUpload;
typedef struct _XmppIbb XmppIbb;
typedef struct _XmppBytestreams XmppBytestreams;
typedef struct _XmppSiFiles XmppSiFiles;
typedef struct _XmppJingleFiles XmppJingleFiles;

#define XMPP_SESSION_ERROR (xmpp_session_error_quark())
GQuark xmpp_session_error_quark(void);

/* Failures of the session itself (others come with XMPP_STREAM_ERROR, XMPP_SASL_ERROR,
 * XMPP_TLS_ERROR or XMPP_XML_ERROR). */
typedef enum {
  XMPP_SESSION_ERROR_NETWORK,             /* the transport closed or failed */
  XMPP_SESSION_ERROR_ENCRYPTION,          /* TLS required but not offered, or STARTTLS failed */
  XMPP_SESSION_ERROR_INVALID_JID,         /* the account's JID or resource is not valid */
  XMPP_SESSION_ERROR_BIND,                /* resource binding or session establishment failed */
  XMPP_SESSION_ERROR_CONFLICT,            /* resource conflict at bind time */
  XMPP_SESSION_ERROR_AUTH,                /* legacy auth refused (XEP-0078) */
  XMPP_SESSION_ERROR_NO_AUTH,             /* no usable authentication method */
  XMPP_SESSION_ERROR_PING_TIMEOUT,        /* the server did not answer a keepalive in time */
  XMPP_SESSION_ERROR_REDIRECT_LIMIT,      /* see-other-host followed too often */
  XMPP_SESSION_ERROR_PROTOCOL,            /* the server broke the protocol (unexpected element) */
  XMPP_SESSION_ERROR_RANDOM,              /* no random data (broken GnuTLS): nothing safe to send */
  XMPP_SESSION_ERROR_NEGOTIATION_TIMEOUT, /* a sign-in step got no answer in time */
} XmppSessionError;

typedef enum {
  XMPP_TLS_POLICY_REQUIRE,       /* STARTTLS required (prpl-jabber's "require_tls") */
  XMPP_TLS_POLICY_OPPORTUNISTIC, /* STARTTLS if offered ("opportunistic_tls") */
  XMPP_TLS_POLICY_DIRECT,        /* Direct TLS only, XEP-0368 ("old_ssl") */
} XmppTlsPolicy;

typedef enum {
  XMPP_TRANSPORT_TCP,        /* plain TCP: STARTTLS follows */
  XMPP_TRANSPORT_DIRECT_TLS, /* TLS from the first byte (XEP-0368) */
} XmppTransportKind;

#define XMPP_SESSION_MAX_REDIRECTS 3 /* see-other-host, RFC 6120 §4.9.3.19 */
/* Messages (and other stanzas) kept while a forgotten session is bound anew, to be sent once
 * bound (through the stream management window). Beyond this, a message is reported not sent. */
#define XMPP_SESSION_MAX_HELD (XMPP_SM_MAX_UNACKED - 100)
/* Each step of a sign-in (stream header, features, STARTTLS, the TLS handshake, each SASL
 * step, bind) must be answered within this, or the session fails with NEGOTIATION_TIMEOUT:
 * a server that accepts the connection and says nothing is noticed in 30 s. Waiting for the
 * user's certificate decision does not count. */
#define XMPP_NEGOTIATION_STEP_TIMEOUT_S 30
/* A silent link is probed after XMPP_PING_INTERVAL_S (a XEP-0198 <r/> when stream management
 * is on, else a XEP-0199 ping) and declared dead when nothing at all came XMPP_PING_TIMEOUT_S
 * later: noticed within 42 s of silence. */
/* The archive catch-up waits for our initial presence (offline messages first); without one
 * it starts this long after the archive was discovered. */
#define XMPP_ARCHIVE_WAIT_PRESENCE_S 5
#define XMPP_PING_INTERVAL_S         30
#define XMPP_PING_TIMEOUT_S          12

typedef struct _XmppSessionConfig {
  const char *jid;      /* the account: localpart@domain (a resource here is ignored) */
  const char *resource; /* NULL or "": the server picks */
  const char *password;
  const char *lang; /* xml:lang of our stream, e.g. "en"; NULL: none */
  XmppTlsPolicy tls_policy;
  gboolean allow_plain_in_clear;
  const char *ca_file;     /* extra trust anchors */
  const char *pinned_cert; /* SHA-256 fingerprint the account pins (set by the user) */
  /* SHA-256 fingerprint of the certificate the user chose to always accept, as the glue keeps
   * it (libpurple's tls_peers store, where the user can see and delete it); NULL: none. */
  const char *accepted_cert;
  gboolean no_system_trust; /* tests only */
  const char *tls_priority; /* tests only; NULL default */
  guint ping_interval_s;    /* 0: XMPP_PING_INTERVAL_S */
  guint ping_timeout_s;     /* 0: XMPP_PING_TIMEOUT_S */
  /* XEP-0077 §3.1 registration: negotiate TLS (the policy applies) but never authenticate;
   * emit registration_ready instead, then IQs go over the router until the glue closes. */
  gboolean register_only;
  /* SCRAM key cache record (RFC 5802 §5.1) from an earlier scram_cache event, or NULL. */
  const char *scram_cache;
  /* Refuse to authenticate without SCRAM channel binding (XmppSaslConfig's field of that name:
   * set by the glue once the account has signed in with it). */
  gboolean require_channel_binding;
  /* The newest archive id this account saw last time (XEP-0313 catch-up starts after it), as
   * the glue kept it (xmpp_messages_get_last_archive_id); NULL: the last days only. */
  const char *archive_after_id;
  /* Without an archive id: the first catch-up starts no earlier than this (Unix seconds; 0:
   * the last days). An account moved from another client has that client's history logged up
   * to then, and it is not fetched and logged again. */
  gint64 archive_not_before_s;
} XmppSessionConfig;

typedef enum {
  XMPP_SESSION_STEP_CONNECTING, /* transport up, stream opened */
  XMPP_SESSION_STEP_ENCRYPTING, /* TLS handshake */
  XMPP_SESSION_STEP_AUTHENTICATING,
  XMPP_SESSION_STEP_BINDING,
  XMPP_SESSION_STEP_READY,
} XmppSessionStep;
#define XMPP_SESSION_N_STEPS 5

typedef struct _XmppSessionEvents {
  /* Progress for the UI. */
  void (*progress)(gpointer data, XmppSessionStep step);
  /* Negotiation finished: the stream is bound to this full JID. Send initial presence now.
   * Comes again, on the same session, when a new transport could not resume the session (the
   * server had forgotten it): a new sign-in, whose state (roster, presence) starts anew; the
   * messages the server never counted are sent again right after. */
  void (*ready)(gpointer data, const XmppJid *bound_jid);
  /* The link was lost while signed in, and the session can be resumed (XEP-0198): connect a
   * new transport when you can (xmpp_session_connect_transport); what is sent meanwhile waits.
   * If this is NULL, such a loss closes the session. error: why (for the log). Optional. */
  void (*interrupted)(gpointer data, const GError *error);
  /* A new transport resumed the session: nothing was lost either way. Optional. */
  void (*resumed)(gpointer data);
  /* A message with a body could not even wait for the connection (more than
   * XMPP_SESSION_MAX_HELD stanzas wait already): it was not sent and never will be; show it as
   * such (catalogue T71). Comes from inside the send call: defer UI work. Optional. */
  void (*not_sent)(gpointer data, const XmppNode *message);
  /* The session failed or closed. error NULL: a clean close we asked for. After this, the only
   * valid calls are xmpp_session_free() and xmpp_session_connect_transport(). */
  void (*closed)(gpointer data, const GError *error);
  /* The certificate is not trusted: ask the user, then call xmpp_session_certificate_decision.
   * info is borrowed for the duration of the call (copy what you need). */
  void (*certificate)(gpointer data, const XmppCertInfo *info);
  /* see-other-host: connect a new transport to host:port (port 0: the default for the kind),
   * then call xmpp_session_connect_transport(). The TLS identity stays the JID's domain. */
  void (*redirect)(gpointer data, const char *host, guint port);
  /* register_only sessions: the stream is up (encrypted as the policy requires) and not
   * authenticated; send the XEP-0077 IQs with xmpp_router_send_iq, then close. Optional. */
  void (*registration_ready)(gpointer data);
  /* SCRAM succeeded (server signature verified, <success/>): the key cache record to pass as
   * config.scram_cache next time, so that sign-in skips PBKDF2. It lets whoever reads it sign
   * in: store it only where the password is stored. Informational (do not close the session
   * from it). Optional. */
  void (*scram_cache)(gpointer data, const char *record);
  /* More trust anchors (PEM certificates, concatenated; transfer full), asked for only when the
   * CA file and the system store do not vouch for the server, in rounds 0, 1, ... (cheapest
   * first) until they vouch or a round returns NULL (libpurple's: the purple home's CA folder,
   * then the CA pool). Runs inside xmpp_session_feed(): no session calls from it. Optional. */
  GBytes *(*trust_anchors)(gpointer data, guint round);
} XmppSessionEvents;

typedef struct _XmppSession XmppSession;

/* Copies config. NULL with XMPP_SESSION_ERROR_INVALID_JID when the JID or resource is bad. */
XmppSession *xmpp_session_new(const XmppSessionConfig *config, const XmppHost *host,
                              const XmppSessionEvents *events, gpointer events_data,
                              GError **error);
void xmpp_session_free(XmppSession *session);

/* The JID's domain in A-label form: what SRV looks up and what TLS verifies. */
const char *xmpp_session_get_domain(const XmppSession *session);
/* The account's bare JID as configured (normalised). */
const XmppJid *xmpp_session_get_account_jid(const XmppSession *session);
/* The bound full JID, or NULL before READY. */
const XmppJid *xmpp_session_get_bound_jid(const XmppSession *session);

/* A new transport is connected: start negotiating on it (after interrupted: to resume). */
void xmpp_session_connect_transport(XmppSession *session, XmppTransportKind kind);
/* Bytes from the transport. */
void xmpp_session_feed(XmppSession *session, const guint8 *data, gsize len);
/* The transport closed or failed (reason for the log). Emits closed with NETWORK unless the
 * session was already closing. */
void xmpp_session_transport_closed(XmppSession *session, const char *reason);
/* Close cleanly: </stream:stream> and TLS close_notify. Emits closed(NULL) at once. */
void xmpp_session_close(XmppSession *session);
/* The host's network changed (a new address, a resumed laptop): a resumable session drops its
 * transport and resumes on a new one (interrupted); otherwise the link is probed at once. */
void xmpp_session_network_changed(XmppSession *session);
/* The messages (<message/> XmppNode*, owned by the array) that may not have reached the
 * server: waiting for a transport, or sent and never acknowledged (XEP-0198). Taken: call it
 * when the session is over, to tell the user. Empty without stream management. */
GPtrArray *xmpp_session_take_undelivered(XmppSession *session);
/* Signed in without a usable transport: interrupted, or a new one still negotiating. */
gboolean xmpp_session_is_detached(const XmppSession *session);
/* XEP-0198 is on for this session (the server confirmed <enable/>). */
gboolean xmpp_session_has_stream_management(const XmppSession *session);

/* Answer to the certificate event. accept: go on (the glue stores a pin itself if the user
 * chose "always"). !accept: the session closes with XMPP_TLS_ERROR_CERTIFICATE. */
void xmpp_session_certificate_decision(XmppSession *session, gboolean accept);
/* XmppCertProblem bits of the last certificate shown or rejected (for the error mapping). */
guint xmpp_session_get_cert_problems(const XmppSession *session);

/* Signed in and not closed: bound once, whether or not a transport is attached right now (while
 * one is being resumed, what is sent waits for it). */
gboolean xmpp_session_is_ready(const XmppSession *session);
XmppRouter *xmpp_session_get_router(XmppSession *session);
/* Sends a stanza (borrowed) when signed in (it may wait for a resumed transport); otherwise it
 * is dropped with a warning. */
void xmpp_session_send(XmppSession *session, const XmppNode *stanza);
/* Shorthand for xmpp_router_send_iq on the session's router. */
void xmpp_session_send_iq(XmppSession *session, XmppNode *iq, XmppIqCallback cb, gpointer user_data,
                          GDestroyNotify destroy);

/* The session's features (owned by the session, created with it, alive until it is freed). */
XmppRoster *xmpp_session_get_roster(XmppSession *session);
XmppPresence *xmpp_session_get_presence(XmppSession *session);
XmppMessages *xmpp_session_get_messages(XmppSession *session);
XmppCarbons *xmpp_session_get_carbons(XmppSession *session);
XmppMam *xmpp_session_get_mam(XmppSession *session);
XmppDisco *xmpp_session_get_disco(XmppSession *session);
XmppCaps *xmpp_session_get_caps(XmppSession *session);
XmppDelivery *xmpp_session_get_delivery(XmppSession *session);
XmppCsi *xmpp_session_get_csi(XmppSession *session);
XmppEntityInfo *xmpp_session_get_entity_info(XmppSession *session);
XmppPep *xmpp_session_get_pep(XmppSession *session);
XmppVcards *xmpp_session_get_vcards(XmppSession *session);
XmppAvatars *xmpp_session_get_avatars(XmppSession *session);
XmppRegistration *xmpp_session_get_registration(XmppSession *session);
XmppAdhoc *xmpp_session_get_adhoc(XmppSession *session);
XmppSearch *xmpp_session_get_search(XmppSession *session);
XmppBlocking *xmpp_session_get_blocking(XmppSession *session);
XmppExtras *xmpp_session_get_extras(XmppSession *session);
XmppMuc *xmpp_session_get_muc(XmppSession *session);
XmppBookmarks *xmpp_session_get_bookmarks(XmppSession *session);
XmppHttpUpload *xmpp_session_get_http_upload(XmppSession *session);
XmppIbb *xmpp_session_get_ibb(XmppSession *session);
XmppBytestreams *xmpp_session_get_bytestreams(XmppSession *session);
XmppSiFiles *xmpp_session_get_si_files(XmppSession *session);
XmppJingleFiles *xmpp_session_get_jingle_files(XmppSession *session);

/* Names of what was negotiated, for the log and the account's tooltip: e.g. "TLS 1.3",
 * "SCRAM-SHA-256-PLUS". NULL before. */
const char *xmpp_session_get_tls_description(const XmppSession *session);
const char *xmpp_session_get_sasl_mechanism(const XmppSession *session);
/* The channel binding type the last successful authentication bound to (SCRAM -PLUS), or
 * XMPP_CB_NONE (no binding, legacy auth, or not authenticated yet). */
XmppChannelBinding xmpp_session_get_channel_binding(const XmppSession *session);
/* The server advertised roster versioning (RFC 6121 §2.6.1) on the current stream. */
gboolean xmpp_session_server_has_roster_versioning(const XmppSession *session);
/* The server advertised client state indication (XEP-0352) on the current stream. */
gboolean xmpp_session_server_has_csi(const XmppSession *session);

G_END_DECLS
