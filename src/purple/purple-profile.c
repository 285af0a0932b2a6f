/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The glue of our vCard ("Set User Info…"), contacts' vCards in Get Info, and buddy icons
 * (XEP-0054/0084/0153). */
#include <string.h>

#include "purple-glue.h"
#include "purple-errors.h"
#include "purple-i18n.h"
#include "router/stanza-error.h"
#include "im/presence.h"
#include "services/avatar.h"
#include "services/vcard.h"

#define PHOTO_UNREF_DELAY_S 120 /* Get Info windows copy the image when shown; then it can go */

/* Per connection: refcounted, so replies arriving after the connection stopped find conn NULL. */
struct _XmppPurpleProfileState {
  XmppPurpleConn *conn; /* NULL once stopped */
  GList *forms;         /* VcardForm*, open */
};
typedef struct _XmppPurpleProfileState ProfileState;

typedef struct {
  ProfileState *state;
  XmppVcard *base; /* our vCard as fetched: fields the form does not show are kept */
} VcardForm;

static ProfileState *
state_ref(ProfileState *state)
{
  return g_rc_box_acquire(state);
}

static void
state_unref(gpointer state)
{
  g_rc_box_release(state);
}

static XmppPurpleConn *
live_conn(ProfileState *state)
{
  return state != NULL && state->conn != NULL && state->conn->session != NULL ? state->conn : NULL;
}

/* ---- Get Info: a contact's vCard
 * ----------------------------------------------------------------- */

static void
add_text(PurpleNotifyUserInfo *info, const char *label, const char *text)
{
  if (text == NULL || *text == '\0')
    return;
  /* T50: vCard text is never markup. */
  g_autofree char *escaped = g_markup_escape_text(text, -1);
  purple_notify_user_info_add_pair(info, label, escaped);
}

static void
add_list(PurpleNotifyUserInfo *info, const char *label, char **values)
{
  for (char **p = values; p != NULL && *p != NULL; p++)
    add_text(info, label, *p);
}

static char *
format_address(const XmppVcardAddress *a)
{
  GPtrArray *parts = g_ptr_array_new();
  const char *fields[] = {a->street, a->extadd, a->locality, a->region, a->pcode, a->country};
  for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
    if (fields[i] != NULL && *fields[i] != '\0')
      g_ptr_array_add(parts, (gpointer)fields[i]);
  }
  g_ptr_array_add(parts, NULL);
  char *text = parts->len > 1 ? g_strjoinv(", ", (char **)parts->pdata) : NULL;
  g_ptr_array_unref(parts);
  return text;
}

static gboolean
unref_photo(gpointer id)
{
  purple_imgstore_unref_by_id(GPOINTER_TO_INT(id));
  return G_SOURCE_REMOVE;
}

void
xmpp_purple_profile_append_vcard(PurpleNotifyUserInfo *info, const XmppVcard *vcard)
{
  g_return_if_fail(info != NULL);
  if (vcard == NULL)
    return;
  add_text(info, _("Full Name"), vcard->fn);
  add_text(info, _("Given Name"), vcard->given);
  add_text(info, _("Middle Name"), vcard->middle);
  add_text(info, _("Family Name"), vcard->family);
  add_text(info, _("Nickname"), vcard->nickname);
  add_list(info, _("Email"), vcard->emails);
  add_list(info, _("Telephone"), vcard->phones);
  g_autofree char *address = format_address(&vcard->address);
  add_text(info, _("Address"), address);
  add_text(info, _("Organization Name"), vcard->org_name);
  add_text(info, _("Organization Unit"), vcard->org_unit);
  add_text(info, _("Job Title"), vcard->title);
  add_text(info, _("URL"), vcard->url);
  add_text(info, _("Birthday"), vcard->birthday);
  add_text(info, _("Description"), vcard->description);
  gsize len = 0;
  const guint8 *data = vcard->photo != NULL ? g_bytes_get_data(vcard->photo, &len) : NULL;
  /* T51: only images we recognise are shown; the bytes are capped by the parser already. */
  if (data != NULL && xmpp_avatar_sniff_type(data, len) != NULL) {
    int id = purple_imgstore_add_with_id(g_memdup2(data, len), len, NULL);
    g_autofree char *img = g_strdup_printf("<img id=\"%d\">", id);
    purple_notify_user_info_add_pair(info, _("Photo"), img);
    purple_timeout_add_seconds(PHOTO_UNREF_DELAY_S, unref_photo, GINT_TO_POINTER(id));
  }
}

