/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef EW_PBJSON_H
#define EW_PBJSON_H

/* Any protobuf-c message as JSON, field names as in the .proto file
 * (proto3: every field printed, defaults included; enums by name). */

#include <stdio.h>

#include <protobuf-c/protobuf-c.h>

void ew_pb_json(FILE *f, const ProtobufCMessage *m, int indent);
void ew_json_string(FILE *f, const char *s);

#endif /* EW_PBJSON_H */
