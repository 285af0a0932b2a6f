/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for XmppJid (src/core/jid/jid.c): corpora, comparison, limits, round trips. */
#include "jid/jid.h"
#include "jid/jid-private.h"

#include <locale.h>
#include <string.h>

/* Decodes the corpus escapes described at the top of the corpora in tests/data/jid. */
static char *
corpus_unescape(const char *in)
{
  GString *out = g_string_new(NULL);

  if (strcmp(in, "\\e") == 0)
    return g_string_free(out, FALSE);
  for (const char *p = in; *p;) {
    if (*p != '\\') {
      g_string_append_c(out, *p++);
      continue;
    }
    p++;
    if (*p == '\\') {
      g_string_append_c(out, '\\');
      p++;
    } else if (*p == 'u' || *p == 'U') {
      int digits = *p == 'u' ? 4 : 8;
      g_autofree char *hex = g_strndup(p + 1, digits);
      g_string_append_unichar(out, (gunichar)g_ascii_strtoull(hex, NULL, 16));
      p += 1 + digits;
    } else if (*p == 'x') {
      g_autofree char *hex = g_strndup(p + 1, 2);
      g_string_append_c(out, (char)g_ascii_strtoull(hex, NULL, 16));
      p += 3;
    } else if (*p == '*') {
      char *end = NULL;
      guint64 n = g_ascii_strtoull(p + 1, &end, 10);
      g_autofree char *one = NULL;
      g_assert_cmpint(*end, ==, ':');
      p = end + 1;
      if (*p == '\\') { /* the repeated character may itself be an escape */
        gsize len = p[1] == 'u' ? 6 : p[1] == 'U' ? 10 : 2;
        g_autofree char *esc = g_strndup(p, len);
        one = corpus_unescape(esc);
        p += len;
      } else {
        const char *next = g_utf8_next_char(p);
        one = g_strndup(p, next - p);
        p = next;
      }
      for (guint64 i = 0; i < n; i++)
        g_string_append(out, one);
    } else {
      g_error("bad corpus escape \\%c in %s", *p, in);
    }
  }
  return g_string_free(out, FALSE);
}

typedef struct {
  char *input;
  char *expect; /* normalised form (valid.txt) or error code name (invalid.txt); may be NULL */
  int line;
} CorpusEntry;

static void
corpus_entry_free(gpointer p)
{
  CorpusEntry *e = p;
  g_free(e->input);
  g_free(e->expect);
  g_free(e);
}

static GPtrArray *
corpus_load(const char *name, gboolean unescape_expect)
{
  const char *root = g_getenv("LYRE_SOURCE_ROOT");
  g_autofree char *path = root
                              ? g_build_filename(root, "tests", "data", "jid", name, NULL)
                              : g_test_build_filename(G_TEST_DIST, "..", "data", "jid", name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *entries = g_ptr_array_new_with_free_func(corpus_entry_free);

  g_file_get_contents(path, &text, NULL, &error);
  g_assert_no_error(error);
  lines = g_strsplit(text, "\n", -1);
  for (int i = 0; lines[i]; i++) {
    g_auto(GStrv) cols = NULL;
    CorpusEntry *e;
    if (lines[i][0] == '\0' || lines[i][0] == '#')
      continue;
    cols = g_strsplit(lines[i], "\t", 2);
    e = g_new0(CorpusEntry, 1);
    e->input = corpus_unescape(cols[0]);
    if (cols[1])
      e->expect = unescape_expect ? corpus_unescape(cols[1]) : g_strdup(cols[1]);
    e->line = i + 1;
    g_ptr_array_add(entries, e);
  }
  g_assert_cmpuint(entries->len, >=, 20);
  return entries;
}

static int
error_code_from_name(const char *name)
{
  static const char *const names[] = {"EMPTY", "LOCALPART", "DOMAINPART", "RESOURCEPART",
                                      "INVALID_UTF8"};
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    if (g_strcmp0(name, names[i]) == 0)
      return (int)i;
  g_error("unknown error code name %s", name);
  return -1;
}

/* T59: every entry of invalid.txt is rejected with the expected error code. */
static void
test_invalid_corpus(void)
{
  g_autoptr(GPtrArray) corpus = corpus_load("invalid.txt", FALSE);

  for (guint i = 0; i < corpus->len; i++) {
    CorpusEntry *e = corpus->pdata[i];
    g_autoptr(GError) error = NULL;
    g_autoptr(XmppJid) jid = xmpp_jid_parse(e->input, &error);
    if (jid)
      g_error("invalid.txt:%d: accepted as %s", e->line, xmpp_jid_get_full(jid));
    g_assert_nonnull(error);
    g_assert_true(error->domain == XMPP_JID_ERROR);
    if (e->expect && error->code != error_code_from_name(e->expect))
      g_error("invalid.txt:%d: error %d (%s), expected %s", e->line, error->code, error->message,
              e->expect);
    g_assert_null(xmpp_jid_normalize(e->input));
  }
}

/* T60: every entry of valid.txt is accepted and normalised as written. */
static void
test_valid_corpus(void)
{
  g_autoptr(GPtrArray) corpus = corpus_load("valid.txt", TRUE);

  for (guint i = 0; i < corpus->len; i++) {
    CorpusEntry *e = corpus->pdata[i];
    g_autoptr(GError) error = NULL;
    g_autoptr(XmppJid) jid = xmpp_jid_parse(e->input, &error);
    g_autofree char *norm = xmpp_jid_normalize(e->input);
    if (!jid)
      g_error("valid.txt:%d: rejected: %s", e->line, error->message);
    g_assert_cmpstr(xmpp_jid_get_full(jid), ==, e->expect ? e->expect : e->input);
    g_assert_cmpstr(norm, ==, xmpp_jid_get_full(jid));
  }
}

static XmppJid *
parse_ok(const char *s)
{
  g_autoptr(GError) error = NULL;
  XmppJid *jid = xmpp_jid_parse(s, &error);
  g_assert_no_error(error);
  g_assert_nonnull(jid);
  return jid;
}

/* RFC 7622 §3.1: resource after the first '/', localpart before the first '@' before it. */
static void
test_split_rule(void)
{
  g_autoptr(XmppJid) j = parse_ok("a@b/c@d/e");
  g_autoptr(XmppJid) d = parse_ok("b/c@d");
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) bad = xmpp_jid_parse("no@one@x", &error);

  g_assert_cmpstr(xmpp_jid_get_local(j), ==, "a");
  g_assert_cmpstr(xmpp_jid_get_domain(j), ==, "b");
  g_assert_cmpstr(xmpp_jid_get_resource(j), ==, "c@d/e");
  g_assert_cmpstr(xmpp_jid_get_bare(j), ==, "a@b");
  g_assert_cmpstr(xmpp_jid_get_full(j), ==, "a@b/c@d/e");
  g_assert_null(xmpp_jid_get_local(d)); /* the '@' after the '/' belongs to the resource */
  g_assert_cmpstr(xmpp_jid_get_resource(d), ==, "c@d");
  g_assert_null(bad); /* first '@' rule: domain "one@x" */
  g_assert_error(error, XMPP_JID_ERROR, XMPP_JID_ERROR_DOMAINPART);
}

