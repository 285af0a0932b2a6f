/* SPDX-License-Identifier: GPL-2.0-or-later */
/* FuzzHarness: what the per-model fuzz targets share. A router on a fake host with deterministic
 * ids, fed the stanzas the project's own XML parser reads from the input; an IQ result or error
 * without an id answers a request the modules sent (see fuzz_harness_feed), so replies reach the
 * modules' parsers; and every stanza the core sends must serialise to XML that reads back as the
 * same tree (what we echo from the network must never break our own stream). */
#pragma once

#include "fake-host.h"
#include "router/router.h"
#include "xml/node.h"

/* Inputs above this are ignored: a stanza the network may send is at most 512 KiB, and the
 * targets must stay fast. */
#define FUZZ_MAX_INPUT (256 * 1024)

typedef struct _FuzzHarness FuzzHarness;

struct _FuzzHarness {
  FakeHost *fake;
  XmppRouter *router;
  GQueue requests; /* FuzzRequest* (private): IQ gets and sets sent and not answered yet */
  /* Called with every stanza parsed from the input, after the id fix-up and before it is
   * dispatched (node borrowed). May be NULL. */
  void (*inspect)(gpointer data, const XmppNode *node);
  gpointer inspect_data;
};

/* own_full_jid: the account's bound JID (must be valid). */
FuzzHarness *fuzz_harness_new(const char *own_full_jid);
/* Parses data inside a jabber:client stream and dispatches each depth-1 element, in order, until
 * the end or the first XML error. An <iq type='result'/> or 'error' without an id gets the id of
 * the oldest request still unanswered (with id='#N', of the N-th one, modulo their number) and,
 * when it has no from, the address that request went to. */
void fuzz_harness_feed(FuzzHarness *h, const guint8 *data, gsize size);
/* How the requests still waiting after the input end. */
typedef enum {
  FUZZ_END_CLOSE,   /* the session closes: each ends with SESSION_CLOSED (what session.c does) */
  FUZZ_END_TIMEOUT, /* time runs out: each times out */
  FUZZ_END_FREE,    /* nothing here: the target then frees its modules, each of which ends its
                     * own requests (CANCELLED), in an order where every callback still finds the
                     * module it points to (architecture.md, "Lifetimes") */
} FuzzEnd;

/* Call it after the input and before freeing the modules. */
void fuzz_harness_end(FuzzHarness *h, FuzzEnd end);
void fuzz_harness_free(FuzzHarness *h);

/* Invariant checks: report (abort) with a message when they do not hold. */
void fuzz_check(gboolean ok, const char *what);
/* NULL or valid UTF-8. */
void fuzz_check_utf8(const char *s, const char *what);
/* Serialises node and parses it back with the project's parser: the same tree, or abort. */
void fuzz_check_round_trip(const XmppNode *node);
