/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The generic XEP-0004 renderer: every field type mapped onto a PurpleRequestField and back. */
#include "purple-xdata.h"

#include <string.h>

#include "purple-i18n.h"

static char *
field_id(guint i)
{
  return g_strdup_printf("xdata:%u", i);
}

static const char *
label_of(const XmppXdataField *f)
{
  return f->label != NULL && *f->label != '\0' ? f->label : f->var;
}

static char *
join_values(const XmppXdataField *f)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < f->values->len; i++) {
    if (i > 0)
      g_string_append_c(s, '\n');
    g_string_append(s, f->values->pdata[i]);
  }
  return g_string_free(s, FALSE);
}

static gboolean
has_value(const XmppXdataField *f, const char *value)
{
  for (guint i = 0; i < f->values->len; i++)
    if (g_strcmp0(f->values->pdata[i], value) == 0)
      return TRUE;
  return FALSE;
}

/* List items are keyed by their label in libpurple: labels must be unique, so a repeated one
 * gets its value appended. */
static char *
option_label(const XmppXdataField *f, guint i)
{
  XmppXdataOption *o = f->options->pdata[i];
  const char *label = o->label != NULL && *o->label != '\0' ? o->label : o->value;
  for (guint j = 0; j < i; j++) {
    XmppXdataOption *p = f->options->pdata[j];
    if (g_strcmp0(p->label != NULL && *p->label != '\0' ? p->label : p->value, label) == 0)
      return g_strdup_printf("%s (%s)", label, o->value);
  }
  return g_strdup(label);
}

static PurpleRequestField *
make_field(const XmppXdataField *f, guint index)
{
  g_autofree char *id = field_id(index);
  const char *label = label_of(f);
  const char *value = xmpp_xdata_field_get_value(f);
  PurpleRequestField *rf = NULL;
  switch (f->type) {
    case XMPP_XDATA_FIELD_HIDDEN:
      return NULL;
    case XMPP_XDATA_FIELD_FIXED: {
      g_autofree char *text = join_values(f);
      return purple_request_field_label_new(id, *text != '\0' ? text : (label ? label : ""));
    }
    case XMPP_XDATA_FIELD_BOOLEAN:
      return purple_request_field_bool_new(id, label, xmpp_xdata_field_get_bool(f));
    case XMPP_XDATA_FIELD_TEXT_MULTI:
    case XMPP_XDATA_FIELD_JID_MULTI: {
      g_autofree char *text = join_values(f);
      rf = purple_request_field_string_new(id, label, text, TRUE);
      break;
    }
    case XMPP_XDATA_FIELD_TEXT_PRIVATE:
      rf = purple_request_field_string_new(id, label, value, FALSE);
      purple_request_field_string_set_masked(rf, TRUE);
      break;
    case XMPP_XDATA_FIELD_LIST_SINGLE:
      if (f->options->len == 0)
        goto single_line;
      rf = purple_request_field_choice_new(id, label, 0);
      for (guint i = 0; i < f->options->len; i++) {
        g_autofree char *text = option_label(f, i);
        purple_request_field_choice_add(rf, text);
        if (g_strcmp0(((XmppXdataOption *)f->options->pdata[i])->value, value) == 0)
          purple_request_field_choice_set_default_value(rf, (int)i);
      }
      purple_request_field_choice_set_value(rf, purple_request_field_choice_get_default_value(rf));
      break;
    case XMPP_XDATA_FIELD_LIST_MULTI:
      rf = purple_request_field_list_new(id, label);
      purple_request_field_list_set_multi_select(rf, TRUE);
      for (guint i = 0; i < f->options->len; i++) {
        XmppXdataOption *o = f->options->pdata[i];
        g_autofree char *text = option_label(f, i);
        purple_request_field_list_add_icon(rf, text, NULL, o->value);
        if (has_value(f, o->value))
          purple_request_field_list_add_selected(rf, text);
      }
      break;
    default:
    single_line:
      rf = purple_request_field_string_new(id, label, value, FALSE);
      if (f->type == XMPP_XDATA_FIELD_JID_SINGLE)
        purple_request_field_set_type_hint(rf, "screenname");
      break;
  }
  purple_request_field_set_required(rf, f->required);
  return rf;
}

