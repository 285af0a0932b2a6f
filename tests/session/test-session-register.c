/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transcript tests of register_only sessions (XEP-0077 §3.1): TLS as the policy says, then no
 * authentication, and the registration IQs over the router. */
#include "router/namespaces.h"
#include "router/stanza-error.h"
#include "script-server.h"
#include "services/register.h"
#include "test-certs.h"

#define FEATURES_STARTTLS                                                                          \
  "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"      \
  "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"              \
  "</mechanisms></stream:features>"
#define FEATURES_AFTER_TLS                                                                         \
  "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"                         \
  "<mechanism>PLAIN</mechanism></mechanisms>"                                                      \
  "<register xmlns='http://jabber.org/features/iq-register'/></stream:features>"

typedef struct {
  TestPki *pki;
  char *cert, *key;
} Fixture;

static void
fixture_setup(Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  f->pki = test_pki_new(&error);
  g_assert_no_error(error);
  test_pki_issue(f->pki, TEST_CERT_GOOD, SCRIPT_DOMAIN, &f->cert, &f->key, &error);
  g_assert_no_error(error);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
  g_free(f->cert);
  g_free(f->key);
  test_pki_free(f->pki);
}

static XmppSessionConfig
register_config(Fixture *f)
{
  XmppSessionConfig config = {
      .jid = "romeo@example.test",
      .password = "s3cret",
      .tls_policy = XMPP_TLS_POLICY_REQUIRE,
      .ca_file = test_pki_get_ca_file(f->pki),
      .no_system_trust = TRUE,
      .register_only = TRUE,
  };
  return config;
}

typedef struct {
  XmppXdataForm *form;
  GError *error;
  guint calls;
} FormResult;

static void
on_form(const XmppRegisterRequest *req, const GError *error, gpointer data)
{
  FormResult *r = data;
  r->calls++;
  if (req != NULL)
    r->form = xmpp_xdata_form_copy(req->form);
  if (error != NULL)
    r->error = g_error_copy(error);
}

static void
on_done(const GError *error, gpointer data)
{
  FormResult *r = data;
  r->calls++;
  if (error != NULL)
    r->error = g_error_copy(error);
}

/* STARTTLS, then the features after TLS: no <auth/>, and IQs flow through the router. */
static ScriptServer *
register_until_ready(Fixture *f)
{
  XmppSessionConfig config = register_config(f);
  ScriptServer *s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_expect_header(s);
  script_send(s, SCRIPT_STREAM_HEADER FEATURES_STARTTLS);
  g_autoptr(XmppNode) starttls = script_expect(s, XMPP_NS_TLS, "starttls");
  script_start_tls(s, f->cert, f->key, NULL);
  script_send(s, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  script_expect_header(s);
  script_send(s, SCRIPT_STREAM_HEADER FEATURES_AFTER_TLS);
  /* SASL never starts, and the session is not "ready" (no bind). */
  script_expect_nothing(s);
  g_assert_false(xmpp_session_is_ready(s->session));
  g_assert_false(s->closed);
  g_assert_null(strstr(s->events->str, "ready:"));
  return s;
}

static void
test_register_over_tls(Fixture *f, gconstpointer data)
{
  ScriptServer *s = register_until_ready(f);
  XmppRegistration *reg = xmpp_session_get_registration(s->session);
  FormResult r = {0};
  xmpp_registration_fetch(reg, on_form, &r, NULL);
  g_autoptr(XmppNode) get = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(get, "type"), ==, "get");
  g_assert_nonnull(xmpp_node_get_child(get, XMPP_NS_REGISTER, "query"));
  g_autofree char *reply = g_strdup_printf(
      "<iq type='result' id='%s'><query xmlns='jabber:iq:register'>"
      "<instructions>Choose a name</instructions><username/><password/><email/></query></iq>",
      xmpp_node_get_attr(get, "id"));
  script_send(s, reply);
  g_assert_cmpuint(r.calls, ==, 1);
  g_assert_no_error(r.error);
  g_assert_nonnull(r.form);
  g_assert_true(r.form->legacy);
  g_assert_cmpuint(r.form->fields->len, ==, 3);

  xmpp_xdata_field_set_value(xmpp_xdata_form_get_field(r.form, "username"), "romeo");
  xmpp_xdata_field_set_value(xmpp_xdata_form_get_field(r.form, "password"), "s3cret");
  xmpp_xdata_field_set_value(xmpp_xdata_form_get_field(r.form, "email"), "r@example.test");
  FormResult done = {0};
  xmpp_registration_submit(reg, r.form, on_done, &done, NULL);
  g_autoptr(XmppNode) set = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  XmppNode *query = xmpp_node_get_child(set, XMPP_NS_REGISTER, "query");
  g_autofree char *user = xmpp_node_dup_child_text(query, XMPP_NS_REGISTER, "username");
  g_assert_cmpstr(user, ==, "romeo");
  g_autofree char *ok =
      g_strdup_printf("<iq type='result' id='%s'/>", xmpp_node_get_attr(set, "id"));
  script_send(s, ok);
  g_assert_cmpuint(done.calls, ==, 1);
  g_assert_no_error(done.error);
  /* Then the glue closes cleanly. */
  xmpp_session_close(s->session);
  g_assert_true(s->closed);
  g_assert_null(s->closed_error);
  g_assert_false(script_output_contains(s, "<auth"));
  xmpp_xdata_form_free(r.form);
  script_free(s);
}

