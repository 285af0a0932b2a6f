/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppAvatars: XEP-0084 avatars (PEP metadata/data nodes) and XEP-0153 vCard-based avatars:
 * receiving (fetch only when the hash changed, verify hash and image type: T51) and publishing. */
#include "services/avatar.h"

#include <gnutls/crypto.h>
#include <string.h>

#include "router/stanza-error.h"
#include "services/namespaces.h"

typedef enum { FETCH_PEP, FETCH_VCARD } FetchKind;

typedef struct {
  char *hash;
  FetchKind kind;
} Wanted;

struct _XmppAvatars {
  XmppRouter *router;
  const XmppHost *host;
  XmppPep *pep;
  XmppVcards *vcards;
  XmppAvatarEvents events;
  gpointer events_data;
  GHashTable *inflight; /* bare -> Wanted*: the latest hash announced while a fetch runs */
  guint presence_handler;
  char *own_hash; /* NULL: unknown; "": no avatar */
};

/* ---- pure parts --------------------------------------------------------------------------------
 */

const char *
xmpp_avatar_sniff_type(const guint8 *d, gsize len)
{
  if (d == NULL)
    return NULL;
  if (len >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "image/png";
  if (len >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
    return "image/jpeg";
  if (len >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0))
    return "image/gif";
  if (len >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0)
    return "image/webp";
  return NULL;
}

char *
xmpp_avatar_hash(const guint8 *data, gsize len)
{
  guint8 digest[20];
  gnutls_hash_fast(GNUTLS_DIG_SHA1, data, len, digest);
  char *hex = g_malloc(sizeof digest * 2 + 1);
  for (gsize i = 0; i < sizeof digest; i++)
    g_snprintf(hex + 2 * i, 3, "%02x", digest[i]);
  return hex;
}

gboolean
xmpp_avatar_hash_is_valid(const char *hash)
{
  if (hash == NULL || strlen(hash) != XMPP_AVATAR_HASH_LEN)
    return FALSE;
  for (const char *p = hash; *p != '\0'; p++) {
    if (!g_ascii_isxdigit(*p))
      return FALSE;
  }
  return TRUE;
}

void
xmpp_avatar_info_free(XmppAvatarInfo *info)
{
  if (info == NULL)
    return;
  g_free(info->id);
  g_free(info->type);
  g_free(info);
}

static guint
parse_dimension(const char *text)
{
  guint64 v = 0;
  if (text == NULL || !g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT16, &v, NULL))
    return 0;
  return (guint)v;
}

XmppAvatarInfo *
xmpp_avatar_info_parse(const XmppNode *items, gboolean *disabled)
{
  if (disabled != NULL)
    *disabled = FALSE;
  if (items == NULL)
    return NULL;
  const XmppNode *metadata = items;
  if (!xmpp_node_is(items, XMPP_NS_AVATAR_METADATA, "metadata")) {
    const XmppNode *item = xmpp_pep_items_find(items, NULL);
    metadata = item ? xmpp_node_get_child(item, XMPP_NS_AVATAR_METADATA, "metadata") : NULL;
  }
  if (metadata == NULL)
    return NULL;
  const XmppNode *chosen = NULL;
  gboolean any = FALSE;
  for (const XmppNode *info = xmpp_node_get_child(metadata, XMPP_NS_AVATAR_METADATA, "info");
       info != NULL; info = xmpp_node_next_child(metadata, info, XMPP_NS_AVATAR_METADATA, "info")) {
    any = TRUE;
    if (xmpp_node_get_attr(info, "url") != NULL)
      continue; /* §2.2.1: hosted elsewhere; we never fetch URLs */
    if (chosen == NULL || g_strcmp0(xmpp_node_get_attr(info, "type"), "image/png") == 0)
      chosen = info;
    if (g_strcmp0(xmpp_node_get_attr(chosen, "type"), "image/png") == 0)
      break;
  }
  if (!any) {
    /* §4.2: an empty <metadata/> means the publisher disabled avatars. */
    if (disabled != NULL)
      *disabled = TRUE;
    return NULL;
  }
  if (chosen == NULL)
    return NULL;
  const char *id = xmpp_node_get_attr(chosen, "id");
  const char *bytes = xmpp_node_get_attr(chosen, "bytes");
  guint64 n = 0;
  if (!xmpp_avatar_hash_is_valid(id) || bytes == NULL ||
      !g_ascii_string_to_unsigned(bytes, 10, 1, XMPP_AVATAR_MAX_BYTES, &n, NULL))
    return NULL; /* T51: an announced size over the cap is not fetched at all */
  XmppAvatarInfo *info = g_new0(XmppAvatarInfo, 1);
  info->id = g_ascii_strdown(id, -1);
  info->type = g_strdup(xmpp_node_get_attr(chosen, "type"));
  info->bytes = n;
  info->width = parse_dimension(xmpp_node_get_attr(chosen, "width"));
  info->height = parse_dimension(xmpp_node_get_attr(chosen, "height"));
  return info;
}

