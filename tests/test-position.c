/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-position.c: tests for the story ordering keys */

#include <string.h>

#include <glib.h>

#include "ts-position.h"

#define N_ADVERSARIAL 5000
/* Bisection adds a character per about six inserts; allow one per five. */
#define MAX_ADVERSARIAL_LEN (N_ADVERSARIAL / 5 + 10)

/* @key is valid and strictly between @before and @after (either may be NULL
 * for an open end). */
static void
assert_key_between (const char *before,
                    const char *key,
                    const char *after)
{
  g_assert_nonnull (key);
  if (!ts_position_is_valid (key))
    g_error ("invalid key \"%s\" made between \"%s\" and \"%s\"",
             key, before ? before : "(start)", after ? after : "(end)");
  if (before != NULL && strcmp (before, key) >= 0)
    g_error ("key \"%s\" is not above \"%s\"", key, before);
  if (after != NULL && strcmp (key, after) >= 0)
    g_error ("key \"%s\" is not below \"%s\"", key, after);
}

/* Every key valid and the array strictly ascending. */
static void
assert_sorted_keys (GPtrArray *keys)
{
  guint i;

  for (i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);

      g_assert_true (ts_position_is_valid (key));
      if (i > 0)
        g_assert_cmpstr (g_ptr_array_index (keys, i - 1), <, key);
    }
}

static void
test_empty (void)
{
  char *key = ts_position_between (NULL, NULL);

  assert_key_between (NULL, key, NULL);
  g_assert_cmpstr (key, ==, "V");
  g_free (key);
}

/* Appending or prepending n times in a row: each key beyond the previous
 * one, and short (about 2·log62 n characters). */
static void
run_ends (gboolean append,
          guint    n,
          gsize    max_allowed)
{
  char *last = ts_position_between (NULL, NULL);
  gsize max_len = strlen (last);
  guint i;

  for (i = 0; i < n; i++)
    {
      char *key;

      if (append)
        {
          key = ts_position_between (last, NULL);
          assert_key_between (last, key, NULL);
        }
      else
        {
          key = ts_position_between (NULL, last);
          assert_key_between (NULL, key, last);
        }

      max_len = MAX (max_len, strlen (key));
      g_free (last);
      last = key;
    }

  g_test_message ("%s %u times: max key length %" G_GSIZE_FORMAT
                  ", last key \"%s\"",
                  append ? "append" : "prepend", n, max_len, last);
  g_assert_cmpuint (max_len, <=, max_allowed);
  g_free (last);
}

static void
test_append (void)
{
  /* Levels: 1 character for the first 30, 3 up to ~3,800, 5 up to ~238,000. */
  run_ends (TRUE, 10, 1);
  run_ends (TRUE, 10000, 5);
  run_ends (TRUE, 200000, 5);
}

static void
test_prepend (void)
{
  run_ends (FALSE, 10, 1);
  run_ends (FALSE, 10000, 5);
  run_ends (FALSE, 200000, 5);
}

/* Appending and prepending next to a long key: the result is short. */
static void
test_ends_after_long_keys (void)
{
  static const struct {
    const char *before;
    const char *after;
    gsize max_len;
  } cases[] = {
    { "V0000000000000000000000000000000000001", NULL, 1 },
    { NULL, "V0000000000000000000000000000000000001", 1 },
    { "yzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", NULL, 1 },
    { NULL, "100000000000000000000000000000000000001", 2 },
    { "zzzzzzzzzz", NULL, 21 },
    { NULL, "0000000001", 19 },
    { "z", NULL, 3 },
    { "zy", NULL, 3 },
    { "zyz", NULL, 2 },
    { "zz", NULL, 5 },
    { NULL, "1", 2 },
    { NULL, "01", 3 },
    { NULL, "0z", 3 },
    { NULL, "z", 1 },
    { "1", NULL, 1 },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      char *key = ts_position_between (cases[i].before, cases[i].after);

      assert_key_between (cases[i].before, key, cases[i].after);
      g_test_message ("between %s and %s: \"%s\"",
                      cases[i].before ? cases[i].before : "(start)",
                      cases[i].after ? cases[i].after : "(end)", key);
      g_assert_cmpuint (strlen (key), <=, cases[i].max_len);
      g_free (key);
    }
}

