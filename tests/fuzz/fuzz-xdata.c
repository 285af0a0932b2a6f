/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: XEP-0004 data forms (services/xdata.c) with XEP-0221 media and XEP-0231
 * bits of binary, and the services that carry them, driven through the router: in-band
 * registration (services/register.c: the form, then our submission), an ad-hoc command
 * (services/adhoc.c: each stage's form is submitted again, as a user clicking "next" would)
 * and a user search (services/search.c: the form, then the results). Oracles on every data form
 * anywhere in the input: the model stays within its limits; the form we build from it parses
 * back to a model that builds the very same element; a copy builds the same element; our
 * submission is a valid submit form; legacy (XEP-0077/0055) fields survive being written and
 * read again.
 *
 * The first input byte is the mode: bit 0 registration, bit 1 an ad-hoc command, bit 2 a
 * search, bit 3 requests end by timeout, else bit 4 by the modules' own frees, else by the
 * session closing. */
#include <stdio.h>
#include <string.h>

#include "fuzz-harness.h"
#include "services/adhoc.h"
#include "services/register.h"
#include "services/search.h"
#include "xml/writer.h"

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);

#define MAX_STAGES 4 /* ad-hoc stages followed before the harness cancels */

static void
check_field(const XmppXdataField *f)
{
  fuzz_check(f->type <= XMPP_XDATA_FIELD_TEXT_PRIVATE, "a known field type");
  fuzz_check(f->var != NULL || f->type == XMPP_XDATA_FIELD_FIXED, "only fixed fields lack a var");
  fuzz_check(f->values->len <= XMPP_XDATA_MAX_VALUES, "values within the limit");
  fuzz_check(f->options->len <= XMPP_XDATA_MAX_VALUES, "options within the limit");
  fuzz_check_utf8(f->var, "a var");
  fuzz_check_utf8(f->label, "a label");
  fuzz_check_utf8(f->desc, "a description");
  for (guint i = 0; i < f->values->len; i++)
    fuzz_check_utf8(f->values->pdata[i], "a value");
  for (guint i = 0; i < f->options->len; i++) {
    const XmppXdataOption *o = f->options->pdata[i];
    fuzz_check(o->value != NULL, "an option has a value");
  }
  if (f->media != NULL && f->media->data != NULL) {
    gsize len = g_bytes_get_size(f->media->data);
    fuzz_check(len > 0 && len <= XMPP_XDATA_MAX_MEDIA_BYTES, "media within the limit (T51)");
  }
}

static void
check_fields(const GPtrArray *fields)
{
  fuzz_check(fields->len <= XMPP_XDATA_MAX_FIELDS, "fields within the limit");
  for (guint i = 0; i < fields->len; i++)
    check_field(fields->pdata[i]);
}

static void
check_node_equal(const XmppNode *a, const XmppNode *b, const char *what)
{
  if (xmpp_node_equal(a, b))
    return;
  char *ta = xmpp_xml_node_to_string(a), *tb = xmpp_xml_node_to_string(b);
  fprintf(stderr, "%s\n%s\n", ta, tb);
  g_free(ta);
  g_free(tb);
  fuzz_check(FALSE, what);
}

