/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppXdataForm: XEP-0004 data forms parsed into a model and built back, with CAPTCHA media. */
#include "services/xdata.h"

#include <string.h>

#include "router/stanza-error.h"
#include "services/namespaces.h"

static const char *const type_names[] = {
    "text-single", "boolean",     "fixed",      "hidden",     "jid-single",
    "jid-multi",   "list-single", "list-multi", "text-multi", "text-private",
};

const char *
xmpp_xdata_field_type_name(XmppXdataFieldType type)
{
  return (guint)type < G_N_ELEMENTS(type_names) ? type_names[type] : "text-single";
}

XmppXdataFieldType
xmpp_xdata_field_type_from_name(const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS(type_names); i++)
    if (strcmp(name, type_names[i]) == 0)
      return (XmppXdataFieldType)i;
  return XMPP_XDATA_FIELD_TEXT_SINGLE;
}

/* ---- lifetime ---- */

static void
option_free(gpointer data)
{
  XmppXdataOption *o = data;
  g_free(o->label);
  g_free(o->value);
  g_free(o);
}

static void
media_free(XmppXdataMedia *media)
{
  if (media == NULL)
    return;
  g_free(media->mime_type);
  g_free(media->uri);
  if (media->data != NULL)
    g_bytes_unref(media->data);
  g_free(media);
}

XmppXdataField *
xmpp_xdata_field_new(XmppXdataFieldType type, const char *var, const char *label)
{
  XmppXdataField *f = g_new0(XmppXdataField, 1);
  f->type = type;
  f->var = g_strdup(var);
  f->label = g_strdup(label);
  f->values = g_ptr_array_new_with_free_func(g_free);
  f->options = g_ptr_array_new_with_free_func(option_free);
  return f;
}

void
xmpp_xdata_field_free(XmppXdataField *f)
{
  if (f == NULL)
    return;
  g_free(f->var);
  g_free(f->label);
  g_free(f->desc);
  g_ptr_array_unref(f->values);
  g_ptr_array_unref(f->options);
  media_free(f->media);
  g_free(f);
}

static XmppXdataField *
field_copy(const XmppXdataField *f)
{
  XmppXdataField *c = xmpp_xdata_field_new(f->type, f->var, f->label);
  c->desc = g_strdup(f->desc);
  c->required = f->required;
  for (guint i = 0; i < f->values->len; i++)
    xmpp_xdata_field_add_value(c, f->values->pdata[i]);
  for (guint i = 0; i < f->options->len; i++) {
    XmppXdataOption *o = f->options->pdata[i];
    xmpp_xdata_field_add_option(c, o->label, o->value);
  }
  if (f->media != NULL) {
    c->media = g_new0(XmppXdataMedia, 1);
    c->media->mime_type = g_strdup(f->media->mime_type);
    c->media->uri = g_strdup(f->media->uri);
    c->media->data = f->media->data ? g_bytes_ref(f->media->data) : NULL;
  }
  return c;
}

static GPtrArray *
fields_new(void)
{
  return g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_xdata_field_free);
}

XmppXdataForm *
xmpp_xdata_form_new(XmppXdataFormType type)
{
  XmppXdataForm *form = g_new0(XmppXdataForm, 1);
  form->type = type;
  form->instructions = g_ptr_array_new_with_free_func(g_free);
  form->fields = fields_new();
  form->reported = fields_new();
  form->items = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
  return form;
}

void
xmpp_xdata_form_free(XmppXdataForm *form)
{
  if (form == NULL)
    return;
  g_free(form->title);
  g_ptr_array_unref(form->instructions);
  g_ptr_array_unref(form->fields);
  g_ptr_array_unref(form->reported);
  g_ptr_array_unref(form->items);
  g_free(form);
}

static void
copy_fields(GPtrArray *to, const GPtrArray *from)
{
  for (guint i = 0; i < from->len; i++)
    g_ptr_array_add(to, field_copy(from->pdata[i]));
}