GBytes *
xmpp_avatar_data_parse(const XmppNode *iq, const char *hash, GError **error)
{
  g_return_val_if_fail(iq != NULL && hash != NULL, NULL);
  const XmppNode *pubsub = xmpp_node_get_child(iq, XMPP_NS_PUBSUB, "pubsub");
  const XmppNode *items = pubsub ? xmpp_node_get_child(pubsub, XMPP_NS_PUBSUB, "items") : NULL;
  const XmppNode *item = xmpp_pep_items_find(items, hash);
  const XmppNode *data = item ? xmpp_node_get_child(item, XMPP_NS_AVATAR_DATA, "data") : NULL;
  if (data == NULL) {
    g_set_error_literal(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_ITEM_NOT_FOUND,
                        "no avatar data in the answer");
    return NULL;
  }
  g_autofree char *text = xmpp_node_dup_text(data);
  return xmpp_vcard_decode_base64(text, XMPP_AVATAR_MAX_BYTES, error);
}

gboolean
xmpp_avatar_verify(GBytes *bytes, const char *hash, GError **error)
{
  gsize len = 0;
  const guint8 *data = bytes ? g_bytes_get_data(bytes, &len) : NULL;
  if (data == NULL || len == 0 || len > XMPP_AVATAR_MAX_BYTES) {
    g_set_error_literal(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_NOT_ACCEPTABLE,
                        "avatar empty or too large");
    return FALSE;
  }
  if (xmpp_avatar_sniff_type(data, len) == NULL) {
    g_set_error_literal(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_NOT_ACCEPTABLE,
                        "avatar is not a PNG, JPEG, GIF or WebP image");
    return FALSE;
  }
  g_autofree char *actual = xmpp_avatar_hash(data, len);
  if (hash == NULL || g_ascii_strcasecmp(actual, hash) != 0) {
    g_set_error_literal(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_NOT_ACCEPTABLE,
                        "avatar does not match its hash");
    return FALSE;
  }
  return TRUE;
}

/* ---- receiving ---------------------------------------------------------------------------------
 */

typedef struct {
  XmppAvatars *self;
  char *bare;
  char *hash;
} Fetch;

static void
wanted_free(gpointer data)
{
  Wanted *w = data;
  g_free(w->hash);
  g_free(w);
}

static void
fetch_free(gpointer data)
{
  Fetch *f = data;
  g_free(f->bare);
  g_free(f->hash);
  g_free(f);
}

static void issue_fetch(XmppAvatars *self, const char *bare, const Wanted *wanted);

/* The end of one fetch: apply verified bytes, then fetch again if a newer hash came meanwhile. */
static void
fetch_done(Fetch *f, GBytes *bytes, const GError *error)
{
  XmppAvatars *self = f->self;
  g_autoptr(GError) verify_error = NULL;
  if (bytes != NULL && xmpp_avatar_verify(bytes, f->hash, &verify_error)) {
    if (self->events.changed != NULL)
      self->events.changed(self->events_data, f->bare, bytes, f->hash);
  } else {
    const GError *why = error != NULL ? error : verify_error;
    xmpp_host_log(self->host, XMPP_LOG_INFO, "avatar %s of %s rejected: %s", f->hash, f->bare,
                  why != NULL ? why->message : "no data");
  }
  Wanted *w = g_hash_table_lookup(self->inflight, f->bare);
  gboolean closed = xmpp_iq_error_is_ended(error);
  if (w != NULL && !closed && g_ascii_strcasecmp(w->hash, f->hash) != 0)
    issue_fetch(self, f->bare, w);
  else
    g_hash_table_remove(self->inflight, f->bare);
}

