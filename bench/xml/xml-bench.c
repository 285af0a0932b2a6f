/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bench scenario 5: Lyre's XML layer against raw libxml2 SAX2 push parsing of the same stream. */
#include "xml/namespaces.h"
#include "xml/parser.h"

#include <libxml/parser.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* Counts of a parse: both parsers must see the whole stream. */
typedef struct {
  guint64 elements; /* every start tag, the stream header included */
  guint64 stanzas;  /* depth-1 elements */
  guint64 ends;     /* </stream:stream> seen (raw: end tags at depth 0) */
  int depth;
} Counts;

typedef struct {
  gint contacts, messages, presences, chunk, repeat;
  char *input;
  gboolean smoke, trim;
} Options;

/* ---- the recorded stream ---- */

static const char stream_header[] =
    "<?xml version='1.0'?>"
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
    "from='example.test' to='alice@example.test' id='c2s-4f2a9b' version='1.0' "
    "xml:lang='en'>";

/* Whitespace between stanzas, as servers send it: mostly none, sometimes a newline. */
static void
separator(GString *s, guint i)
{
  if (i % 3 == 0)
    g_string_append_c(s, '\n');
}

static void
append_presence(GString *s, Counts *c, guint i)
{
  g_string_append_printf(
      s,
      "<presence from='contact%05u@example.test/phone' to='alice@example.test/bench'>"
      "<show>away</show><status>Out for lunch, back at %u</status><priority>5</priority>"
      "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://example.test/caps' "
      "ver='QgayPKawpkPSDYmwT/WM94uAlu0='/></presence>",
      i, i % 24);
  c->elements += 5;
  c->stanzas++;
}

static void
append_message(GString *s, Counts *c, guint i)
{
  /* Every 50th body carries escaped characters, as chat text does now and then. */
  const char *extra = (i % 50 == 0) ? " &amp; &lt;3 &quot;quoted&quot;" : "";
  g_string_append_printf(s,
                         "<message from='bob@example.test/peer' to='alice@example.test/bench' "
                         "type='chat' id='m%u'><body>Message %u with some ordinary text in it%s"
                         "</body><active xmlns='http://jabber.org/protocol/chatstates'/>"
                         "</message>",
                         i, i, extra);
  c->elements += 3;
  c->stanzas++;
}

