// Checks that the header compiles as C++ (its extern "C" block) and links
// against the installed library. Prints "N passed, N failed".
#include <cstdio>
#include <cstring>

#include <pexelize_identity.h>

int main() {
  const char *key = "cxx-key";
  pexelize_keyring *ring = nullptr;
  char signature[PEXELIZE_SIGNATURE_BUFFER_LEN];
  int passed = 0;
  int failed = 0;

  bool built =
      pexelize_keyring_new(reinterpret_cast<const uint8_t *>(key),
                           std::strlen(key), nullptr, &ring) == PEXELIZE_OK;
  (built ? passed : failed)++;
  bool signed_ok = built && pexelize_keyring_sign(
                                ring, reinterpret_cast<const uint8_t *>("u"), 1,
                                signature) == PEXELIZE_OK;
  (signed_ok ? passed : failed)++;
  bool verified = signed_ok && pexelize_keyring_verify(
                                   ring, reinterpret_cast<const uint8_t *>("u"),
                                   1, signature, 64, 0, nullptr) == PEXELIZE_OK;
  (verified ? passed : failed)++;
  pexelize_keyring_free(ring);

  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