XmppXdataForm *
xmpp_xdata_form_copy(const XmppXdataForm *form)
{
  XmppXdataForm *c = xmpp_xdata_form_new(form->type);
  c->title = g_strdup(form->title);
  c->legacy = form->legacy;
  for (guint i = 0; i < form->instructions->len; i++)
    g_ptr_array_add(c->instructions, g_strdup(form->instructions->pdata[i]));
  copy_fields(c->fields, form->fields);
  copy_fields(c->reported, form->reported);
  for (guint i = 0; i < form->items->len; i++) {
    GPtrArray *row = fields_new();
    copy_fields(row, form->items->pdata[i]);
    g_ptr_array_add(c->items, row);
  }
  return c;
}

/* ---- fields ---- */

XmppXdataField *
xmpp_xdata_form_get_field(const XmppXdataForm *form, const char *var)
{
  for (guint i = 0; form != NULL && var != NULL && i < form->fields->len; i++) {
    XmppXdataField *f = form->fields->pdata[i];
    if (g_strcmp0(f->var, var) == 0)
      return f;
  }
  return NULL;
}

const char *
xmpp_xdata_field_get_value(const XmppXdataField *field)
{
  return field != NULL && field->values->len > 0 ? field->values->pdata[0] : NULL;
}

void
xmpp_xdata_field_set_value(XmppXdataField *field, const char *value)
{
  g_ptr_array_set_size(field->values, 0);
  if (value != NULL)
    xmpp_xdata_field_add_value(field, value);
}

void
xmpp_xdata_field_add_value(XmppXdataField *field, const char *value)
{
  g_ptr_array_add(field->values, g_strdup(value));
}

void
xmpp_xdata_field_add_option(XmppXdataField *field, const char *label, const char *value)
{
  XmppXdataOption *o = g_new0(XmppXdataOption, 1);
  o->label = g_strdup(label);
  o->value = g_strdup(value);
  g_ptr_array_add(field->options, o);
}

gboolean
xmpp_xdata_field_get_bool(const XmppXdataField *field)
{
  const char *v = xmpp_xdata_field_get_value(field);
  return g_strcmp0(v, "1") == 0 || g_strcmp0(v, "true") == 0;
}

const char *
xmpp_xdata_form_first_missing(const XmppXdataForm *form)
{
  for (guint i = 0; i < form->fields->len; i++) {
    XmppXdataField *f = form->fields->pdata[i];
    const char *v = xmpp_xdata_field_get_value(f);
    if (f->required && f->type != XMPP_XDATA_FIELD_FIXED && (v == NULL || *v == '\0'))
      return f->var;
  }
  return NULL;
}

const char *
xmpp_xdata_form_get_form_type(const XmppXdataForm *form)
{
  XmppXdataField *f = xmpp_xdata_form_get_field(form, "FORM_TYPE");
  return f != NULL && f->type == XMPP_XDATA_FIELD_HIDDEN ? xmpp_xdata_field_get_value(f) : NULL;
}

/* ---- parsing ---- */

/* XEP-0231 §2: <data xmlns='urn:xmpp:bob' cid=.../> next to the form (in the stanza or in the
 * form's parent). Capped before decoding (T51). */
static GBytes *
find_bob(const XmppNode *stanza, const XmppNode *x, const char *cid)
{
  const XmppNode *scopes[] = {stanza, x->parent};
  for (guint s = 0; s < G_N_ELEMENTS(scopes); s++) {
    if (scopes[s] == NULL)
      continue;
    for (XmppNode *d = xmpp_node_get_child(scopes[s], XMPP_NS_BOB, "data"); d != NULL;
         d = xmpp_node_next_child(scopes[s], d, XMPP_NS_BOB, "data")) {
      if (g_strcmp0(xmpp_node_get_attr(d, "cid"), cid) != 0)
        continue;
      g_autofree char *b64 = xmpp_node_dup_text(d);
      if (strlen(b64) / 4 * 3 > XMPP_XDATA_MAX_MEDIA_BYTES + 3)
        return NULL;
      gsize len = 0;
      guchar *raw = g_base64_decode(g_strstrip(b64), &len);
      if (raw == NULL || len == 0 || len > XMPP_XDATA_MAX_MEDIA_BYTES) {
        g_free(raw);
        return NULL;
      }
      return g_bytes_new_take(raw, len);
    }
  }
  return NULL;
}