static void
check_form(const XmppXdataForm *form)
{
  fuzz_check_utf8(form->title, "a title");
  fuzz_check(form->instructions->len <= XMPP_XDATA_MAX_VALUES, "instructions within the limit");
  check_fields(form->fields);
  check_fields(form->reported);
  fuzz_check(form->items->len <= XMPP_XDATA_MAX_ITEMS, "items within the limit");
  for (guint i = 0; i < form->items->len; i++)
    check_fields(form->items->pdata[i]);
  (void)xmpp_xdata_form_first_missing(form);
  (void)xmpp_xdata_form_get_form_type(form);
  for (guint i = 0; i < form->fields->len; i++)
    (void)xmpp_xdata_field_get_bool(form->fields->pdata[i]);
  if (form->legacy)
    return;
  /* model -> element -> model -> element: the same element. */
  XmppNode *built = xmpp_xdata_form_to_node(form);
  fuzz_check_round_trip(built);
  GError *error = NULL;
  XmppXdataForm *again = xmpp_xdata_form_parse(built, NULL, &error);
  if (again == NULL) {
    char *text = xmpp_xml_node_to_string(built);
    fprintf(stderr, "%s\n%s\n", error->message, text);
    g_free(text);
    fuzz_check(FALSE, "the form we build parses");
  }
  XmppNode *rebuilt = xmpp_xdata_form_to_node(again);
  check_node_equal(built, rebuilt, "a form reads back as the same form");
  XmppXdataForm *copy = xmpp_xdata_form_copy(form);
  XmppNode *copied = xmpp_xdata_form_to_node(copy);
  check_node_equal(built, copied, "a copy builds the same form");
  /* Our answer: a submit form with the fields the user can fill. */
  XmppNode *submit = xmpp_xdata_form_build_submit(form);
  fuzz_check_round_trip(submit);
  XmppXdataForm *submitted = xmpp_xdata_form_parse(submit, NULL, NULL);
  fuzz_check(submitted != NULL && submitted->type == XMPP_XDATA_SUBMIT,
             "our submission is a submit form");
  for (guint i = 0; i < submitted->fields->len; i++)
    fuzz_check(((XmppXdataField *)submitted->fields->pdata[i])->var != NULL,
               "a submitted field has a var");
  xmpp_xdata_form_free(submitted);
  xmpp_node_free(submit);
  xmpp_node_free(copied);
  xmpp_xdata_form_free(copy);
  xmpp_node_free(rebuilt);
  xmpp_xdata_form_free(again);
  xmpp_node_free(built);
}

/* XEP-0077/0055 legacy fields: the elements we write for them read back as the same fields. */
static void
check_legacy(const XmppNode *query)
{
  XmppXdataForm *form = xmpp_xdata_form_from_legacy(query, NULL);
  fuzz_check(form->legacy, "a legacy form says so");
  check_form(form);
  XmppNode *written = xmpp_node_new(query->ns, "query");
  xmpp_xdata_form_to_legacy(form, written);
  fuzz_check_round_trip(written);
  XmppXdataForm *again = xmpp_xdata_form_from_legacy(written, NULL);
  fuzz_check(again->fields->len == form->fields->len, "legacy fields read back");
  for (guint i = 0; i < form->fields->len; i++) {
    const XmppXdataField *a = form->fields->pdata[i], *b = again->fields->pdata[i];
    fuzz_check(g_strcmp0(a->var, b->var) == 0 && a->type == b->type &&
                   g_strcmp0(xmpp_xdata_field_get_value(a), xmpp_xdata_field_get_value(b)) == 0,
               "a legacy field reads back the same");
  }
  xmpp_xdata_form_free(again);
  xmpp_node_free(written);
  xmpp_xdata_form_free(form);
}

/* Every data form anywhere in the stanza (the stanza is the scope for its BoB data), and
 * every registration or search query as legacy fields. */
static void
inspect_tree(const XmppNode *stanza, const XmppNode *node)
{
  for (XmppNode *c = xmpp_node_first_element(node); c != NULL;
       c = xmpp_node_next_child(node, c, NULL, NULL)) {
    if (xmpp_node_is(c, XMPP_NS_XDATA, "x")) {
      XmppXdataForm *form = xmpp_xdata_form_parse(c, stanza, NULL);
      if (form != NULL) {
        check_form(form);
        xmpp_xdata_form_free(form);
      }
    } else if (xmpp_node_is(c, XMPP_NS_REGISTER, "query") ||
               xmpp_node_is(c, XMPP_NS_SEARCH, "query")) {
      check_legacy(c);
    }
    inspect_tree(stanza, c); /* the parser bounds the depth */
  }
}

static void
inspect(gpointer data, const XmppNode *node)
{
  inspect_tree(node, node);
  XmppRegisterRequest *reg = xmpp_register_request_parse(node, NULL);
  if (reg != NULL) {
    fuzz_check(reg->form != NULL, "a registration request has a form");
    check_form(reg->form);
    xmpp_register_request_prefill(reg, "juliet", "secret");
    XmppNode *submit = xmpp_register_build_submit("example.test", reg->form);
    fuzz_check_round_trip(submit);
    xmpp_node_free(submit);
    xmpp_register_request_free(reg);
  }
}

/* ---- the services -------------------------------------------------------------------------- */

typedef struct {
  XmppRegistration *registration;
  XmppAdhoc *adhoc;
  XmppSearch *search;
  guint stages;
  guint calls;    /* callbacks run */
  guint expected; /* callbacks due */
} Run;

