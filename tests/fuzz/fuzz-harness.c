/* SPDX-License-Identifier: GPL-2.0-or-later */
/* FuzzHarness: the router, fake host, request answering and send checks of the model targets. */
#include "fuzz-harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml/parser.h"
#include "xml/writer.h"

#define STREAM_HEADER                                                                              \
  "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "          \
  "version='1.0'>"

typedef struct {
  char *id;
  char *to; /* NULL: to our own account or server */
} FuzzRequest;

static void
request_free(gpointer data)
{
  FuzzRequest *r = data;
  g_free(r->id);
  g_free(r->to);
  g_free(r);
}

void
fuzz_check(gboolean ok, const char *what)
{
  if (ok)
    return;
  fprintf(stderr, "invariant violated: %s\n", what);
  abort();
}

void
fuzz_check_utf8(const char *s, const char *what)
{
  if (s != NULL && !g_utf8_validate(s, -1, NULL)) {
    fprintf(stderr, "invalid UTF-8 in %s\n", what);
    abort();
  }
}

typedef struct {
  guint n;
  XmppNode *node;
} ReadBack;

static void
read_back(gpointer data, XmppNode *node)
{
  ReadBack *r = data;
  r->n++;
  xmpp_node_free(r->node);
  r->node = node;
}

void
fuzz_check_round_trip(const XmppNode *node)
{
  static const XmppParserCallbacks callbacks = {.stanza = read_back};
  /* What we write may carry escapes and prefix declarations the input did not: room for it. */
  XmppParserLimits roomy = {64 * 1024 * 1024, XMPP_XML_MAX_DEPTH + 8, 100000, 0};
  ReadBack r = {0, NULL};
  XmppParser *parser = xmpp_parser_new(&callbacks, &r, &roomy);
  GString *text = g_string_new(STREAM_HEADER);
  xmpp_xml_write_node(text, node, XMPP_NS_JABBER_CLIENT);
  GError *error = NULL;
  if (!xmpp_parser_feed(parser, text->str, text->len, &error) || r.n != 1 ||
      !xmpp_node_equal(node, r.node)) {
    fprintf(stderr, "a stanza we send does not read back (%s):\n%s\n",
            error != NULL ? error->message : "different tree", text->str);
    abort();
  }
  xmpp_node_free(r.node);
  xmpp_parser_free(parser);
  g_string_free(text, TRUE);
}

/* Deterministic "random" bytes: the same input always gives the same ids. The host's data is
 * the fake host, so the counter is the process's (reset for each input). */
static guint64 counter;

static gboolean
counter_random(gpointer data, guint8 *buf, gsize len)
{
  counter++;
  memset(buf, 0, len);
  for (gsize i = 0; i < len && i < sizeof counter; i++)
    buf[i] = (guint8)(counter >> (8 * i));
  return TRUE;
}

/* LYRE_FUZZ_VERBOSE set: print what the core logs and sends (to see where a seed goes). */
static gboolean verbose;

/* Log lines are formatted (their arguments come from the network), checked, and dropped. */
static void
quiet_log(gpointer data, XmppLogLevel level, const char *message)
{
  fuzz_check_utf8(message, "a log line");
  if (verbose)
    fprintf(stderr, "log: %s\n", message);
}

static void
on_send(gpointer data, const XmppNode *node)
{
  FuzzHarness *h = data;
  fuzz_check_round_trip(node);
  if (verbose) {
    char *text = xmpp_xml_node_to_string(node);
    fprintf(stderr, "sent: %s\n", text);
    g_free(text);
  }
  /* An address from the network is checked before we send to it: a request or message never
   * goes to a string that is not a JID (the router's reply-origin check, T38, needs one to
   * compare the reply with). Replies go back to the from as given (stanza.c), valid or not. */
  const char *type = xmpp_node_get_attr(node, "type");
  const char *id = xmpp_node_get_attr(node, "id");
  const char *to = xmpp_node_get_attr(node, "to");
  if (to != NULL && g_strcmp0(type, "result") != 0 && g_strcmp0(type, "error") != 0) {
    XmppJid *to_jid = xmpp_jid_parse(to, NULL);
    if (to_jid == NULL) {
      fprintf(stderr, "sent to '%s'\n", to);
      fuzz_check(FALSE, "a request or message we send is addressed to a valid JID");
    }
    xmpp_jid_free(to_jid);
  }
  if (xmpp_node_is(node, XMPP_NS_JABBER_CLIENT, "iq") && id != NULL &&
      (g_strcmp0(type, "get") == 0 || g_strcmp0(type, "set") == 0)) {
    FuzzRequest *r = g_new0(FuzzRequest, 1);
    r->id = g_strdup(id);
    r->to = g_strdup(xmpp_node_get_attr(node, "to"));
    g_queue_push_tail(&h->requests, r);
  }
}

