/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ts-position.c: fractional ordering keys for the story priority order
 *
 * Keys are base-62 fractions in (0, 1): "V" is 0.V, "a1" is 0.a1. The digit
 * alphabet 0-9A-Za-z is in ASCII order, so, for keys that do not end in '0',
 * strcmp order is exactly numeric order and distinct keys are distinct
 * numbers. Every key this module returns ends in a digit other than '0';
 * ts_position_is_valid() checks exactly that, and the preconditions of
 * ts_position_between() require it of its arguments.
 *
 * Three cases:
 *
 * - Between two keys (both given): the midpoint. Skip the common prefix
 *   (the shorter key padded with '0'), then at the first differing digit
 *   take a digit strictly between the two. If the two digits are adjacent,
 *   either stop at @after's digit (when @after goes on after it) or keep
 *   @before's digit and go one digit deeper. This is bisection on digits: a
 *   gap shrinks by about half per insert, so inserting again and again into
 *   the same gap adds one character per about six inserts (log2 62 ≈ 5.95;
 *   we measure 6 per char). 10,000 moves into the very same gap therefore
 *   make keys of about 1,700 characters. That is fine: such keys are still
 *   correct, still compare with strcmp, and nothing ever has to be
 *   renumbered. No order of inserts can do better in the worst case, since a
 *   key of length L can only tell apart 62^L positions.
 *
 * - At the end (@after NULL) and at the start (@before NULL): not the
 *   midpoint towards 1 or 0, which halves the space left at that end on
 *   every append and makes appended keys grow linearly (one character per
 *   six appends). Instead the key space near each end is cut into levels.
 *   At the end, level m holds the keys "z"×m followed by a digit other than
 *   'z' and m more digits: 61·62^m keys, each at most 2m+1 characters long.
 *   To append, take the first 2m+1 digits of @before (where m is the number
 *   of leading 'z's of @before), add one in the last of them (a
 *   (m+1)-digit counter), and drop trailing '0's; when the counter
 *   overflows we arrive at "z"×(m+1), the door to the next level. So n
 *   appends in a row make keys of length about 2·log62(n): from an empty
 *   list, the first 30 appends give 1 character, up to 3,812 give 3, up to
 *   238,296 give 5 (so 10,000 appends in a row stay at 5), then 7 up to
 *   about 14.7 million.
 *   The start mirrors this with leading '0's and a counter counting down.
 *
 * - Both NULL: "V", the middle digit, leaving room for both ends.
 *
 * The functions keep no state and allocate nothing but their result.
 */

#define G_LOG_DOMAIN "ts-position"

#include "ts-position.h"

#include <string.h>

#define BASE 62
#define MIN_DIGIT '0'
#define MAX_DIGIT 'z'

/* The key for an empty list, and the middle of ts_position_spread (1). */
#define FIRST_KEY "V"

/* The digit written when bisection goes one level deeper, i.e. between
 * "nothing more" (0) and the end of the digit range (62). 'W' (32) rather
 * than 'V' (31): from 32, halving down reaches 1 in five steps (16, 8, 4, 2,
 * 1) and halving up reaches 61 in five (47, 54, 58, 60, 61), so repeated
 * inserts into one gap get six keys per character in both directions; from
 * 31 the way down takes only four. */
#define DEEPER_DIGIT 32

static const char digits[] =
  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

G_STATIC_ASSERT (sizeof digits == BASE + 1);

/* The value of a base-62 digit, or -1 if @c is not one. Not
 * g_ascii_isalnum(): explicit ranges, so nothing depends on a locale. */
static inline int
digit_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'Z')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 36;
  return -1;
}

/**
 * ts_position_is_valid:
 * @key: (nullable): a key to check
 *
 * Whether @key is a key this module could have made: non-empty, only the
 * base-62 digits 0-9A-Za-z, and not ending in the smallest digit '0' (so
 * that a key always exists below it).
 *
 * NULL-safe: %NULL is simply not a valid key, so it returns %FALSE without
 * a critical warning; this is the check the server runs on stored data.
 *
 * Returns: %TRUE if @key is a valid position key
 */