static XmppXdataMedia *
parse_media(const XmppNode *m, const XmppNode *stanza, const XmppNode *x)
{
  XmppNode *uri = xmpp_node_get_child(m, XMPP_NS_MEDIA, "uri");
  if (uri == NULL)
    return NULL;
  XmppXdataMedia *media = g_new0(XmppXdataMedia, 1);
  media->mime_type = g_strdup(xmpp_node_get_attr(uri, "type"));
  media->uri = g_strstrip(xmpp_node_dup_text(uri));
  if (g_str_has_prefix(media->uri, "cid:"))
    media->data = find_bob(stanza, x, media->uri + 4);
  return media;
}

static XmppXdataField *
parse_field(const XmppNode *node, const XmppNode *stanza, const XmppNode *x, GError **error)
{
  XmppXdataFieldType type = xmpp_xdata_field_type_from_name(xmpp_node_get_attr(node, "type"));
  const char *var = xmpp_node_get_attr(node, "var");
  /* XEP-0004 §3.2: var is required except on fixed fields. */
  if (var == NULL && type != XMPP_XDATA_FIELD_FIXED && xmpp_node_get_attr(node, "type") != NULL) {
    g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST, "a field has no var");
    return NULL;
  }
  if (var == NULL)
    type = XMPP_XDATA_FIELD_FIXED; /* a typeless field without var can only be shown */
  XmppXdataField *f = xmpp_xdata_field_new(type, var, xmpp_node_get_attr(node, "label"));
  f->desc = xmpp_node_dup_child_text(node, XMPP_NS_XDATA, "desc");
  f->required = xmpp_node_get_child(node, XMPP_NS_XDATA, "required") != NULL;
  for (XmppNode *c = xmpp_node_first_element(node); c != NULL;
       c = xmpp_node_next_child(node, c, NULL, NULL)) {
    if (xmpp_node_is(c, XMPP_NS_XDATA, "value")) {
      if (f->values->len >= XMPP_XDATA_MAX_VALUES)
        goto too_many;
      g_ptr_array_add(f->values, xmpp_node_dup_text(c));
    } else if (xmpp_node_is(c, XMPP_NS_XDATA, "option")) {
      g_autofree char *value = xmpp_node_dup_child_text(c, XMPP_NS_XDATA, "value");
      if (value == NULL)
        continue;
      if (f->options->len >= XMPP_XDATA_MAX_VALUES)
        goto too_many;
      xmpp_xdata_field_add_option(f, xmpp_node_get_attr(c, "label"), value);
    } else if (xmpp_node_is(c, XMPP_NS_MEDIA, "media") && f->media == NULL) {
      f->media = parse_media(c, stanza, x);
    }
  }
  return f;
too_many:
  g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT,
              "a field has more than %d values", XMPP_XDATA_MAX_VALUES);
  xmpp_xdata_field_free(f);
  return NULL;
}

static gboolean
parse_fields(const XmppNode *parent, GPtrArray *into, const XmppNode *stanza, const XmppNode *x,
             GError **error)
{
  for (XmppNode *c = xmpp_node_get_child(parent, XMPP_NS_XDATA, "field"); c != NULL;
       c = xmpp_node_next_child(parent, c, XMPP_NS_XDATA, "field")) {
    if (into->len >= XMPP_XDATA_MAX_FIELDS) {
      g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT,
                  "more than %d fields", XMPP_XDATA_MAX_FIELDS);
      return FALSE;
    }
    XmppXdataField *f = parse_field(c, stanza, x, error);
    if (f == NULL)
      return FALSE;
    g_ptr_array_add(into, f);
  }
  return TRUE;
}

