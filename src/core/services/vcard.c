/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppVcards: the XEP-0054 vCard model (parse, build, strict capped base64) and the requests. */
#include "services/vcard.h"

#include "router/closure.h"

#include <string.h>

#include "router/stanza-error.h"
#include "services/namespaces.h"

struct _XmppVcards {
  XmppRouter *router;
  const XmppHost *host;
};

/* ---- the model ---------------------------------------------------------------------------------
 */

XmppVcard *
xmpp_vcard_new(void)
{
  XmppVcard *vcard = g_new0(XmppVcard, 1);
  vcard->emails = g_new0(char *, 1);
  vcard->phones = g_new0(char *, 1);
  return vcard;
}

static void
address_clear(XmppVcardAddress *a)
{
  g_free(a->street);
  g_free(a->extadd);
  g_free(a->locality);
  g_free(a->region);
  g_free(a->pcode);
  g_free(a->country);
}

void
xmpp_vcard_free(XmppVcard *v)
{
  if (v == NULL)
    return;
  g_free(v->fn);
  g_free(v->nickname);
  g_free(v->given);
  g_free(v->family);
  g_free(v->middle);
  g_strfreev(v->emails);
  g_strfreev(v->phones);
  address_clear(&v->address);
  g_free(v->org_name);
  g_free(v->org_unit);
  g_free(v->title);
  g_free(v->url);
  g_free(v->birthday);
  g_free(v->description);
  g_free(v->photo_type);
  if (v->photo != NULL)
    g_bytes_unref(v->photo);
  g_free(v);
}

XmppVcard *
xmpp_vcard_copy(const XmppVcard *v)
{
  g_return_val_if_fail(v != NULL, NULL);
  XmppVcard *c = g_new0(XmppVcard, 1);
  c->fn = g_strdup(v->fn);
  c->nickname = g_strdup(v->nickname);
  c->given = g_strdup(v->given);
  c->family = g_strdup(v->family);
  c->middle = g_strdup(v->middle);
  c->emails = g_strdupv(v->emails);
  c->phones = g_strdupv(v->phones);
  if (c->emails == NULL)
    c->emails = g_new0(char *, 1);
  if (c->phones == NULL)
    c->phones = g_new0(char *, 1);
  c->address.street = g_strdup(v->address.street);
  c->address.extadd = g_strdup(v->address.extadd);
  c->address.locality = g_strdup(v->address.locality);
  c->address.region = g_strdup(v->address.region);
  c->address.pcode = g_strdup(v->address.pcode);
  c->address.country = g_strdup(v->address.country);
  c->org_name = g_strdup(v->org_name);
  c->org_unit = g_strdup(v->org_unit);
  c->title = g_strdup(v->title);
  c->url = g_strdup(v->url);
  c->birthday = g_strdup(v->birthday);
  c->description = g_strdup(v->description);
  c->photo_type = g_strdup(v->photo_type);
  c->photo = v->photo != NULL ? g_bytes_ref(v->photo) : NULL;
  c->photo_rejected = v->photo_rejected;
  return c;
}

/* ---- strict base64 -----------------------------------------------------------------------------
 */

static gboolean
is_b64_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static gboolean
is_b64_char(char c)
{
  return g_ascii_isalnum(c) || c == '+' || c == '/';
}