/* ---- Set User Info… -----------------------------------------------------------------------------
 */

typedef struct {
  const char *id;
  const char *label;
  gsize offset; /* of the char* in XmppVcard, or (gsize)-1 for the special ones */
  gboolean multiline;
} FormField;

#define VC(f) G_STRUCT_OFFSET(XmppVcard, f)
static const FormField form_fields[] = {
    {"fn", N_("Full Name"), VC(fn), FALSE},
    {"given", N_("Given Name"), VC(given), FALSE},
    {"family", N_("Family Name"), VC(family), FALSE},
    {"nickname", N_("Nickname"), VC(nickname), FALSE},
    {"email", N_("Email"), (gsize)-1, FALSE},
    {"phone", N_("Telephone"), (gsize)-1, FALSE},
    {"street", N_("Street Address"), VC(address.street), FALSE},
    {"locality", N_("City"), VC(address.locality), FALSE},
    {"region", N_("State/Province"), VC(address.region), FALSE},
    {"pcode", N_("Postal Code"), VC(address.pcode), FALSE},
    {"country", N_("Country"), VC(address.country), FALSE},
    {"org_name", N_("Organization Name"), VC(org_name), FALSE},
    {"org_unit", N_("Organization Unit"), VC(org_unit), FALSE},
    {"title", N_("Job Title"), VC(title), FALSE},
    {"url", N_("URL"), VC(url), FALSE},
    {"birthday", N_("Birthday"), VC(birthday), FALSE},
    {"description", N_("Description"), VC(description), TRUE},
};

static char **
field_slot(XmppVcard *vcard, const FormField *f)
{
  return (char **)G_STRUCT_MEMBER_P(vcard, f->offset);
}

static void
form_free(VcardForm *form)
{
  xmpp_vcard_free(form->base);
  state_unref(form->state);
  g_free(form);
}

static void
form_close(VcardForm *form)
{
  form->state->forms = g_list_remove(form->state->forms, form);
  form_free(form);
}

static void
on_published(const XmppStanza *reply, const GError *error, gpointer data)
{
  XmppPurpleConn *conn = live_conn(data);
  if (conn == NULL || error == NULL)
    return;
  g_autofree char *why = xmpp_purple_stanza_error_text(error, XMPP_PURPLE_ERROR_REQUEST);
  purple_notify_error(conn->gc, _("Set User Info"), _("The server refused your vCard."), why);
}

/* A one-value list field: the first value replaced (or removed), the others kept. */
static void
set_first(char ***list, const char *value)
{
  GPtrArray *out = g_ptr_array_new();
  if (value != NULL && *value != '\0')
    g_ptr_array_add(out, g_strdup(value));
  for (char **p = *list; p != NULL && *p != NULL; p++) {
    if (p != *list)
      g_ptr_array_add(out, g_strdup(*p));
  }
  g_ptr_array_add(out, NULL);
  g_strfreev(*list);
  *list = (char **)g_ptr_array_free(out, FALSE);
}

static void
form_ok(VcardForm *form, PurpleRequestFields *fields)
{
  XmppPurpleConn *conn = live_conn(form->state);
  if (conn != NULL) {
    XmppVcard *vcard = form->base;
    for (guint i = 0; i < G_N_ELEMENTS(form_fields); i++) {
      const FormField *f = &form_fields[i];
      const char *value = purple_request_fields_get_string(fields, f->id);
      g_autofree char *text = g_strstrip(g_strdup(value != NULL ? value : ""));
      if (f->offset == (gsize)-1) {
        set_first(strcmp(f->id, "email") == 0 ? &vcard->emails : &vcard->phones, text);
        continue;
      }
      char **slot = field_slot(vcard, f);
      g_free(*slot);
      *slot = *text != '\0' ? g_steal_pointer(&text) : NULL;
    }
    xmpp_vcards_publish(xmpp_session_get_vcards(conn->session), vcard, on_published,
                        state_ref(form->state), state_unref);
  }
  form_close(form);
}

