/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The roster and its version as bytes, kept by the glue between sessions so that roster
 * versioning (RFC 6121 §2.6) can skip the transfer of an unchanged roster. Pure: no file I/O.
 *
 * The format is line-based UTF-8 text, read back at every sign-in, so it is cheap to parse
 * (one pass over the bytes, no tree, no allocation per field) yet checked as strictly as the
 * network is:
 *   lyre-roster 2\n
 *   ver\n                       (no version)   or   ver<TAB>escaped version\n
 *   jid<TAB>subscription<TAB>flags<TAB>name[<TAB>group]...\n     (one line per item)
 *   end<TAB>count\n
 * subscription is none/to/from/both; flags is "-", "a" (ask), "p" (approved) or "ap"; an
 * empty name is no name (the model has no empty names). Text fields (jid, name, groups, ver)
 * write a backslash as \\, TAB as \t, LF as \n, CR as \r and other control characters as \xHH
 * (lowercase hex); nothing else may follow a backslash. The end line carries the item
 * count so that a copy cut at a line boundary is refused too. Items are written in an order
 * set by their JIDs alone, so serialise -> parse -> serialise gives the same bytes. */
#include "im/roster.h"

#include <string.h>

#define STORE_HEADER     "lyre-roster 2\n"
#define STORE_HEADER_LEN (sizeof STORE_HEADER - 1)

/* ---- writing ------------------------------------------------------------------------------ */

/* A growing buffer written in place: one bounds check per field, not per byte. */
typedef struct {
  char *buf;
  gsize len, cap;
} StoreOut;

static inline char *
out_reserve(StoreOut *out, gsize n)
{
  if (out->cap - out->len < n) {
    out->cap = MAX(out->cap * 2, out->len + n);
    out->buf = g_realloc(out->buf, out->cap);
  }
  return out->buf + out->len;
}

static inline void
out_append(StoreOut *out, const char *s, gsize n)
{
  memcpy(out_reserve(out, n), s, n);
  out->len += n;
}

static inline gboolean
needs_escape(guchar c)
{
  return c < 0x20 || c == 0x7f || c == '\\';
}

/* A text field, escaped, after a TAB when tab is set. */
static void
out_field(StoreOut *out, gboolean tab, const char *s)
{
  gsize n = strlen(s);
  char *w = out_reserve(out, 1 + 4 * n), *start = w; /* "\\xHH" is the longest: 4 bytes */
  if (tab)
    *w++ = '\t';
  for (const guchar *p = (const guchar *)s; *p != '\0'; p++) {
    if (G_LIKELY(!needs_escape(*p))) {
      *w++ = (char)*p;
      continue;
    }
    *w++ = '\\';
    switch (*p) {
      case '\\':
        *w++ = '\\';
        break;
      case '\t':
        *w++ = 't';
        break;
      case '\n':
        *w++ = 'n';
        break;
      case '\r':
        *w++ = 'r';
        break;
      default:
        *w++ = 'x';
        *w++ = "0123456789abcdef"[*p >> 4];
        *w++ = "0123456789abcdef"[*p & 0xf];
        break;
    }
  }
  out->len += (gsize)(w - start);
}

typedef struct {
  guint64 key;     /* FNV-1a of the JID: a function of its bytes alone */
  const char *jid; /* normalised full JID */
  const XmppRosterItem *item;
} StoreEntry;

static guint64
entry_key(const char *jid)
{
  guint64 h = G_GUINT64_CONSTANT(14695981039346656037);
  for (const guchar *p = (const guchar *)jid; *p != '\0'; p++)
    h = (h ^ *p) * G_GUINT64_CONSTANT(1099511628211);
  return h;
}

/* Orders the entries by key, then JID. The table's order depends on its history; this order
 * depends on the JIDs alone, so the same roster always gives the same bytes. A radix sort
 * (8 passes of 8 bits) because a comparison sort's strcmp calls cost more per item than all
 * the writing. */