/* T61 and T35-style twins: one comparison function over normalised parts. */
static void
test_compare_normalise(void)
{
  static const struct {
    const char *a, *b;
    XmppJidMatch how;
    gboolean equal;
  } cases[] = {
      {"Juliet@Example.TEST", "juliet@example.test", XMPP_JID_MATCH_FULL, TRUE},
      {"Juliet@Example.TEST", "juliet@example.test", XMPP_JID_MATCH_BARE, TRUE},
      {"juliet@example.test.", "juliet@example.test", XMPP_JID_MATCH_FULL, TRUE},
      {"\xEF\xBC\xAA\xEF\xBD\x95liet@example.test", "juliet@example.test", XMPP_JID_MATCH_BARE,
       TRUE},
      {"juliet@example.test/Balcony", "juliet@example.test/balcony", XMPP_JID_MATCH_FULL, FALSE},
      {"juliet@example.test/Balcony", "juliet@example.test/balcony", XMPP_JID_MATCH_BARE, TRUE},
      {"juliet@example.test/Balcony", "Juliet@EXAMPLE.test./Balcony", XMPP_JID_MATCH_FULL, TRUE},
      {"juliet@example.test/r", "juliet@example.test", XMPP_JID_MATCH_FULL, FALSE},
      {"juliet@example.test/r", "juliet@example.test", XMPP_JID_MATCH_BARE, TRUE},
      {"juliet@example.test", "example.test", XMPP_JID_MATCH_BARE, FALSE},
      {"juliet@example.test", "romeo@example.test", XMPP_JID_MATCH_BARE, FALSE},
      {"juliet@example.test", "juliet@example.testt", XMPP_JID_MATCH_BARE, FALSE},
      {"noone@xn--k9j8b.xn--t8jad2s.net", "noone@まつ.おおかみ.net", XMPP_JID_MATCH_FULL, TRUE},
      {"u@[::1]", "u@[0::1]", XMPP_JID_MATCH_FULL, TRUE},
      {"u@d/a\xC2\xA0"
       "b",
       "u@d/a b", XMPP_JID_MATCH_FULL, TRUE},
      {"u@d/e\xCC\x81", "u@d/\xC3\xA9", XMPP_JID_MATCH_FULL, TRUE},
      {"a@b/c", "a@b/c/", XMPP_JID_MATCH_FULL, FALSE},
      {"mallory@evil.test", "juliet@example.test", XMPP_JID_MATCH_BARE, FALSE},
  };

  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(XmppJid) a = parse_ok(cases[i].a);
    g_autoptr(XmppJid) b = parse_ok(cases[i].b);
    if (xmpp_jid_equal(a, b, cases[i].how) != cases[i].equal ||
        xmpp_jid_equal(b, a, cases[i].how) != cases[i].equal ||
        xmpp_jid_str_equal(cases[i].a, cases[i].b, cases[i].how) != cases[i].equal)
      g_error("case %u: %s vs %s should be %s", i, cases[i].a, cases[i].b,
              cases[i].equal ? "equal" : "different");
    if (cases[i].how == XMPP_JID_MATCH_FULL)
      g_assert_cmpint(xmpp_jid_hash_equal(a, b), ==, cases[i].equal);
    if (cases[i].equal && cases[i].how == XMPP_JID_MATCH_FULL)
      g_assert_cmpuint(xmpp_jid_hash(a), ==, xmpp_jid_hash(b));
  }
  /* NULL never matches, not even NULL; an invalid string never matches, not even itself */
  g_autoptr(XmppJid) j = parse_ok("juliet@example.test");
  g_assert_false(xmpp_jid_equal(NULL, NULL, XMPP_JID_MATCH_FULL));
  g_assert_false(xmpp_jid_equal(j, NULL, XMPP_JID_MATCH_BARE));
  g_assert_false(xmpp_jid_equal(NULL, j, XMPP_JID_MATCH_BARE));
  g_assert_true(xmpp_jid_equal(j, j, XMPP_JID_MATCH_FULL));
  g_assert_false(xmpp_jid_str_equal(NULL, NULL, XMPP_JID_MATCH_FULL));
  g_assert_false(xmpp_jid_str_equal("juliet@example.test", NULL, XMPP_JID_MATCH_FULL));
  g_assert_false(xmpp_jid_str_equal("@x", "@x", XMPP_JID_MATCH_FULL));
  g_assert_true(xmpp_jid_str_equal("x", "X.", XMPP_JID_MATCH_FULL));
}