static void
on_pep_data(const XmppStanza *reply, const GError *error, gpointer data)
{
  Fetch *f = data;
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GBytes) bytes =
      error == NULL ? xmpp_avatar_data_parse(reply->node, f->hash, &parse_error) : NULL;
  fetch_done(f, bytes, error != NULL ? error : parse_error);
}

static void
on_vcard(const XmppVcard *vcard, const GError *error, gpointer data)
{
  fetch_done(data, vcard != NULL ? vcard->photo : NULL, error);
}

static void
issue_fetch(XmppAvatars *self, const char *bare, const Wanted *wanted)
{
  Fetch *f = g_new0(Fetch, 1);
  f->self = self;
  f->bare = g_strdup(bare);
  f->hash = g_strdup(wanted->hash);
  if (wanted->kind == FETCH_PEP) {
    xmpp_pep_request_item(self->pep, bare, XMPP_NS_AVATAR_DATA, f->hash, on_pep_data, f,
                          fetch_free);
  } else {
    g_autoptr(XmppJid) jid = xmpp_jid_parse(bare, NULL);
    if (jid == NULL) {
      fetch_done(f, NULL, NULL);
      fetch_free(f);
      return;
    }
    xmpp_vcards_fetch(self->vcards, jid, on_vcard, f, fetch_free);
  }
}

/* Fetches bare's avatar `hash` unless it is the one we have, or one is being fetched already
 * (then the newest hash is remembered and fetched when that ends). Bounded (T52). */
static void
want(XmppAvatars *self, const char *bare, const char *hash, FetchKind kind)
{
  if (self->events.dup_current_hash != NULL) {
    g_autofree char *current = self->events.dup_current_hash(self->events_data, bare);
    if (current != NULL && g_ascii_strcasecmp(current, hash) == 0)
      return;
  }
  Wanted *w = g_hash_table_lookup(self->inflight, bare);
  if (w != NULL) {
    g_free(w->hash);
    w->hash = g_ascii_strdown(hash, -1);
    w->kind = kind;
    return;
  }
  if (g_hash_table_size(self->inflight) >= XMPP_AVATAR_MAX_INFLIGHT) {
    xmpp_host_log(self->host, XMPP_LOG_INFO, "too many avatar fetches: skipping %s", bare);
    return;
  }
  w = g_new0(Wanted, 1);
  w->hash = g_ascii_strdown(hash, -1);
  w->kind = kind;
  g_hash_table_insert(self->inflight, g_strdup(bare), w);
  issue_fetch(self, bare, w);
}

static void
on_metadata(const XmppJid *from, const char *node, const XmppNode *items, gpointer data)
{
  XmppAvatars *self = data;
  /* Our own avatar (echoed after we publish it) is not a contact's icon. */
  if (xmpp_jid_equal(from, xmpp_router_get_own_jid(self->router), XMPP_JID_MATCH_BARE))
    return;
  gboolean disabled = FALSE;
  XmppAvatarInfo *info = xmpp_avatar_info_parse(items, &disabled);
  const char *bare = xmpp_jid_get_bare(from);
  if (disabled && self->events.changed != NULL)
    self->events.changed(self->events_data, bare, NULL, NULL);
  if (info != NULL)
    want(self, bare, info->id, FETCH_PEP);
  xmpp_avatar_info_free(info);
}

/* XEP-0153 §3.2: <x xmlns='vcard-temp:x:update'><photo>hash</photo></x> in a contact's presence. */
static void
on_presence(const XmppStanza *stanza, gpointer data)
{
  XmppAvatars *self = data;
  if (stanza->type != NULL || stanza->from == NULL ||
      xmpp_router_is_from_self(self->router, stanza) ||
      xmpp_node_get_child(stanza->node, XMPP_NS_MUC_USER, "x") != NULL)
    return; /* only available presence of contacts, never ours or occupants' */
  const XmppNode *x = xmpp_node_get_child(stanza->node, XMPP_NS_VCARD_UPDATE, "x");
  g_autofree char *photo = x ? xmpp_node_dup_child_text(x, XMPP_NS_VCARD_UPDATE, "photo") : NULL;
  /* No <photo/>: not ready to advertise; empty: no vCard avatar, but a PEP one may exist, so
   * only a real hash changes anything. */
  if (photo != NULL && xmpp_avatar_hash_is_valid(g_strstrip(photo)))
    want(self, xmpp_jid_get_bare(stanza->from), photo, FETCH_VCARD);
}

/* ---- our own avatar ----------------------------------------------------------------------------
 */