PurpleRequestFields *
xmpp_purple_xdata_to_fields(const XmppXdataForm *form, const char *const *actions,
                            int default_action)
{
  PurpleRequestFields *fields = purple_request_fields_new();
  PurpleRequestFieldGroup *group = purple_request_field_group_new(NULL);
  purple_request_fields_add_group(fields, group);
  for (guint i = 0; i < form->fields->len; i++) {
    const XmppXdataField *f = form->fields->pdata[i];
    /* XEP-0221: the CAPTCHA image above its field; only images, only what the stanza held. */
    if (f->media != NULL && f->media->data != NULL &&
        g_str_has_prefix(f->media->mime_type ? f->media->mime_type : "", "image/")) {
      g_autofree char *id = g_strdup_printf("media:%u", i);
      gsize size;
      const char *buf = g_bytes_get_data(f->media->data, &size);
      purple_request_field_group_add_field(
          group, purple_request_field_image_new(id, label_of(f) ? label_of(f) : "", buf, size));
    }
    PurpleRequestField *rf = make_field(f, i);
    if (rf != NULL)
      purple_request_field_group_add_field(group, rf);
  }
  if (actions != NULL && actions[0] != NULL) {
    PurpleRequestField *rf =
        purple_request_field_choice_new(XMPP_PURPLE_XDATA_ACTION_ID, _("Next step"), 0);
    for (guint i = 0; actions[i] != NULL; i++)
      purple_request_field_choice_add(rf, actions[i]);
    purple_request_field_choice_set_default_value(rf, default_action);
    purple_request_field_choice_set_value(rf, default_action);
    purple_request_field_group_add_field(group, rf);
  }
  return fields;
}

static void
split_into(XmppXdataField *f, const char *text)
{
  g_ptr_array_set_size(f->values, 0);
  if (text == NULL || *text == '\0')
    return;
  g_auto(GStrv) lines = g_strsplit(text, "\n", XMPP_XDATA_MAX_VALUES);
  for (guint i = 0; lines[i] != NULL; i++) {
    /* jid-multi: one JID per line, blank lines dropped; text-multi keeps every line. */
    if (f->type == XMPP_XDATA_FIELD_JID_MULTI && *g_strstrip(lines[i]) == '\0')
      continue;
    xmpp_xdata_field_add_value(f, lines[i]);
  }
}

static void
read_field(XmppXdataField *f, PurpleRequestField *rf)
{
  switch (f->type) {
    case XMPP_XDATA_FIELD_BOOLEAN:
      xmpp_xdata_field_set_value(f, purple_request_field_bool_get_value(rf) ? "1" : "0");
      break;
    case XMPP_XDATA_FIELD_TEXT_MULTI:
    case XMPP_XDATA_FIELD_JID_MULTI:
      split_into(f, purple_request_field_string_get_value(rf));
      break;
    case XMPP_XDATA_FIELD_LIST_SINGLE:
      if (purple_request_field_get_type(rf) == PURPLE_REQUEST_FIELD_CHOICE) {
        int i = purple_request_field_choice_get_value(rf);
        if (i >= 0 && (guint)i < f->options->len)
          xmpp_xdata_field_set_value(f, ((XmppXdataOption *)f->options->pdata[i])->value);
        break;
      }
      xmpp_xdata_field_set_value(f, purple_request_field_string_get_value(rf));
      break;
    case XMPP_XDATA_FIELD_LIST_MULTI:
      g_ptr_array_set_size(f->values, 0);
      for (GList *l = purple_request_field_list_get_selected(rf); l != NULL; l = l->next)
        xmpp_xdata_field_add_value(f, purple_request_field_list_get_data(rf, l->data));
      break;
    case XMPP_XDATA_FIELD_FIXED:
    case XMPP_XDATA_FIELD_HIDDEN:
      break;
    default: {
      const char *v = purple_request_field_string_get_value(rf);
      xmpp_xdata_field_set_value(f, v != NULL && *v != '\0' ? v : NULL);
      break;
    }
  }
}