FuzzHarness *
fuzz_harness_new(const char *own_full_jid)
{
  FuzzHarness *h = g_new0(FuzzHarness, 1);
  h->fake = fake_host_new();
  h->fake->host.log = quiet_log;
  h->fake->host.random = counter_random;
  counter = 0;
  verbose = g_getenv("LYRE_FUZZ_VERBOSE") != NULL;
  g_queue_init(&h->requests);
  h->router = xmpp_router_new(&h->fake->host, on_send, h);
  XmppJid *me = xmpp_jid_parse(own_full_jid, NULL);
  fuzz_check(me != NULL, "the harness's own JID is valid");
  xmpp_router_set_own_jid(h->router, me);
  xmpp_jid_free(me);
  return h;
}

/* The request an id-less reply answers (removed from the queue), or NULL. */
static FuzzRequest *
take_request(FuzzHarness *h, const char *id)
{
  guint n = g_queue_get_length(&h->requests);
  if (n == 0)
    return NULL;
  guint index = 0;
  if (id != NULL) {
    guint64 want = 0;
    if (id[0] != '#' || !g_ascii_string_to_unsigned(id + 1, 10, 0, G_MAXUINT32, &want, NULL))
      return NULL; /* a real id: the router decides what it answers */
    index = (guint)(want % n);
  }
  return g_queue_pop_nth(&h->requests, index);
}

static void
on_stanza(gpointer data, XmppNode *node)
{
  FuzzHarness *h = data;
  const char *type = xmpp_node_get_attr(node, "type");
  if (xmpp_node_is(node, XMPP_NS_JABBER_CLIENT, "iq") &&
      (g_strcmp0(type, "result") == 0 || g_strcmp0(type, "error") == 0)) {
    FuzzRequest *r = take_request(h, xmpp_node_get_attr(node, "id"));
    if (r != NULL) {
      xmpp_node_set_attr(node, "id", r->id);
      if (xmpp_node_get_attr(node, "from") == NULL && r->to != NULL)
        xmpp_node_set_attr(node, "from", r->to);
      request_free(r);
    }
  }
  if (h->inspect != NULL)
    h->inspect(h->inspect_data, node);
  xmpp_router_dispatch(h->router, node);
}

void
fuzz_harness_feed(FuzzHarness *h, const guint8 *data, gsize size)
{
  XmppParserCallbacks callbacks = {.stanza = on_stanza};
  XmppParser *parser = xmpp_parser_new(&callbacks, h, NULL);
  xmpp_parser_feed(parser, STREAM_HEADER, strlen(STREAM_HEADER), NULL);
  xmpp_parser_feed(parser, (const char *)data, size, NULL);
  xmpp_parser_free(parser);
}

void
fuzz_harness_end(FuzzHarness *h, FuzzEnd end)
{
  if (end == FUZZ_END_FREE)
    return;
  if (end == FUZZ_END_TIMEOUT)
    fake_host_advance(h->fake, XMPP_ROUTER_IQ_TIMEOUT_MS + 1000);
  xmpp_router_fail_pending(h->router);
}

void
fuzz_harness_free(FuzzHarness *h)
{
  xmpp_router_free(h->router);
  g_queue_clear_full(&h->requests, request_free);
  fake_host_free(h->fake);
  g_free(h);
}