/* 10,000 inserts into random gaps of a growing sorted list. */
static void
test_random_inserts (void)
{
  static const guint32 seeds[] = { 1, 42, 20240601, 0xdeadbeef };
  guint s;

  for (s = 0; s < G_N_ELEMENTS (seeds); s++)
    {
      GRand *rand = g_rand_new_with_seed (seeds[s]);
      GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
      gsize max_len = 0;
      guint op;

      for (op = 0; op < 10000; op++)
        {
          guint gap = (guint) g_rand_int_range (rand, 0, (gint32) keys->len + 1);
          const char *before = gap > 0 ? g_ptr_array_index (keys, gap - 1) : NULL;
          const char *after = gap < keys->len ? g_ptr_array_index (keys, gap) : NULL;
          char *key = ts_position_between (before, after);

          assert_key_between (before, key, after);
          max_len = MAX (max_len, strlen (key));
          g_ptr_array_insert (keys, (gint) gap, key);
        }

      assert_sorted_keys (keys);
      g_test_message ("random inserts, seed %u: max key length %" G_GSIZE_FORMAT,
                      seeds[s], max_len);
      /* Random gaps are hit rarely twice; nothing like the worst case. */
      g_assert_cmpuint (max_len, <=, 20);

      g_ptr_array_unref (keys);
      g_rand_free (rand);
    }
}

typedef enum {
  /* Always just above a fixed lower key: between (lower, last made). */
  TOWARD_LOWER,
  /* Always just below a fixed upper key: between (last made, upper). */
  TOWARD_UPPER,
  /* Always between the two most recently made keys. */
  LATEST_TWO,
} Pattern;

static const char *
pattern_name (Pattern pattern)
{
  switch (pattern)
    {
    case TOWARD_LOWER:
      return "toward lower";
    case TOWARD_UPPER:
      return "toward upper";
    case LATEST_TWO:
      return "latest two";
    default:
      g_assert_not_reached ();
    }
}

/* @n inserts into one ever smaller gap between @lower and @upper (either may
 * be NULL). Returns the longest key made. */
static gsize
run_same_gap (const char *lower,
              const char *upper,
              Pattern     pattern,
              guint       n)
{
  char *lo = g_strdup (lower);
  char *hi = g_strdup (upper);
  gsize max_len = 0;
  guint i;

  for (i = 0; i < n; i++)
    {
      char *key = ts_position_between (lo, hi);

      assert_key_between (lo, key, hi);
      max_len = MAX (max_len, strlen (key));

      /* The new key replaces one bound: for TOWARD_LOWER the upper one, for
       * TOWARD_UPPER the lower one, for LATEST_TWO the older of the two. */
      if (pattern == TOWARD_LOWER || (pattern == LATEST_TWO && i % 2 == 0))
        {
          g_free (hi);
          hi = key;
        }
      else
        {
          g_free (lo);
          lo = key;
        }
    }

  g_free (lo);
  g_free (hi);

  return max_len;
}

static void
test_adversarial_same_gap (void)
{
  static const struct {
    const char *lower;
    const char *upper;
  } gaps[] = {
    /* A list of two made the usual way, and the open ends. */
    { "V", "W" },
    { NULL, "V" },
    { "V", NULL },
    { NULL, NULL },
    /* Keys that differ only in a last digit, or by a carry. */
    { "a", "a1" },
    { "az", "b" },
    { "0z", "1" },
    { "0y", "0z" },
    { "y", "z" },
    { "z", "zz" },
    { "zy", "zz" },
    { "zzzy", "zzzz" },
    { "01", "02" },
    { "001", "01" },
    { "0001", "0002" },
    { "1", "101" },
    { "a", "b" },
    { "a", "az" },
    { "1", "2" },
    { "ay", "az" },
  };
  guint g;
  Pattern pattern;

  for (g = 0; g < G_N_ELEMENTS (gaps); g++)
    {
      for (pattern = TOWARD_LOWER; pattern <= LATEST_TWO; pattern++)
        {
          gsize max_len;

          /* An open end cannot be approached by bisection: skip the
           * patterns that would keep it as a bound forever. */
          if ((gaps[g].lower == NULL && pattern == TOWARD_LOWER) ||
              (gaps[g].upper == NULL && pattern == TOWARD_UPPER))
            continue;

          max_len = run_same_gap (gaps[g].lower, gaps[g].upper, pattern,
                                  N_ADVERSARIAL);
          g_test_message ("%u inserts into the gap %s..%s, %s: max key length %"
                          G_GSIZE_FORMAT,
                          N_ADVERSARIAL,
                          gaps[g].lower ? gaps[g].lower : "(start)",
                          gaps[g].upper ? gaps[g].upper : "(end)",
                          pattern_name (pattern), max_len);
          g_assert_cmpuint (max_len, <=, MAX_ADVERSARIAL_LEN);
        }
    }
}

/* The first key of a list of two, and a gap just after it that is hit
 * again and again: the list stays sorted and only the new key is written. */
