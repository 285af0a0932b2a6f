/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: messages (RFC 6121 §5) through xmpp_message_info_parse and the messages
 * module on the router: bodies and subjects by language, threads, XEP-0203/0091 delays
 * (im/delay.c), XEP-0085 chat states and XEP-0022 events (im/chatstates.c), errors, forwards,
 * XHTML-IM (im/xhtml.c), XEP-0280 carbons (im/carbons.c), XEP-0359 ids, XEP-0308 corrections,
 * and XEP-0184 receipts and XEP-0333 markers (services/delivery.c). Oracles: a carbon is shown only
 * when its wrapper came from our own bare JID (T36), a <sent/> one only as ours; whatever reaches
 * the glue as markup is safe purple markup (only the whitelisted tags and attributes, links with
 * allowed schemes, filtered styles, everything else escaped: T50); a delay stamp we accept means
 * the same instant as GLib reads in it; delays are clamped (T49); what we send back (threads,
 * XEP-0022 ids, receipts, markers, corrections) reads back; a stanza-id is shown only when
 * trusted and by our bare JID (T41); a correction only when the same full JID sent the message
 * it names (T72); a delivery moves only forward, for the newest message we sent that peer.
 *
 * The first input byte is the mode: bits 0-1 the user's language, bit 2 reply to each peer
 * after the input (typing, a chat message, a correction, marked seen, paused, close), bit 3 the
 * outgoing XHTML-IM builder on each body as if the user had typed it, bit 4 enable carbons
 * first, bit 5 our server vouches for stanza-ids, bit 6 a chat message to romeo@example.net
 * before the input (ids are then all zeros, so the input can hold its receipts), bit 7 an
 * archive catch-up (XEP-0313, services/mam.c) first: its query id is the harness's first random
 * id, 01000000000000000000000000000000, so the input can hold results for it; the oracle is
 * that an archived message is shown only from our own archive (no from, or our bare JID: T40). */
#include <stdio.h>
#include <string.h>

#include "fuzz-harness.h"
#include "im/oob.h"
#include "im/carbons.h"
#include "services/mam.h"
#include "im/message.h"
#include "im/xhtml.h"
#include "services/delivery.h"

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);

#define MAX_PEERS 32 /* peers the harness answers after the input */

/* ---- the markup oracle (T50) -------------------------------------------------------------- */

static const char *const tags[] = {"a", "br",   "p",    "span", "strong",     "em", "b",  "i",
                                   "u", "cite", "code", "pre",  "blockquote", "ul", "ol", "li"};

static gboolean
known_tag(const char *name, gsize len)
{
  for (guint i = 0; i < G_N_ELEMENTS(tags); i++)
    if (strlen(tags[i]) == len && strncmp(tags[i], name, len) == 0)
      return TRUE;
  return FALSE;
}

/* The reference at p (after '&'): one of the five entities, or a character reference (the
 * escaper may write control characters so); its length, 0 if it is neither. *c gets the
 * character it stands for. */
static gsize
entity_len(const char *p, gunichar *c)
{
  static const char *const entities[] = {"amp;", "lt;", "gt;", "quot;", "apos;"};
  static const char chars[] = {'&', '<', '>', '"', '\''};
  for (guint i = 0; i < G_N_ELEMENTS(entities); i++)
    if (strncmp(p, entities[i], strlen(entities[i])) == 0) {
      *c = (gunichar)chars[i];
      return strlen(entities[i]);
    }
  if (p[0] != '#')
    return 0;
  gboolean hex = p[1] == 'x';
  const char *digits = p + (hex ? 2 : 1);
  gsize n = strspn(digits, hex ? "0123456789abcdefABCDEF" : "0123456789");
  if (n == 0 || n > 8 || digits[n] != ';')
    return 0;
  *c = (gunichar)g_ascii_strtoull(digits, NULL, hex ? 16 : 10);
  return (gsize)(digits + n + 1 - p);
}

