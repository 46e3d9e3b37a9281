/* Installing an SA in the NIC's table through SA_STAGE and SA_COMMAND (docs: hw/spec/DATASHEET.md). */
#ifndef SA_INSTALL_H
#define SA_INSTALL_H

#include <stdint.h>

#include "esp_frame.h"
#include "nicsim.h"

/* The 128-byte SA record (NICSIM_SA_RECORD_*) of one end of an SA: direction 0 outbound, 1 inbound. */
void sa_record(uint8_t record[NICSIM_SA_RECORD_BYTES], const esp_sa *sa, uint32_t direction, uint32_t unique_id);

/*
 * Stage the record word by word in SA_STAGE, install it in entry `index` of the TX (rx = 0) or RX
 * table by SA_COMMAND, and read SA_STATUS: 0 and the SA's handle (GENERATION << 16 | index + 1),
 * or the error code SA_STATUS gave.
 */
uint32_t sa_install(nicsim *device, const uint8_t record[NICSIM_SA_RECORD_BYTES], uint32_t rx, uint32_t index, uint32_t *handle);

#endif /* SA_INSTALL_H */