static void
test_adversarial_list (void)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
  gsize max_len = 0;
  guint i;

  g_ptr_array_add (keys, ts_position_between (NULL, NULL));
  g_ptr_array_add (keys, ts_position_between (g_ptr_array_index (keys, 0), NULL));

  for (i = 0; i < N_ADVERSARIAL; i++)
    {
      /* The previously inserted key is always at index 1. */
      const char *before = g_ptr_array_index (keys, 0);
      const char *after = g_ptr_array_index (keys, 1);
      char *key = ts_position_between (before, after);

      assert_key_between (before, key, after);
      max_len = MAX (max_len, strlen (key));
      g_ptr_array_insert (keys, 1, key);
    }

  assert_sorted_keys (keys);
  g_test_message ("%u inserts just after the first key: max key length %"
                  G_GSIZE_FORMAT, N_ADVERSARIAL, max_len);
  g_assert_cmpuint (max_len, <=, MAX_ADVERSARIAL_LEN);

  g_ptr_array_unref (keys);
}

typedef struct {
  guint id;
  char *key;
} Item;

static gint
compare_items_by_key (gconstpointer a,
                      gconstpointer b)
{
  const Item *item_a = *(Item * const *) a;
  const Item *item_b = *(Item * const *) b;

  return strcmp (item_a->key, item_b->key);
}

/* A list of 200 stories seeded with ts_position_spread(), then 10,000
 * random moves, each computing a single new key. */
static void
test_moves (void)
{
  enum { N_ITEMS = 200, N_MOVES = 10000 };
  GRand *rand = g_rand_new_with_seed (7);
  Item items[N_ITEMS];
  char *old_keys[N_ITEMS];
  GPtrArray *order = g_ptr_array_new ();
  GPtrArray *sorted;
  char **spread = ts_position_spread (N_ITEMS);
  gsize max_len = 0;
  guint i;
  guint move;

  for (i = 0; i < N_ITEMS; i++)
    {
      items[i].id = i;
      items[i].key = spread[i];
      g_ptr_array_add (order, &items[i]);
    }
  g_assert_null (spread[N_ITEMS]);
  g_free (spread); /* the strings now belong to the items */

  for (move = 0; move < N_MOVES; move++)
    {
      guint from = (guint) g_rand_int_range (rand, 0, N_ITEMS);
      guint to = (guint) g_rand_int_range (rand, 0, N_ITEMS);
      Item *moved;
      const char *before;
      const char *after;
      char *key;

      for (i = 0; i < N_ITEMS; i++)
        old_keys[i] = g_strdup (items[i].key);

      /* Take the item out, put it back at index @to of the remaining list. */
      moved = g_ptr_array_steal_index (order, from);
      before = to > 0 ? ((Item *) g_ptr_array_index (order, to - 1))->key : NULL;
      after = to < order->len ? ((Item *) g_ptr_array_index (order, to))->key : NULL;
      key = ts_position_between (before, after);
      assert_key_between (before, key, after);
      max_len = MAX (max_len, strlen (key));
      g_free (moved->key);
      moved->key = key;
      g_ptr_array_insert (order, (gint) to, moved);

      /* Sorting by key gives the intended order. */
      sorted = g_ptr_array_copy (order, NULL, NULL);
      g_ptr_array_sort (sorted, compare_items_by_key);
      for (i = 0; i < N_ITEMS; i++)
        {
          Item *intended = g_ptr_array_index (order, i);
          Item *by_key = g_ptr_array_index (sorted, i);

          g_assert_cmpuint (intended->id, ==, by_key->id);
          if (i > 0)
            g_assert_cmpstr (((Item *) g_ptr_array_index (order, i - 1))->key, <,
                             intended->key);
        }
      g_ptr_array_unref (sorted);

      /* Exactly one row written: every other key is unchanged. */
      for (i = 0; i < N_ITEMS; i++)
        {
          if (i != moved->id)
            g_assert_cmpstr (items[i].key, ==, old_keys[i]);
          g_free (old_keys[i]);
        }
    }

  g_test_message ("%u random moves in a list of %u: max key length %"
                  G_GSIZE_FORMAT, N_MOVES, N_ITEMS, max_len);
  g_assert_cmpuint (max_len, <=, 20);

  for (i = 0; i < N_ITEMS; i++)
    g_free (items[i].key);
  g_ptr_array_unref (order);
  g_rand_free (rand);
}

