/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TS_CORE_ERROR (ts_core_error_quark ())

/**
 * TsCoreError:
 * @TS_CORE_ERROR_MALFORMED: the input is not what it should be at all: not
 *   JSON, not a JSON object, not a date. The server answers 400 `malformed`.
 * @TS_CORE_ERROR_INVALID: the input has the right shape but a value is
 *   refused: a known field with a wrong type or value, an unknown field, a
 *   text over its limit, an estimate off the point scale, a state change
 *   that is not allowed. The server answers 422 `invalid`.
 *
 * The errors of the core library. Their messages are for people and name
 * the field at fault.
 */
typedef enum {
  TS_CORE_ERROR_MALFORMED,
  TS_CORE_ERROR_INVALID,
} TsCoreError;

GQuark ts_core_error_quark (void);

G_END_DECLS