static void
form_cancel(VcardForm *form, PurpleRequestFields *fields)
{
  form_close(form);
}

static void
show_form(ProfileState *state, const XmppVcard *vcard)
{
  XmppPurpleConn *conn = state->conn;
  VcardForm *form = g_new0(VcardForm, 1);
  form->state = state_ref(state);
  form->base = vcard != NULL ? xmpp_vcard_copy(vcard) : xmpp_vcard_new();
  PurpleRequestFields *fields = purple_request_fields_new();
  PurpleRequestFieldGroup *group = purple_request_field_group_new(NULL);
  purple_request_fields_add_group(fields, group);
  for (guint i = 0; i < G_N_ELEMENTS(form_fields); i++) {
    const FormField *f = &form_fields[i];
    const char *value = f->offset != (gsize)-1        ? *field_slot(form->base, f)
                        : strcmp(f->id, "email") == 0 ? form->base->emails[0]
                                                      : form->base->phones[0];
    purple_request_field_group_add_field(
        group, purple_request_field_string_new(f->id, _(f->label), value, f->multiline));
  }
  state->forms = g_list_prepend(state->forms, form);
  purple_request_fields(state, _("Edit XMPP vCard"),
                        _("All items below are optional. Enter only the information with which "
                          "you feel comfortable."),
                        NULL, fields, _("Save"), G_CALLBACK(form_ok), _("Cancel"),
                        G_CALLBACK(form_cancel), conn->account, NULL, NULL, form);
}

static void
on_own_vcard(const XmppVcard *vcard, const GError *error, gpointer data)
{
  ProfileState *state = data;
  XmppPurpleConn *conn = live_conn(state);
  if (conn == NULL)
    return;
  /* item-not-found: no vCard yet, start from an empty one. Any other failure: do not offer a form
   * that would overwrite a vCard we could not read. */
  if (error != NULL &&
      !g_error_matches(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_ITEM_NOT_FOUND)) {
    g_autofree char *why = xmpp_purple_stanza_error_text(error, XMPP_PURPLE_ERROR_REQUEST);
    purple_notify_error(conn->gc, _("Set User Info"), _("Your vCard could not be fetched."), why);
    return;
  }
  show_form(state, vcard);
}

static void
action_set_user_info(PurplePluginAction *action)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(action->context);
  ProfileState *state = conn != NULL ? conn->profile_state : NULL;
  if (live_conn(state) == NULL)
    return;
  xmpp_vcards_fetch(xmpp_session_get_vcards(conn->session), NULL, on_own_vcard, state_ref(state),
                    state_unref);
}

/* ---- buddy icons -------------------------------------------------------------------------------
 */

/* Width and height from a PNG or GIF header (XEP-0084 metadata wants them); 0 when unknown. */
static void
image_size(const guint8 *d, gsize len, guint *width, guint *height)
{
  *width = *height = 0;
  if (len >= 24 && memcmp(d, "\x89PNG", 4) == 0) {
    *width = (guint)d[16] << 24 | (guint)d[17] << 16 | (guint)d[18] << 8 | d[19];
    *height = (guint)d[20] << 24 | (guint)d[21] << 16 | (guint)d[22] << 8 | d[23];
  } else if (len >= 10 && memcmp(d, "GIF8", 4) == 0) {
    *width = (guint)d[6] | (guint)d[7] << 8;
    *height = (guint)d[8] | (guint)d[9] << 8;
  }
  if (*width > G_MAXUINT16 || *height > G_MAXUINT16)
    *width = *height = 0;
}

