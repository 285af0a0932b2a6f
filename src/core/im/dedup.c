/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppDedup: a bounded set of message keys, first in, first forgotten. */
#include "im/dedup.h"

#include <string.h>

/* A key with its hash, computed once: looking it up, adding it and forgetting it hash nothing
 * again. */
typedef struct {
  guint hash;
  char text[];
} Key;

struct _XmppDedup {
  guint max_keys;
  GHashTable *keys; /* Key* (owned by ring) -> itself */
  Key **ring;       /* max_keys slots, the oldest at next once full */
  guint next, n;
};

static guint
key_hash(gconstpointer k)
{
  return ((const Key *)k)->hash;
}

static gboolean
key_equal(gconstpointer a, gconstpointer b)
{
  const Key *ka = a, *kb = b;
  return ka->hash == kb->hash && strcmp(ka->text, kb->text) == 0;
}

XmppDedup *
xmpp_dedup_new(guint max_keys)
{
  XmppDedup *d = g_new0(XmppDedup, 1);
  d->max_keys = MAX(max_keys, 1);
  d->keys = g_hash_table_new(key_hash, key_equal);
  d->ring = g_new0(Key *, d->max_keys);
  return d;
}

void
xmpp_dedup_free(XmppDedup *d)
{
  if (d == NULL)
    return;
  g_hash_table_destroy(d->keys);
  for (guint i = 0; i < d->max_keys; i++)
    g_free(d->ring[i]);
  g_free(d->ring);
  g_free(d);
}

/* key is not known yet (xmpp_dedup_check looked); the oldest is forgotten when full. */
static void
remember(XmppDedup *d, Key *key)
{
  Key *old = d->ring[d->next];
  if (old != NULL) {
    g_hash_table_remove(d->keys, old);
    g_free(old);
  } else {
    d->n++;
  }
  d->ring[d->next] = key;
  d->next = (d->next + 1) % d->max_keys;
  g_hash_table_add(d->keys, key);
}

/* FNV-1a (64 bits) of the body: an id reused by the same sender for another text is another
 * message. Only the sender's own messages share its key, so a collision could hide nothing
 * from anyone else; no cryptographic hash is needed (it cost a SHA-256 per received message). */
static guint64
body_hash(const char *body)
{
  guint64 h = G_GUINT64_CONSTANT(14695981039346656037);
  for (const guchar *p = (const guchar *)(body != NULL ? body : ""); *p != '\0'; p++)
    h = (h ^ *p) * G_GUINT64_CONSTANT(1099511628211);
  return h;
}

/* kind, then the parts, joined by a separator that cannot occur in a JID. */
static Key *
key_new(char kind, const char *a, const char *b, const char *c)
{
  const char *parts[] = {a, b, c};
  gsize lens[3] = {0, 0, 0}, size = 2;
  for (guint i = 0; i < 3; i++)
    if (parts[i] != NULL)
      size += (lens[i] = strlen(parts[i])) + 1;
  Key *key = g_malloc(sizeof *key + size);
  char *t = key->text;
  *t++ = kind;
  for (guint i = 0; i < 3; i++)
    if (parts[i] != NULL) {
      *t++ = '\x01';
      memcpy(t, parts[i], lens[i]);
      t += lens[i];
    }
  *t = '\0';
  key->hash = g_str_hash(key->text);
  return key;
}

gboolean
xmpp_dedup_check(XmppDedup *d, const XmppDedupMessage *m)
{
  g_return_val_if_fail(d != NULL && m != NULL, FALSE);
  const char *peer = m->counterpart != NULL ? m->counterpart : "";
  Key *keys[2] = {NULL, NULL};
  guint n = 0;
  if (m->stanza_id != NULL)
    keys[n++] = key_new('s', m->stanza_id, NULL, NULL);
  if (m->origin_id != NULL)
    keys[n++] = key_new('o', peer, m->origin_id, NULL);
  else if (m->id != NULL) {
    char sum[17];
    guint64 h = body_hash(m->body);
    for (int i = 15; i >= 0; i--, h >>= 4)
      sum[i] = "0123456789abcdef"[h & 0xf];
    sum[16] = '\0';
    keys[n++] = key_new('i', peer, m->id, sum);
  }
  gboolean seen = FALSE;
  for (guint i = 0; i < n && !seen; i++)
    seen = g_hash_table_contains(d->keys, keys[i]);
  for (guint i = 0; i < n; i++) {
    if (seen)
      g_free(keys[i]);
    else
      remember(d, keys[i]);
  }
  return seen;
}

guint
xmpp_dedup_n_keys(const XmppDedup *d)
{
  return d != NULL ? g_hash_table_size(d->keys) : 0;
}