/* Undoes the escaper on an attribute value (between the quotes). */
static char *
unescape(const char *s, gsize len)
{
  GString *out = g_string_new(NULL);
  for (gsize i = 0; i < len; i++) {
    if (s[i] != '&') {
      g_string_append_c(out, s[i]);
      continue;
    }
    gunichar c = 0;
    gsize n = entity_len(s + i + 1, &c);
    fuzz_check(n > 0 && g_unichar_validate(c), "an attribute value holds only references");
    g_string_append_unichar(out, c);
    i += n;
  }
  return g_string_free(out, FALSE);
}

/* A filtered style: "name: value" pairs joined by "; ", each name known, each value made of
 * characters no CSS trick needs (no quotes, backslashes, comments, url() or expression()). */
static void
check_style(const char *style)
{
  static const char *const names[] = {"color",       "background",      "background-color",
                                      "font-family", "font-size",       "font-style",
                                      "font-weight", "text-decoration", "text-align"};
  char **decls = g_strsplit(style, "; ", 0);
  for (char **d = decls; *d != NULL; d++) {
    const char *colon = strstr(*d, ": ");
    fuzz_check(colon != NULL, "a style declaration has a name and a value");
    gboolean known = FALSE;
    for (guint i = 0; i < G_N_ELEMENTS(names); i++)
      known = known || (strlen(names[i]) == (gsize)(colon - *d) &&
                        strncmp(names[i], *d, (gsize)(colon - *d)) == 0);
    fuzz_check(known, "a kept style property is whitelisted");
    fuzz_check(colon[2] != '\0', "a kept style declaration has a value");
    for (const char *v = colon + 2; *v != '\0'; v++) {
      fuzz_check(g_ascii_isalnum(*v) || strchr(" #(),.%-_", *v) != NULL,
                 "a style value uses harmless characters");
      if (*v == '(')
        fuzz_check(v - (colon + 2) >= 3 && g_ascii_strncasecmp(v - 3, "rgb", 3) == 0,
                   "the only function in a style is rgb()");
    }
  }
  g_strfreev(decls);
}

/* Every style attribute of an XHTML-IM element, filtered for either side: clean, and already
 * as clean as it gets (filtering it again changes nothing). */
static void
check_styles(const XmppNode *node)
{
  for (XmppNode *c = xmpp_node_first_element(node); c != NULL;
       c = xmpp_node_next_child(node, c, NULL, NULL)) {
    const char *style = xmpp_node_get_attr(c, "style");
    for (int dialect = XMPP_XHTML_PURPLE; style != NULL && dialect <= XMPP_XHTML_WIRE; dialect++) {
      char *kept = xmpp_xhtml_filter_style(style, (XmppXhtmlDialect)dialect);
      if (kept != NULL) {
        check_style(kept);
        char *again = xmpp_xhtml_filter_style(kept, (XmppXhtmlDialect)dialect);
        fuzz_check(g_strcmp0(kept, again) == 0, "a filtered style filters to itself");
        g_free(again);
      }
      g_free(kept);
    }
    check_styles(c); /* the parser bounds the depth */
  }
}

/* purple markup as the sanitiser writes it: whitelisted tags, properly nested, with only href
 * (allowed schemes) and style (filtered) attributes; all other text escaped. */