static const char *const form_types[] = {"form", "submit", "cancel", "result"};

XmppXdataForm *
xmpp_xdata_form_parse(const XmppNode *x, const XmppNode *stanza, GError **error)
{
  if (x == NULL || !xmpp_node_is(x, XMPP_NS_XDATA, "x")) {
    g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST, "not a data form");
    return NULL;
  }
  const char *type = xmpp_node_get_attr(x, "type");
  guint t = 0;
  while (t < G_N_ELEMENTS(form_types) && g_strcmp0(type, form_types[t]) != 0)
    t++;
  if (t == G_N_ELEMENTS(form_types)) {
    g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST, "unknown form type");
    return NULL;
  }
  g_autoptr(XmppXdataForm) form = xmpp_xdata_form_new((XmppXdataFormType)t);
  form->title = xmpp_node_dup_child_text(x, XMPP_NS_XDATA, "title");
  for (XmppNode *c = xmpp_node_get_child(x, XMPP_NS_XDATA, "instructions"); c != NULL;
       c = xmpp_node_next_child(x, c, XMPP_NS_XDATA, "instructions")) {
    if (form->instructions->len < XMPP_XDATA_MAX_VALUES)
      g_ptr_array_add(form->instructions, xmpp_node_dup_text(c));
  }
  if (!parse_fields(x, form->fields, stanza, x, error))
    return NULL;
  XmppNode *reported = xmpp_node_get_child(x, XMPP_NS_XDATA, "reported");
  if (reported != NULL && !parse_fields(reported, form->reported, stanza, x, error))
    return NULL;
  for (XmppNode *c = xmpp_node_get_child(x, XMPP_NS_XDATA, "item"); c != NULL;
       c = xmpp_node_next_child(x, c, XMPP_NS_XDATA, "item")) {
    if (form->items->len >= XMPP_XDATA_MAX_ITEMS) {
      g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT,
                  "more than %d items", XMPP_XDATA_MAX_ITEMS);
      return NULL;
    }
    GPtrArray *row = fields_new();
    g_ptr_array_add(form->items, row);
    if (!parse_fields(c, row, stanza, x, error))
      return NULL;
  }
  return g_steal_pointer(&form);
}

/* ---- building ---- */

static void
field_to_node(const XmppXdataField *f, XmppNode *parent, gboolean submit)
{
  XmppNode *n = xmpp_node_new_child(parent, XMPP_NS_XDATA, "field");
  if (f->var != NULL)
    xmpp_node_set_attr(n, "var", f->var);
  if (!submit) {
    xmpp_node_set_attr(n, "type", xmpp_xdata_field_type_name(f->type));
    if (f->label != NULL)
      xmpp_node_set_attr(n, "label", f->label);
    if (f->desc != NULL)
      xmpp_node_new_text_child(n, XMPP_NS_XDATA, "desc", f->desc);
    if (f->required)
      xmpp_node_new_child(n, XMPP_NS_XDATA, "required");
    for (guint i = 0; i < f->options->len; i++) {
      XmppXdataOption *o = f->options->pdata[i];
      XmppNode *on = xmpp_node_new_child(n, XMPP_NS_XDATA, "option");
      if (o->label != NULL)
        xmpp_node_set_attr(on, "label", o->label);
      xmpp_node_new_text_child(on, XMPP_NS_XDATA, "value", o->value);
    }
  }
  for (guint i = 0; i < f->values->len; i++)
    xmpp_node_new_text_child(n, XMPP_NS_XDATA, "value", f->values->pdata[i]);
}

