/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TestRouter: a FakeHost and an XmppRouter whose sent stanzas are kept, for module tests. */
#pragma once

#include "fake-host.h"
#include "router/router.h"
#include "xml/node.h"

typedef struct _TestRouter {
  FakeHost *fake;     /* the host the router (and the module under test) runs on */
  XmppRouter *router; /* the router under the module */
  GPtrArray *sent;    /* XmppNode* copies of every stanza the router sent, oldest first */
} TestRouter;

/* own_full_jid: the JID the router considers ours (pushes from its bare JID are trusted);
 * NULL leaves it unset, as before resource binding. Aborts the test on a bad JID. */
TestRouter *test_router_new(const char *own_full_jid);
/* Frees the router first (ending pending IQs with SESSION_CLOSED), then the captures and host.
 * Accepts NULL. */
void test_router_free(TestRouter *t);

/* Parses one stanza from xml (see test_parse_element) and dispatches it as if received. */
void test_router_dispatch(TestRouter *t, const char *xml);
/* The same with the XML made by printf. */
void test_router_dispatchf(TestRouter *t, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* Answers the last stanza sent (an IQ) with a result carrying payload, from the entity it was
 * sent to (no from when it went to our own server or account). */
void test_router_answer_last(TestRouter *t, const char *payload);

guint test_router_n_sent(const TestRouter *t);
/* The index-th stanza sent (borrowed); asserts it exists. */
XmppNode *test_router_get_sent(const TestRouter *t, guint index);
/* The last stanza sent (borrowed); asserts there is one. */
XmppNode *test_router_last_sent(const TestRouter *t);
/* Removes the last stanza sent from the captures and returns it (transfer full). */
XmppNode *test_router_take_last_sent(TestRouter *t);
/* The index-th stanza sent, serialised as XML text (transfer full). */
char *test_router_dup_sent_string(const TestRouter *t, guint index);