static void
check_markup(const char *markup)
{
  if (markup == NULL)
    return;
  fuzz_check_utf8(markup, "markup");
  GPtrArray *open = g_ptr_array_new_with_free_func(g_free);
  const char *p = markup;
  while (*p != '\0') {
    if (*p == '&') {
      gunichar c = 0;
      gsize n = entity_len(p + 1, &c);
      fuzz_check(n > 0, "text holds only entities and character references");
      p += 1 + n;
      continue;
    }
    fuzz_check(*p != '>' && *p != '"', "no raw '>' or '\"' in text");
    if (*p != '<') {
      p++;
      continue;
    }
    p++;
    gboolean closing = *p == '/';
    if (closing)
      p++;
    const char *name = p;
    while (g_ascii_islower(*p))
      p++;
    gsize name_len = (gsize)(p - name);
    fuzz_check(known_tag(name, name_len), "a tag is whitelisted");
    char *tag = g_strndup(name, name_len);
    if (closing) {
      fuzz_check(*p == '>', "a closing tag has no attributes");
      fuzz_check(open->len > 0 && strcmp(open->pdata[open->len - 1], tag) == 0,
                 "tags are properly nested");
      g_ptr_array_remove_index(open, open->len - 1);
      g_free(tag);
      p++;
      continue;
    }
    while (*p == ' ') {
      p++;
      const char *attr = p;
      while (g_ascii_islower(*p))
        p++;
      gsize attr_len = (gsize)(p - attr);
      fuzz_check(strncmp(p, "=\"", 2) == 0, "an attribute has a quoted value");
      p += 2;
      const char *value = p;
      while (*p != '"' && *p != '\0') {
        fuzz_check(*p != '<' && *p != '>', "no tag inside an attribute value");
        p++;
      }
      fuzz_check(*p == '"', "an attribute value ends");
      char *v = unescape(value, (gsize)(p - value));
      p++;
      if (attr_len == 4 && strncmp(attr, "href", 4) == 0) {
        fuzz_check(strcmp(tag, "a") == 0, "only links have an href");
        fuzz_check(xmpp_xhtml_href_allowed(v), "a link has an allowed scheme");
      } else if (attr_len == 5 && strncmp(attr, "style", 5) == 0) {
        check_style(v);
      } else {
        fuzz_check(FALSE, "only href and style attributes are kept");
      }
      g_free(v);
    }
    fuzz_check(*p == '>', "a tag ends");
    p++;
    if (strcmp(tag, "br") == 0) {
      g_free(tag);
      continue;
    }
    g_ptr_array_add(open, tag);
    /* XMPP_XHTML_MAX_DEPTH kept elements, and the link an image becomes inside them. */
    fuzz_check(open->len <= XMPP_XHTML_MAX_DEPTH + 1, "nesting within the limit");
  }
  fuzz_check(open->len == 0, "every tag is closed");
  g_ptr_array_unref(open);
}

/* Escaped plain text: no tags at all. */
static void
check_escaped(const char *text)
{
  if (text == NULL)
    return;
  fuzz_check(strchr(text, '<') == NULL, "escaped text has no tag");
  check_markup(text);
}

/* ---- delays (T49) ------------------------------------------------------------------------- */

/* A stamp our strict parser accepts is the instant GLib's ISO 8601 parser reads in it (when
 * GLib reads one: it refuses a leap second and years that leave its range). */
static void
check_stamp(const char *stamp)
{
  gint64 ours = 0;
  if (stamp == NULL || !xmpp_delay_parse_stamp(stamp, &ours))
    return;
  GTimeZone *utc = g_time_zone_new_utc();
  GDateTime *dt = g_date_time_new_from_iso8601(stamp, utc);
  g_time_zone_unref(utc);
  if (dt == NULL)
    return;
  gint64 theirs = g_date_time_to_unix(dt);
  gboolean leap = strncmp(stamp + 17, "60", 2) == 0;
  g_date_time_unref(dt);
  if (!leap && ours != theirs) {
    fprintf(stderr, "%s: %" G_GINT64_FORMAT " != %" G_GINT64_FORMAT "\n", stamp, ours, theirs);
    fuzz_check(FALSE, "an accepted stamp means what GLib reads in it");
  }
}

static void
check_delay(const XmppDelay *delay, gint64 now_s)
{
  if (delay == NULL)
    return;
  fuzz_check(delay->stamp >= 0 && delay->stamp <= now_s + XMPP_DELAY_MAX_FUTURE_S,
             "a delay is clamped");
  fuzz_check_utf8(delay->from, "a delay's from");
  fuzz_check_utf8(delay->reason, "a delay's reason");
}

/* ---- the pure parse, on every message of the input --------------------------------------- */

static void
check_texts(const GPtrArray *texts)
{
  if (texts == NULL)
    return;
  fuzz_check(texts->len <= XMPP_MESSAGE_MAX_TEXTS, "texts within the limit");
  for (guint i = 0; i < texts->len; i++) {
    const XmppMessageText *t = texts->pdata[i];
    fuzz_check(t->text != NULL, "a text has a text");
    fuzz_check_utf8(t->text, "a body or subject");
  }
}

