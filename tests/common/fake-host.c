/* SPDX-License-Identifier: GPL-2.0-or-later */
/* FakeHost: manual clock and timers, collected output, for deterministic core tests. */
#include "fake-host.h"

typedef struct {
  guint handle;
  gint64 due_us;
  guint interval_ms;
  GSourceFunc func;
  gpointer data;
} FakeTimer;

static void
fake_send(gpointer data, const guint8 *bytes, gsize len)
{
  FakeHost *fake = data;
  g_byte_array_append(fake->output, bytes, len);
}

static guint
fake_timeout_add(gpointer data, guint ms, GSourceFunc func, gpointer func_data)
{
  FakeHost *fake = data;
  FakeTimer *timer = g_new0(FakeTimer, 1);
  timer->handle = ++fake->next_timer;
  timer->due_us = fake->now_us + (gint64)ms * 1000;
  timer->interval_ms = ms;
  timer->func = func;
  timer->data = func_data;
  g_ptr_array_add(fake->timers, timer);
  return timer->handle;
}

static void
fake_timeout_remove(gpointer data, guint handle)
{
  FakeHost *fake = data;
  for (guint i = 0; i < fake->timers->len; i++) {
    FakeTimer *timer = fake->timers->pdata[i];
    if (timer->handle == handle) {
      g_ptr_array_remove_index(fake->timers, i);
      return;
    }
  }
}

static gint64
fake_now(gpointer data)
{
  return ((FakeHost *)data)->now_us;
}

static gboolean
fake_random(gpointer data, guint8 *buf, gsize len)
{
  FakeHost *fake = data;
  if (fake->random_fails)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    buf[i] = (guint8)g_random_int();
  return TRUE;
}

static void
fake_log(gpointer data, XmppLogLevel level, const char *message)
{
  FakeHost *fake = data;
  g_string_append_printf(fake->log, "%d %s\n", level, message);
  if (g_getenv("LYRE_TEST_VERBOSE") != NULL)
    g_printerr("# log: %s\n", message);
}

FakeHost *
fake_host_new(void)
{
  FakeHost *fake = g_new0(FakeHost, 1);
  fake->host.send = fake_send;
  fake->host.timeout_add = fake_timeout_add;
  fake->host.timeout_remove = fake_timeout_remove;
  fake->host.now = fake_now;
  fake->host.random = fake_random;
  fake->host.log = fake_log;
  fake->host.data = fake;
  fake->output = g_byte_array_new();
  fake->timers = g_ptr_array_new_with_free_func(g_free);
  fake->log = g_string_new(NULL);
  fake->now_us = 1000 * G_USEC_PER_SEC;
  return fake;
}

void
fake_host_free(FakeHost *fake)
{
  if (fake == NULL)
    return;
  g_byte_array_free(fake->output, TRUE);
  g_ptr_array_free(fake->timers, TRUE);
  g_string_free(fake->log, TRUE);
  g_free(fake);
}

static FakeTimer *
earliest_due(FakeHost *fake, gint64 until)
{
  FakeTimer *best = NULL;
  for (guint i = 0; i < fake->timers->len; i++) {
    FakeTimer *timer = fake->timers->pdata[i];
    if (timer->due_us <= until && (best == NULL || timer->due_us < best->due_us))
      best = timer;
  }
  return best;
}

void
fake_host_advance(FakeHost *fake, guint milliseconds)
{
  gint64 until = fake->now_us + (gint64)milliseconds * 1000;
  /* Bounded: a timer that re-arms at zero interval cannot spin forever. */
  for (guint fired = 0; fired < 100000; fired++) {
    FakeTimer *timer = earliest_due(fake, until);
    if (timer == NULL)
      break;
    fake->now_us = MAX(fake->now_us, timer->due_us);
    guint handle = timer->handle;
    gboolean again = timer->func(timer->data);
    /* The callback may have removed the timer (or others): look it up again. */
    for (guint i = 0; i < fake->timers->len; i++) {
      FakeTimer *t = fake->timers->pdata[i];
      if (t->handle != handle)
        continue;
      if (again)
        t->due_us = fake->now_us + (gint64)MAX(t->interval_ms, 1) * 1000;
      else
        g_ptr_array_remove_index(fake->timers, i);
      break;
    }
  }
  fake->now_us = until;
}

char *
fake_host_take_output(FakeHost *fake)
{
  char *text = g_strndup((const char *)fake->output->data, fake->output->len);
  g_byte_array_set_size(fake->output, 0);
  return text;
}

guint
fake_host_n_timers(const FakeHost *fake)
{
  return fake->timers->len;
}