/* Special casing and locale independence of the localpart case mapping (RFC 8265 §3.3.2). */
static void
test_case_mapping(void)
{
  g_autofree char *old = g_strdup(setlocale(LC_ALL, NULL));
  const char *turkish = setlocale(LC_ALL, "tr_TR.UTF-8");
  g_autoptr(XmppJid) i = parse_ok("INFO@example.com");
  g_autoptr(XmppJid) dotted = parse_ok("\xC4\xB0@example.com");        /* U+0130 */
  g_autoptr(XmppJid) sigma = parse_ok("\xCE\xA3\xCE\xA3@example.com"); /* ΣΣ */

  /* g_utf8_strdown would give "ınfo" in a Turkish locale; JIDs must not depend on it */
  g_assert_cmpstr(xmpp_jid_get_local(i), ==, "info");
  g_assert_cmpstr(xmpp_jid_get_local(dotted), ==, "i\xCC\x87");
  g_assert_cmpstr(xmpp_jid_get_local(sigma), ==, "\xCF\x83\xCF\x82"); /* σς: Final_Sigma */
  if (!turkish)
    g_test_message("tr_TR.UTF-8 locale not installed; locale independence checked in C only");
  setlocale(LC_ALL, old);
}

static char *
repeat(const char *unit, guint n)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < n; i++)
    g_string_append(s, unit);
  return g_string_free(s, FALSE);
}