static void
check_info(const XmppMessageInfo *info, gint64 now_s)
{
  check_texts(info->bodies);
  check_texts(info->subjects);
  check_texts(info->forwarded_bodies);
  fuzz_check(info->thread == NULL || strlen(info->thread) <= XMPP_MESSAGE_MAX_THREAD_ID,
             "a thread within the limit");
  fuzz_check(info->event.id == NULL || strlen(info->event.id) <= XMPP_CHATSTATES_MAX_ID,
             "a XEP-0022 id within the limit");
  fuzz_check(info->chat_state <= XMPP_CHAT_STATE_GONE, "a known chat state");
  fuzz_check((info->type == XMPP_MESSAGE_ERROR) == (info->error != NULL),
             "an error message, and only one, carries an error");
  check_delay(info->delay, now_s);
  if (info->oob_url != NULL) {
    /* T57/T58: a link we may offer is http(s) on one line; the name it suggests stays a
     * plain name (no separator, not hidden). */
    fuzz_check(g_str_has_prefix(info->oob_url, "http") &&
                   strlen(info->oob_url) <= XMPP_OOB_MAX_URL &&
                   strpbrk(info->oob_url, " \t\r\n") == NULL,
               "a link is one http(s) line");
    char *name = xmpp_oob_file_name(info->oob_url);
    fuzz_check(*name != '\0' && *name != '.' && strpbrk(name, "/\\") == NULL &&
                   strlen(name) <= XMPP_OOB_MAX_NAME && g_utf8_validate(name, -1, NULL),
               "a suggested file name is plain");
    g_free(name);
  }
}

/* The outgoing builder on text a user could have typed: what it sends is within the profile,
 * and shows as safe markup. */
static void
check_build(const char *fragment)
{
  XmppNode *html = NULL;
  char *plain = NULL;
  if (!xmpp_xhtml_build(fragment, &html, &plain)) {
    fuzz_check(html == NULL && plain == NULL, "a refused fragment gives nothing");
    return;
  }
  fuzz_check(plain != NULL, "a built fragment has a plain body");
  fuzz_check_utf8(plain, "the plain body");
  if (html != NULL) {
    fuzz_check_round_trip(html);
    char *markup = xmpp_xhtml_to_markup(html);
    fuzz_check(markup != NULL, "what we send has visible text");
    check_markup(markup);
    g_free(markup);
    xmpp_node_free(html);
  }
  g_free(plain);
}

typedef struct {
  guint8 mode;
  GPtrArray *peers;          /* full JIDs (char*) we heard from, at most MAX_PEERS */
  gboolean from_own_bare;    /* the stanza being dispatched comes from our bare JID, written so */
  gboolean stanza_id_by_us;  /* it holds a <stanza-id/> whose by is our bare JID (compared as
                              * JIDs: "juliet@examPle.test" is ours, as the core reads it) */
  GHashTable *said;          /* "full JID\nid" of every message shown as received */
  GHashTable *sent_last;     /* bare JID -> the id of the last chat message we sent there */
  gboolean from_own_archive; /* the stanza being dispatched has no from, or our bare JID */
} Run;

#define OWN_BARE "juliet@example.test"