static void
set_own_hash(XmppAvatars *self, const char *hash)
{
  if (g_strcmp0(self->own_hash, hash) == 0)
    return;
  g_free(self->own_hash);
  self->own_hash = g_strdup(hash);
  if (self->events.own_hash_changed != NULL)
    self->events.own_hash_changed(self->events_data);
}

static void
on_own_vcard(const XmppVcard *vcard, const GError *error, gpointer data)
{
  XmppAvatars *self = data;
  if (error != NULL && !g_error_matches(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_ITEM_NOT_FOUND))
    return; /* unknown: keep advertising "not ready" (XEP-0153 §4.1) */
  if (vcard != NULL && vcard->photo != NULL) {
    gsize len = 0;
    const guint8 *bytes = g_bytes_get_data(vcard->photo, &len);
    g_autofree char *hash = xmpp_avatar_hash(bytes, len);
    set_own_hash(self, hash);
  } else {
    set_own_hash(self, "");
  }
}

void
xmpp_avatars_start(XmppAvatars *self)
{
  g_return_if_fail(self != NULL);
  xmpp_vcards_fetch(self->vcards, NULL, on_own_vcard, self, NULL);
}

const char *
xmpp_avatars_get_own_hash(const XmppAvatars *self)
{
  g_return_val_if_fail(self != NULL, NULL);
  return self->own_hash;
}

XmppNode *
xmpp_avatars_build_update(gpointer data)
{
  XmppAvatars *self = data;
  XmppNode *x = xmpp_node_new(XMPP_NS_VCARD_UPDATE, "x");
  if (self->own_hash != NULL)
    xmpp_node_new_text_child(x, NULL, "photo", self->own_hash);
  return x;
}

typedef struct {
  XmppAvatars *self;
  GBytes *image; /* NULL: remove */
  char *hash;
  const char *type; /* static */
  guint width, height;
} Publish;

static void
publish_free(gpointer data)
{
  Publish *p = data;
  if (p->image != NULL)
    g_bytes_unref(p->image);
  g_free(p->hash);
  g_free(p);
}

static void
log_failure(XmppAvatars *self, const char *what, const GError *error)
{
  if (error != NULL)
    xmpp_host_log(self->host, XMPP_LOG_WARNING, "avatar: %s failed: %s", what, error->message);
}

static void
on_vcard_published(const XmppStanza *reply, const GError *error, gpointer data)
{
  Publish *p = data;
  log_failure(p->self, "vCard PHOTO update", error);
  if (error == NULL)
    set_own_hash(p->self, p->image != NULL ? p->hash : "");
}

/* XEP-0153 §4.1: put the photo in our vCard, keeping the rest of it. */
static void
on_vcard_for_publish(const XmppVcard *vcard, const GError *error, gpointer data)
{
  Publish *p = data;
  if (error != NULL &&
      !g_error_matches(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_ITEM_NOT_FOUND)) {
    log_failure(p->self, "vCard fetch", error); /* never overwrite a vCard we could not read */
    return;
  }
  g_autoptr(XmppVcard) mine = vcard != NULL ? xmpp_vcard_copy(vcard) : xmpp_vcard_new();
  g_clear_pointer(&mine->photo, g_bytes_unref);
  g_clear_pointer(&mine->photo_type, g_free);
  if (p->image != NULL) {
    mine->photo = g_bytes_ref(p->image);
    mine->photo_type = g_strdup(p->type);
  }
  Publish *next = g_memdup2(p, sizeof *p);
  next->image = p->image != NULL ? g_bytes_ref(p->image) : NULL;
  next->hash = g_strdup(p->hash);
  xmpp_vcards_publish(p->self->vcards, mine, on_vcard_published, next, publish_free);
}

static XmppNode *
metadata_item(const Publish *p)
{
  XmppNode *item = xmpp_node_new(XMPP_NS_PUBSUB, "item");
  XmppNode *metadata = xmpp_node_new_child(item, XMPP_NS_AVATAR_METADATA, "metadata");
  if (p->image == NULL)
    return item; /* §4.2: empty metadata disables the avatar */
  xmpp_node_set_attr(item, "id", p->hash);
  XmppNode *info = xmpp_node_new_child(metadata, NULL, "info");
  g_autofree char *bytes = g_strdup_printf("%" G_GSIZE_FORMAT, g_bytes_get_size(p->image));
  xmpp_node_set_attr(info, "bytes", bytes);
  xmpp_node_set_attr(info, "id", p->hash);
  xmpp_node_set_attr(info, "type", p->type);
  if (p->width > 0 && p->height > 0) {
    g_autofree char *w = g_strdup_printf("%u", p->width);
    g_autofree char *h = g_strdup_printf("%u", p->height);
    xmpp_node_set_attr(info, "width", w);
    xmpp_node_set_attr(info, "height", h);
  }
  return item;
}