GBytes *
xmpp_vcard_decode_base64(const char *text, gsize max_bytes, GError **error)
{
  g_return_val_if_fail(text != NULL, NULL);
  /* T51: count first, and stop as soon as the text is longer than max_bytes can need. */
  gsize limit = (max_bytes / 3 + 1) * 4;
  gsize n = 0;
  for (const char *p = text; *p != '\0'; p++) {
    if (is_b64_space(*p))
      continue;
    if (++n > limit) {
      g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT,
                  "base64 data larger than %" G_GSIZE_FORMAT " bytes", max_bytes);
      return NULL;
    }
  }
  if (n == 0 || n % 4 != 0) {
    g_set_error_literal(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST,
                        "base64 data is empty or not a multiple of 4 characters");
    return NULL;
  }
  g_autofree char *clean = g_malloc(n + 1);
  gsize j = 0;
  for (const char *p = text; *p != '\0'; p++) {
    if (!is_b64_space(*p))
      clean[j++] = *p;
  }
  clean[n] = '\0';
  /* RFC 4648 §4: the alphabet, then at most two '=' at the very end. */
  gsize pad = clean[n - 1] == '=' ? (clean[n - 2] == '=' ? 2 : 1) : 0;
  for (gsize i = 0; i < n - pad; i++) {
    if (!is_b64_char(clean[i])) {
      g_set_error_literal(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST,
                          "invalid character in base64 data");
      return NULL;
    }
  }
  gsize len = 0;
  guchar *bytes = g_base64_decode(clean, &len);
  if (len > max_bytes) {
    g_free(bytes);
    g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT,
                "base64 data larger than %" G_GSIZE_FORMAT " bytes", max_bytes);
    return NULL;
  }
  return g_bytes_new_take(bytes, len);
}

/* ---- parsing -----------------------------------------------------------------------------------
 */

/* The trimmed text of a child, cut at a character boundary (T52); NULL when absent or empty. */
static char *
field(const XmppNode *parent, const char *name)
{
  if (parent == NULL)
    return NULL;
  char *text = xmpp_node_dup_child_text(parent, XMPP_NS_VCARD, name);
  if (text == NULL)
    return NULL;
  g_strstrip(text);
  if (*text == '\0') {
    g_free(text);
    return NULL;
  }
  if (strlen(text) > XMPP_VCARD_MAX_FIELD) {
    char *cut = text + XMPP_VCARD_MAX_FIELD;
    while (cut > text && ((guchar)*cut & 0xC0) == 0x80)
      cut--;
    *cut = '\0';
    g_strchomp(text); /* so that what we build reads back the same */
  }
  return text;
}

/* EMAIL/USERID or TEL/NUMBER of every entry (old vCards put the text in EMAIL itself). */
static char **
entries(const XmppNode *vc, const char *name, const char *inner)
{
  GPtrArray *out = g_ptr_array_new();
  for (const XmppNode *e = xmpp_node_get_child(vc, XMPP_NS_VCARD, name);
       e != NULL && out->len < XMPP_VCARD_MAX_ENTRIES;
       e = xmpp_node_next_child(vc, e, XMPP_NS_VCARD, name)) {
    char *value = field(e, inner);
    if (value == NULL && xmpp_node_get_child(e, XMPP_NS_VCARD, inner) == NULL) {
      value = g_strstrip(xmpp_node_dup_text(e));
      if (*value == '\0' || strlen(value) > XMPP_VCARD_MAX_FIELD)
        g_clear_pointer(&value, g_free);
    }
    if (value != NULL)
      g_ptr_array_add(out, value);
  }
  g_ptr_array_add(out, NULL);
  return (char **)g_ptr_array_free(out, FALSE);
}

static void
parse_photo(XmppVcard *v, const XmppNode *photo)
{
  v->photo_type = field(photo, "TYPE");
  const XmppNode *binval = xmpp_node_get_child(photo, XMPP_NS_VCARD, "BINVAL");
  if (binval == NULL)
    return; /* EXTVAL (a URL) is never fetched */
  g_autofree char *text = xmpp_node_dup_text(binval);
  if (*g_strstrip(text) == '\0')
    return; /* an empty BINVAL: no photo (XEP-0153 §3.1 "remove") */
  v->photo = xmpp_vcard_decode_base64(text, XMPP_VCARD_MAX_PHOTO_BYTES, NULL);
  v->photo_rejected = v->photo == NULL;
}