static GString *
build_stream(const Options *o, Counts *c)
{
  GString *s = g_string_sized_new(256 + (gsize)o->contacts * 110 + (gsize)o->messages * 240);
  memset(c, 0, sizeof(*c));
  g_string_append(s, stream_header);
  c->elements++;
  g_string_append(s, "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                     "<sm xmlns='urn:xmpp:sm:3'/><ver xmlns='urn:xmpp:features:rosterver'/>"
                     "</stream:features>");
  c->elements += 4;
  c->stanzas++;
  g_string_append(s, "<iq type='result' id='bind_1' to='alice@example.test/bench'>"
                     "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                     "<jid>alice@example.test/bench</jid></bind></iq>\n");
  c->elements += 3;
  c->stanzas++;
  g_string_append(s, "<iq type='result' id='roster_1' to='alice@example.test/bench'>"
                     "<query xmlns='jabber:iq:roster' ver='ver42'>");
  for (gint i = 0; i < o->contacts; i++)
    g_string_append_printf(s,
                           "<item jid='contact%05d@example.test' name='Contact %d' "
                           "subscription='both'><group>Friends</group></item>",
                           i, i);
  g_string_append(s, "</query></iq>");
  c->elements += 2 + 2 * (guint64)o->contacts;
  c->stanzas++;
  /* Presences are spread over the messages, the way they arrive in a real session. */
  gint every = o->presences > 0 ? MAX(1, o->messages / o->presences) : 0;
  gint presences = 0;
  for (gint i = 0; i < o->messages; i++) {
    separator(s, (guint)i);
    append_message(s, c, (guint)i);
    if (every > 0 && i % every == 0 && presences < o->presences) {
      append_presence(s, c, (guint)presences++);
    }
  }
  for (; presences < o->presences; presences++)
    append_presence(s, c, (guint)presences);
  g_string_append(s, "\n</stream:stream>");
  c->ends = 1;
  return s;
}

/* ---- raw libxml2: callbacks that only count ---- */

static void
raw_start(void *ud, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
          int nb_namespaces, const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
          const xmlChar **attributes)
{
  Counts *c = ud;
  c->elements++;
  c->depth++;
}

static void
raw_end(void *ud, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
  Counts *c = ud;
  c->depth--;
  if (c->depth == 1)
    c->stanzas++;
  else if (c->depth == 0)
    c->ends++;
}

static void
raw_characters(void *ud, const xmlChar *ch, int len)
{
}

static void
raw_parse(const char *data, gsize len, gsize chunk, Counts *c)
{
  xmlSAXHandler sax;
  memset(&sax, 0, sizeof(sax));
  sax.initialized = XML_SAX2_MAGIC;
  sax.startElementNs = raw_start;
  sax.endElementNs = raw_end;
  sax.characters = raw_characters;
  memset(c, 0, sizeof(*c));
  xmlParserCtxtPtr ctxt = xmlCreatePushParserCtxt(&sax, c, NULL, 0, NULL);
  for (gsize off = 0; off < len; off += chunk)
    xmlParseChunk(ctxt, data + off, (int)MIN(chunk, len - off), 0);
  xmlFreeParserCtxt(ctxt);
}

/* ---- Lyre: a stanza callback that counts and frees, the least a session does ---- */

static void
lyre_stream_start(gpointer ud, const XmppNode *header)
{
  Counts *c = ud;
  c->elements++;
}

static void
lyre_stanza(gpointer ud, XmppNode *stanza)
{
  Counts *c = ud;
  c->stanzas++;
  xmpp_node_free(stanza);
}

static void
lyre_stream_end(gpointer ud)
{
  Counts *c = ud;
  c->ends++;
}

/* The session lets only the result of our own roster request grow past 512 KiB: the recorded
 * stream's one IQ result is that answer. */
static gboolean
lyre_allow_large(gpointer ud, const XmppNode *start)
{
  return xmpp_node_is(start, XMPP_NS_JABBER_CLIENT, "iq") &&
         g_strcmp0(xmpp_node_get_attr(start, "type"), "result") == 0;
}

/* With the client stream's limits, as the session: the default stanza limit (512 KiB) would
 * refuse the roster result of 10000 contacts (about 1.1 MB). */
static gboolean
lyre_parse(const char *data, gsize len, gsize chunk, Counts *c)
{
  static const XmppParserCallbacks cb = {.stream_start = lyre_stream_start,
                                         .stanza = lyre_stanza,
                                         .stream_end = lyre_stream_end,
                                         .allow_large = lyre_allow_large};
  XmppParserLimits limits = XMPP_XML_CLIENT_LIMITS;
  memset(c, 0, sizeof(*c));
  XmppParser *p = xmpp_parser_new(&cb, c, &limits);
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;
  for (gsize off = 0; ok && off < len; off += chunk)
    ok = xmpp_parser_feed(p, data + off, MIN(chunk, len - off), &error);
  xmpp_parser_free(p);
  if (!ok)
    fprintf(stderr, "lyre-xml-bench: Lyre's parser failed: %s\n", error->message);
  return ok;
}

/* ---- timing ---- */

/* Process CPU time: less noisy than wall time on a shared machine. */
static double
cpu_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Minor page faults so far: building trees costs fresh memory, raw parsing does not. */
static long
minor_faults(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_minflt;
}

static int
cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double
median(double *v, gint n)
{
  qsort(v, (size_t)n, sizeof(double), cmp_double);
  return (n % 2 == 1) ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static gboolean
check(const char *who, const Counts *got, const Counts *want, gboolean elements)
{
  if ((elements && got->elements != want->elements) || got->stanzas != want->stanzas ||
      got->ends != want->ends) {
    fprintf(stderr,
            "lyre-xml-bench: %s saw %" G_GUINT64_FORMAT " elements, %" G_GUINT64_FORMAT
            " stanzas, %" G_GUINT64_FORMAT " stream ends; expected %" G_GUINT64_FORMAT
            ", %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT "\n",
            who, got->elements, got->stanzas, got->ends, want->elements, want->stanzas, want->ends);
    return FALSE;
  }
  return TRUE;
}

static gboolean
parse_options(int argc, char **argv, Options *o)
{
  GOptionEntry entries[] = {
      {"contacts", 0, 0, G_OPTION_ARG_INT, &o->contacts, "Roster items (10000)", "N"},
      {"messages", 0, 0, G_OPTION_ARG_INT, &o->messages, "Chat messages (20000)", "N"},
      {"presences", 0, 0, G_OPTION_ARG_INT, &o->presences, "Presences (2000)", "N"},
      {"chunk", 0, 0, G_OPTION_ARG_INT, &o->chunk, "Bytes per feed, like a socket read (4096)",
       "BYTES"},
      {"repeat", 0, 0, G_OPTION_ARG_INT, &o->repeat, "Runs of each parser (7)", "R"},
      {"input", 0, 0, G_OPTION_ARG_FILENAME, &o->input, "Recorded stream to parse", "FILE"},
      {"smoke", 0, 0, G_OPTION_ARG_NONE, &o->smoke, "Tiny sizes, one run (for CI)", NULL},
      {"trim", 0, 0, G_OPTION_ARG_NONE, &o->trim,
       "Let glibc give freed heap back to the kernel between runs (see main)", NULL},
      {NULL},
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("- XML layer benchmark (scenario 5)");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "lyre-xml-bench: %s\n", error->message);
    return FALSE;
  }
  if (o->smoke) {
    o->contacts = 50;
    o->messages = 200;
    o->presences = 20;
    o->repeat = 1;
  }
  if (o->contacts < 0 || o->messages < 0 || o->presences < 0 || o->chunk <= 0 || o->repeat <= 0) {
    fprintf(stderr, "lyre-xml-bench: sizes must be positive\n");
    return FALSE;
  }
  return TRUE;
}

int
main(int argc, char **argv)
{
  Options o = {10000, 20000, 2000, 4096, 7, NULL, FALSE, FALSE};
  if (!parse_options(argc, argv, &o))
    return 2;
  /* Each run builds and frees the roster's tree (megabytes). By default glibc returns the top
   * of the heap to the kernel when that much is freed, so the next run page-faults it back;
   * whether it does depends on which small allocation happens to sit at the top (even the
   * size of this program's arrays of timings changed it), which made the figures jump by
   * 0.1. A long-running client's heap top is pinned by live data, so by default the bench
   * keeps the heap, as that client does; --trim measures the fresh-process case. */
  gboolean trim = o.trim;
#ifdef M_TRIM_THRESHOLD
  if (!trim)
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#else
  trim = TRUE;
#endif
  xmlInitParser();

  Counts want;
  GString *stream;
  gboolean known = o.input == NULL;
  if (known) {
    stream = build_stream(&o, &want);
  } else {
    g_autoptr(GError) error = NULL;
    char *contents = NULL;
    gsize n = 0;
    if (!g_file_get_contents(o.input, &contents, &n, &error)) {
      fprintf(stderr, "lyre-xml-bench: %s\n", error->message);
      return 2;
    }
    stream = g_string_new_len(contents, (gssize)n);
    g_free(contents);
  }

  double *raw_ms = g_new(double, o.repeat), *lyre_ms = g_new(double, o.repeat);
  int status = 0;
  long raw_faults = 0, lyre_faults = 0;
  for (gint r = 0; r < o.repeat && status == 0; r++) {
    Counts got;
    long f0 = minor_faults();
    double t0 = cpu_ms();
    raw_parse(stream->str, stream->len, (gsize)o.chunk, &got);
    raw_ms[r] = cpu_ms() - t0;
    raw_faults += minor_faults() - f0;
    if (!known) { /* a recorded stream: the raw parser's first run sets the expectation */
      want = got;
      known = TRUE;
    }
    if (!check("raw libxml2", &got, &want, TRUE)) {
      status = 1;
      break;
    }
    f0 = minor_faults();
    t0 = cpu_ms();
    gboolean ok = lyre_parse(stream->str, stream->len, (gsize)o.chunk, &got);
    lyre_ms[r] = cpu_ms() - t0;
    lyre_faults += minor_faults() - f0;
    /* Lyre reports the header and whole stanzas, not their inner elements. */
    got.elements = want.elements;
    if (!ok || !check("Lyre", &got, &want, FALSE))
      status = 1;
  }
  if (status == 0) {
    double raw = median(raw_ms, o.repeat), lyre = median(lyre_ms, o.repeat);
    double mb = (double)stream->len / 1e6;
    double raw_mb_s = mb / (raw / 1e3), lyre_mb_s = mb / (lyre / 1e3);
    printf("{\"scenario\":\"xml\",\"clock\":\"cpu\",\"heap_trim\":%s,\"bytes\":%" G_GSIZE_FORMAT
           ",\"chunk\":%d,\"repeat\":%d,\"stanzas\":%" G_GUINT64_FORMAT
           ",\"raw_mb_s\":%.2f,\"lyre_mb_s\":%.2f,\"ratio\":%.3f,\"raw_ms\":%.3f,"
           "\"lyre_ms\":%.3f}\n",
           trim ? "true" : "false", stream->len, o.chunk, o.repeat, want.stanzas, raw_mb_s,
           lyre_mb_s, lyre_mb_s / raw_mb_s, raw, lyre);
    fprintf(stderr,
            "xml: %" G_GSIZE_FORMAT " bytes, %" G_GUINT64_FORMAT
            " stanzas, chunk %d, median of %d (CPU time): raw libxml2 %.1f MB/s (%.2f ms), "
            "Lyre %.1f MB/s (%.2f ms), ratio %.3f; page faults per run: raw %ld, Lyre %ld\n",
            stream->len, want.stanzas, o.chunk, o.repeat, raw_mb_s, raw, lyre_mb_s, lyre,
            lyre_mb_s / raw_mb_s, raw_faults / o.repeat, lyre_faults / o.repeat);
  }
  g_free(raw_ms);
  g_free(lyre_ms);
  g_string_free(stream, TRUE);
  g_free(o.input);
  return status;
}
