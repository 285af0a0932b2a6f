/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: XEP-0030 answers and XEP-0115 verification. Through the router: our server's
 * and account's disco#info (services/disco.c), the disco#items of a user-directory search
 * (services/search.c: items, then a disco#info probe per item) and of a command list
 * (services/adhoc.c), disco#info requests to us, and peers' <c/> whose disco#info answers caps
 * (services/caps.c) hashes before caching. Oracles on every disco#info payload of the input
 * (services/caps-hash.c): what we build from a parsed answer parses back to the same
 * verification string; the string does not depend on the order identities, features and forms
 * came in; a cached answer hashes to its ver, and the cache file we write reads back whole.
 *
 * The first input byte is the mode: bit 0 discovery of our server and account, bit 1 a
 * directory search, bit 2 a command list (each command then run, as the glue runs it), bit 3
 * requests end by timeout, else bit 4 by the modules' own frees, else by the session closing. */
#include <string.h>

#include "fuzz-harness.h"
#include "services/adhoc.h"
#include "services/caps.h"
#include "services/http-upload.h"
#include "services/search.h"

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);

static void
check_disco_info(const XmppDiscoInfo *info)
{
  fuzz_check(info->identities->len <= XMPP_DISCO_MAX_IDENTITIES, "identities within the limit");
  fuzz_check(info->features->len <= XMPP_DISCO_MAX_FEATURES, "features within the limit");
  fuzz_check(info->forms->len <= XMPP_DISCO_MAX_FORMS, "forms within the limit");
  for (guint i = 0; i < info->identities->len; i++) {
    const XmppDiscoIdentity *id = info->identities->pdata[i];
    fuzz_check(id->category != NULL && *id->category != '\0' && id->type != NULL &&
                   *id->type != '\0',
               "an identity has a category and a type");
  }
  for (guint i = 0; i < info->features->len; i++)
    fuzz_check(*(const char *)info->features->pdata[i] != '\0', "a feature is not empty");
}

/* The same answer with its identities, features and forms in the opposite order. */
static XmppDiscoInfo *
reversed(const XmppDiscoInfo *info)
{
  XmppDiscoInfo *r = xmpp_disco_info_new();
  for (guint i = info->identities->len; i-- > 0;) {
    const XmppDiscoIdentity *id = info->identities->pdata[i];
    xmpp_disco_info_add_identity(r, id->category, id->type, id->lang, id->name);
  }
  for (guint i = info->features->len; i-- > 0;)
    g_ptr_array_add(r->features, g_strdup(info->features->pdata[i]));
  for (guint i = info->forms->len; i-- > 0;)
    g_ptr_array_add(r->forms, xmpp_node_copy(info->forms->pdata[i]));
  return r;
}

/* XEP-0115 §5: S is a function of the answer's content, not of the order it came in, nor of
 * our building and parsing it again. */
static void
check_caps_hash(const XmppDiscoInfo *info)
{
  char *s = xmpp_caps_verification_string(info);
  char *ver = xmpp_caps_compute_ver(info);
  fuzz_check((s == NULL) == (ver == NULL), "a verification string has a hash");
  fuzz_check(ver == NULL || strlen(ver) == 28, "a SHA-1 ver is 28 base64 characters");
  fuzz_check_utf8(s, "the verification string");
  XmppDiscoInfo *r = reversed(info);
  char *s_reversed = xmpp_caps_verification_string(r);
  fuzz_check(g_strcmp0(s, s_reversed) == 0, "the verification string ignores the order");
  xmpp_disco_info_free(r);
  g_free(s_reversed);
  XmppNode *built = xmpp_disco_info_build(info);
  fuzz_check_round_trip(built);
  XmppDiscoInfo *again = xmpp_disco_info_parse(built, NULL);
  fuzz_check(again != NULL, "what we build from an answer parses");
  char *s_again = xmpp_caps_verification_string(again);
  fuzz_check(g_strcmp0(s, s_again) == 0, "a rebuilt answer has the same verification string");
  g_free(s_again);
  xmpp_disco_info_free(again);
  xmpp_node_free(built);
  g_free(ver);
  g_free(s);
}