gboolean
ts_position_is_valid (const char *key)
{
  const char *p;

  if (key == NULL || *key == '\0')
    return FALSE;

  for (p = key; *p != '\0'; p++)
    {
      if (digit_value (*p) < 0)
        return FALSE;
    }

  return p[-1] != MIN_DIGIT;
}

/* Drops trailing '0's from the first @len bytes of @key and terminates it.
 * @key must hold a digit other than '0' somewhere in those bytes. */
static char *
terminate_without_trailing_zeros (char  *key,
                                  gsize  len)
{
  while (len > 0 && key[len - 1] == MIN_DIGIT)
    len--;
  g_assert (len > 0);
  key[len] = '\0';

  return key;
}

/* Both keys valid, @before < @after. */
static char *
position_midpoint (const char *before,
                   const char *after)
{
  gsize before_len = strlen (before);
  gsize after_len = strlen (after);
  gsize n = 0;
  gsize i;
  int d_before;
  int d_after;
  char *key;

  /* The result is never longer than the longer argument plus one digit. */
  key = g_malloc (MAX (before_len, after_len) + 2);

  /* Common prefix, @before padded with '0's. It ends inside @after: either
   * @before is a proper prefix of @after, and the rest of @after is not all
   * '0's, or the two differ at a position inside both. */
  while ((n < before_len ? before[n] : MIN_DIGIT) == after[n])
    n++;
  g_assert (n < after_len);

  memcpy (key, after, n);
  d_before = n < before_len ? digit_value (before[n]) : 0;
  d_after = digit_value (after[n]);
  g_assert (d_before < d_after);

  /* Room for a digit in between. It is at least 1, so never '0'. */
  if (d_after - d_before > 1)
    {
      key[n] = digits[(d_before + d_after) / 2];
      key[n + 1] = '\0';
      return key;
    }

  /* Adjacent digits, and @after goes on after its digit: @after cut short
   * is below @after and, with the larger digit here, above @before. It ends
   * in d_after >= 1. */
  if (n + 1 < after_len)
    {
      key[n] = after[n];
      key[n + 1] = '\0';
      return key;
    }

  /* Adjacent digits and @after ends here: keep @before's digit and find a
   * key between the rest of @before and 1, i.e. copy its leading 'z's and
   * then take a digit above its next one. */
  key[n] = digits[d_before];
  i = n + 1;
  while (i < before_len && before[i] == MAX_DIGIT)
    {
      key[i] = MAX_DIGIT;
      i++;
    }

  if (i < before_len)
    key[i] = digits[(digit_value (before[i]) + BASE) / 2];
  else
    key[i] = digits[DEEPER_DIGIT];
  key[i + 1] = '\0';

  return key;
}

/* @before valid. See the comment at the top for the levels. */
static char *
position_append (const char *before)
{
  gsize before_len = strlen (before);
  gsize m = 0;
  gsize len;
  gsize i;
  char *key;

  while (m < before_len && before[m] == MAX_DIGIT)
    m++;

  /* "z"×m, then the (m+1)-digit counter, @before's digits padded with '0'. */
  len = 2 * m + 1;
  key = g_malloc (len + 1);
  for (i = 0; i < len; i++)
    key[i] = i < before_len ? before[i] : MIN_DIGIT;

  /* Add one. The counter's first digit is not 'z' (or is a padding '0'), so
   * the carry stops inside the counter: at worst it becomes "z0…0", which is
   * "z"×(m+1), the start of the next level. */
  i = len;
  while (i > m)
    {
      i--;
      if (key[i] == MAX_DIGIT)
        {
          key[i] = MIN_DIGIT;
        }
      else
        {
          key[i] = digits[digit_value (key[i]) + 1];
          break;
        }
    }

  /* The counter grew by one unit of its last digit while whatever @before
   * has past the counter is less than one such unit: the key is above
   * @before. Dropping trailing '0's keeps its value. */
  return terminate_without_trailing_zeros (key, len);
}

