/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: direct file transfers' stanzas through the router: XEP-0096 offers to us
 * (services/si-file.c; the first is accepted, the others declined, as a user would) and
 * XEP-0047 in-band bytestreams both ways (services/ibb.c: one expected from romeo, the
 * accepted offer's, and one we open and feed block by block). Oracles: streams and offers stay
 * within their limits, a block never exceeds the agreed size, each stream ends at most once,
 * nothing arrives on a stream after its end, and no request outlives its module.
 *
 * XEP-0234 Jingle sessions the same way (services/jingle-file.c).
 *
 * The first input byte is the mode: bit 0 opens our stream at the start, bit 3 offers a file by
 * Jingle, bit 1 requests end by timeout, else bit 2 by the modules' own frees, else by the
 * session closing. */
#include <string.h>

#include "fuzz-harness.h"
#include "services/jingle-file.h"
#include "services/si-file.h"

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);

#define OWN  "juliet@example.com/balcony"
#define PEER "romeo@example.net/orchard"

typedef struct {
  XmppIbbStream *stream;
  gboolean ended;
  gboolean answered; /* our offer's answer came */
  guint blocks;
} Watch;

typedef struct {
  XmppSiFiles *si;
  XmppJingleFiles *jingle;
  guint offers;
  Watch expected, accepted, ours;
} Run;

static Run *run;

static void
ev_opened(gpointer data)
{
}

static void
ev_received(gpointer data, const guint8 *bytes, gsize len)
{
  Watch *w = data;
  fuzz_check(!w->ended, "nothing after the end");
  fuzz_check(len > 0 && len <= xmpp_ibb_get_block_size(w->stream), "a block within the size");
  w->blocks++;
}

static void
ev_acked(gpointer data)
{
  Watch *w = data;
  fuzz_check(!w->ended, "no ack after the end");
  if (++w->blocks < 4)
    xmpp_ibb_send(w->stream, (const guint8 *)"block", 5);
  else
    xmpp_ibb_close(w->stream, FALSE);
}

static void
ev_closed(gpointer data, const GError *error)
{
  Watch *w = data;
  fuzz_check(!w->ended, "a stream ends once");
  w->ended = TRUE;
}

static const XmppIbbEvents events = {ev_opened, ev_received, ev_acked, ev_closed};

static void
on_offered(gpointer data, const XmppSiOffer *offer)
{
  fuzz_check(offer->sid != NULL && *offer->sid != '\0' && offer->name != NULL, "an offer is whole");
  fuzz_check_utf8(offer->name, "a file name");
  fuzz_check(xmpp_si_n_offers(run->si) <= XMPP_SI_MAX_OFFERS, "offers within the limit");
  if (run->offers++ == 0)
    run->accepted.stream = xmpp_si_accept(run->si, offer->handle, &events, &run->accepted);
  else
    xmpp_si_decline(run->si, offer->handle);
}

static void
on_jingle_offered(gpointer data, const XmppSiOffer *offer)
{
  fuzz_check(offer->sid != NULL && *offer->sid != '\0' && offer->name != NULL, "an offer is whole");
  fuzz_check_utf8(offer->name, "a file name");
  fuzz_check(xmpp_jingle_n_sessions(run->jingle) <= XMPP_JINGLE_MAX_SESSIONS,
             "sessions within the limit");
  if (run->offers++ == 0)
    run->accepted.stream = xmpp_jingle_accept(run->jingle, offer->handle, &events, &run->accepted);
  else
    xmpp_jingle_decline(run->jingle, offer->handle);
}

static void
on_answered(gpointer data, const GError *error)
{
  Watch *w = data;
  fuzz_check(!w->answered, "an offer is answered once");
  w->answered = TRUE;
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
  if (size < 1 || size > FUZZ_MAX_INPUT)
    return 0;
  guint8 mode = data[0];
  FuzzHarness *h = fuzz_harness_new(OWN);
  XmppDisco *disco = xmpp_disco_new(h->router, &h->fake->host);
  XmppIbb *ibb = xmpp_ibb_new(h->router, &h->fake->host);
  Run r = {0};
  run = &r;
  r.si = xmpp_si_files_new(h->router, &h->fake->host, disco, ibb);
  xmpp_si_files_set_offered(r.si, on_offered, &r);
  r.jingle = xmpp_jingle_files_new(h->router, &h->fake->host, disco, ibb);
  xmpp_jingle_files_set_offered(r.jingle, on_jingle_offered, &r);
  g_autofree char *jsid = NULL;
  if (mode & 8)
    xmpp_jingle_offer(r.jingle, PEER, "rose.jpg", 20, &jsid, on_answered, &r.ours, NULL);
  r.expected.stream = xmpp_ibb_expect(ibb, PEER, "s1", &events, &r.expected);
  if (mode & 1)
    r.ours.stream = xmpp_ibb_open(ibb, PEER, "s2", &events, &r.ours);
  fuzz_harness_feed(h, data + 1, size - 1);
  fuzz_check(xmpp_ibb_n_streams(ibb) <= XMPP_IBB_MAX_STREAMS, "streams within the limit");
  fuzz_harness_end(h, (mode & 2) ? FUZZ_END_TIMEOUT : (mode & 4) ? FUZZ_END_FREE : FUZZ_END_CLOSE);
  xmpp_jingle_files_free(r.jingle);
  xmpp_si_files_free(r.si);
  xmpp_ibb_free(ibb);
  xmpp_disco_free(disco);
  fuzz_check(xmpp_router_n_pending(h->router) == 0, "no request outlives its module");
  fuzz_harness_free(h);
  run = NULL;
  return 0;
}