static void
inspect(gpointer data, const XmppNode *node)
{
  for (XmppNode *q = xmpp_node_get_child(node, XMPP_NS_DISCO_INFO, "query"); q != NULL;
       q = xmpp_node_next_child(node, q, XMPP_NS_DISCO_INFO, "query")) {
    XmppDiscoInfo *info = xmpp_disco_info_parse(q, NULL);
    if (info == NULL)
      continue;
    check_disco_info(info);
    check_caps_hash(info);
    xmpp_disco_info_free(info);
  }
  /* The pure parsers of disco#items and identities, on any stanza. */
  GPtrArray *commands = xmpp_adhoc_parse_list(node);
  fuzz_check(commands->len <= XMPP_ADHOC_MAX_COMMANDS, "commands within the limit");
  for (guint i = 0; i < commands->len; i++) {
    const XmppAdhocCommand *c = commands->pdata[i];
    fuzz_check(c->jid != NULL && c->node != NULL && c->name != NULL, "a command is complete");
  }
  g_ptr_array_unref(commands);
  (void)xmpp_search_info_is_directory(node);
  /* XEP-0363 slots: only https addresses and the three allowed headers, each on one line. */
  for (XmppNode *s = xmpp_node_get_child(node, XMPP_NS_HTTP_UPLOAD, "slot"); s != NULL;
       s = xmpp_node_next_child(node, s, XMPP_NS_HTTP_UPLOAD, "slot")) {
    XmppHttpSlot *slot = xmpp_http_slot_parse(s, NULL);
    if (slot == NULL)
      continue;
    fuzz_check(g_ascii_strncasecmp(slot->put_url, "https://", 8) == 0 &&
                   g_ascii_strncasecmp(slot->get_url, "https://", 8) == 0,
               "a slot is https");
    fuzz_check(slot->headers->len <= 3, "at most three headers");
    for (guint i = 0; i < slot->headers->len; i++) {
      const XmppHttpHeader *hd = slot->headers->pdata[i];
      fuzz_check(strpbrk(hd->value, "\r\n") == NULL && *hd->value != '\0',
                 "a header value is one line");
      fuzz_check(!g_ascii_strcasecmp(hd->name, "Authorization") ||
                     !g_ascii_strcasecmp(hd->name, "Cookie") ||
                     !g_ascii_strcasecmp(hd->name, "Expires"),
                 "only the allowed headers");
    }
    xmpp_http_slot_free(slot);
  }
}

typedef struct {
  XmppCaps *caps;
  XmppAdhoc *adhoc;
  guint discovered;
  guint searches;
  guint lists;
  guint stages; /* command executions ended */
  guint executions;
  guint slots; /* slot requests ended */
} Run;

static void
on_slot(gpointer data, const XmppHttpSlot *slot, const GError *error)
{
  Run *run = data;
  run->slots++;
  fuzz_check((slot == NULL) != (error == NULL), "a slot or an error");
}

static void
on_discovered(gpointer data)
{
  Run *run = data;
  run->discovered++;
}

static void
on_learnt(gpointer data, const char *full_jid, const XmppDiscoInfo *info, gboolean verified)
{
  Run *run = data;
  check_disco_info(info);
  char *ver = xmpp_caps_compute_ver(info);
  if (verified)
    fuzz_check(ver != NULL && xmpp_caps_lookup(run->caps, ver) != NULL,
               "a verified answer is cached under its own hash");
  g_free(ver);
}

static void
on_directory(const char *jid, gpointer user_data)
{
  Run *run = user_data;
  run->searches++;
  fuzz_check_utf8(jid, "a directory's JID");
}

static void
on_stage(const XmppAdhocStage *stage, const GError *error, gpointer user_data)
{
  Run *run = user_data;
  run->stages++;
}

static void
on_commands(GPtrArray *commands, const GError *error, gpointer user_data)
{
  Run *run = user_data;
  run->lists++;
  fuzz_check((commands == NULL) != (error == NULL), "a list or an error");
  /* The user picks each command in turn: the glue runs it where the list says it is. */
  for (guint i = 0; commands != NULL && i < commands->len && i < 4; i++) {
    const XmppAdhocCommand *c = commands->pdata[i];
    run->executions++;
    xmpp_adhoc_execute(run->adhoc, c->jid, c->node, NULL, XMPP_ADHOC_ACTION_EXECUTE, NULL, on_stage,
                       run, NULL);
  }
}

/* The cache file we write for the next session reads back whole: every entry still hashes to
 * its ver (a tampered file could not poison it, our own must not lose anything). */