static void
entries_sort(StoreEntry *entries, guint n)
{
  StoreEntry *tmp = g_new(StoreEntry, n), *src = entries, *dst = tmp;
  for (guint shift = 0; shift < 64; shift += 8) {
    guint start[257] = {0};
    for (guint i = 0; i < n; i++)
      start[((src[i].key >> shift) & 0xff) + 1]++;
    for (guint b = 1; b < 257; b++)
      start[b] += start[b - 1];
    for (guint i = 0; i < n; i++)
      dst[start[(src[i].key >> shift) & 0xff]++] = src[i];
    StoreEntry *t = src;
    src = dst;
    dst = t;
  }
  g_free(tmp); /* an even number of passes: the result is back in entries */
  /* Equal keys (a 64-bit collision, if ever) are adjacent: order each run by JID. */
  for (guint i = 1; i < n; i++) {
    StoreEntry cur = entries[i];
    guint j = i;
    for (; j > 0 && entries[j - 1].key == cur.key && strcmp(entries[j - 1].jid, cur.jid) > 0; j--)
      entries[j] = entries[j - 1];
    entries[j] = cur;
  }
}

static const char *const flag_names[] = {"-", "a", "p", "ap"}; /* index: ask | approved << 1 */

char *
xmpp_roster_store_serialize(const XmppRoster *roster, gsize *len)
{
  g_return_val_if_fail(roster != NULL, NULL);
  guint n = 0;
  StoreEntry *entries = g_new(StoreEntry, xmpp_roster_n_items(roster) + 1);
  GList *items = xmpp_roster_get_items(roster);
  for (GList *l = items; l != NULL; l = l->next) {
    const XmppRosterItem *item = l->data;
    if (item->subscription == XMPP_ROSTER_SUBSCRIPTION_REMOVE)
      continue; /* a removal is an event, never a stored state */
    entries[n].jid = xmpp_jid_get_full(item->jid);
    entries[n].key = entry_key(entries[n].jid);
    entries[n++].item = item;
  }
  g_list_free(items);
  entries_sort(entries, n);

  StoreOut out = {.cap = 64 + 64 * (gsize)n};
  out.buf = g_malloc(out.cap);
  out_append(&out, STORE_HEADER, STORE_HEADER_LEN);
  out_append(&out, "ver", 3);
  if (xmpp_roster_get_version(roster) != NULL)
    out_field(&out, TRUE, xmpp_roster_get_version(roster));
  out_append(&out, "\n", 1);
  for (guint i = 0; i < n; i++) {
    const XmppRosterItem *item = entries[i].item;
    /* The JID goes through the same escaping (a resource may hold any character). */
    out_field(&out, FALSE, entries[i].jid);
    const char *sub = xmpp_roster_subscription_to_string(item->subscription);
    const char *flags = flag_names[(item->ask ? 1 : 0) | (item->approved ? 2 : 0)];
    out_field(&out, TRUE, sub);
    out_field(&out, TRUE, flags);
    out_field(&out, TRUE, item->name != NULL ? item->name : "");
    for (guint g = 0; item->groups[g] != NULL; g++)
      out_field(&out, TRUE, item->groups[g]);
    out_append(&out, "\n", 1);
  }
  g_free(entries);
  char trailer[32];
  int t = g_snprintf(trailer, sizeof trailer, "end\t%u\n", n);
  out_append(&out, trailer, (gsize)t + 1); /* with the NUL, not counted in len */
  if (len != NULL)
    *len = out.len - 1;
  return out.buf;
}

/* ---- reading ------------------------------------------------------------------------------ */

typedef struct {
  char *pos; /* next line in the mutable copy */
  char *end; /* one past the final '\n' */
  guint line;
  char **fields; /* the current line's fields, pointers into the copy */
  guint n_fields, cap_fields;
  GError **error;
} StoreReader;

static gboolean
reader_fail(StoreReader *r, const char *what)
{
  g_set_error(r->error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "stored roster, line %u: %s", r->line,
              what);
  return FALSE;
}

/* What the scanner does with each byte: most bytes are plain and cost one table lookup. */
enum { B_PLAIN, B_TAB, B_LF, B_BACKSLASH, B_HIGH, B_CONTROL };
static const guint8 byte_class[256] = {
    [0 ... 8] = B_CONTROL,    ['\t'] = B_TAB,       ['\n'] = B_LF,
    [11 ... 31] = B_CONTROL,  ['\\'] = B_BACKSLASH, [0x7f] = B_CONTROL,
    [0x80 ... 0xff] = B_HIGH,
};

static gboolean unescape_in_place(char *field);

static void
reader_add_field(StoreReader *r, char *field)
{
  if (r->n_fields + 1 >= r->cap_fields) { /* room for the NULL that ends the groups */
    r->cap_fields *= 2;
    r->fields = g_renew(char *, r->fields, r->cap_fields);
  }
  r->fields[r->n_fields++] = field;
}

