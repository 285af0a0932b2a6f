/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The XEP-0115 §5 verification string and hash of a disco#info answer (pure; used by caps.c). */
#include "services/caps.h"

#include <gnutls/crypto.h>
#include <string.h>
#include "services/namespaces.h"

static int
compare_identities(gconstpointer a, gconstpointer b)
{
  const XmppDiscoIdentity *x = *(XmppDiscoIdentity *const *)a, *y = *(XmppDiscoIdentity *const *)b;
  int c = strcmp(x->category, y->category);
  if (c == 0)
    c = strcmp(x->type, y->type);
  if (c == 0)
    c = g_strcmp0(x->lang ? x->lang : "", y->lang ? y->lang : "");
  if (c == 0)
    c = g_strcmp0(x->name ? x->name : "", y->name ? y->name : "");
  return c;
}

static int
compare_strings(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static GPtrArray *
field_values(const XmppNode *field)
{
  GPtrArray *values = g_ptr_array_new_with_free_func(g_free);
  for (XmppNode *v = xmpp_node_get_child(field, XMPP_NS_XDATA, "value"); v != NULL;
       v = xmpp_node_next_child(field, v, XMPP_NS_XDATA, "value"))
    g_ptr_array_add(values, xmpp_node_dup_text(v));
  return values;
}

typedef struct {
  char *form_type;
  GString *text; /* the form's part of S, without FORM_TYPE */
} FormPart;

static int
compare_forms(gconstpointer a, gconstpointer b)
{
  return strcmp((*(FormPart *const *)a)->form_type, (*(FormPart *const *)b)->form_type);
}

static void
form_part_free(gpointer data)
{
  FormPart *part = data;
  g_free(part->form_type);
  g_string_free(part->text, TRUE);
  g_free(part);
}

typedef struct {
  char *var;
  GString *text; /* "var<value<value<" */
} FieldPart;

static void
field_part_free(gpointer data)
{
  FieldPart *part = data;
  g_free(part->var);
  g_string_free(part->text, TRUE);
  g_free(part);
}

static int
compare_fields(gconstpointer a, gconstpointer b)
{
  return strcmp((*(FieldPart *const *)a)->var, (*(FieldPart *const *)b)->var);
}

/* §5.4 step 3.6: forms without a hidden FORM_TYPE are ignored; more than one value makes the
 * whole answer unusable (returns FALSE). */
static gboolean
form_part(const XmppNode *form, FormPart **out)
{
  *out = NULL;
  g_autofree char *form_type = NULL;
  gboolean hidden = FALSE;
  GString *text = g_string_new(NULL);
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(field_part_free);
  for (XmppNode *f = xmpp_node_get_child(form, XMPP_NS_XDATA, "field"); f != NULL;
       f = xmpp_node_next_child(form, f, XMPP_NS_XDATA, "field")) {
    const char *var = xmpp_node_get_attr(f, "var");
    if (var == NULL)
      continue;
    g_autoptr(GPtrArray) values = field_values(f);
    if (strcmp(var, "FORM_TYPE") == 0) {
      if (form_type != NULL || values->len != 1) {
        g_string_free(text, TRUE);
        return FALSE;
      }
      form_type = g_strdup(values->pdata[0]);
      hidden = g_strcmp0(xmpp_node_get_attr(f, "type"), "hidden") == 0;
      continue;
    }
    g_ptr_array_sort(values, compare_strings);
    FieldPart *one = g_new0(FieldPart, 1);
    one->var = g_strdup(var);
    one->text = g_string_new(var);
    g_string_append_c(one->text, '<');
    for (guint i = 0; i < values->len; i++)
      g_string_append_printf(one->text, "%s<", (char *)values->pdata[i]);
    g_ptr_array_add(parts, one);
  }
  /* §5.1 step 8.2: fields sorted by var. */
  g_ptr_array_sort(parts, compare_fields);
  for (guint i = 0; i < parts->len; i++)
    g_string_append(text, ((FieldPart *)parts->pdata[i])->text->str);
  if (form_type == NULL || !hidden) {
    g_string_free(text, TRUE);
    return TRUE;
  }
  FormPart *part = g_new0(FormPart, 1);
  part->form_type = g_steal_pointer(&form_type);
  part->text = text;
  *out = part;
  return TRUE;
}

/* g_ptr_array_copy would keep the free function: this one borrows the elements. */
static GPtrArray *
borrowed_copy(const GPtrArray *array)
{
  GPtrArray *copy = g_ptr_array_sized_new(array->len);
  for (guint i = 0; i < array->len; i++)
    g_ptr_array_add(copy, array->pdata[i]);
  return copy;
}

char *
xmpp_caps_verification_string(const XmppDiscoInfo *info)
{
  g_return_val_if_fail(info != NULL, NULL);
  g_autoptr(GPtrArray) ids = borrowed_copy(info->identities);
  g_ptr_array_sort(ids, compare_identities);
  g_autoptr(GPtrArray) features = borrowed_copy(info->features);
  g_ptr_array_sort(features, compare_strings);
  g_autoptr(GPtrArray) forms = g_ptr_array_new_with_free_func(form_part_free);
  for (guint i = 0; i < info->forms->len; i++) {
    FormPart *part;
    if (!form_part(info->forms->pdata[i], &part))
      return NULL;
    if (part != NULL)
      g_ptr_array_add(forms, part);
  }
  g_ptr_array_sort(forms, compare_forms);
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < ids->len; i++) {
    const XmppDiscoIdentity *id = ids->pdata[i];
    /* §5.4 step 3.3: duplicate identities make the answer unusable. */
    if (i > 0 && compare_identities(&ids->pdata[i - 1], &ids->pdata[i]) == 0)
      goto invalid;
    g_string_append_printf(s, "%s/%s/%s/%s<", id->category, id->type, id->lang ? id->lang : "",
                           id->name ? id->name : "");
  }
  for (guint i = 0; i < features->len; i++) {
    if (i > 0 && strcmp(features->pdata[i - 1], features->pdata[i]) == 0)
      goto invalid; /* §5.4 step 3.4 */
    g_string_append_printf(s, "%s<", (char *)features->pdata[i]);
  }
  for (guint i = 0; i < forms->len; i++) {
    FormPart *part = forms->pdata[i];
    if (i > 0 && compare_forms(&forms->pdata[i - 1], &forms->pdata[i]) == 0)
      goto invalid; /* §5.4 step 3.5 */
    g_string_append_printf(s, "%s<%s", part->form_type, part->text->str);
  }
  return g_string_free(s, FALSE);
invalid:
  g_string_free(s, TRUE);
  return NULL;
}

char *
xmpp_caps_compute_ver(const XmppDiscoInfo *info)
{
  g_autofree char *s = xmpp_caps_verification_string(info);
  if (s == NULL)
    return NULL;
  guint8 digest[20];
  if (gnutls_hash_fast(GNUTLS_DIG_SHA1, s, strlen(s), digest) != 0)
    return NULL;
  return g_base64_encode(digest, sizeof digest);
}