static void
inspect(gpointer data, const XmppNode *node)
{
  Run *run = data;
  guint8 mode = run->mode;
  if (!xmpp_node_is(node, XMPP_NS_JABBER_CLIENT, "message"))
    return;
  /* The reference check, written apart from the module's: parsed, no resource, our bare JID. */
  const char *from = xmpp_node_get_attr(node, "from");
  XmppJid *jid = from != NULL ? xmpp_jid_parse(from, NULL) : NULL;
  run->from_own_bare = jid != NULL && xmpp_jid_get_resource(jid) == NULL &&
                       strcmp(xmpp_jid_get_bare(jid), OWN_BARE) == 0;
  run->from_own_archive = run->from_own_bare || from == NULL;
  xmpp_jid_free(jid);
  run->stanza_id_by_us = FALSE;
  for (XmppNode *c = xmpp_node_first_element(node); c != NULL;
       c = xmpp_node_next_child(node, c, NULL, NULL)) {
    const char *by =
        xmpp_node_is(c, "urn:xmpp:sid:0", "stanza-id") ? xmpp_node_get_attr(c, "by") : NULL;
    XmppJid *by_jid = by != NULL ? xmpp_jid_parse(by, NULL) : NULL;
    run->stanza_id_by_us =
        run->stanza_id_by_us || (by_jid != NULL && xmpp_jid_get_resource(by_jid) == NULL &&
                                 strcmp(xmpp_jid_get_bare(by_jid), OWN_BARE) == 0);
    xmpp_jid_free(by_jid);
  }
  const gint64 now_s = 1700000000;
  XmppNode *delay = xmpp_node_get_child(node, XMPP_NS_DELAY, "delay");
  if (delay != NULL)
    check_stamp(xmpp_node_get_attr(delay, "stamp"));
  XmppStanza *stanza = xmpp_stanza_new(xmpp_node_copy(node));
  XmppMessageInfo *info = xmpp_message_info_parse(stanza, now_s);
  check_info(info, now_s);
  static const char *const langs[] = {NULL, "fr", "en-GB", "de-CH-1901"};
  for (guint i = 0; i < G_N_ELEMENTS(langs); i++) {
    char *markup = xmpp_message_info_dup_markup(info, langs[i]);
    check_markup(markup);
    g_free(markup);
  }
  if (info->html != NULL) {
    check_styles(info->html);
    /* Every body the XHTML-IM element holds, not only the chosen one. */
    for (XmppNode *b = xmpp_node_get_child(info->html, XMPP_NS_XHTML, "body"); b != NULL;
         b = xmpp_node_next_child(info->html, b, XMPP_NS_XHTML, "body")) {
      char *markup = xmpp_xhtml_to_markup(b);
      check_markup(markup);
      g_free(markup);
    }
  }
  if ((mode & 8) && info->bodies->len > 0)
    check_build(((XmppMessageText *)info->bodies->pdata[0])->text);
  xmpp_message_info_free(info);
  xmpp_stanza_free(stanza);
}

/* ---- the module --------------------------------------------------------------------------- */

static void
note_peer(Run *run, const XmppJid *from)
{
  if (from == NULL || run->peers->len >= MAX_PEERS)
    return;
  const char *full = xmpp_jid_get_full(from);
  for (guint i = 0; i < run->peers->len; i++)
    if (strcmp(run->peers->pdata[i], full) == 0)
      return;
  g_ptr_array_add(run->peers, g_strdup(full));
}

static void
on_received(gpointer data, const XmppMessageInfo *info, const char *text, const char *subject)
{
  Run *run = data;
  gint64 now_s = g_get_real_time() / G_USEC_PER_SEC;
  check_info(info, now_s);
  check_markup(text);
  check_escaped(subject);
  fuzz_check(info->type != XMPP_MESSAGE_GROUPCHAT && info->type != XMPP_MESSAGE_ERROR,
             "groupchat and errors are not shown as messages");
  fuzz_check(info->route != XMPP_MESSAGE_CARBON_SENT, "a sent carbon is not shown as received");
  fuzz_check(info->route != XMPP_MESSAGE_CARBON_RECEIVED || run->from_own_bare,
             "a carbon is shown only when it comes from our bare JID (T36)");
  fuzz_check(info->route != XMPP_MESSAGE_ARCHIVE || run->from_own_archive,
             "an archived message is shown only from our own archive (T40)");
  /* T41: a stanza-id only when our server vouches, and one by our own bare JID was there (a
   * carbon's inner message is not what inspect saw: there the mode alone is checked). An
   * archive result's id is our archive's own word. */
  fuzz_check(info->stanza_id == NULL || (run->mode & 32) || info->route == XMPP_MESSAGE_ARCHIVE,
             "a stanza-id only when trusted (T41)");
  fuzz_check(info->stanza_id == NULL || info->route != XMPP_MESSAGE_DIRECT || run->stanza_id_by_us,
             "a trusted stanza-id is by our bare JID (T41)");
  if (info->from != NULL) {
    /* T72: a correction only of a message the same full JID sent before. */
    if (info->replace_id != NULL) {
      char *key = g_strdup_printf("%s\n%s", xmpp_jid_get_full(info->from), info->replace_id);
      fuzz_check(g_hash_table_contains(run->said, key),
                 "a correction names a message its own full JID sent (T72)");
      g_free(key);
    }
    if (info->id != NULL && info->bodies->len > 0)
      g_hash_table_add(run->said,
                       g_strdup_printf("%s\n%s", xmpp_jid_get_full(info->from), info->id));
  }
  fuzz_check(info->replace_id == NULL || info->bodies->len > 0, "a correction has a body");
  note_peer(run, info->from);
}