/* Hard limits: XMPP_JID_MAX_PART_BYTES per part, 253/63 for the domain in A-label form. */
static void
test_limits(void)
{
  g_autofree char *l_ok = repeat("a", XMPP_JID_MAX_PART_BYTES);
  g_autofree char *l_bad = repeat("a", XMPP_JID_MAX_PART_BYTES + 1);
  g_autofree char *label = repeat("a", 63);
  g_autofree char *label_bad = repeat("a", 64);
  /* 3 x 63 + 61 + 3 dots = 253 octets; one more octet is over */
  g_autofree char *dom_ok = g_strdup_printf("%s.%s.%s.%.61s", label, label, label, label);
  g_autofree char *dom_bad = g_strdup_printf("%s.%s.%s.%.62s", label, label, label, label);
  g_autofree char *dom_label_bad = g_strconcat(label_bad, ".com", NULL);
  g_autoptr(GError) error = NULL;
  XmppJid *j;

  g_assert_cmpuint(strlen(dom_ok), ==, 253);
  j = xmpp_jid_new(l_ok, dom_ok, l_ok, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(strlen(xmpp_jid_get_full(j)), ==, 1023 + 1 + 253 + 1 + 1023);
  xmpp_jid_free(j);
  g_assert_null(xmpp_jid_new(l_bad, "d", NULL, &error));
  g_assert_error(error, XMPP_JID_ERROR, XMPP_JID_ERROR_LOCALPART);
  g_clear_error(&error);
  g_assert_null(xmpp_jid_new(NULL, "d", l_bad, &error));
  g_assert_error(error, XMPP_JID_ERROR, XMPP_JID_ERROR_RESOURCEPART);
  g_clear_error(&error);
  g_assert_null(xmpp_jid_new(NULL, dom_bad, NULL, &error));
  g_assert_error(error, XMPP_JID_ERROR, XMPP_JID_ERROR_DOMAINPART);
  g_clear_error(&error);
  g_assert_null(xmpp_jid_new(NULL, dom_label_bad, NULL, &error));
  g_assert_error(error, XMPP_JID_ERROR, XMPP_JID_ERROR_DOMAINPART);
  g_clear_error(&error);
  /* the limit counts normalised octets: 1023 fullwidth letters (3069 raw) map to 1023 */
  g_autofree char *wide = repeat("\xEF\xBD\x81", XMPP_JID_MAX_PART_BYTES);
  g_autofree char *wide_bad = repeat("\xEF\xBD\x81", XMPP_JID_MAX_PART_BYTES + 1);
  j = xmpp_jid_new(wide, "d", NULL, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(xmpp_jid_get_local(j), ==, l_ok);
  xmpp_jid_free(j);
  g_assert_null(xmpp_jid_new(wide_bad, "d", NULL, &error));
  g_assert_error(error, XMPP_JID_ERROR, XMPP_JID_ERROR_LOCALPART);
}

/* '/' and '@' in a localpart can only come through xmpp_jid_new; so can empty parts. */
static void
test_new_and_api(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) j = xmpp_jid_new("Juliet", "Example.TEST.", "Balcony", &error);
  g_autoptr(XmppJid) dom = xmpp_jid_new(NULL, "example.test", NULL, &error);
  g_autoptr(XmppJid) copy = xmpp_jid_copy(j);
  g_autoptr(XmppJid) bare = xmpp_jid_dup_bare(j);
  g_autoptr(XmppJid) other = xmpp_jid_with_resource(j, "Orchard", &error);
  g_autoptr(XmppJid) none = xmpp_jid_with_resource(j, NULL, &error);
  const char *bad_locals[] = {"a@b", "a/b", "", "a b", "a\"b"};

  g_assert_no_error(error);
  g_assert_cmpstr(xmpp_jid_get_full(j), ==, "juliet@example.test/Balcony");
  g_assert_true(xmpp_jid_equal(j, copy, XMPP_JID_MATCH_FULL));
  g_assert_cmpstr(xmpp_jid_get_bare(copy), ==, "juliet@example.test");
  g_assert_cmpstr(xmpp_jid_get_full(bare), ==, "juliet@example.test");
  g_assert_true(xmpp_jid_is_bare(bare) && !xmpp_jid_is_bare(j) && !xmpp_jid_is_domain(bare));
  g_assert_true(xmpp_jid_is_domain(dom));
  g_assert_null(xmpp_jid_get_local(dom));
  g_assert_null(xmpp_jid_get_resource(dom));
  g_assert_cmpstr(xmpp_jid_get_bare(dom), ==, "example.test");
  g_assert_cmpstr(xmpp_jid_get_full(other), ==, "juliet@example.test/Orchard");
  g_assert_true(xmpp_jid_equal(other, j, XMPP_JID_MATCH_BARE));
  g_assert_false(xmpp_jid_equal(other, j, XMPP_JID_MATCH_FULL));
  g_assert_true(xmpp_jid_equal(none, bare, XMPP_JID_MATCH_FULL));
  for (guint i = 0; i < G_N_ELEMENTS(bad_locals); i++) {
    g_assert_null(xmpp_jid_new(bad_locals[i], "d", NULL, &error));
    g_assert_error(error, XMPP_JID_ERROR, XMPP_JID_ERROR_LOCALPART);
    g_clear_error(&error);
  }
  g_assert_null(xmpp_jid_new(NULL, "d", "", &error));
  g_assert_error(error, XMPP_JID_ERROR, XMPP_JID_ERROR_RESOURCEPART);
  g_clear_error(&error);
  g_assert_null(xmpp_jid_new(NULL, "", NULL, &error));
  g_assert_error(error, XMPP_JID_ERROR, XMPP_JID_ERROR_EMPTY);
  g_clear_error(&error);
  g_assert_null(xmpp_jid_new(NULL, "a/b", NULL, &error));
  g_assert_error(error, XMPP_JID_ERROR, XMPP_JID_ERROR_DOMAINPART);
  g_clear_error(&error);
  g_assert_null(xmpp_jid_new(NULL, "a@b", NULL, &error));
  g_assert_error(error, XMPP_JID_ERROR, XMPP_JID_ERROR_DOMAINPART);
  g_clear_error(&error);
  g_assert_null(xmpp_jid_with_resource(j, "a\x01", &error));
  g_assert_error(error, XMPP_JID_ERROR, XMPP_JID_ERROR_RESOURCEPART);
  g_clear_error(&error);
  g_assert_null(xmpp_jid_new("\xC3", "d", NULL, &error));
  g_assert_error(error, XMPP_JID_ERROR, XMPP_JID_ERROR_INVALID_UTF8);
  g_clear_error(&error);
  g_assert_null(xmpp_jid_parse(NULL, &error));
  g_assert_error(error, XMPP_JID_ERROR, XMPP_JID_ERROR_EMPTY);
  g_assert_cmpstr(g_quark_to_string(XMPP_JID_ERROR), ==, "xmpp-jid-error-quark");
  xmpp_jid_free(NULL);
}

/* Full JIDs work as GHashTable keys with xmpp_jid_hash/xmpp_jid_hash_equal. */
static void
test_hash_table(void)
{
  g_autoptr(GHashTable) t = g_hash_table_new_full(xmpp_jid_hash, xmpp_jid_hash_equal,
                                                  (GDestroyNotify)xmpp_jid_free, NULL);
  g_autoptr(XmppJid) probe = parse_ok("JULIET@example.test./r");
  g_autoptr(XmppJid) miss = parse_ok("juliet@example.test/R");

  g_hash_table_add(t, parse_ok("juliet@example.test/r"));
  g_assert_true(g_hash_table_contains(t, probe));
  g_assert_false(g_hash_table_contains(t, miss));
}

/* T62: parse -> serialise -> parse gives the same JID and the same string. */
static void
test_roundtrip(void)
{
  g_autoptr(GPtrArray) corpus = corpus_load("valid.txt", TRUE);

  for (guint i = 0; i < corpus->len; i++) {
    CorpusEntry *e = corpus->pdata[i];
    g_autoptr(XmppJid) a = parse_ok(e->input);
    g_autoptr(XmppJid) b = parse_ok(xmpp_jid_get_full(a));
    g_autoptr(XmppJid) c =
        xmpp_jid_new(xmpp_jid_get_local(a), xmpp_jid_get_domain(a), xmpp_jid_get_resource(a), NULL);
    g_autoptr(XmppJid) bare = parse_ok(xmpp_jid_get_bare(a));
    g_assert_cmpstr(xmpp_jid_get_full(a), ==, xmpp_jid_get_full(b));
    g_assert_true(xmpp_jid_equal(a, b, XMPP_JID_MATCH_FULL));
    g_assert_nonnull(c);
    g_assert_cmpstr(xmpp_jid_get_full(c), ==, xmpp_jid_get_full(a));
    g_assert_cmpstr(xmpp_jid_get_full(bare), ==, xmpp_jid_get_bare(a));
    g_assert_cmpstr(xmpp_jid_get_local(b), ==, xmpp_jid_get_local(a));
    g_assert_cmpstr(xmpp_jid_get_domain(b), ==, xmpp_jid_get_domain(a));
    g_assert_cmpstr(xmpp_jid_get_resource(b), ==, xmpp_jid_get_resource(a));
  }
}

/* ---- ASCII fast path against the general path (jid-private.h) ---- */

/* Both results of one input: either both rejected with the same error code, or both accepted
 * with byte-identical parts. Returns whether the input was accepted. */
static gboolean
assert_same_jid(const char *what, XmppJid *fast, GError *fast_err, XmppJid *slow, GError *slow_err)
{
  if ((fast == NULL) != (slow == NULL))
    g_error("%s: fast %s, slow %s", what, fast ? xmpp_jid_get_full(fast) : fast_err->message,
            slow ? xmpp_jid_get_full(slow) : slow_err->message);
  if (!fast) {
    g_assert_nonnull(fast_err);
    g_assert_nonnull(slow_err);
    g_assert_true(fast_err->domain == XMPP_JID_ERROR && slow_err->domain == XMPP_JID_ERROR);
    if (fast_err->code != slow_err->code)
      g_error("%s: fast error %d (%s), slow error %d (%s)", what, fast_err->code, fast_err->message,
              slow_err->code, slow_err->message);
    return FALSE;
  }
  g_assert_no_error(fast_err);
  g_assert_no_error(slow_err);
  g_assert_cmpstr(xmpp_jid_get_full(fast), ==, xmpp_jid_get_full(slow));
  g_assert_cmpstr(xmpp_jid_get_bare(fast), ==, xmpp_jid_get_bare(slow));
  g_assert_cmpstr(xmpp_jid_get_local(fast), ==, xmpp_jid_get_local(slow));
  g_assert_cmpstr(xmpp_jid_get_domain(fast), ==, xmpp_jid_get_domain(slow));
  g_assert_cmpstr(xmpp_jid_get_resource(fast), ==, xmpp_jid_get_resource(slow));
  g_assert_cmpint(xmpp_jid_is_bare(fast), ==, xmpp_jid_is_bare(slow));
  g_assert_cmpint(xmpp_jid_is_domain(fast), ==, xmpp_jid_is_domain(slow));
  return TRUE;
}

/* xmpp_jid_parse and xmpp_jid_normalize against xmpp_jid_parse_slow on one string; returns
 * the error code, or -1 when accepted. */
static int
check_parse_same(const char *in)
{
  GError *fe = NULL, *se = NULL;
  XmppJid *f = xmpp_jid_parse(in, &fe);
  XmppJid *sl = xmpp_jid_parse_slow(in, &se);
  g_autofree char *norm = xmpp_jid_normalize(in);
  int code = assert_same_jid(in, f, fe, sl, se) ? -1 : fe->code;

  g_assert_cmpstr(norm, ==, sl ? xmpp_jid_get_full(sl) : NULL);
  xmpp_jid_free(f);
  xmpp_jid_free(sl);
  g_clear_error(&fe);
  g_clear_error(&se);
  return code;
}

/* xmpp_jid_new (and xmpp_jid_with_resource) against xmpp_jid_new_slow. */
static int
check_new_same(const char *local, const char *domain, const char *resource)
{
  GError *fe = NULL, *se = NULL;
  XmppJid *f = xmpp_jid_new(local, domain, resource, &fe);
  XmppJid *sl = xmpp_jid_new_slow(local, domain, resource, &se);
  g_autofree char *what = g_strdup_printf("new(%s, %s, %s)", local, domain, resource);
  int code = assert_same_jid(what, f, fe, sl, se) ? -1 : fe->code;

  g_clear_error(&fe);
  g_clear_error(&se);
  if (resource) { /* the same resource added to the bare JID */
    g_autoptr(XmppJid) base = xmpp_jid_new_slow(local, domain, NULL, NULL);
    if (base) {
      XmppJid *w = xmpp_jid_with_resource(base, resource, &fe);
      XmppJid *ws = xmpp_jid_new_slow(local, domain, resource, &se);
      if (ws || se->code == XMPP_JID_ERROR_RESOURCEPART || se->code == XMPP_JID_ERROR_INVALID_UTF8)
        assert_same_jid(what, w, fe, ws, se);
      xmpp_jid_free(w);
      xmpp_jid_free(ws);
      g_clear_error(&fe);
      g_clear_error(&se);
    }
  }
  xmpp_jid_free(f);
  xmpp_jid_free(sl);
  return code;
}

/* One randomly generated part: a mix of the pieces the fast path must tell apart. */
static void
append_random_part(GRand *r, GString *s, gboolean domain)
{
  static const char *const pieces[] = {
      "a",
      "Z",
      "m",
      "Q",
      "x",
      "0",
      "7",
      ".",
      "-",
      "-",
      ".",
      " ",
      "xn--",
      "XN--",
      "\"",
      "&",
      "'",
      ":",
      "<",
      ">",
      "!",
      "_",
      "~",
      "\x01",
      "\x7F",
      "\t",
      "\xC3\xA9",     /* é */
      "\xC3\x89",     /* É */
      "\xEF\xBC\xA1", /* fullwidth A */
      "\xC4\xB0",     /* İ */
      "\xCE\xA3",     /* Σ */
      "\xD7\x90",     /* Hebrew alef */
      "\xC2\xA0",     /* no-break space */
      "\xE3\x80\x82", /* ideographic full stop */
      "e\xCC\x81",    /* e + combining acute */
      "\xE2\x80\x8D", /* ZWJ */
  };
  guint kind = g_rand_int_range(r, 0, 20);

  if (kind == 0) /* empty part */
    return;
  if (kind == 1) { /* around the length limits */
    static const guint sizes[] = {62, 63, 64, 252, 253, 254, 1022, 1023, 1024, 1025};
    guint n = sizes[g_rand_int_range(r, 0, G_N_ELEMENTS(sizes))];
    for (guint i = 0; i < n; i++)
      g_string_append_c(s, domain && i % 60 == 59 ? '.' : g_rand_boolean(r) ? 'a' : 'B');
    return;
  }
  if (kind < 10) { /* mostly plain: letters, digits, maybe dots and hyphens */
    guint n = g_rand_int_range(r, 1, 16);
    for (guint i = 0; i < n; i++) {
      guint c = g_rand_int_range(r, 0, 66);
      g_string_append_c(s, c < 26   ? 'a' + c
                           : c < 52 ? 'A' + c - 26
                           : c < 62 ? '0' + c - 52
                           : c < 64 ? '.'
                                    : '-');
    }
    return;
  }
  for (guint i = 0, n = g_rand_int_range(r, 1, 8); i < n; i++)
    g_string_append(s, pieces[g_rand_int_range(r, 0, G_N_ELEMENTS(pieces))]);
}

/* The fast path gives byte-identical results and error codes to the general path on a few
 * thousand generated JIDs (fixed seed, so failures reproduce). */
static void
test_fast_equivalence(void)
{
  g_autoptr(GRand) r = g_rand_new_with_seed(7622);
  guint accepted = 0, rejected = 0, new_accepted = 0;

  for (guint i = 0; i < 6000; i++) {
    g_autoptr(GString) local = g_string_new(NULL), domain = g_string_new(NULL);
    g_autoptr(GString) resource = g_string_new(NULL), jid = g_string_new(NULL);
    gboolean has_local = g_rand_int_range(r, 0, 4) != 0, has_res = g_rand_boolean(r);

    append_random_part(r, local, FALSE);
    append_random_part(r, domain, TRUE);
    if (g_rand_int_range(r, 0, 3) == 0) { /* make some of them look like real domains */
      g_string_append(domain, g_rand_boolean(r) ? ".example.TEST" : ".test.");
    }
    append_random_part(r, resource, FALSE);
    if (has_local)
      g_string_append_printf(jid, "%s@", local->str);
    g_string_append(jid, domain->str);
    if (has_res)
      g_string_append_printf(jid, "/%s", resource->str);
    if (check_parse_same(jid->str) < 0)
      accepted++;
    else
      rejected++;
    if (check_new_same(has_local ? local->str : NULL, domain->str, has_res ? resource->str : NULL) <
        0)
      new_accepted++;
  }
  g_test_message("parse: %u accepted, %u rejected; new: %u accepted", accepted, rejected,
                 new_accepted);
  /* the generator must exercise both outcomes substantially */
  g_assert_cmpuint(accepted, >, 1000);
  g_assert_cmpuint(rejected, >, 1000);
  g_assert_cmpuint(new_accepted, >, 1000);
}

/* Upper case is folded in localpart and domainpart, kept in the resourcepart. */
static void
test_fast_case_folded(void)
{
  g_autoptr(XmppJid) j = parse_ok("Contact00042@Example.TEST/Peer Two");
  g_autofree char *norm = xmpp_jid_normalize("BOB@EXAMPLE.TEST./PEER");

  g_assert_cmpstr(xmpp_jid_get_full(j), ==, "contact00042@example.test/Peer Two");
  g_assert_cmpstr(xmpp_jid_get_bare(j), ==, "contact00042@example.test");
  g_assert_cmpstr(xmpp_jid_get_local(j), ==, "contact00042");
  g_assert_cmpstr(xmpp_jid_get_domain(j), ==, "example.test");
  g_assert_cmpstr(xmpp_jid_get_resource(j), ==, "Peer Two");
  g_assert_cmpstr(norm, ==, "bob@example.test/PEER");
  g_assert_cmpint(check_parse_same("Contact00042@Example.TEST/Peer Two"), ==, -1);
  g_assert_cmpint(check_parse_same("contact00042@example.test"), ==, -1); /* canonical */
  g_assert_cmpint(check_parse_same("EXAMPLE.test"), ==, -1);
}

/* RFC 7622 §3.3.1: " & ' / : < > @ and space are refused in a localpart exactly as the
 * general path refuses them; other printable ASCII is allowed (the positive twin). */
static void
test_fast_forbidden(void)
{
  static const char forbidden[] = "\"&'/:< >@\x01\x7F";
  static const char allowed[] = "!#$%()*+,-.;=?[\\]^_`{|}~";

  for (const char *c = forbidden; *c; c++) {
    g_autofree char *local = g_strdup_printf("a%cb", *c);
    g_autofree char *jid = g_strdup_printf("a%cb@example.test", *c);
    g_assert_cmpint(check_new_same(local, "example.test", NULL), ==, XMPP_JID_ERROR_LOCALPART);
    if (*c != '/' && *c != '@') /* those two split the string instead */
      g_assert_cmpint(check_parse_same(jid), ==, XMPP_JID_ERROR_LOCALPART);
  }
  for (const char *c = allowed; *c; c++) {
    g_autofree char *local = g_strdup_printf("A%cb", *c);
    g_autofree char *jid = g_strdup_printf("A%cb@example.test", *c);
    g_autofree char *expect = g_strdup_printf("a%cb@example.test", *c);
    g_autofree char *norm = xmpp_jid_normalize(jid);
    g_assert_cmpint(check_new_same(local, "example.test", NULL), ==, -1);
    g_assert_cmpint(check_parse_same(jid), ==, -1);
    g_assert_cmpstr(norm, ==, expect);
  }
  /* resourcepart: space is allowed (OpaqueString), controls are not */
  g_assert_cmpint(check_parse_same("a@example.test/a b"), ==, -1);
  g_assert_cmpint(check_parse_same("a@example.test/a\tb"), ==, XMPP_JID_ERROR_RESOURCEPART);
  g_assert_cmpint(check_parse_same("a@example.test/a\x7F"), ==, XMPP_JID_ERROR_RESOURCEPART);
}

/* Every ASCII byte in every position of every part gives the same result on both paths, so
 * the fast path's byte classes cannot drift from PRECIS, RFC 7622 §3.3.1 and the LDH rule. */
static void
test_fast_every_byte(void)
{
  guint local_ok = 0, res_ok = 0, dom_ok = 0;

  for (int c = 1; c < 0x80; c++) {
    g_autofree char *mid = g_strdup_printf("A%cb", c), *first = g_strdup_printf("%cb", c);
    g_autofree char *last = g_strdup_printf("A%c", c), *label = g_strdup_printf("aB%cd.test", c);
    g_autofree char *label_end = g_strdup_printf("ab%c.test", c);
    g_autofree char *label_start = g_strdup_printf("%cab.test", c);

    local_ok += check_new_same(mid, "example.test", NULL) < 0;
    check_new_same(first, "example.test", NULL);
    check_new_same(last, "example.test", NULL);
    res_ok += check_new_same("u", "example.test", mid) < 0;
    check_new_same(NULL, "example.test", first);
    dom_ok += check_new_same("u", label, NULL) < 0;
    check_new_same(NULL, label_end, NULL);
    check_new_same(NULL, label_start, NULL);
  }
  /* 94 printable minus 8 excluded; 95 with space; letters, digits, '-' and '.' */
  g_assert_cmpuint(local_ok, ==, 86);
  g_assert_cmpuint(res_ok, ==, 95);
  g_assert_cmpuint(dom_ok, ==, 26 * 2 + 10 + 1 + 1);
}

/* Domains the fast path leaves to the general path still come out the same. */
static void
test_fast_domain_edges(void)
{
  static const struct {
    const char *in, *full; /* full NULL: rejected with code */
    int code;
  } cases[] = {
      {"u@XN--K9J8B.example", "u@\xE3\x81\xBE\xE3\x81\xA4.example", 0}, /* A-label -> U-label */
      {"u@xn--k9j8b.example", "u@\xE3\x81\xBE\xE3\x81\xA4.example", 0},
      {"u@xn--zz.example", NULL, XMPP_JID_ERROR_DOMAINPART}, /* not a valid A-label */
      {"u@ab--c.example", NULL, XMPP_JID_ERROR_DOMAINPART},  /* "--" in positions 3-4 */
      {"u@ab-c.example", "u@ab-c.example", 0},
      {"u@-ab.example", NULL, XMPP_JID_ERROR_DOMAINPART},
      {"u@ab-.example", NULL, XMPP_JID_ERROR_DOMAINPART},
      {"u@a..example", NULL, XMPP_JID_ERROR_DOMAINPART},
      {"u@example.test.", "u@example.test", 0},
      {"u@example.test..", NULL, XMPP_JID_ERROR_DOMAINPART},
      {"u@.", NULL, XMPP_JID_ERROR_EMPTY},
      {"u@", NULL, XMPP_JID_ERROR_EMPTY},
      {"192.0.2.1", "192.0.2.1", 0}, /* all-numeric: IPv4 only */
      {"192.0.2", NULL, XMPP_JID_ERROR_DOMAINPART},
      {"1-2.test", "1-2.test", 0},
      {"u@[::1]/r", "u@[::1]/r", 0},
      {"u@[::1", NULL, XMPP_JID_ERROR_DOMAINPART},
      {"u@exa_mple.test", NULL, XMPP_JID_ERROR_DOMAINPART},
      {"u@EXAMPLE\xE3\x80\x82test", "u@example.test", 0}, /* U+3002 is a label separator */
  };

  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(XmppJid) j = xmpp_jid_parse(cases[i].in, &error);
    int code = check_parse_same(cases[i].in);
    if (cases[i].full) {
      g_assert_no_error(error);
      g_assert_cmpstr(xmpp_jid_get_full(j), ==, cases[i].full);
      g_assert_cmpint(code, ==, -1);
    } else {
      g_assert_null(j);
      g_assert_error(error, XMPP_JID_ERROR, cases[i].code);
      g_assert_cmpint(code, ==, cases[i].code);
    }
  }
}