XmppXdataForm *
xmpp_purple_xdata_from_fields(const XmppXdataForm *form, PurpleRequestFields *fields)
{
  XmppXdataForm *out = xmpp_xdata_form_copy(form);
  for (guint i = 0; i < out->fields->len; i++) {
    g_autofree char *id = field_id(i);
    /* Hidden fields have no widget: they keep their value. */
    if (purple_request_fields_exists(fields, id))
      read_field(out->fields->pdata[i], purple_request_fields_get_field(fields, id));
  }
  return out;
}

int
xmpp_purple_xdata_get_action(PurpleRequestFields *fields)
{
  if (!purple_request_fields_exists(fields, XMPP_PURPLE_XDATA_ACTION_ID))
    return -1;
  return purple_request_field_choice_get_value(
      purple_request_fields_get_field(fields, XMPP_PURPLE_XDATA_ACTION_ID));
}

/* ---- the dialog ---- */

typedef struct {
  XmppXdataForm *form;
  XmppPurpleXdataCallback cb;
  gpointer user_data;
  GDestroyNotify destroy;
  GQueue *open;
  void *ui_handle;
  gboolean in_call;  /* inside purple_request_fields: a UI may answer at once */
  gboolean answered; /* answered during that call: freed when it returns */
} Request;

static void
request_free(Request *r)
{
  if (r->open != NULL)
    g_queue_remove(r->open, r);
  xmpp_xdata_form_free(r->form);
  if (r->destroy != NULL)
    r->destroy(r->user_data);
  g_free(r);
}

static void
request_ok(Request *r, PurpleRequestFields *fields)
{
  if (r->open != NULL)
    g_queue_remove(r->open, r);
  r->open = NULL;
  r->cb(xmpp_purple_xdata_from_fields(r->form, fields), xmpp_purple_xdata_get_action(fields),
        r->user_data);
  if (r->in_call)
    r->answered = TRUE;
  else
    request_free(r);
}

static void
request_cancel(Request *r, PurpleRequestFields *fields)
{
  if (r->open != NULL)
    g_queue_remove(r->open, r);
  r->open = NULL;
  r->cb(NULL, -1, r->user_data);
  if (r->in_call)
    r->answered = TRUE;
  else
    request_free(r);
}

void
xmpp_purple_xdata_request(void *handle, GQueue *open, PurpleAccount *account, const char *title,
                          const char *primary, const XmppXdataForm *form,
                          const char *const *actions, int default_action,
                          XmppPurpleXdataCallback cb, gpointer user_data, GDestroyNotify destroy)
{
  Request *r = g_new0(Request, 1);
  r->form = xmpp_xdata_form_copy(form);
  r->cb = cb;
  r->user_data = user_data;
  r->destroy = destroy;
  GString *secondary = g_string_new(NULL);
  for (guint i = 0; i < form->instructions->len; i++) {
    if (i > 0)
      g_string_append_c(secondary, '\n');
    g_string_append(secondary, form->instructions->pdata[i]);
  }
  /* From r's copy: list items point at its option values until the answer. */
  PurpleRequestFields *fields = xmpp_purple_xdata_to_fields(r->form, actions, default_action);
  r->in_call = TRUE;
  void *ui = purple_request_fields(handle, form->title != NULL ? form->title : title, primary,
                                   secondary->len > 0 ? secondary->str : NULL, fields, _("_OK"),
                                   G_CALLBACK(request_ok), _("_Cancel"), G_CALLBACK(request_cancel),
                                   account, NULL, NULL, r);
  g_string_free(secondary, TRUE);
  r->in_call = FALSE;
  if (r->answered) {
    request_free(r);
    return;
  }
  r->ui_handle = ui;
  if (open != NULL) {
    r->open = open;
    g_queue_push_tail(open, r);
  }
}

void
xmpp_purple_xdata_close_all(GQueue *open)
{
  Request *r;
  while ((r = g_queue_pop_head(open)) != NULL) {
    r->open = NULL;
    if (r->ui_handle != NULL)
      purple_request_close(PURPLE_REQUEST_FIELDS, r->ui_handle);
    request_free(r);
  }
}
