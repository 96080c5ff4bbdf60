/* SPDX-License-Identifier: GPL-3.0-or-later */

/* TsPublisher: events leave after the answer that caused them, in order,
 * and a failed publish is retried until the realtime service takes it. */

#include "ts-publisher.h"

typedef struct {
  GPtrArray *delivered;  /* event names, in the order the sink took them */
  guint attempts;
  guint failures_left;
  gboolean async;
} Sink;

typedef struct {
  TsPublishDone callback;
  gpointer callback_data;
  GError *error;
} Answer;

static gboolean
answer_later (gpointer data)
{
  Answer *answer = data;

  answer->callback (answer->callback_data, answer->error);
  g_clear_error (&answer->error);
  g_free (answer);
  return G_SOURCE_REMOVE;
}

/* A realtime service that refuses the first few events it is sent, as one
 * that is down for a moment would. */
static void
sink_publish (const char    *channel,
              const char    *event,
              const char    *data,
              const char    *exclude_socket_id,
              TsPublishDone  callback,
              gpointer       callback_data,
              gpointer       user_data)
{
  Sink *sink = user_data;
  Answer *answer = g_new0 (Answer, 1);

  sink->attempts++;
  answer->callback = callback;
  answer->callback_data = callback_data;
  if (sink->failures_left > 0)
    {
      sink->failures_left--;
      answer->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "refused");
    }
  else
    {
      g_ptr_array_add (sink->delivered, g_strdup (event));
    }

  if (sink->async)
    g_idle_add (answer_later, answer);
  else
    answer_later (answer);
}

/* Runs until the publisher has nothing left to send. */
static void
run_until_sent (TsPublisher *publisher,
                Sink        *sink,
                guint        n)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (ts_publisher_get_n_pending (publisher) > 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (ts_publisher_get_n_pending (publisher), ==, 0);
  g_assert_cmpuint (sink->delivered->len, ==, n);
}

static void
publish_events (TsPublisher *publisher,
                guint        n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *event = g_strdup_printf ("event-%u", i);

      ts_publisher_publish (publisher, "private-project-1", event, "{}", NULL);
    }
}

static void
assert_in_order (Sink  *sink,
                 guint  n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *expected = g_strdup_printf ("event-%u", i);

      g_assert_cmpstr (sink->delivered->pdata[i], ==, expected);
    }
}

static void
check_retries (gconstpointer data)
{
  Sink sink = { g_ptr_array_new_with_free_func (g_free), 0, 3, GPOINTER_TO_INT (data) };
  g_autoptr(TsPublisher) publisher = ts_publisher_new (sink_publish, &sink, NULL);

  ts_publisher_set_backoff (publisher, 1, 8);
  publish_events (publisher, 5);

  /* Nothing leaves before the main loop runs: the REST answer goes first. */
  g_assert_cmpuint (sink.attempts, ==, 0);
  g_assert_cmpuint (ts_publisher_get_n_pending (publisher), ==, 5);

  run_until_sent (publisher, &sink, 5);
  assert_in_order (&sink, 5);
  g_assert_cmpuint (sink.attempts, ==, 5 + 3);
  g_ptr_array_unref (sink.delivered);
}

/* A sink that answers at once is looped over, however long the queue. */
static void
test_long_queue (void)
{
  Sink sink = { g_ptr_array_new_with_free_func (g_free), 0, 0, FALSE };
  g_autoptr(TsPublisher) publisher = ts_publisher_new (sink_publish, &sink, NULL);

  publish_events (publisher, 100000);
  run_until_sent (publisher, &sink, 100000);
  assert_in_order (&sink, 100000);
  g_ptr_array_unref (sink.delivered);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/server/publisher/retries-in-order", GINT_TO_POINTER (FALSE), check_retries);
  g_test_add_data_func ("/server/publisher/retries-in-order-async", GINT_TO_POINTER (TRUE), check_retries);
  g_test_add_func ("/server/publisher/long-queue", test_long_queue);

  return g_test_run ();
}