/* @after valid. The mirror image of position_append(). */
static char *
position_prepend (const char *after)
{
  gsize after_len = strlen (after);
  gsize m = 0;
  gsize len;
  gsize i;
  char *key;

  /* A valid key is not all '0's, so m < after_len and after[m] != '0'. */
  while (after[m] == MIN_DIGIT)
    m++;

  /* "0"×m, then the (m+1)-digit counter; room for the "0z" case below. */
  len = 2 * m + 1;
  key = g_malloc (MAX (len + 1, sizeof "0z"));
  for (i = 0; i < len; i++)
    key[i] = i < after_len ? after[i] : MIN_DIGIT;

  /* Subtract one. The counter's first digit is not '0', so the borrow stops
   * inside the counter: at worst it becomes "0z…z", the next level. */
  i = len;
  while (i > m)
    {
      i--;
      if (key[i] == MIN_DIGIT)
        {
          key[i] = MAX_DIGIT;
        }
      else
        {
          key[i] = digits[digit_value (key[i]) - 1];
          break;
        }
    }

  /* Only @after = "1…" (m = 0, counter 1) counts down to zero, which is
   * not a key. "0z" is the largest key of the next level that fits. */
  if (m == 0 && key[0] == MIN_DIGIT)
    {
      key[0] = MIN_DIGIT;
      key[1] = MAX_DIGIT;
      key[2] = '\0';
      return key;
    }

  /* The key is one counter unit below @after's first 2m+1 digits and
   * @after is at or above them: the key is below @after, and above 0. */
  return terminate_without_trailing_zeros (key, len);
}

/**
 * ts_position_between:
 * @before: (nullable): the key of the story above, %NULL for the start of
 *   the list
 * @after: (nullable): the key of the story below, %NULL for the end of the
 *   list
 *
 * Makes a key strictly between @before and @after in bytewise (strcmp)
 * order, so that a story can be moved by writing its own row only. Both
 * %NULL gives the key for an empty list.
 *
 * Given keys must be valid (see ts_position_is_valid()) and, when both are
 * given, @before must sort strictly before @after; otherwise this emits a
 * critical warning and returns %NULL.
 *
 * Returns: (transfer full) (nullable): a newly allocated valid key, or
 *   %NULL if a precondition failed
 */
char *
ts_position_between (const char *before,
                     const char *after)
{
  g_return_val_if_fail (before == NULL || ts_position_is_valid (before), NULL);
  g_return_val_if_fail (after == NULL || ts_position_is_valid (after), NULL);
  g_return_val_if_fail (before == NULL || after == NULL ||
                        strcmp (before, after) < 0, NULL);

  if (before != NULL && after != NULL)
    return position_midpoint (before, after);
  if (before != NULL)
    return position_append (before);
  if (after != NULL)
    return position_prepend (after);

  return g_strdup (FIRST_KEY);
}

/**
 * ts_position_spread:
 * @n: the number of keys to make
 *
 * Makes @n keys spread evenly over the key space, for seeding a list of @n
 * items: key i (from 1) is the fraction i/(n+1), rounded down to the
 * fewest digits w that keep all keys distinct (62^w >= n+1), so keys are at
 * most ceil(log62(n+1)) characters: 1 up to 61 items, 3 for 100,000.
 *
 * Returns: (transfer full) (array zero-terminated=1): @n valid keys in
 *   ascending order, %NULL-terminated; free with g_strfreev()
 */
char **
ts_position_spread (guint n)
{
  guint64 count = (guint64) n + 1;
  guint64 space = BASE;
  guint64 step;
  guint64 rest;
  gsize width = 1;
  char **keys;
  guint i;

  /* 62^w >= n+1, so key values floor(i·62^w / (n+1)), i = 1..n, are
   * distinct, at least 1 and below 62^w. For n <= G_MAXUINT, w <= 6 and
   * 62^6 < 2^36: no overflow. */
  while (space < count)
    {
      space *= BASE;
      width++;
    }

  /* i·62^w / (n+1) without overflowing 64 bits: i·step + i·rest / (n+1). */
  step = space / count;
  rest = space % count;

  keys = g_new (char *, count);
  for (i = 0; i < n; i++)
    {
      guint64 k = (guint64) i + 1;
      guint64 value = k * step + k * rest / count;
      char *key = g_malloc (width + 1);
      gsize j;

      for (j = width; j > 0; j--)
        {
          key[j - 1] = digits[value % BASE];
          value /= BASE;
        }

      keys[i] = terminate_without_trailing_zeros (key, width);
    }
  keys[n] = NULL;

  return keys;
}
