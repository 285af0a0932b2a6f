/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ScriptServer: the server end of a session transcript test. It parses what an XmppSession
 * sends (through an in-process TLS peer once STARTTLS is done) and sends scripted bytes back. */
#pragma once

#include "fake-host.h"
#include "session.h"
#include "tls-peer.h"
#include "xml/parser.h"

typedef struct _ScriptServer {
  FakeHost *fake;
  XmppSession *session;
  XmppParser *parser;    /* what the client sent, as the server sees it */
  GQueue elements;       /* XmppNode* from the client, oldest first */
  guint headers;         /* client stream headers seen */
  guint headers_checked; /* of those, how many a test has expected */
  TestTlsPeer *tls;      /* non-NULL once TLS started */
  GString *events;       /* "progress:N ready:JID closed:DOMAIN:CODE cert:PROBLEMS redirect:H:P
                          * interrupted:DOMAIN:CODE resumed " */
  GError *closed_error;
  gboolean closed;
  int cert_answer; /* -1: leave pending; 0 reject; 1 accept */
  char *redirect_host;
  GString *seen; /* every plaintext byte the client sent, in order */
} ScriptServer;

#define SCRIPT_DOMAIN "example.test"
#define SCRIPT_STREAM_HEADER                                                                       \
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "                                     \
  "xmlns:stream='http://etherx.jabber.org/streams' id='s-1' from='example.test' "                  \
  "version='1.0' xml:lang='en'>"

ScriptServer *script_new(const XmppSessionConfig *config);
void script_free(ScriptServer *script);
/* Sends server bytes to the client (through TLS when it is up), then pumps. */
void script_send(ScriptServer *script, const char *xml);
/* Moves bytes both ways until nothing moves. */
void script_pump(ScriptServer *script);
/* Pops the next element the client sent; fails the test if it is not ns/name. Transfer full. */
XmppNode *script_expect(ScriptServer *script, const char *ns, const char *name);
/* Asserts the client sent nothing more (no element queued). */
void script_expect_nothing(ScriptServer *script);
/* Asserts the client opened a new stream since the last call. */
void script_expect_header(ScriptServer *script);
/* The server side of TLS: call before sending <proceed/> (or before connecting, for Direct
 * TLS); from then on the client's bytes go to the TLS peer. */
void script_start_tls(ScriptServer *script, const char *cert_file, const char *key_file,
                      const char *priority);
/* Answers the disco#info queries a session sends to its server and account once READY:
 * the server's features are the <feature var=/>s in server_features (NULL: none); the
 * account's answer is empty. */
void script_answer_discovery(ScriptServer *script, const char *server_features);
/* The same, with the account's features too (account_features: <feature var=/>s, or NULL).
 * What the client reads next is answered too (script_answer_sign_in_reads). */
void script_answer_discovery_full(ScriptServer *script, const char *server_features,
                                  const char *account_features);
/* Discovery alone: the bookmarks' reading is left among what the client sent (behind
 * stanzas that wait for the server's acknowledgements, say). */
void script_answer_discovery_only(ScriptServer *script, const char *server_features,
                                  const char *account_features);
/* Finds what the client reads once discovery is in, wherever it is among what it sent, and
 * answers it: its bookmarks (none) and the server's items (none: no room service). */
void script_answer_sign_in_reads(ScriptServer *script);
/* Runs a whole plaintext (opportunistic, PLAIN in clear) login to READY, discovery answered
 * with no features. */
void script_login_plain(ScriptServer *script);
/* The same, the server offering server_features (script_answer_discovery). */
void script_login_plain_offering(ScriptServer *script, const char *server_features);
/* The same, the server and the account offering these (script_answer_discovery_full). */
void script_login_plain_discovering(ScriptServer *script, const char *server_features,
                                    const char *account_features);
/* Did the client ever send this text (as plaintext the server saw)? */
gboolean script_output_contains(ScriptServer *script, const char *needle);
