/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for http-upload.c (XEP-0363): the service and its limit from the server's items,
 * the request, the slot (https only, the three allowed headers on one line each), the file
 * name told to the service, and the refusals (too large here, or by the service). */
#include "services/http-upload.h"
#include "im/oob.h"
#include "router-fixture.h"
#include "router/stanza-error.h"
#include "services/namespaces.h"
#include "parse-helper.h"

#include <string.h>

#define DOMAIN  "shakespeare.example"
#define SERVICE "upload." DOMAIN
#define NS      "urn:xmpp:http:upload:0"

typedef struct {
  TestRouter *t;
  XmppServerItems *items;
  XmppHttpUpload *up;
  GString *log;
} Fixture;

static void
setup(Fixture *f, gconstpointer unused)
{
  f->t = test_router_new("juliet@" DOMAIN "/balcony");
  f->items = xmpp_server_items_new(f->t->router, &f->t->fake->host);
  f->up = xmpp_http_upload_new(f->t->router, &f->t->fake->host, f->items);
  f->log = g_string_new(NULL);
}

static void
teardown(Fixture *f, gconstpointer unused)
{
  xmpp_http_upload_free(f->up);
  xmpp_server_items_free(f->items);
  test_router_free(f->t);
  g_string_free(f->log, TRUE);
}

/* The server lists the service, which says it stores files up to max bytes (0: not said). */
static void
discover(Fixture *f, guint64 max)
{
  xmpp_server_items_discover(f->items, DOMAIN);
  test_router_answer_last(f->t, "<query xmlns='http://jabber.org/protocol/disco#items'>"
                                "<item jid='" SERVICE "'/></query>");
  g_autofree char *form =
      max > 0 ? g_strdup_printf("<x xmlns='jabber:x:data' type='result'>"
                                "<field var='FORM_TYPE' type='hidden'><value>" NS "</value></field>"
                                "<field var='max-file-size'><value>%" G_GUINT64_FORMAT
                                "</value></field></x>",
                                max)
              : g_strdup("");
  g_autofree char *payload = g_strdup_printf("<query xmlns='http://jabber.org/protocol/disco#info'>"
                                             "<identity category='store' type='file'/>"
                                             "<feature var='" NS "'/>%s</query>",
                                             form);
  test_router_answer_last(f->t, payload);
}

static void
on_slot(gpointer data, const XmppHttpSlot *slot, const GError *error)
{
  Fixture *f = data;
  if (error != NULL) {
    g_string_append_printf(f->log, "error[%s|%s]",
                           error->domain == XMPP_HTTP_UPLOAD_ERROR ? "upload" : "other",
                           error->message);
    return;
  }
  g_string_append_printf(f->log, "slot[%s|%s", slot->put_url, slot->get_url);
  for (guint i = 0; i < slot->headers->len; i++) {
    const XmppHttpHeader *h = slot->headers->pdata[i];
    g_string_append_printf(f->log, "|%s=%s", h->name, h->value);
  }
  g_string_append(f->log, "]");
}

static XmppHttpSlot *
parse_slot(const char *inner, GError **error)
{
  g_autofree char *xml = g_strdup_printf("<slot xmlns='" NS "'>%s</slot>", inner);
  g_autoptr(XmppNode) node = test_parse_element(xml);
  return xmpp_http_slot_parse(node, error);
}

static void
test_service_and_limit(Fixture *f, gconstpointer unused)
{
  g_assert_false(xmpp_http_upload_get_service(f->up, NULL, NULL));
  discover(f, 1048576);
  const char *jid = NULL;
  guint64 max = 0;
  g_assert_true(xmpp_http_upload_get_service(f->up, &jid, &max));
  g_assert_cmpstr(jid, ==, SERVICE);
  g_assert_cmpuint(max, ==, 1048576);
}

static void
test_no_service(Fixture *f, gconstpointer unused)
{
  g_autoptr(GError) error = NULL;
  g_assert_false(xmpp_http_upload_request_slot(f->up, "a.txt", 1, NULL, on_slot, f, NULL, &error));
  g_assert_error(error, XMPP_HTTP_UPLOAD_ERROR, XMPP_HTTP_UPLOAD_ERROR_NO_SERVICE);
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 0);
}

