/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What session.c and negotiation.c share: the session's state. Not for other files. */
#pragma once

#include "im/carbons.h"
#include "services/mam.h"
#include "im/message.h"
#include "im/presence.h"
#include "im/roster.h"
#include "muc/bookmarks.h"
#include "muc/muc.h"
#include "services/http-upload.h"
#include "services/bytestreams.h"
#include "services/ibb.h"
#include "services/jingle-file.h"
#include "services/si-file.h"
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
#include "session-tap.h"
#include "session.h"
#include "sm.h"
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
  XMPP_SESSION_STATE_RESUME,      /* XEP-0198 <resume/> sent on a new transport */
  XMPP_SESSION_STATE_READY,
  XMPP_SESSION_STATE_DETACHED, /* signed in, the transport lost: waiting for a new one */
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
  XmppMam *mam;
  gboolean archive_synced;       /* this server session's archive catch-up was started */
  gboolean archive_discovered;   /* our account has an archive (this server session) */
  gboolean initial_presence_out; /* our initial presence went out (this server session) */
  guint archive_timer;           /* starts the catch-up if no initial presence comes */
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
  XmppServerItems *server_items; /* the server's services (rooms, upload) */
  XmppMuc *muc;
  XmppBookmarks *bookmarks;
  XmppHttpUpload *http_upload;
  XmppIbb *ibb;
  XmppBytestreams *bytestreams;
  XmppSiFiles *si_files;
  XmppJingleFiles *jingle_files;
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

  /* Signed in (bound once) and not closed: the user is online, whether or not a transport is
   * attached right now. Stanzas sent meanwhile wait (in sm, or in held). */
  gboolean signed_in;
  XmppSm *sm;              /* XEP-0198 (session-sm.c) */
  gboolean resuming;       /* this transport was connected to resume a detached session */
  gboolean ack_requested;  /* an <r/> is out and no <a/> came since */
  gboolean ack_answer_due; /* the server asked (<r/>): answered once this read is handled */
  guint ack_timer;         /* that <r/>'s deadline (a link that only carries data one way) */
  guint32 sent_at_request; /* the outbound count when that <r/> went out */
  GPtrArray *held;         /* XmppNode*: stanzas to send once bound again (a failed resume) */
  GQueue waiting;          /* XmppNode*: stanzas past the window (XMPP_SM_WINDOW), in order */

  XmppSessionTap tap; /* an XML console's (session-tap.c), or NULL */
  gpointer tap_data;

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

/* session-sm.c: XEP-0198 stream management for the session. */
/* After bind, where offered: <enable resume='true'/>. */
void xmpp_session_sm_enable(XmppSession *session);
/* An element of urn:xmpp:sm:3 (<r/>, <a/>, <enabled/>, <failed/>) while signed in. */
void xmpp_session_sm_handle(XmppSession *session, const XmppNode *element);
/* A stanza goes out (or waits while no transport is attached): counted, and acknowledgement
 * requested when it is a message or enough stanzas wait. FALSE when the session failed. */
gboolean xmpp_session_sm_outbound(XmppSession *session, const XmppNode *stanza);
/* The same for a stanza the caller owns and would free after sending (one from the waiting
 * queue): when stream management keeps it, it keeps this one (no copy) and *kept is TRUE;
 * the caller then must not free it. */
gboolean xmpp_session_sm_outbound_give(XmppSession *session, XmppNode *stanza, gboolean *kept);
/* Answers the server's <r/> of this read, if it sent one (at the end of xmpp_session_feed). */
void xmpp_session_sm_answer(XmppSession *session);
/* An inbound stanza was handled. */
void xmpp_session_sm_inbound(XmppSession *session);
/* The session can be resumed on a new transport. */
gboolean xmpp_session_sm_resumable(const XmppSession *session);
/* Authenticated on a new transport of a detached session: <resume/>, or (not offered any
 * more) the failed-resume path at once. */
void xmpp_session_sm_resume(XmppSession *session);
/* <resumed/> or <failed/> in the RESUME state. */
void xmpp_session_sm_handle_resume_reply(XmppSession *session, const XmppNode *element);
/* A stanza was written to the transport: maybe request an acknowledgement. */
void xmpp_session_sm_written(XmppSession *session, const XmppNode *stanza);
/* Flow control: TRUE when this stanza must wait (the window is full, or others wait). */
gboolean xmpp_session_sm_must_wait(XmppSession *session, const XmppNode *stanza);
/* Keeps it in the waiting queue (or reports it not sent past XMPP_SM_MAX_WAITING). */
void xmpp_session_sm_wait(XmppSession *session, const XmppNode *stanza);
/* session.c: sends what waits, as far as the window allows (after an acknowledgement, a
 * resume). */
void xmpp_session_drain_waiting(XmppSession *session);
/* session.c: tells the glue a message was not sent and will not be (T71). */
void xmpp_session_report_not_sent(XmppSession *session, const XmppNode *stanza);
/* No acknowledgement is awaited any more (answered, or the transport is gone). */
void xmpp_session_sm_ack_settled(XmppSession *session);
/* The keepalive's probe: <r/> when stream management is on (TRUE), else FALSE. */
gboolean xmpp_session_sm_probe(gpointer session);

/* session.c: the link is lost but the session may live on (a network-class error while signed
 * in and resumable): DETACHED and the interrupted event; otherwise xmpp_session_fail(). */
void xmpp_session_lose_link(XmppSession *session, const GError *error);
/* Sends the held stanzas (after a rebind). */
void xmpp_session_flush_held(XmppSession *session);
/* A new transport resumed the session (session-sm.c): keepalive and the resumed event. */
void xmpp_session_resumed(XmppSession *session);

/* session-tap.c: shows element (borrowed) to the tap, redacted, if there is one. */
void xmpp_session_tap_element(XmppSession *session, XmppTapDirection direction,
                              const XmppNode *element);

/* negotiation.c */
void xmpp_session_handle_features(XmppSession *session, const XmppNode *features);
void xmpp_session_handle_starttls_reply(XmppSession *session, const XmppNode *element);
/* Resource binding on an authenticated stream (also after a failed resume). */
void xmpp_session_start_bind(XmppSession *session);
void xmpp_session_handle_sasl(XmppSession *session, const XmppNode *element);
void xmpp_session_start_legacy(XmppSession *session);
