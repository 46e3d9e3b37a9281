/* SA installation by the driver (fill mode "driver" of the base driver, in C). */
#include "sa_install.h"

#include <string.h>

static void put_address(uint8_t *at, uint32_t address) {
  at[0] = (uint8_t)(address >> 24), at[1] = (uint8_t)(address >> 16), at[2] = (uint8_t)(address >> 8), at[3] = (uint8_t)address;
}

void sa_record(uint8_t record[NICSIM_SA_RECORD_BYTES], const esp_sa *sa, uint32_t direction, uint32_t unique_id) {
  memset(record, 0, NICSIM_SA_RECORD_BYTES);
  NICSIM_WRITE(record, SA_RECORD_MAGIC, NICSIM_SA_RECORD_MAGIC);
  NICSIM_WRITE(record, SA_RECORD_RECORD_LENGTH, NICSIM_SA_RECORD_BYTES);
  NICSIM_WRITE(record, SA_RECORD_PROTOCOL, NICSIM_SA_RECORD_PROTOCOL_ESP);
  NICSIM_WRITE(record, SA_RECORD_DIRECTION, direction);
  NICSIM_WRITE(record, SA_RECORD_UNIQUE_ID, unique_id);
  NICSIM_WRITE(record, SA_RECORD_SPI, sa->spi);
  NICSIM_WRITE(record, SA_RECORD_KEY_LENGTH, 16);
  NICSIM_WRITE(record, SA_RECORD_ICV_LENGTH, ESP_ICV_BYTES);
  memcpy(record + NICSIM_SA_RECORD_KEY_OFFSET, sa->key_material, 16);
  memcpy(record + NICSIM_SA_RECORD_SALT_OFFSET, sa->key_material + 16, 4);
  put_address(record + NICSIM_SA_RECORD_SOURCE_OFFSET, sa->source);
  put_address(record + NICSIM_SA_RECORD_DESTINATION_OFFSET, sa->destination);
}

uint32_t sa_install(nicsim *device, const uint8_t record[NICSIM_SA_RECORD_BYTES], uint32_t rx, uint32_t index, uint32_t *handle) {
  for (uint32_t word = 0; word < NICSIM_SA_STAGE_WORDS; word++) nicsim_mmio_write(device, NICSIM_SA_STAGE(word), (uint32_t)nicsim_read_le(record, 4 * word, 4));
  uint32_t command = NICSIM_FIELD_PREP(SA_COMMAND_OPERATION, NICSIM_SA_COMMAND_OPERATION_INSTALL) | NICSIM_FIELD_PREP(SA_COMMAND_DIRECTION, rx) | NICSIM_FIELD_PREP(SA_COMMAND_INDEX, index);
  nicsim_mmio_write(device, NICSIM_SA_COMMAND, command);
  // The read does not pass the posted writes: it returns the status of this command.
  uint32_t status = nicsim_mmio_read(device, NICSIM_SA_STATUS);
  while (status & NICSIM_SA_STATUS_BUSY_BIT) status = nicsim_mmio_read(device, NICSIM_SA_STATUS);
  uint32_t code = NICSIM_FIELD_GET(SA_STATUS_CODE, status);
  if (code != 0) return code;
  *handle = NICSIM_FIELD_PREP(TX_DESCRIPTOR_SA_HANDLE_GENERATION, NICSIM_FIELD_GET(SA_STATUS_GENERATION, status)) | NICSIM_FIELD_PREP(TX_DESCRIPTOR_SA_HANDLE_ENTRY, index + 1);
  return 0;
}