/* Splits the next line into fields in one pass: TABs and the '\n' become NULs, raw control
 * characters are refused, a field with non-ASCII bytes is checked for UTF-8 and one with a
 * backslash is unescaped in place (most fields have neither). */
static gboolean
reader_next_line(StoreReader *r)
{
  guchar *p = (guchar *)r->pos, *field = p;
  gboolean escaped = FALSE, wide = FALSE;
  r->line++;
  r->n_fields = 0;
  for (;;) {
    guint8 c;
    /* Stops at the latest at the final '\n', which the caller checked is there. */
    while ((c = byte_class[*p]) == B_PLAIN)
      p++;
    if (c == B_BACKSLASH || c == B_HIGH) {
      escaped |= c == B_BACKSLASH;
      wide |= c == B_HIGH;
      p++;
      continue;
    }
    if (c == B_CONTROL)
      return reader_fail(r, "control character");
    if (wide && !g_utf8_validate((const char *)field, (gssize)(p - field), NULL))
      return reader_fail(r, "invalid UTF-8");
    *p = '\0';
    if (escaped && !unescape_in_place((char *)field))
      return reader_fail(r, "unknown escape");
    reader_add_field(r, (char *)field);
    if (c == B_LF)
      break;
    field = ++p;
    escaped = wide = FALSE;
  }
  r->pos = (char *)p + 1;
  r->fields[r->n_fields] = NULL;
  return TRUE;
}

static int
hex_value(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1; /* uppercase is not what we write: refused, so every value has one spelling */
}

/* Unescapes the NUL-terminated field in place (it only shrinks). FALSE on an unknown or
 * non-canonical escape, or one that would give a NUL. */
static gboolean
unescape_in_place(char *field)
{
  char *in = strchr(field, '\\');
  if (in == NULL)
    return TRUE;
  char *out = in;
  while (*in != '\0') {
    if (*in != '\\') {
      *out++ = *in++;
      continue;
    }
    switch (in[1]) {
      case '\\':
        *out++ = '\\';
        in += 2;
        break;
      case 't':
        *out++ = '\t';
        in += 2;
        break;
      case 'n':
        *out++ = '\n';
        in += 2;
        break;
      case 'r':
        *out++ = '\r';
        in += 2;
        break;
      case 'x': {
        int hi = hex_value(in[2]), lo = hi < 0 ? -1 : hex_value(in[3]);
        if (lo < 0)
          return FALSE;
        int c = hi << 4 | lo;
        /* Only control characters without a short form are written this way. */
        if (c == 0 || c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c != 0x7f))
          return FALSE;
        *out++ = (char)c;
        in += 4;
        break;
      }
      default:
        return FALSE;
    }
  }
  *out = '\0';
  return TRUE;
}

static gboolean
parse_subscription(const char *s, XmppRosterSubscription *out)
{
  /* Only the four states (RFC 6121 §2.1.2.5); "remove" is never stored. The first byte picks
   * the one candidate. */
  XmppRosterSubscription candidate;
  switch (s[0]) {
    case 'n':
      candidate = XMPP_ROSTER_SUBSCRIPTION_NONE;
      break;
    case 't':
      candidate = XMPP_ROSTER_SUBSCRIPTION_TO;
      break;
    case 'f':
      candidate = XMPP_ROSTER_SUBSCRIPTION_FROM;
      break;
    case 'b':
      candidate = XMPP_ROSTER_SUBSCRIPTION_BOTH;
      break;
    default:
      return FALSE;
  }
  *out = candidate;
  return strcmp(s, xmpp_roster_subscription_to_string(candidate)) == 0;
}

static gboolean
parse_flags(const char *s, gboolean *ask, gboolean *approved)
{
  /* Exactly one of "-", "a", "p", "ap": one spelling per state. */
  if (s[0] == '-' && s[1] == '\0') {
    *ask = *approved = FALSE;
    return TRUE;
  }
  *ask = s[0] == 'a';
  const char *rest = s + (*ask ? 1 : 0);
  *approved = rest[0] == 'p';
  return (*ask || *approved) && rest[*approved ? 1 : 0] == '\0';
}

/* One item line: jid, subscription, flags, name, groups... The item is built by
 * xmpp_roster_item_new, so names and groups get exactly the cleaning of items from the network
 * (long names cut, long, empty, duplicate or surplus groups dropped). */