XmppNode *
xmpp_xdata_form_to_node(const XmppXdataForm *form)
{
  gboolean submit = form->type == XMPP_XDATA_SUBMIT;
  XmppNode *x = xmpp_node_new(XMPP_NS_XDATA, "x");
  xmpp_node_set_attr(x, "type", form_types[form->type]);
  if (form->type == XMPP_XDATA_CANCEL)
    return x;
  if (!submit && form->title != NULL)
    xmpp_node_new_text_child(x, XMPP_NS_XDATA, "title", form->title);
  for (guint i = 0; !submit && i < form->instructions->len; i++)
    xmpp_node_new_text_child(x, XMPP_NS_XDATA, "instructions", form->instructions->pdata[i]);
  for (guint i = 0; i < form->fields->len; i++) {
    XmppXdataField *f = form->fields->pdata[i];
    /* XEP-0004 §3.4: a submission carries no fixed fields. */
    if (submit && (f->type == XMPP_XDATA_FIELD_FIXED || f->var == NULL))
      continue;
    field_to_node(f, x, submit);
  }
  if (!submit && form->reported->len > 0) {
    XmppNode *r = xmpp_node_new_child(x, XMPP_NS_XDATA, "reported");
    for (guint i = 0; i < form->reported->len; i++)
      field_to_node(form->reported->pdata[i], r, FALSE);
  }
  for (guint i = 0; !submit && i < form->items->len; i++) {
    GPtrArray *row = form->items->pdata[i];
    XmppNode *item = xmpp_node_new_child(x, XMPP_NS_XDATA, "item");
    for (guint j = 0; j < row->len; j++)
      field_to_node(row->pdata[j], item, TRUE);
  }
  return x;
}

XmppNode *
xmpp_xdata_form_build_submit(const XmppXdataForm *form)
{
  g_autoptr(XmppXdataForm) copy = xmpp_xdata_form_copy(form);
  copy->type = XMPP_XDATA_SUBMIT;
  return xmpp_xdata_form_to_node(copy);
}

XmppNode *
xmpp_xdata_cancel_new(void)
{
  XmppNode *x = xmpp_node_new(XMPP_NS_XDATA, "x");
  xmpp_node_set_attr(x, "type", "cancel");
  return x;
}

/* ---- legacy forms ---- */

XmppXdataForm *
xmpp_xdata_form_from_legacy(const XmppNode *query, const char *const *skip)
{
  XmppXdataForm *form = xmpp_xdata_form_new(XMPP_XDATA_FORM);
  form->legacy = TRUE;
  for (XmppNode *c = xmpp_node_first_element(query); c != NULL;
       c = xmpp_node_next_child(query, c, NULL, NULL)) {
    if (g_strcmp0(c->ns, query->ns) != 0)
      continue;
    if (strcmp(c->name, "instructions") == 0) {
      if (form->instructions->len < XMPP_XDATA_MAX_VALUES)
        g_ptr_array_add(form->instructions, xmpp_node_dup_text(c));
      continue;
    }
    if (skip != NULL && g_strv_contains(skip, c->name))
      continue;
    if (xmpp_xdata_form_get_field(form, c->name) != NULL)
      continue;
    if (form->fields->len >= XMPP_XDATA_MAX_FIELDS)
      break;
    gboolean secret = strcmp(c->name, "password") == 0;
    XmppXdataField *f = xmpp_xdata_field_new(
        secret ? XMPP_XDATA_FIELD_TEXT_PRIVATE : XMPP_XDATA_FIELD_TEXT_SINGLE, c->name, NULL);
    f->required = TRUE;
    g_autofree char *text = xmpp_node_dup_text(c);
    if (*text != '\0')
      xmpp_xdata_field_set_value(f, text);
    g_ptr_array_add(form->fields, f);
  }
  return form;
}

void
xmpp_xdata_form_to_legacy(const XmppXdataForm *form, XmppNode *query)
{
  for (guint i = 0; i < form->fields->len; i++) {
    XmppXdataField *f = form->fields->pdata[i];
    if (f->var == NULL || f->type == XMPP_XDATA_FIELD_FIXED)
      continue;
    const char *v = xmpp_xdata_field_get_value(f);
    xmpp_node_new_text_child(query, query->ns, f->var, v != NULL ? v : "");
  }
}