/* Over the service's limit: refused here, nothing asked. Exactly the limit: asked. */
static void
test_too_large_here(Fixture *f, gconstpointer unused)
{
  discover(f, 1000);
  guint sent = test_router_n_sent(f->t);
  g_autoptr(GError) error = NULL;
  g_assert_false(
      xmpp_http_upload_request_slot(f->up, "big.bin", 1001, NULL, on_slot, f, NULL, &error));
  g_assert_error(error, XMPP_HTTP_UPLOAD_ERROR, XMPP_HTTP_UPLOAD_ERROR_TOO_LARGE);
  g_assert_nonnull(strstr(error->message, "1000"));
  g_assert_cmpuint(test_router_n_sent(f->t), ==, sent);
  g_assert_true(xmpp_http_upload_request_slot(f->up, "big.bin", 1000, "application/octet-stream",
                                              on_slot, f, NULL, NULL));
  g_autofree char *iq = test_router_dup_sent_string(f->t, sent);
  g_assert_nonnull(strstr(iq, "to='" SERVICE "'"));
  g_assert_nonnull(strstr(iq, "<request xmlns='" NS "' filename='big.bin' size='1000' "
                              "content-type='application/octet-stream'/>"));
}

static void
test_slot_answered(Fixture *f, gconstpointer unused)
{
  discover(f, 0);
  g_assert_true(xmpp_http_upload_request_slot(f->up, "/home/juliet/rose.jpg", 23456, "image/jpeg",
                                              on_slot, f, NULL, NULL));
  g_autofree char *iq = test_router_dup_sent_string(f->t, test_router_n_sent(f->t) - 1);
  g_assert_nonnull(strstr(iq, "filename='rose.jpg'")); /* never the path */
  test_router_answer_last(f->t, "<slot xmlns='" NS "'><put url='https://up.example/r/rose.jpg'>"
                                "<header name='Authorization'>Basic Base64String==</header>"
                                "<header name='Cookie'>foo=bar; user=romeo</header>"
                                "<header name='Host'>evil.example</header></put>"
                                "<get url='https://up.example/r/rose.jpg'/></slot>");
  g_assert_cmpstr(f->log->str, ==,
                  "slot[https://up.example/r/rose.jpg|https://up.example/r/rose.jpg"
                  "|Authorization=Basic Base64String==|Cookie=foo=bar; user=romeo]");
}

/* §4.1: the service refuses with its limit said. */
static void
test_too_large_by_service(Fixture *f, gconstpointer unused)
{
  discover(f, 0);
  g_assert_true(
      xmpp_http_upload_request_slot(f->up, "big.bin", 5000, NULL, on_slot, f, NULL, NULL));
  XmppNode *iq = test_router_last_sent(f->t);
  test_router_dispatchf(f->t,
                        "<iq type='error' id='%s' from='" SERVICE "'><error type='modify'>"
                        "<not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                        "<file-too-large xmlns='" NS "'><max-file-size>4096</max-file-size>"
                        "</file-too-large></error></iq>",
                        xmpp_node_get_attr(iq, "id"));
  g_assert_cmpstr(f->log->str, ==, "error[upload|the server takes files of at most 4096 bytes]");
}

/* Any other refusal comes through as the stanza error. */
static void
test_other_refusal(Fixture *f, gconstpointer unused)
{
  discover(f, 0);
  g_assert_true(xmpp_http_upload_request_slot(f->up, "a", 1, NULL, on_slot, f, NULL, NULL));
  XmppNode *iq = test_router_last_sent(f->t);
  test_router_dispatchf(f->t,
                        "<iq type='error' id='%s' from='" SERVICE "'><error type='auth'>"
                        "<forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
                        xmpp_node_get_attr(iq, "id"));
  g_assert_true(g_str_has_prefix(f->log->str, "error[other|"));
}

