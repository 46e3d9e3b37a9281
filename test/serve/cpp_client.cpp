// The C client's headers from C++ (built with g++ by c-client-limits.test.ts): C linkage, static_assert.
#include <cstdio>

#include "nicsim.h"

int main() {
  char reason[256] = "";
  nicsim *device = nicsim_connect_unix("/nonexistent/nicsim.sock", "c++", reason, sizeof reason);
  uint8_t descriptor[NICSIM_DESCRIPTOR_BYTES] = {};
  NICSIM_WRITE(descriptor, TX_DESCRIPTOR_LENGTH, 1500);
  std::printf("%s; %s; LENGTH %llu; HELLO %u bytes; code 1 %s\n", device ? "connected" : "not connected", reason, static_cast<unsigned long long>(NICSIM_READ(descriptor, TX_DESCRIPTOR_LENGTH)), static_cast<unsigned>(nicsim_msg_fixed_bytes(NICSIM_MSG_HELLO)), nicsim_error_name(NICSIM_ERROR_CODE_TAIL_BEYOND_RING));
  return device ? 1 : 0;
}