/* XEP-0077 §3.1: the server's conflict (the name is taken) reaches the caller as such. */
static void
test_register_conflict(Fixture *f, gconstpointer data)
{
  ScriptServer *s = register_until_ready(f);
  XmppXdataForm *form = xmpp_xdata_form_new(XMPP_XDATA_FORM);
  form->legacy = TRUE;
  XmppXdataField *u = xmpp_xdata_field_new(XMPP_XDATA_FIELD_TEXT_SINGLE, "username", NULL);
  xmpp_xdata_field_set_value(u, "romeo");
  g_ptr_array_add(form->fields, u);
  FormResult done = {0};
  xmpp_registration_submit(xmpp_session_get_registration(s->session), form, on_done, &done, NULL);
  g_autoptr(XmppNode) set = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_autofree char *err =
      g_strdup_printf("<iq type='error' id='%s'><error type='cancel'><conflict "
                      "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
                      xmpp_node_get_attr(set, "id"));
  script_send(s, err);
  g_assert_cmpuint(done.calls, ==, 1);
  g_assert_error(done.error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_CONFLICT);
  g_error_free(done.error);
  xmpp_xdata_form_free(form);
  script_free(s);
}

/* T13 for registration: the policy applies; without STARTTLS nothing is sent, not even the
 * registration get (a password would follow it). */
static void
test_T13_register_requires_tls(Fixture *f, gconstpointer data)
{
  XmppSessionConfig config = register_config(f);
  ScriptServer *s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_expect_header(s);
  script_send(s, SCRIPT_STREAM_HEADER
              "<stream:features><register xmlns='http://jabber.org/features/iq-register'/>"
              "</stream:features>");
  g_assert_true(s->closed);
  g_assert_error(s->closed_error, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_ENCRYPTION);
  g_assert_false(script_output_contains(s, "jabber:iq:register"));
  script_free(s);
}

/* Positive twin: an opportunistic account may register on a server without TLS. */
static void
test_register_opportunistic_plain(Fixture *f, gconstpointer data)
{
  XmppSessionConfig config = register_config(f);
  config.tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC;
  ScriptServer *s = script_new(&config);
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_expect_header(s);
  script_send(s, SCRIPT_STREAM_HEADER
              "<stream:features><register xmlns='http://jabber.org/features/iq-register'/>"
              "</stream:features>");
  g_assert_false(s->closed);
  FormResult r = {0};
  xmpp_registration_fetch(xmpp_session_get_registration(s->session), on_form, &r, NULL);
  g_autoptr(XmppNode) get = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_nonnull(xmpp_node_get_child(get, XMPP_NS_REGISTER, "query"));
  /* The session closing ends the pending request exactly once. */
  xmpp_session_close(s->session);
  g_assert_cmpuint(r.calls, ==, 1);
  g_assert_error(r.error, XMPP_IQ_ERROR, XMPP_IQ_ERROR_SESSION_CLOSED);
  g_error_free(r.error);
  script_free(s);
}

typedef struct {
  guint ready, registration_ready, closed;
  gboolean closed_clean;
} Counts;

static void
count_ready(gpointer data, const XmppJid *jid)
{
  ((Counts *)data)->ready++;
}

static void
count_registration_ready(gpointer data)
{
  ((Counts *)data)->registration_ready++;
}

static void
count_closed(gpointer data, const GError *error)
{
  Counts *c = data;
  c->closed++;
  c->closed_clean = error == NULL;
}

/* The registration_ready event itself (the script server's events leave it NULL, which the
 * tests above show is safe): emitted once, instead of SASL, and the session closes cleanly. */
static void
test_registration_ready_event(Fixture *f, gconstpointer data)
{
  FakeHost *fake = fake_host_new();
  Counts counts = {0};
  XmppSessionEvents events = {
      .ready = count_ready,
      .closed = count_closed,
      .registration_ready = count_registration_ready,
  };
  XmppSessionConfig config = register_config(f);
  config.tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC;
  g_autoptr(GError) error = NULL;
  XmppSession *session = xmpp_session_new(&config, &fake->host, &events, &counts, &error);
  g_assert_no_error(error);
  xmpp_session_connect_transport(session, XMPP_TRANSPORT_TCP);
  g_free(fake_host_take_output(fake));
  static const char server[] =
      SCRIPT_STREAM_HEADER "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                           "<mechanism>PLAIN</mechanism></mechanisms></stream:features>";
  xmpp_session_feed(session, (const guint8 *)server, sizeof server - 1);
  g_assert_cmpuint(counts.registration_ready, ==, 1);
  g_assert_cmpuint(counts.ready, ==, 0);
  g_autofree char *out = fake_host_take_output(fake);
  g_assert_null(strstr(out, "<auth")); /* no SASL at all */
  xmpp_session_close(session);
  g_assert_cmpuint(counts.closed, ==, 1);
  g_assert_true(counts.closed_clean);
  xmpp_session_free(session);
  fake_host_free(fake);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add("/session/register/over_tls", Fixture, NULL, fixture_setup, test_register_over_tls,
             fixture_teardown);
  g_test_add("/session/register/conflict", Fixture, NULL, fixture_setup, test_register_conflict,
             fixture_teardown);
  g_test_add("/session/register/T13_register_requires_tls", Fixture, NULL, fixture_setup,
             test_T13_register_requires_tls, fixture_teardown);
  g_test_add("/session/register/opportunistic_plain", Fixture, NULL, fixture_setup,
             test_register_opportunistic_plain, fixture_teardown);
  g_test_add("/session/register/registration_ready_event", Fixture, NULL, fixture_setup,
             test_registration_ready_event, fixture_teardown);
  return g_test_run();
}