/* A slot the glue could not use safely is an error, never a PUT somewhere else. */
static void
test_bad_slots(Fixture *f, gconstpointer unused)
{
  const char *bad[] = {
      "<put url='http://up.example/a'/><get url='https://up.example/a'/>", /* plain HTTP */
      "<put url='https://up.example/a'/><get url='ftp://up.example/a'/>",
      "<put url='https://up.example/a'/>", /* no get */
      "<get url='https://up.example/a'/>", /* no put */
      "<put url='https://'/><get url='https://up.example/a'/>",
      "<put url='https://up.example/a b'/><get url='https://up.example/a'/>",
      "<put url='https://up.example/a&#10;Host: x'/><get url='https://up.example/a'/>",
      "<put xmlns='urn:other' url='https://up.example/a'/><get url='https://up.example/a'/>",
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    g_assert_null(parse_slot(bad[i], &error));
    g_assert_error(error, XMPP_HTTP_UPLOAD_ERROR, XMPP_HTTP_UPLOAD_ERROR_BAD_SLOT);
  }
  g_autoptr(GError) error = NULL;
  g_assert_null(xmpp_http_slot_parse(NULL, &error));
  /* Its positive twin: the same with https on both. */
  g_autoptr(XmppHttpSlot) good =
      parse_slot("<put url='HTTPS://up.example/a'/><get url='https://up.example/a'/>", NULL);
  g_assert_nonnull(good);
  g_assert_cmpuint(good->headers->len, ==, 0);
}

/* A header value on two lines (request splitting) or empty is dropped; the rest stay. */
static void
test_header_lines(Fixture *f, gconstpointer unused)
{
  g_autoptr(XmppHttpSlot) slot =
      parse_slot("<put url='https://up.example/a'>"
                 "<header name='Authorization'>Bearer x&#13;&#10;Host: evil.example</header>"
                 "<header name='Cookie'>  </header>"
                 "<header name='expires'> Tue, 01 Dec 2026 12:00:00 GMT </header></put>"
                 "<get url='https://up.example/a'/>",
                 NULL);
  g_assert_nonnull(slot);
  g_assert_cmpuint(slot->headers->len, ==, 1);
  const XmppHttpHeader *h = slot->headers->pdata[0];
  g_assert_cmpstr(h->name, ==, "Expires");
  g_assert_cmpstr(h->value, ==, "Tue, 01 Dec 2026 12:00:00 GMT");
}

static void
test_clean_name(Fixture *f, gconstpointer unused)
{
  const struct {
    const char *in, *out;
  } cases[] = {
      {"rose.jpg", "rose.jpg"},
      {"/home/juliet/rose.jpg", "rose.jpg"},
      {"a\nb\x01.txt", "ab.txt"},
      {"back\\slash", "backslash"},
      {"..", "download"},
      {"", "download"},
      {NULL, "download"},
      {"dir/", "download"},
      {"caf\xc3\xa9.txt", "caf\xc3\xa9.txt"},
      {"bad\xff.txt", "bad\xef\xbf\xbd.txt"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *got = xmpp_http_upload_clean_name(cases[i].in);
    g_assert_cmpstr(got, ==, cases[i].out);
  }
  g_autofree char *longname = g_strnfill(1000, 'x');
  g_autofree char *cut = xmpp_http_upload_clean_name(longname);
  g_assert_cmpuint(strlen(cut), ==, XMPP_OOB_MAX_NAME);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
  ADD("/http-upload/service-and-limit", test_service_and_limit);
  ADD("/http-upload/no-service", test_no_service);
  ADD("/http-upload/too-large-here", test_too_large_here);
  ADD("/http-upload/slot-answered", test_slot_answered);
  ADD("/http-upload/too-large-by-service", test_too_large_by_service);
  ADD("/http-upload/other-refusal", test_other_refusal);
  ADD("/http-upload/bad-slots", test_bad_slots);
  ADD("/http-upload/header-lines", test_header_lines);
  ADD("/http-upload/clean-name", test_clean_name);
  return g_test_run();
}
