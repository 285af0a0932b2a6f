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
 * XEP-0065 SOCKS5 bytestreams (services/bytestreams.c): the accepted SI offer takes them when
 * offered, and its host list is answered with its first host; bit 4 of the mode lists our own
 * hosts to romeo, asks a proxy its address and activates it. Oracles: a list within its bound,
 * every host whole, the host the receiver used one we listed, each answer once.
 *
 * The first input byte is the mode: bit 0 opens our stream at the start, bit 3 offers a file by
 * Jingle, bit 4 lists SOCKS5 hosts, bit 1 requests end by timeout, else bit 2 by the modules'
 * own frees, else by the session closing. */
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
  XmppBytestreams *bs;
  guint bytestream; /* the accepted offer's hosts */
  guint offers;
  guint hosts_lists, used_answers, proxy_answers;
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
on_hosts(gpointer data, const GPtrArray *hosts)
{
  fuzz_check(++run->hosts_lists == 1, "one host list a stream");
  fuzz_check(hosts->len <= XMPP_BYTESTREAMS_MAX_HOSTS, "a host list within its bound");
  for (guint i = 0; i < hosts->len; i++) {
    const XmppStreamhost *h = hosts->pdata[i];
    fuzz_check(h->jid != NULL && h->host != NULL && *h->host != '\0' && h->port > 0,
               "a host is whole");
    for (const char *c = h->host; *c != '\0'; c++)
      fuzz_check(g_ascii_isgraph(*c), "a host name is printable ASCII");
  }
  xmpp_bytestreams_answer(run->bs, run->bytestream,
                          hosts->len > 0 ? ((const XmppStreamhost *)hosts->pdata[0])->jid : NULL);
}

static void
on_used(gpointer data, const XmppStreamhost *used, const GError *error)
{
  fuzz_check(++run->used_answers == 1, "the receiver's choice comes once");
  fuzz_check((used == NULL) == (error != NULL), "a host or an error");
  fuzz_check(used == NULL || g_strcmp0(used->jid, OWN) == 0 ||
                 g_strcmp0(used->jid, "proxy.example.com") == 0,
             "the host used is one we listed");
}

static void
on_found(gpointer data, const XmppStreamhost *host, const GError *error)
{
  fuzz_check(++run->proxy_answers == 1, "the proxy's address comes once");
  fuzz_check((host == NULL) != (error == NULL), "an address or an error");
  fuzz_check(host == NULL || (*host->host != '\0' && host->port > 0), "an address is whole");
}

static void
on_activated(gpointer data, const GError *error)
{
}

static void
on_offered(gpointer data, const XmppSiOffer *offer)
{
  fuzz_check(offer->sid != NULL && *offer->sid != '\0' && offer->name != NULL, "an offer is whole");
  fuzz_check_utf8(offer->name, "a file name");
  fuzz_check(xmpp_si_n_offers(run->si) <= XMPP_SI_MAX_OFFERS, "offers within the limit");
  if (run->offers++ == 0)
    run->accepted.stream =
        xmpp_si_accept(run->si, offer->handle, &events, on_hosts, &run->accepted, &run->bytestream);
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
on_answered(gpointer data, XmppSiMethod method, const GError *error)
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
  r.bs = xmpp_bytestreams_new(h->router, &h->fake->host, disco, NULL);
  r.si = xmpp_si_files_new(h->router, &h->fake->host, disco, ibb, r.bs);
  xmpp_si_files_set_offered(r.si, on_offered, &r);
  r.jingle = xmpp_jingle_files_new(h->router, &h->fake->host, disco, ibb);
  xmpp_jingle_files_set_offered(r.jingle, on_jingle_offered, &r);
  g_autofree char *jsid = NULL;
  if (mode & 8)
    xmpp_jingle_offer(r.jingle, PEER, "rose.jpg", 20, &jsid, on_answered, &r.ours, NULL);
  if (mode & 16) {
    g_autoptr(GPtrArray) hosts =
        g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_streamhost_free);
    g_ptr_array_add(hosts, xmpp_streamhost_new(OWN, "127.0.0.1", 5086));
    g_ptr_array_add(hosts, xmpp_streamhost_new("proxy.example.com", "192.0.2.7", 7777));
    xmpp_bytestreams_offer(r.bs, PEER, "s5", hosts, on_used, &r, NULL);
    xmpp_bytestreams_ask_proxy(r.bs, "proxy.example.com", on_found, &r, NULL);
    xmpp_bytestreams_activate(r.bs, "proxy.example.com", "s5", PEER, on_activated, &r, NULL);
  }
  r.expected.stream = xmpp_ibb_expect(ibb, PEER, "s1", &events, &r.expected);
  if (mode & 1)
    r.ours.stream = xmpp_ibb_open(ibb, PEER, "s2", &events, &r.ours);
  fuzz_harness_feed(h, data + 1, size - 1);
  fuzz_check(xmpp_ibb_n_streams(ibb) <= XMPP_IBB_MAX_STREAMS, "streams within the limit");
  fuzz_harness_end(h, (mode & 2) ? FUZZ_END_TIMEOUT : (mode & 4) ? FUZZ_END_FREE : FUZZ_END_CLOSE);
  xmpp_jingle_files_free(r.jingle);
  xmpp_si_files_free(r.si);
  xmpp_bytestreams_free(r.bs);
  fuzz_check(r.hosts_lists <= 1 && r.used_answers <= 1, "answers once");
  xmpp_ibb_free(ibb);
  xmpp_disco_free(disco);
  fuzz_check(xmpp_router_n_pending(h->router) == 0, "no request outlives its module");
  fuzz_harness_free(h);
  run = NULL;
  return 0;
}