static void
on_metadata_published(const XmppStanza *reply, const GError *error, gpointer data)
{
  log_failure(data, "XEP-0084 metadata publish", error);
}

/* §4.1: the data first, then the metadata that announces it. */
static void
on_data_published(const XmppStanza *reply, const GError *error, gpointer data)
{
  Publish *p = data;
  log_failure(p->self, "XEP-0084 data publish", error);
  if (error == NULL)
    xmpp_pep_publish(p->self->pep, XMPP_NS_AVATAR_METADATA, metadata_item(p), NULL,
                     on_metadata_published, p->self, NULL);
}

gboolean
xmpp_avatars_publish(XmppAvatars *self, GBytes *image, guint width, guint height, GError **error)
{
  g_return_val_if_fail(self != NULL, FALSE);
  Publish *p = g_new0(Publish, 1);
  p->self = self;
  p->width = width;
  p->height = height;
  if (image != NULL) {
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(image, &len);
    p->type = xmpp_avatar_sniff_type(data, len);
    if (len == 0 || len > XMPP_AVATAR_MAX_BYTES || p->type == NULL) {
      g_set_error_literal(error, XMPP_STANZA_ERROR,
                          len > XMPP_AVATAR_MAX_BYTES ? XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT
                                                      : XMPP_STANZA_ERROR_BAD_REQUEST,
                          "not an image of an accepted type and size");
      g_free(p);
      return FALSE;
    }
    p->image = g_bytes_ref(image);
    p->hash = xmpp_avatar_hash(data, len);
    XmppNode *item = xmpp_node_new(XMPP_NS_PUBSUB, "item");
    xmpp_node_set_attr(item, "id", p->hash);
    g_autofree char *b64 = g_base64_encode(data, len);
    xmpp_node_new_text_child(item, XMPP_NS_AVATAR_DATA, "data", b64);
    Publish *chain = g_memdup2(p, sizeof *p);
    chain->image = g_bytes_ref(image);
    chain->hash = g_strdup(p->hash);
    xmpp_pep_publish(self->pep, XMPP_NS_AVATAR_DATA, item, NULL, on_data_published, chain,
                     publish_free);
  } else {
    xmpp_pep_publish(self->pep, XMPP_NS_AVATAR_METADATA, metadata_item(p), NULL,
                     on_metadata_published, self, NULL);
  }
  xmpp_vcards_fetch(self->vcards, NULL, on_vcard_for_publish, p, publish_free);
  return TRUE;
}

/* ---- the object --------------------------------------------------------------------------------
 */

XmppAvatars *
xmpp_avatars_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco, XmppPep *pep,
                 XmppVcards *vcards)
{
  g_return_val_if_fail(router != NULL && host != NULL && pep != NULL && vcards != NULL, NULL);
  XmppAvatars *self = g_new0(XmppAvatars, 1);
  self->router = router;
  self->host = host;
  self->pep = pep;
  self->vcards = vcards;
  self->inflight = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, wanted_free);
  /* XEP-0084 §4.3 (+notify through pep) and XEP-0153 §3.2 (the presence element). */
  xmpp_pep_add_handler(pep, XMPP_NS_AVATAR_METADATA, on_metadata, self);
  self->presence_handler = xmpp_router_add_observer(
      router, XMPP_STANZA_PRESENCE, XMPP_NS_VCARD_UPDATE, "x", on_presence, self, NULL);
  (void)disco;
  return self;
}

void
xmpp_avatars_free(XmppAvatars *self)
{
  if (self == NULL)
    return;
  xmpp_router_remove_handler(self->router, self->presence_handler);
  g_hash_table_unref(self->inflight);
  g_free(self->own_hash);
  g_free(self);
}

void
xmpp_avatars_set_events(XmppAvatars *self, const XmppAvatarEvents *events, gpointer data)
{
  g_return_if_fail(self != NULL);
  if (events != NULL)
    self->events = *events;
  else
    memset(&self->events, 0, sizeof self->events);
  self->events_data = data;
}