static XmppRosterItem *
parse_item(StoreReader *r)
{
  char **f = r->fields;
  XmppRosterSubscription subscription;
  gboolean ask, approved;
  if (r->n_fields < 4) {
    reader_fail(r, "too few fields");
    return NULL;
  }
  if (!parse_subscription(f[1], &subscription)) {
    reader_fail(r, "invalid subscription");
    return NULL;
  }
  if (!parse_flags(f[2], &ask, &approved)) {
    reader_fail(r, "invalid flags");
    return NULL;
  }
  g_autoptr(XmppJid) jid = xmpp_jid_parse(f[0], NULL);
  /* We only ever write normalised JIDs: anything else is not our copy. */
  if (jid == NULL || strcmp(xmpp_jid_get_full(jid), f[0]) != 0) {
    reader_fail(r, "invalid JID");
    return NULL;
  }
  /* f[4]... are the groups, NULL-terminated by the reader. */
  XmppRosterItem *item = xmpp_roster_item_new(jid, f[3], (const char *const *)f + 4);
  item->subscription = subscription;
  item->ask = ask;
  item->approved = approved;
  return item;
}

static gboolean
parse_lines(StoreReader *r, char **ver, GPtrArray *items)
{
  if (r->pos >= r->end)
    return reader_fail(r, "truncated (no version line)");
  if (!reader_next_line(r))
    return FALSE;
  if (strcmp(r->fields[0], "ver") != 0 || r->n_fields > 2)
    return reader_fail(r, "expected the version line");
  const char *v = r->fields[1];
  /* As for a result from the network: a version over the limit is not kept (a full fetch). */
  if (v != NULL && strlen(v) <= XMPP_ROSTER_MAX_VER_BYTES)
    *ver = g_strdup(v);
  for (;;) {
    if (r->pos >= r->end)
      return reader_fail(r, "truncated (no end line)");
    if (!reader_next_line(r))
      return FALSE;
    if (r->n_fields == 2 && strcmp(r->fields[0], "end") == 0)
      break;
    if (items->len >= XMPP_ROSTER_MAX_ITEMS)
      return reader_fail(r, "too many items"); /* T52 */
    XmppRosterItem *item = parse_item(r);
    if (item == NULL)
      return FALSE;
    g_ptr_array_add(items, item);
  }
  char count[16];
  g_snprintf(count, sizeof count, "%u", items->len);
  if (strcmp(r->fields[1], count) != 0)
    return reader_fail(r, "item count does not match");
  if (r->pos != r->end)
    return reader_fail(r, "data after the end line");
  return TRUE;
}

gboolean
xmpp_roster_store_parse(const char *data, gsize len, char **ver, GPtrArray **items, GError **error)
{
  g_return_val_if_fail(data != NULL || len == 0, FALSE);
  /* The old XML format (<?xml..., <stream:stream...) and anything foreign stop here: the glue
   * then fetches the whole roster. */
  if (len < STORE_HEADER_LEN || memcmp(data, STORE_HEADER, STORE_HEADER_LEN) != 0) {
    g_set_error_literal(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "not a stored roster (format 2)");
    return FALSE;
  }
  if (data[len - 1] != '\n') {
    g_set_error_literal(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                        "truncated stored roster (no final newline)");
    return FALSE;
  }
  /* One copy of the whole file, so that fields are split and unescaped in place. */
  gsize body = len - STORE_HEADER_LEN;
  char *copy = g_malloc(body + 1);
  memcpy(copy, data + STORE_HEADER_LEN, body);
  copy[body] = '\0'; /* a control byte: the scanner stops here even if the '\n' check did not */
  StoreReader r = {
      .pos = copy,
      .end = copy + body,
      .line = 1,
      .cap_fields = 16,
      .error = error,
  };
  r.fields = g_new(char *, r.cap_fields);
  char *v = NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_roster_item_free);
  gboolean ok = parse_lines(&r, &v, out);
  g_free(r.fields);
  g_free(copy);
  if (!ok) {
    g_free(v);
    g_ptr_array_unref(out);
    return FALSE;
  }
  if (ver != NULL)
    *ver = v;
  else
    g_free(v);
  if (items != NULL)
    *items = out;
  else
    g_ptr_array_unref(out);
  return TRUE;
}

gboolean
xmpp_roster_store_load(XmppRoster *roster, const char *data, gsize len, GError **error)
{
  g_return_val_if_fail(roster != NULL, FALSE);
  char *ver = NULL;
  GPtrArray *items = NULL;
  if (!xmpp_roster_store_parse(data, len, &ver, &items, error))
    return FALSE;
  xmpp_roster_set_cache(roster, ver, items);
  g_free(ver);
  return TRUE;
}