static void
on_sent(gpointer data, const XmppMessageInfo *info, const char *text)
{
  Run *run = data;
  check_info(info, g_get_real_time() / G_USEC_PER_SEC);
  check_markup(text);
  fuzz_check(text != NULL && info->to != NULL, "a sent carbon has a text and a recipient");
  fuzz_check((info->route == XMPP_MESSAGE_CARBON_SENT && run->from_own_bare) ||
                 (info->route == XMPP_MESSAGE_ARCHIVE && run->from_own_archive),
             "only a carbon from our bare JID, or our archive, is shown as sent by us (T36, T40)");
  fuzz_check(info->from == NULL || strcmp(xmpp_jid_get_bare(info->from), OWN_BARE) == 0,
             "what is shown as sent by us is from us");
  note_peer(run, info->to);
}

static void
on_typing(gpointer data, const XmppJid *from, XmppChatState state)
{
  fuzz_check(from != NULL && state != XMPP_CHAT_STATE_NONE && state <= XMPP_CHAT_STATE_GONE,
             "a typing notification has a sender and a state");
  note_peer(data, from);
}

static void
on_error(gpointer data, const XmppMessageInfo *info)
{
  fuzz_check(info->error != NULL, "an error message carries its error");
  check_info(info, g_get_real_time() / G_USEC_PER_SEC);
}

static const XmppMessagesEvents events = {
    .received = on_received,
    .typing = on_typing,
    .error = on_error,
    .sent = on_sent,
};

static void
on_delivery(gpointer data, const char *peer, const char *id, XmppMarker state, XmppMarker previous)
{
  Run *run = data;
  fuzz_check(state > previous && state <= XMPP_MARKER_ACKNOWLEDGED, "a delivery moves forward");
  fuzz_check(g_strcmp0(g_hash_table_lookup(run->sent_last, peer), id) == 0,
             "a delivery is about the newest message we sent that peer");
}

static const XmppDeliveryEvents delivery_events = {.updated = on_delivery};

/* The run's delivery module, for the user's replies (one run at a time). */
static XmppDelivery *fuzz_delivery;

static gboolean
fixed_random(gpointer data, guint8 *buf, gsize len)
{
  memset(buf, 0, len);
  return TRUE;
}

/* We sent peer a chat message: the delivery oracle's newest id for it. */
static void
note_sent(const Run *run, XmppMessages *messages, const char *peer)
{
  XmppJid *jid = xmpp_jid_parse(peer, NULL);
  const char *id = xmpp_messages_get_last_sent_id(messages, peer);
  if (jid != NULL && id != NULL)
    g_hash_table_insert(run->sent_last, g_strdup(xmpp_jid_get_bare(jid)), g_strdup(id));
  xmpp_jid_free(jid);
}

/* What the user does next in each conversation: type, answer (the thread is echoed), pause,
 * close. Everything sent goes through the harness's read-back check. */