XmppVcard *
xmpp_vcard_parse(const XmppNode *element, GError **error)
{
  if (element == NULL || !xmpp_node_is(element, XMPP_NS_VCARD, "vCard")) {
    g_set_error_literal(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST,
                        "not a vcard-temp vCard");
    return NULL;
  }
  XmppVcard *v = g_new0(XmppVcard, 1);
  v->fn = field(element, "FN");
  v->nickname = field(element, "NICKNAME");
  const XmppNode *n = xmpp_node_get_child(element, XMPP_NS_VCARD, "N");
  v->given = field(n, "GIVEN");
  v->family = field(n, "FAMILY");
  v->middle = field(n, "MIDDLE");
  v->emails = entries(element, "EMAIL", "USERID");
  v->phones = entries(element, "TEL", "NUMBER");
  const XmppNode *adr = xmpp_node_get_child(element, XMPP_NS_VCARD, "ADR");
  v->address.street = field(adr, "STREET");
  v->address.extadd = field(adr, "EXTADD");
  v->address.locality = field(adr, "LOCALITY");
  v->address.region = field(adr, "REGION");
  v->address.pcode = field(adr, "PCODE");
  v->address.country = field(adr, "CTRY");
  const XmppNode *org = xmpp_node_get_child(element, XMPP_NS_VCARD, "ORG");
  v->org_name = field(org, "ORGNAME");
  v->org_unit = field(org, "ORGUNIT");
  v->title = field(element, "TITLE");
  v->url = field(element, "URL");
  v->birthday = field(element, "BDAY");
  v->description = field(element, "DESC");
  if (v->description == NULL) /* servers that map vCard4 "note" back give NOTE (Prosody 0.12) */
    v->description = field(element, "NOTE");
  const XmppNode *photo = xmpp_node_get_child(element, XMPP_NS_VCARD, "PHOTO");
  if (photo != NULL)
    parse_photo(v, photo);
  return v;
}

/* ---- building ----------------------------------------------------------------------------------
 */

static void
put(XmppNode *parent, const char *name, const char *value)
{
  if (value != NULL && *value != '\0')
    xmpp_node_new_text_child(parent, NULL, name, value);
}

static gboolean
any(const char *a, const char *b, const char *c)
{
  return (a != NULL && *a) || (b != NULL && *b) || (c != NULL && *c);
}

XmppNode *
xmpp_vcard_build(const XmppVcard *v)
{
  g_return_val_if_fail(v != NULL, NULL);
  /* In the order of the XEP-0054 §4 DTD. */
  XmppNode *vc = xmpp_node_new(XMPP_NS_VCARD, "vCard");
  put(vc, "FN", v->fn);
  if (any(v->family, v->given, v->middle)) {
    XmppNode *n = xmpp_node_new_child(vc, NULL, "N");
    put(n, "FAMILY", v->family);
    put(n, "GIVEN", v->given);
    put(n, "MIDDLE", v->middle);
  }
  put(vc, "NICKNAME", v->nickname);
  if (v->photo != NULL) {
    XmppNode *photo = xmpp_node_new_child(vc, NULL, "PHOTO");
    put(photo, "TYPE", v->photo_type);
    gsize len = 0;
    const guchar *data = g_bytes_get_data(v->photo, &len);
    g_autofree char *b64 = g_base64_encode(data, len);
    xmpp_node_new_text_child(photo, NULL, "BINVAL", b64);
  }
  put(vc, "BDAY", v->birthday);
  const XmppVcardAddress *a = &v->address;
  if (any(a->street, a->extadd, a->locality) || any(a->region, a->pcode, a->country)) {
    XmppNode *adr = xmpp_node_new_child(vc, NULL, "ADR");
    xmpp_node_new_child(adr, NULL, "HOME");
    put(adr, "EXTADD", a->extadd);
    put(adr, "STREET", a->street);
    put(adr, "LOCALITY", a->locality);
    put(adr, "REGION", a->region);
    put(adr, "PCODE", a->pcode);
    put(adr, "CTRY", a->country);
  }
  for (char **p = v->phones; p != NULL && *p != NULL; p++) {
    XmppNode *tel = xmpp_node_new_child(vc, NULL, "TEL");
    xmpp_node_new_child(tel, NULL, "VOICE");
    xmpp_node_new_text_child(tel, NULL, "NUMBER", *p);
  }
  for (char **p = v->emails; p != NULL && *p != NULL; p++) {
    XmppNode *email = xmpp_node_new_child(vc, NULL, "EMAIL");
    xmpp_node_new_child(email, NULL, "INTERNET");
    xmpp_node_new_text_child(email, NULL, "USERID", *p);
  }
  put(vc, "TITLE", v->title);
  if (any(v->org_name, v->org_unit, NULL)) {
    XmppNode *org = xmpp_node_new_child(vc, NULL, "ORG");
    put(org, "ORGNAME", v->org_name);
    put(org, "ORGUNIT", v->org_unit);
  }
  put(vc, "URL", v->url);
  put(vc, "DESC", v->description);
  return vc;
}

