/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target for XmppParser: chunked feeding, reset/stop from callbacks, and two oracles
 * (split feeding gives the same events as one-shot feeding; stanzas survive write + re-parse). */
#include "xml/parser.h"
#include "xml/writer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  XmppParser *parser;
  GString *log;
  gboolean round_trip; /* check each stanza through the writer */
} Run;

typedef struct {
  guint n;
  XmppNode *stanza;
} One;

static void
one_stanza(gpointer ud, XmppNode *stanza)
{
  One *o = ud;
  o->n++;
  xmpp_node_free(o->stanza);
  o->stanza = stanza;
}

/* Every parsed stanza must serialise into XML our parser reads back as the same tree. */
static void
check_round_trip(const XmppNode *stanza)
{
  static const XmppParserCallbacks cb = {NULL, one_stanza, NULL};
  /* Writing may add prefix declarations and escapes: give the re-parse some room. */
  XmppParserLimits roomy = {64 * 1024 * 1024, XMPP_XML_MAX_DEPTH, 100000};
  One o = {0, NULL};
  XmppParser *p = xmpp_parser_new(&cb, &o, &roomy);
  GString *s = g_string_new("<stream:stream xmlns='jabber:client' "
                            "xmlns:stream='http://etherx.jabber.org/streams'>");
  xmpp_xml_write_node(s, stanza, XMPP_NS_JABBER_CLIENT);
  GError *error = NULL;
  if (!xmpp_parser_feed(p, s->str, s->len, &error) || o.n != 1 ||
      !xmpp_node_equal(stanza, o.stanza)) {
    fprintf(stderr, "round trip failed: %s\n%s\n", error ? error->message : "(no error)", s->str);
    abort();
  }
  xmpp_node_free(o.stanza);
  xmpp_parser_free(p);
  g_string_free(s, TRUE);
}

static void
on_start(gpointer ud, const XmppNode *header)
{
  Run *r = ud;
  g_string_append(r->log, "S:");
  xmpp_xml_write_node(r->log, header, "");
  g_string_append_c(r->log, '\n');
}

static void
on_stanza(gpointer ud, XmppNode *stanza)
{
  Run *r = ud;
  g_string_append(r->log, "T:");
  xmpp_xml_write_node(r->log, stanza, XMPP_NS_JABBER_CLIENT);
  g_string_append_c(r->log, '\n');
  if (r->round_trip)
    check_round_trip(stanza);
  /* Stream restarts as the stream layer does them (RFC 6120 §6.4.6, §5.4.3.3). */
  if (strcmp(stanza->name, "success") == 0)
    xmpp_parser_reset(r->parser);
  else if (strcmp(stanza->name, "proceed") == 0)
    xmpp_parser_stop(r->parser);
  xmpp_node_free(stanza);
}

static void
on_end(gpointer ud)
{
  Run *r = ud;
  g_string_append(r->log, "E\n");
}

static const XmppParserCallbacks callbacks = {on_start, on_stanza, on_end};

/* Returns FALSE when the parser reported an error; the events go to log. */
static gboolean
run(const uint8_t *data, size_t size, uint32_t seed, guint max_chunk, gboolean round_trip,
    GString *log)
{
  Run r = {NULL, log, round_trip};
  r.parser = xmpp_parser_new(&callbacks, &r, NULL);
  gboolean ok = TRUE;
  size_t off = 0;
  while (off < size && ok) {
    size_t n = size - off;
    if (max_chunk > 0) {
      seed = seed * 1103515245u + 12345u;
      n = MIN(n, 1 + (seed >> 16) % max_chunk);
    }
    ok = xmpp_parser_feed(r.parser, (const char *)data + off, n, NULL);
    off += n;
  }
  xmpp_parser_free(r.parser);
  return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 2)
    return 0;
  /* The first two bytes choose the chunking; the rest is the stream. */
  uint32_t seed = data[0] | (uint32_t)data[1] << 8;
  guint max_chunk = (data[0] & 0x3F) + 1;
  data += 2;
  size -= 2;

  GString *split = g_string_new(NULL), *whole = g_string_new(NULL);
  gboolean ok_split = run(data, size, seed, max_chunk, TRUE, split);
  gboolean ok_whole = run(data, size, 0, 0, FALSE, whole);
  /* Differential oracle: the same bytes give the same events however they are split. When one
   * side stopped on an error, its events must be a prefix of the other side's. */
  gboolean same;
  if (ok_split && ok_whole)
    same = strcmp(split->str, whole->str) == 0;
  else if (split->len <= whole->len)
    same = strncmp(split->str, whole->str, split->len) == 0;
  else
    same = strncmp(split->str, whole->str, whole->len) == 0;
  if (!same) {
    fprintf(stderr, "split (%d):\n%s\nwhole (%d):\n%s\n", ok_split, split->str, ok_whole,
            whole->str);
    abort();
  }
  g_string_free(split, TRUE);
  g_string_free(whole, TRUE);
  return 0;
}
