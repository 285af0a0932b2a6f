/* SPDX-License-Identifier: GPL-2.0-or-later */
/* FakeHost: an XmppHost for tests with a manual clock, collected output and scripted random. */
#pragma once

#include "host.h"

typedef struct _FakeHost {
  XmppHost host;      /* pass &fake->host to the core */
  GByteArray *output; /* everything the core sent */
  gint64 now_us;
  GPtrArray *timers; /* FakeTimer* */
  guint next_timer;
  GString *log;          /* every log line, one per line */
  gboolean random_fails; /* the host has no random data: random() returns FALSE */
} FakeHost;

FakeHost *fake_host_new(void);
void fake_host_free(FakeHost *fake);
/* Moves the clock forward, firing due timers in order. */
void fake_host_advance(FakeHost *fake, guint milliseconds);
/* Takes and clears the output as a NUL-terminated string. */
char *fake_host_take_output(FakeHost *fake);
guint fake_host_n_timers(const FakeHost *fake);