static void
test_spread (void)
{
  static const struct {
    guint n;
    gsize max_len;
  } cases[] = {
    { 0, 0 },
    { 1, 1 },
    { 2, 1 },
    { 61, 1 },
    { 62, 2 },
    { 1000, 2 },
    { 3843, 2 },
    { 3844, 3 },
    { 100000, 3 }, /* the contract asks for <= 4 */
  };
  guint c;

  for (c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      char **keys = ts_position_spread (cases[c].n);
      gsize max_len = 0;
      guint i;

      g_assert_nonnull (keys);
      g_assert_cmpuint (g_strv_length (keys), ==, cases[c].n);
      for (i = 0; i < cases[c].n; i++)
        {
          g_assert_true (ts_position_is_valid (keys[i]));
          if (i > 0)
            g_assert_cmpstr (keys[i - 1], <, keys[i]);
          max_len = MAX (max_len, strlen (keys[i]));
        }

      g_test_message ("spread %u: max key length %" G_GSIZE_FORMAT,
                      cases[c].n, max_len);
      g_assert_cmpuint (max_len, <=, cases[c].max_len);

      /* Every gap, including both ends, still takes a key. */
      for (i = 0; i <= cases[c].n && cases[c].n <= 1000; i++)
        {
          const char *before = i > 0 ? keys[i - 1] : NULL;
          const char *after = i < cases[c].n ? keys[i] : NULL;
          char *key = ts_position_between (before, after);

          assert_key_between (before, key, after);
          g_free (key);
        }

      g_strfreev (keys);
    }
}

/* Spread keys are evenly spread: one item is "V", the empty list's key. */
static void
test_spread_one (void)
{
  char **keys = ts_position_spread (1);
  char *empty = ts_position_between (NULL, NULL);

  g_assert_cmpstr (keys[0], ==, empty);
  g_assert_cmpstr (keys[1], ==, NULL);

  g_free (empty);
  g_strfreev (keys);
}

static void
test_is_valid (void)
{
  static const char *const valid[] = {
    "1", "V", "z", "a1", "0z", "zz", "001", "A", "Z", "09", "0123456789",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
  };
  static const char *const invalid[] = {
    "", "0", "00", "a0", "a00", "a-b", "\xc3\xa9" /* é */, "a\xc3\xa9",
    " a", "a ", "a\n", "a.b", "a_b", "+1", "[", "`", "{", "@", "/", ":",
  };
  guint i;

  /* NULL is not a key: FALSE, and no critical (checked by the fatal
   * criticals of the test harness). */
  g_assert_false (ts_position_is_valid (NULL));

  for (i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      if (!ts_position_is_valid (valid[i]))
        g_error ("\"%s\" should be valid", valid[i]);
    }
  for (i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      if (ts_position_is_valid (invalid[i]))
        g_error ("\"%s\" should be invalid", invalid[i]);
    }
}

/* Arguments ts_position_between() must refuse with a critical. */
static const struct {
  const char *name;
  const char *before;
  const char *after;
} bad_arguments[] = {
  { "equal", "a", "a" },
  { "reversed", "b", "a" },
  { "reversed-prefix", "a1", "a" },
  { "invalid-before", "a0", "b" },
  { "invalid-after", "a", "a0" },
  { "empty-before", "", "a" },
  { "empty-after", NULL, "" },
  { "not-a-digit", "a-b", NULL },
};

static void
test_precondition (gconstpointer data)
{
  guint i = GPOINTER_TO_UINT (data);

  if (g_test_subprocess ())
    {
      char *key;

      /* Criticals not fatal here, so that the return value can be seen. */
      g_log_set_always_fatal (G_LOG_FATAL_MASK);
      key = ts_position_between (bad_arguments[i].before, bad_arguments[i].after);
      g_assert_null (key);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*ts_position_between*assertion*failed*");
}

/* With the harness's fatal criticals, a bad call aborts. */
static void
test_precondition_fatal (void)
{
  if (g_test_subprocess ())
    {
      char *key = ts_position_between ("b", "a");

      /* Not reached. */
      g_free (key);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*ts_position_between*assertion*failed*");
}

int
main (int   argc,
      char *argv[])
{
  guint i;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/position/empty", test_empty);
  g_test_add_func ("/core/position/append", test_append);
  g_test_add_func ("/core/position/prepend", test_prepend);
  g_test_add_func ("/core/position/ends-after-long-keys", test_ends_after_long_keys);
  g_test_add_func ("/core/position/random-inserts", test_random_inserts);
  g_test_add_func ("/core/position/adversarial/same-gap", test_adversarial_same_gap);
  g_test_add_func ("/core/position/adversarial/after-first", test_adversarial_list);
  g_test_add_func ("/core/position/moves", test_moves);
  g_test_add_func ("/core/position/spread", test_spread);
  g_test_add_func ("/core/position/spread/one", test_spread_one);
  g_test_add_func ("/core/position/is-valid", test_is_valid);
  for (i = 0; i < G_N_ELEMENTS (bad_arguments); i++)
    {
      char *path = g_strdup_printf ("/core/position/precondition/%s",
                                    bad_arguments[i].name);

      g_test_add_data_func (path, GUINT_TO_POINTER (i), test_precondition);
      g_free (path);
    }
  g_test_add_func ("/core/position/precondition/fatal", test_precondition_fatal);

  return g_test_run ();
}
