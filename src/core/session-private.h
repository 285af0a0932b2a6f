/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What session.c and negotiation.c share: the session's state. Not for other files. */
#pragma once

#include "im/carbons.h"
#include "im/message.h"
#include "im/presence.h"
#include "im/roster.h"
#include "services/ping.h"
#include "services/disco.h"
#include "services/caps.h"
#include "services/version.h"
#include "services/pep.h"
#include "services/vcard.h"
#include "services/avatar.h"
#include "services/register.h"
#include "services/adhoc.h"
#include "services/search.h"
#include "services/blocking.h"
#include "services/attention.h"
#include "services/csi.h"
#include "services/delivery.h"
#include "sasl/sasl.h"
#include "session.h"
#include "stream/features.h"
#include "stream/stream-error.h"
#include "stream/stream.h"

typedef enum {
  XMPP_SESSION_STATE_IDLE,        /* no transport */
  XMPP_SESSION_STATE_WAIT_HEADER, /* our header sent, waiting for the server's */
  XMPP_SESSION_STATE_WAIT_FEATURES,
  XMPP_SESSION_STATE_STARTTLS, /* <starttls/> sent */
  XMPP_SESSION_STATE_TLS_HANDSHAKE,
  XMPP_SESSION_STATE_CERT_DECISION, /* waiting for the user */
  XMPP_SESSION_STATE_SASL,
  XMPP_SESSION_STATE_LEGACY_AUTH, /* XEP-0078 */
  XMPP_SESSION_STATE_BIND,        /* bind (and session) IQs in flight */
  XMPP_SESSION_STATE_READY,
  XMPP_SESSION_STATE_CLOSED,
} XmppSessionState;

struct _XmppSession {
  XmppHost host;
  XmppSessionEvents events;
  gpointer events_data;
  XmppSessionConfig config; /* strings point at the owned copies below */
  char *password, *resource, *lang, *ca_file, *pinned_cert, *accepted_cert, *tls_priority;
  XmppJid *account; /* bare */
  char *domain;
  XmppJid *bound;

  XmppSessionState state;
  XmppRouter *router;
  XmppStream *stream;
  XmppStreamFeatures *features;
  XmppSasl *sasl;
  XmppPing *ping;
  XmppRoster *roster;
  XmppPresence *presence;
  XmppMessages *messages;
  XmppCarbons *carbons;
  XmppDisco *disco;
  XmppCaps *caps;
  XmppDelivery *delivery; /* XEP-0184 receipts, XEP-0333 markers */
  XmppCsi *csi;           /* XEP-0352 */
  XmppEntityInfo *entity_info;
  XmppPep *pep;
  XmppVcards *vcards;
  XmppAvatars *avatars;
  XmppRegistration *registration;
  XmppAdhoc *adhoc;
  XmppSearch *search;
  XmppBlocking *blocking;
  XmppExtras *extras;
  char *stream_id;
  char *tls_description;
  char *sasl_mechanism;
  XmppChannelBinding channel_binding; /* what the last successful SASL bound to */
  char *bound_resource;               /* the resource legacy auth asked for */
  gboolean tls_active;
  gboolean authenticated;
  guint cert_problems;
  guint redirects;
  gint64 last_rx;
  guint negotiation_timer; /* one sign-in step's deadline; 0 when READY, CLOSED or asking */
  guint64 stanzas_in;

  guint in_use;
  gboolean free_pending;
};

/* session.c */
void xmpp_session_enter(XmppSession *session);
/* A sign-in step begins: (re)starts its XMPP_NEGOTIATION_STEP_TIMEOUT_S deadline, or clears it
 * when the session is not signing in (or the user is deciding about a certificate). */
void xmpp_session_step_begins(XmppSession *session);
gboolean xmpp_session_leave(XmppSession *session);
void xmpp_session_progress(XmppSession *session, XmppSessionStep step);
void xmpp_session_fail(XmppSession *session, const GError *error);
void xmpp_session_fail_with(XmppSession *session, GQuark domain, int code, const char *format, ...)
    G_GNUC_PRINTF(4, 5);
void xmpp_session_refuse(XmppSession *session, XmppStreamErrorCondition condition, GQuark domain,
                         int code, const char *message);
void xmpp_session_send_element(XmppSession *session, const XmppNode *element);
void xmpp_session_open_stream(XmppSession *session);
gboolean xmpp_session_begin_tls(XmppSession *session);
void xmpp_session_tls_established(XmppSession *session);
/* Takes bound. */
void xmpp_session_become_ready(XmppSession *session, XmppJid *bound);

/* negotiation.c */
void xmpp_session_handle_features(XmppSession *session, const XmppNode *features);
void xmpp_session_handle_starttls_reply(XmppSession *session, const XmppNode *element);
void xmpp_session_handle_sasl(XmppSession *session, const XmppNode *element);
void xmpp_session_start_legacy(XmppSession *session);