/* Length limits are the same on both paths: 1023 octets per local/resource, 253 for the
 * domain (63 per label), counted without the final dot. */
static void
test_fast_limits(void)
{
  g_autofree char *l_ok = repeat("A", XMPP_JID_MAX_PART_BYTES);
  g_autofree char *l_bad = repeat("A", XMPP_JID_MAX_PART_BYTES + 1);
  g_autofree char *label = repeat("b", 63), *label_bad = repeat("b", 64);
  g_autofree char *dom_ok = g_strdup_printf("%s.%s.%s.%.61s", label, label, label, label);
  g_autofree char *dom_bad = g_strdup_printf("%s.%s.%s.%.62s", label, label, label, label);
  g_autofree char *dom_ok_dot = g_strconcat(dom_ok, ".", NULL);
  g_autofree char *lab_bad = g_strconcat(label_bad, ".test", NULL);
  g_autofree char *lab_ok = g_strconcat(label, ".test", NULL);

  g_assert_cmpint(check_new_same(l_ok, dom_ok, l_ok), ==, -1);
  g_assert_cmpint(check_new_same(l_ok, dom_ok_dot, NULL), ==, -1);
  g_assert_cmpint(check_new_same(l_bad, "d.test", NULL), ==, XMPP_JID_ERROR_LOCALPART);
  g_assert_cmpint(check_new_same(NULL, "d.test", l_bad), ==, XMPP_JID_ERROR_RESOURCEPART);
  g_assert_cmpint(check_new_same(NULL, "d.test", l_ok), ==, -1);
  g_assert_cmpint(check_new_same(NULL, dom_bad, NULL), ==, XMPP_JID_ERROR_DOMAINPART);
  g_assert_cmpint(check_new_same(NULL, lab_bad, NULL), ==, XMPP_JID_ERROR_DOMAINPART);
  g_assert_cmpint(check_new_same(NULL, lab_ok, NULL), ==, -1);
  g_assert_cmpint(check_new_same("", "d.test", NULL), ==, XMPP_JID_ERROR_LOCALPART);
  g_assert_cmpint(check_new_same(NULL, "d.test", ""), ==, XMPP_JID_ERROR_RESOURCEPART);
  g_assert_cmpint(check_new_same(NULL, "", NULL), ==, XMPP_JID_ERROR_EMPTY);
  g_assert_cmpint(check_parse_same("@d.test"), ==, XMPP_JID_ERROR_LOCALPART);
  g_assert_cmpint(check_parse_same("d.test/"), ==, XMPP_JID_ERROR_RESOURCEPART);
  g_assert_cmpint(check_parse_same("/r"), ==, XMPP_JID_ERROR_EMPTY);
  g_assert_cmpint(check_parse_same(""), ==, XMPP_JID_ERROR_EMPTY);
  g_assert_cmpint(check_parse_same("d\xC3.test"), ==, XMPP_JID_ERROR_INVALID_UTF8);
}