static void
on_registered(const GError *error, gpointer user_data)
{
  ((Run *)user_data)->calls++;
}

static void
on_register_form(const XmppRegisterRequest *request, const GError *error, gpointer user_data)
{
  Run *run = user_data;
  run->calls++;
  fuzz_check((request == NULL) != (error == NULL), "a form or an error");
  if (request == NULL)
    return;
  check_form(request->form);
  fuzz_check_utf8(request->oob_url, "an OOB URL");
  /* The user filled it in: prefill as the glue does, submit. */
  XmppXdataForm *form = xmpp_xdata_form_copy(request->form);
  for (guint i = 0; i < form->fields->len; i++) {
    XmppXdataField *f = form->fields->pdata[i];
    if (f->var != NULL && xmpp_xdata_field_get_value(f) == NULL)
      xmpp_xdata_field_set_value(f, "x");
  }
  run->expected++;
  xmpp_registration_submit(run->registration, form, on_registered, run, NULL);
  xmpp_xdata_form_free(form);
}

static void
on_stage(const XmppAdhocStage *stage, const GError *error, gpointer user_data)
{
  Run *run = user_data;
  run->calls++;
  fuzz_check((stage == NULL) != (error == NULL), "a stage or an error");
  if (stage == NULL)
    return;
  fuzz_check(stage->notes->len <= XMPP_ADHOC_MAX_NOTES, "notes within the limit");
  fuzz_check(stage->actions != 0 && (stage->actions & stage->default_action) != 0,
             "the default action is allowed");
  if (stage->form != NULL)
    check_form(stage->form);
  if (stage->status != XMPP_ADHOC_STATUS_EXECUTING)
    return;
  /* The next step with the stage's own answer, a few times, then cancel. */
  gboolean more = ++run->stages < MAX_STAGES;
  run->expected++;
  xmpp_adhoc_execute(run->adhoc, "example.test", stage->node != NULL ? stage->node : "config",
                     stage->sessionid, more ? stage->default_action : XMPP_ADHOC_ACTION_CANCEL,
                     stage->form, on_stage, run, NULL);
}

static void
on_results(const XmppXdataForm *form, const GError *error, gpointer user_data)
{
  Run *run = user_data;
  run->calls++;
  fuzz_check((form == NULL) != (error == NULL), "results or an error");
  if (form != NULL)
    check_form(form);
}

static void
on_search_form(const XmppXdataForm *form, const GError *error, gpointer user_data)
{
  Run *run = user_data;
  run->calls++;
  fuzz_check((form == NULL) != (error == NULL), "a form or an error");
  if (form == NULL)
    return;
  check_form(form);
  XmppXdataForm *filled = xmpp_xdata_form_copy(form);
  if (filled->fields->len > 0)
    xmpp_xdata_field_set_value(filled->fields->pdata[0], "romeo");
  run->expected++;
  xmpp_search_submit(run->search, "search.example.test", filled, on_results, run, NULL);
  xmpp_xdata_form_free(filled);
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
  Run run = {
      .registration = xmpp_registration_new(h->router, host),
      .adhoc = xmpp_adhoc_new(h->router, host, disco),
      .search = xmpp_search_new(h->router, host, disco),
  };
  if (mode & 1) {
    run.expected++;
    xmpp_registration_fetch(run.registration, on_register_form, &run, NULL);
  }
  if (mode & 2) {
    run.expected++;
    xmpp_adhoc_execute(run.adhoc, "example.test", "config", NULL, XMPP_ADHOC_ACTION_EXECUTE, NULL,
                       on_stage, &run, NULL);
  }
  if (mode & 4) {
    run.expected++;
    xmpp_search_fetch_form(run.search, "search.example.test", on_search_form, &run, NULL);
  }
  fuzz_harness_feed(h, data + 1, size - 1);
  fuzz_harness_end(h, (mode & 8) ? FUZZ_END_TIMEOUT : (mode & 16) ? FUZZ_END_FREE : FUZZ_END_CLOSE);
  xmpp_search_free(run.search);
  xmpp_adhoc_free(run.adhoc);
  xmpp_registration_free(run.registration);
  xmpp_disco_free(disco);
  fuzz_check(run.calls == run.expected, "every request ends exactly once");
  fuzz_check(xmpp_router_n_pending(h->router) == 0, "no request outlives its module");
  fuzz_harness_free(h);
  return 0;
}
