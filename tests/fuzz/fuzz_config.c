/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer harness for the YAML loader and validation: any input gives a
 * config or diagnostics, never a crash, a hang or a leak. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ew_diag d;
	struct ew_config *c = ew_config_load_string("fuzz.yaml", (const char *)data,
			size, &d);

	if (c != NULL) {
		/* what loads must save and load back */
		char *y = ew_config_save(c);
		struct ew_config *c2;

		if (y == NULL)
			abort();
		c2 = ew_config_load_string("saved.yaml", y, strlen(y), &d);
		if (c2 == NULL)
			abort();
		ew_config_free(c2);
		free(y);
		ew_config_free(c);
	}
	return 0;
}