void
xmpp_purple_profile_set_buddy_icon(PurpleConnection *gc, PurpleStoredImage *img)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  if (live_conn(conn != NULL ? conn->profile_state : NULL) == NULL)
    return;
  g_autoptr(GBytes) bytes = NULL;
  guint width = 0, height = 0;
  if (img != NULL) {
    gsize len = purple_imgstore_get_size(img);
    const guint8 *data = purple_imgstore_get_data(img);
    bytes = g_bytes_new(data, len);
    image_size(data, len, &width, &height);
  }
  g_autoptr(GError) error = NULL;
  if (!xmpp_avatars_publish(xmpp_session_get_avatars(conn->session), bytes, width, height,
                            &error)) {
    purple_notify_error(gc, _("Buddy Icon"), _("This image cannot be used as a buddy icon."),
                        _("Use a PNG, JPEG, GIF or WebP image of at most 512 KiB."));
  }
}

static char *
dup_current_hash(gpointer data, const char *bare)
{
  XmppPurpleConn *conn = live_conn(data);
  PurpleBuddy *buddy = conn != NULL ? purple_find_buddy(conn->account, bare) : NULL;
  return buddy != NULL ? g_strdup(purple_buddy_icons_get_checksum_for_user(buddy)) : NULL;
}

static void
avatar_changed(gpointer data, const char *bare, GBytes *bytes, const char *hash)
{
  XmppPurpleConn *conn = live_conn(data);
  if (conn == NULL)
    return;
  if (bytes == NULL) {
    purple_buddy_icons_set_for_user(conn->account, bare, NULL, 0, NULL);
    return;
  }
  gsize len = 0;
  const guint8 *d = g_bytes_get_data(bytes, &len);
  /* purple takes the buffer and keeps the icon in its cache under the checksum (the hash). */
  purple_buddy_icons_set_for_user(conn->account, bare, g_memdup2(d, len), len, hash);
}

static void
own_hash_changed(gpointer data)
{
  XmppPurpleConn *conn = live_conn(data);
  if (conn != NULL)
    xmpp_presence_resend_own(xmpp_session_get_presence(conn->session)); /* XEP-0153 §4.1 */
}

/* ---- the area's entry points --------------------------------------------------------------------
 */

void
xmpp_purple_profile_start(XmppPurpleConn *conn)
{
  ProfileState *state = g_rc_box_new0(ProfileState);
  state->conn = conn;
  conn->profile_state = state;
  XmppAvatars *avatars = xmpp_session_get_avatars(conn->session);
  static const XmppAvatarEvents events = {
      .dup_current_hash = dup_current_hash,
      .changed = avatar_changed,
      .own_hash_changed = own_hash_changed,
  };
  xmpp_avatars_set_events(avatars, &events, state);
  xmpp_presence_add_own_extension(xmpp_session_get_presence(conn->session),
                                  xmpp_avatars_build_update, avatars);
  xmpp_avatars_start(avatars);
}

void
xmpp_purple_profile_stop(XmppPurpleConn *conn)
{
  ProfileState *state = conn->profile_state;
  if (state == NULL)
    return;
  if (conn->session != NULL) {
    XmppAvatars *avatars = xmpp_session_get_avatars(conn->session);
    xmpp_avatars_set_events(avatars, NULL, NULL);
    xmpp_presence_remove_own_extension(xmpp_session_get_presence(conn->session),
                                       xmpp_avatars_build_update, avatars);
  }
  state->conn = NULL;
  /* Closing a request does not call its callbacks: free the open forms ourselves. */
  purple_request_close_with_handle(state);
  while (state->forms != NULL)
    form_close(state->forms->data);
  conn->profile_state = NULL;
  state_unref(state);
}

GList *
xmpp_purple_profile_actions(GList *actions)
{
  return g_list_append(actions,
                       purple_plugin_action_new(_("Set User Info…"), action_set_user_info));
}

GList *
xmpp_purple_profile_buddy_menu(PurpleBlistNode *node, GList *menu)
{
  return menu;
}
