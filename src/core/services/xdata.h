/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppXdataForm: the XEP-0004 data forms model (parse, fill, submit), with XEP-0221 media and
 * XEP-0231 bits of binary for CAPTCHA images, and the legacy "fields as elements" forms of
 * XEP-0077 and XEP-0055 mapped onto the same model so one renderer shows them all. */
#pragma once

#include "router/stanza.h"
#include "services/namespaces.h"

G_BEGIN_DECLS

/* Hard limits: a form from the network costs bounded memory (T52). */
#define XMPP_XDATA_MAX_FIELDS      256
#define XMPP_XDATA_MAX_VALUES      256         /* values (or options) of one field */
#define XMPP_XDATA_MAX_ITEMS       1000        /* result rows */
#define XMPP_XDATA_MAX_MEDIA_BYTES (64 * 1024) /* decoded bytes of one BoB image (T51) */

typedef enum {
  XMPP_XDATA_FIELD_TEXT_SINGLE, /* the default when type is absent (XEP-0004 §3.2) */
  XMPP_XDATA_FIELD_BOOLEAN,
  XMPP_XDATA_FIELD_FIXED,
  XMPP_XDATA_FIELD_HIDDEN,
  XMPP_XDATA_FIELD_JID_SINGLE,
  XMPP_XDATA_FIELD_JID_MULTI,
  XMPP_XDATA_FIELD_LIST_SINGLE,
  XMPP_XDATA_FIELD_LIST_MULTI,
  XMPP_XDATA_FIELD_TEXT_MULTI,
  XMPP_XDATA_FIELD_TEXT_PRIVATE,
} XmppXdataFieldType;

typedef enum {
  XMPP_XDATA_FORM,
  XMPP_XDATA_SUBMIT,
  XMPP_XDATA_CANCEL,
  XMPP_XDATA_RESULT,
} XmppXdataFormType;

typedef struct {
  char *label; /* may be NULL: show the value */
  char *value;
} XmppXdataOption;

typedef struct {
  char *mime_type; /* from <uri type=...> */
  GBytes *data;    /* the image from a BoB <data/> in the same stanza, or NULL */
  char *uri;       /* the first uri (cid: or http:) */
} XmppXdataMedia;

typedef struct {
  XmppXdataFieldType type;
  char *var; /* NULL only on fixed fields */
  char *label;
  char *desc;
  gboolean required;
  GPtrArray *values;     /* char* */
  GPtrArray *options;    /* XmppXdataOption* */
  XmppXdataMedia *media; /* XEP-0221, or NULL */
} XmppXdataField;

typedef struct {
  XmppXdataFormType type;
  char *title;
  GPtrArray *instructions; /* char* */
  GPtrArray *fields;       /* XmppXdataField* */
  GPtrArray *reported;     /* XmppXdataField*: result columns (XEP-0004 §3.4) */
  GPtrArray *items;        /* GPtrArray* of XmppXdataField*: result rows */
  gboolean legacy;         /* built from legacy XEP-0077/0055 fields, not from jabber:x:data */
} XmppXdataForm;

const char *xmpp_xdata_field_type_name(XmppXdataFieldType type);
/* Unknown names give TEXT_SINGLE (XEP-0004 §3.3). */
XmppXdataFieldType xmpp_xdata_field_type_from_name(const char *name);

XmppXdataForm *xmpp_xdata_form_new(XmppXdataFormType type);
void xmpp_xdata_form_free(XmppXdataForm *form);
XmppXdataForm *xmpp_xdata_form_copy(const XmppXdataForm *form);

/* x is a <x xmlns='jabber:x:data'/>; stanza (optional) is the whole stanza, searched for the
 * XEP-0231 <data/> that media fields point to. NULL (with error) when x is not a form or breaks
 * a limit. */
XmppXdataForm *xmpp_xdata_form_parse(const XmppNode *x, const XmppNode *stanza, GError **error);
/* The <x/> of a form in any type (submit: only vars and values, no fixed fields, XEP-0004 §3.4). */
XmppNode *xmpp_xdata_form_to_node(const XmppXdataForm *form);
/* The answer to a form: a copy of its values as type 'submit'. */
XmppNode *xmpp_xdata_form_build_submit(const XmppXdataForm *form);
/* <x xmlns='jabber:x:data' type='cancel'/> */
XmppNode *xmpp_xdata_cancel_new(void);
/* The FORM_TYPE hidden field's value (XEP-0068), or NULL. */
const char *xmpp_xdata_form_get_form_type(const XmppXdataForm *form);

XmppXdataField *xmpp_xdata_field_new(XmppXdataFieldType type, const char *var, const char *label);
void xmpp_xdata_field_free(XmppXdataField *field);
XmppXdataField *xmpp_xdata_form_get_field(const XmppXdataForm *form, const char *var);
/* The first value, or NULL. */
const char *xmpp_xdata_field_get_value(const XmppXdataField *field);
/* Replaces every value with one (NULL: none). */
void xmpp_xdata_field_set_value(XmppXdataField *field, const char *value);
void xmpp_xdata_field_add_value(XmppXdataField *field, const char *value);
void xmpp_xdata_field_add_option(XmppXdataField *field, const char *label, const char *value);
/* "1"/"true" (XEP-0004 §3.3 boolean). */
gboolean xmpp_xdata_field_get_bool(const XmppXdataField *field);
/* Required fields without a value (XEP-0004 §3.2): the var of the first one, or NULL. */
const char *xmpp_xdata_form_first_missing(const XmppXdataForm *form);

/* Legacy forms (XEP-0077 §3, XEP-0055 §2): every child element of query in its own namespace,
 * except those named in skip (NULL-terminated), becomes a required text field ("password" a
 * private one) with the element's text as its value. <instructions/> becomes the instructions. */
XmppXdataForm *xmpp_xdata_form_from_legacy(const XmppNode *query, const char *const *skip);
/* Adds one child element per field of a legacy form to query (in query's namespace). */
void xmpp_xdata_form_to_legacy(const XmppXdataForm *form, XmppNode *query);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppXdataForm, xmpp_xdata_form_free)

G_END_DECLS