/* Typical traffic (roster items, full JIDs with resources) gives the expected strings, and
 * copies, bare forms and new resources of fast-path JIDs are proper JIDs too. */
static void
test_fast_typical(void)
{
  static const char *const jids[] = {"juliet@example.com/balcony", "romeo@montague.example",
                                     "Room@conference.example.org/Nick Name", "example.net",
                                     "example.net/r"};

  for (guint i = 0; i < G_N_ELEMENTS(jids); i++) {
    g_autoptr(XmppJid) j = parse_ok(jids[i]);
    g_autoptr(XmppJid) copy = xmpp_jid_copy(j);
    g_autoptr(XmppJid) bare = xmpp_jid_dup_bare(j);
    g_autoptr(XmppJid) other = xmpp_jid_with_resource(j, "other", NULL);
    g_autoptr(XmppJid) bare_parsed = parse_ok(xmpp_jid_get_bare(j));
    g_assert_cmpint(check_parse_same(jids[i]), ==, -1);
    g_assert_cmpstr(xmpp_jid_get_full(copy), ==, xmpp_jid_get_full(j));
    g_assert_cmpstr(xmpp_jid_get_resource(copy), ==, xmpp_jid_get_resource(j));
    g_assert_cmpstr(xmpp_jid_get_full(bare), ==, xmpp_jid_get_bare(j));
    g_assert_true(xmpp_jid_equal(bare, bare_parsed, XMPP_JID_MATCH_FULL));
    g_assert_cmpstr(xmpp_jid_get_domain(bare), ==, xmpp_jid_get_domain(j));
    g_assert_cmpstr(xmpp_jid_get_resource(other), ==, "other");
    g_assert_true(xmpp_jid_equal(other, j, XMPP_JID_MATCH_BARE));
  }
  g_autoptr(XmppJid) room = parse_ok(jids[2]);
  g_assert_cmpstr(xmpp_jid_get_full(room), ==, "room@conference.example.org/Nick Name");
}