/* ---- requests ----------------------------------------------------------------------------------
 */

static void
on_fetch_reply(const XmppStanza *reply, const GError *error, gpointer data)
{
  XmppClosure *req = data;
  XmppVcardCallback cb = (XmppVcardCallback)req->callback;
  if (error != NULL) {
    cb(NULL, error, req->user_data);
    return;
  }
  const XmppNode *element = xmpp_node_get_child(reply->node, XMPP_NS_VCARD, "vCard");
  /* An empty result (no vCard element) means the contact has none (XEP-0054 §3.1). */
  g_autoptr(XmppVcard) vcard = element != NULL ? xmpp_vcard_parse(element, NULL) : NULL;
  cb(vcard, NULL, req->user_data);
}

XmppVcards *
xmpp_vcards_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco)
{
  g_return_val_if_fail(router != NULL && host != NULL, NULL);
  (void)disco; /* we only ask for vCards: clients do not answer vcard-temp requests */
  XmppVcards *self = g_new0(XmppVcards, 1);
  self->router = router;
  self->host = host;
  return self;
}

void
xmpp_vcards_free(XmppVcards *self)
{
  if (self == NULL)
    return;
  xmpp_router_cancel_owner(self->router, self); /* our requests end while we are whole */
  g_free(self);
}

void
xmpp_vcards_fetch(XmppVcards *vcards, const XmppJid *jid, XmppVcardCallback cb, gpointer user_data,
                  GDestroyNotify destroy)
{
  g_return_if_fail(vcards != NULL && cb != NULL);
  /* XEP-0054 §3.1: our own vCard is asked for without a 'to'. */
  XmppNode *iq = xmpp_stanza_new_iq("get", jid != NULL ? xmpp_jid_get_full(jid) : NULL, NULL);
  xmpp_node_new_child(iq, XMPP_NS_VCARD, "vCard");
  xmpp_router_send_iq(vcards->router, vcards, iq, 0, on_fetch_reply,
                      xmpp_closure_new(cb, user_data, destroy), xmpp_closure_free);
}

static void
publish_logged(const XmppStanza *reply, const GError *error, gpointer data)
{
  if (error != NULL)
    xmpp_host_log(data, XMPP_LOG_WARNING, "vCard publish failed: %s", error->message);
}

void
xmpp_vcards_publish(XmppVcards *vcards, const XmppVcard *vcard, XmppIqCallback cb,
                    gpointer user_data, GDestroyNotify destroy)
{
  g_return_if_fail(vcards != NULL && vcard != NULL);
  XmppNode *iq = xmpp_stanza_new_iq("set", NULL, NULL);
  xmpp_node_add_child(iq, xmpp_vcard_build(vcard));
  if (cb != NULL) {
    xmpp_router_send_iq(vcards->router, vcards, iq, 0, cb, user_data, destroy);
    return;
  }
  xmpp_router_send_iq(vcards->router, vcards, iq, 0, publish_logged, (gpointer)vcards->host, NULL);
  if (destroy != NULL)
    destroy(user_data);
}