static void
reply_to_peers(XmppMessages *messages, const Run *run)
{
  for (guint i = 0; i < run->peers->len; i++) {
    const char *peer = run->peers->pdata[i];
    xmpp_messages_send_typing(messages, peer, XMPP_CHAT_STATE_COMPOSING);
    const char *thread = xmpp_messages_get_thread(messages, peer);
    fuzz_check(thread == NULL || strlen(thread) <= XMPP_MESSAGE_MAX_THREAD_ID,
               "a remembered thread within the limit");
    g_free(xmpp_messages_send_chat(messages, peer, "Good night, good night!", NULL));
    note_sent(run, messages, peer);
    g_free(xmpp_messages_send_correction(messages, peer, "Good night, good night.", NULL));
    xmpp_delivery_mark_displayed(fuzz_delivery, peer);
    xmpp_messages_send_typing(messages, peer, XMPP_CHAT_STATE_PAUSED);
    xmpp_messages_send_typing(messages, peer, XMPP_CHAT_STATE_GONE);
    xmpp_messages_forget(messages, peer);
  }
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
  if (size < 1 || size > FUZZ_MAX_INPUT)
    return 0;
  static const char *const user_langs[] = {NULL, "fr", "en-GB", "de"};
  Run run = {data[0],
             g_ptr_array_new_with_free_func(g_free),
             FALSE,
             FALSE,
             g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
             g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
             FALSE};
  FuzzHarness *h = fuzz_harness_new(OWN_BARE "/balcony");
  h->inspect = inspect;
  h->inspect_data = &run;
  if (run.mode & 64)
    h->fake->host.random = fixed_random;
  XmppRoster *roster = xmpp_roster_new(h->router, &h->fake->host);
  XmppPresence *presence = xmpp_presence_new(h->router, &h->fake->host, roster);
  XmppDisco *disco = xmpp_disco_new(h->router, &h->fake->host);
  XmppCaps *caps = xmpp_caps_new(h->router, &h->fake->host, disco, presence);
  /* romeo sees our presence: receipts and markers to him are answered. */
  GPtrArray *items = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_roster_item_free);
  XmppJid *romeo = xmpp_jid_parse("romeo@example.net", NULL);
  XmppRosterItem *item = xmpp_roster_item_new(romeo, NULL, NULL);
  item->subscription = XMPP_ROSTER_SUBSCRIPTION_BOTH;
  g_ptr_array_add(items, item);
  xmpp_roster_set_cache(roster, "v1", items);
  XmppMessages *messages = xmpp_messages_new(h->router, &h->fake->host);
  XmppCarbons *carbons = xmpp_carbons_new(h->router, &h->fake->host, messages);
  XmppMam *mam = xmpp_mam_new(h->router, &h->fake->host, messages);
  if (run.mode & 128)
    xmpp_mam_catch_up(mam, NULL, 1700000000, 0); /* first random id: the query id */
  XmppDelivery *delivery =
      xmpp_delivery_new(h->router, &h->fake->host, disco, caps, presence, messages);
  fuzz_delivery = delivery;
  xmpp_delivery_set_events(delivery, &delivery_events, &run);
  if (run.mode & 16)
    xmpp_carbons_enable(carbons); /* the reply, if the input has one, answers it */
  xmpp_messages_set_stanza_ids_trusted(messages, (run.mode & 32) != 0);
  xmpp_messages_set_events(messages, &events, &run);
  xmpp_messages_set_language(messages, user_langs[run.mode & 3]);
  if (run.mode & 64) {
    g_free(xmpp_messages_send_chat(messages, "romeo@example.net", "Wherefore art thou?", NULL));
    note_sent(&run, messages, "romeo@example.net");
  }
  xmpp_jid_free(romeo);
  fuzz_harness_feed(h, data + 1, size - 1);
  fuzz_check(xmpp_delivery_n_peers(delivery) <= XMPP_DELIVERY_MAX_PEERS,
             "delivery peers within the limit");
  fuzz_check(xmpp_chatstates_n_peers(xmpp_messages_get_chatstates(messages)) <=
                 XMPP_CHATSTATES_MAX_PEERS,
             "chat state peers within the limit");
  if (run.mode & 4)
    reply_to_peers(messages, &run);
  fuzz_harness_end(h, FUZZ_END_CLOSE);
  xmpp_delivery_free(delivery);
  fuzz_delivery = NULL;
  xmpp_mam_free(mam);
  xmpp_carbons_free(carbons);
  xmpp_messages_free(messages);
  xmpp_caps_free(caps);
  xmpp_disco_free(disco);
  xmpp_presence_free(presence);
  xmpp_roster_free(roster);
  fuzz_harness_free(h);
  g_ptr_array_unref(run.peers);
  g_hash_table_unref(run.said);
  g_hash_table_unref(run.sent_last);
  return 0;
}