static void
test_domain_ascii(void)
{
  const char *cases[][2] = {
      {"noone@\xe3\x81\xbe\xe3\x81\xa4.\xe3\x81\x8a\xe3\x81\x8a\xe3\x81\x8b\xe3\x81\xbf.net",
       "xn--k9j8b.xn--t8jad2s.net"},
      {"a@Example.TEST.", "example.test"},
      {"a@[::1]/r", "[::1]"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(XmppJid) jid = xmpp_jid_parse(cases[i][0], NULL);
    g_assert_nonnull(jid);
    g_autofree char *ascii = xmpp_jid_dup_domain_ascii(jid);
    g_assert_cmpstr(ascii, ==, cases[i][1]);
  }
}

/* A copy shares the JID: it outlives the original, reads the same, and a bare JID's bare copy
 * is the same JID while a full one's is new. */
static void
test_copy_shares(void)
{
  XmppJid *full = xmpp_jid_parse("juliet@example.test/balcony", NULL);
  XmppJid *copy = xmpp_jid_copy(full);
  g_assert_true(copy == full);
  XmppJid *bare = xmpp_jid_dup_bare(full);
  g_assert_true(bare != full);
  XmppJid *bare_again = xmpp_jid_dup_bare(bare);
  g_assert_true(bare_again == bare);
  xmpp_jid_free(full);
  g_assert_cmpstr(xmpp_jid_get_full(copy), ==, "juliet@example.test/balcony");
  g_assert_cmpstr(xmpp_jid_get_resource(copy), ==, "balcony");
  xmpp_jid_free(copy);
  xmpp_jid_free(bare);
  g_assert_cmpstr(xmpp_jid_get_full(bare_again), ==, "juliet@example.test");
  xmpp_jid_free(bare_again);
  xmpp_jid_free(NULL);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/jid/T59_invalid_corpus", test_invalid_corpus);
  g_test_add_func("/jid/api/copy_shares", test_copy_shares);
  g_test_add_func("/jid/T60_valid_corpus", test_valid_corpus);
  g_test_add_func("/jid/T61_compare_normalise", test_compare_normalise);
  g_test_add_func("/jid/T62_roundtrip", test_roundtrip);
  g_test_add_func("/jid/parse/split_rule", test_split_rule);
  g_test_add_func("/jid/parse/case_mapping", test_case_mapping);
  g_test_add_func("/jid/parse/limits", test_limits);
  g_test_add_func("/jid/api/new", test_new_and_api);
  g_test_add_func("/jid/api/hash_table", test_hash_table);
  g_test_add_func("/jid/api/domain_ascii", test_domain_ascii);
  g_test_add_func("/jid/fast/equivalence", test_fast_equivalence);
  g_test_add_func("/jid/fast/case_folded", test_fast_case_folded);
  g_test_add_func("/jid/fast/forbidden", test_fast_forbidden);
  g_test_add_func("/jid/fast/every_byte", test_fast_every_byte);
  g_test_add_func("/jid/fast/domain_edges", test_fast_domain_edges);
  g_test_add_func("/jid/fast/limits", test_fast_limits);
  g_test_add_func("/jid/fast/typical", test_fast_typical);
  return g_test_run();
}