static void
check_cache_file(FuzzHarness *h, const XmppCaps *caps)
{
  char *file = xmpp_caps_cache_serialize(caps);
  XmppDisco *disco = xmpp_disco_new(h->router, &h->fake->host);
  XmppCaps *fresh = xmpp_caps_new(h->router, &h->fake->host, disco, NULL);
  int loaded = xmpp_caps_cache_load(fresh, file, strlen(file));
  fuzz_check(loaded >= 0 && (guint)loaded == xmpp_caps_n_cached(caps),
             "the caps cache file reads back whole");
  fuzz_check(xmpp_caps_get_cache_bytes(fresh) == xmpp_caps_get_cache_bytes(caps),
             "the caps cache costs the same once read back");
  xmpp_caps_free(fresh);
  xmpp_disco_free(disco);
  g_free(file);
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
  if (size < 1 || size > FUZZ_MAX_INPUT)
    return 0;
  guint8 mode = data[0];
  FuzzHarness *h = fuzz_harness_new("juliet@example.test/balcony");
  h->inspect = inspect;
  const XmppHost *host = &h->fake->host;
  XmppDisco *disco = xmpp_disco_new(h->router, host);
  XmppCaps *caps = xmpp_caps_new(h->router, host, disco, NULL);
  XmppSearch *search = xmpp_search_new(h->router, host, disco);
  XmppAdhoc *adhoc = xmpp_adhoc_new(h->router, host, disco);
  XmppServerItems *items = xmpp_server_items_new(h->router, host);
  XmppHttpUpload *upload = xmpp_http_upload_new(h->router, host, items);
  Run run = {.caps = caps, .adhoc = adhoc};
  xmpp_disco_set_watch(disco, on_discovered, &run);
  xmpp_caps_set_learnt(caps, on_learnt, &run);
  /* Our own caps node: a disco#info to it is answered like one without a node. */
  const char *own_ver = xmpp_caps_get_own_ver(caps);
  fuzz_check(own_ver != NULL && strlen(own_ver) == 28, "our own ver is a SHA-1");
  if (mode & 1)
    xmpp_disco_discover(disco);
  if (mode & 2)
    xmpp_search_discover(search, on_directory, &run, NULL);
  if (mode & 4)
    xmpp_adhoc_list(adhoc, NULL, on_commands, &run, NULL);
  if (mode & 32)
    xmpp_server_items_discover(items, "example.test");
  fuzz_harness_feed(h, data + 1, size - 1);
  /* The server's items as found: an upload service (and its limit), asked for a slot. */
  gboolean asked = xmpp_http_upload_request_slot(upload, "rose.jpg", 4096, "image/jpeg", on_slot,
                                                 &run, NULL, NULL);
  if (xmpp_disco_get_server_info(disco) != NULL)
    check_disco_info(xmpp_disco_get_server_info(disco));
  if (xmpp_disco_get_account_info(disco) != NULL)
    check_disco_info(xmpp_disco_get_account_info(disco));
  fuzz_check(xmpp_caps_n_cached(caps) <= XMPP_CAPS_MAX_CACHE, "caps cache within the limit");
  fuzz_check(xmpp_caps_get_cache_bytes(caps) <= XMPP_CAPS_MAX_CACHE_BYTES,
             "caps cache bytes within the limit");
  check_cache_file(h, caps);
  fuzz_harness_end(h, (mode & 8) ? FUZZ_END_TIMEOUT : (mode & 16) ? FUZZ_END_FREE : FUZZ_END_CLOSE);
  /* disco before caps: caps' queries go through disco, and their callbacks need caps. */
  xmpp_http_upload_free(upload);
  xmpp_server_items_free(items);
  xmpp_adhoc_free(adhoc);
  xmpp_search_free(search);
  xmpp_disco_free(disco);
  xmpp_caps_free(caps);
  fuzz_check(run.discovered == ((mode & 1) ? 1u : 0u), "discovery ends exactly once");
  fuzz_check(run.searches == ((mode & 2) ? 1u : 0u), "a directory search ends exactly once");
  fuzz_check(run.lists == ((mode & 4) ? 1u : 0u), "a command list ends exactly once");
  fuzz_check(run.stages == run.executions, "every command execution ends exactly once");
  fuzz_check(run.slots == (asked ? 1u : 0u), "a slot request ends exactly once");
  fuzz_check(xmpp_router_n_pending(h->router) == 0, "no request outlives its module");
  fuzz_harness_free(h);
  return 0;
}
