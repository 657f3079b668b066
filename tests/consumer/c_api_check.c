/* The C API header compiles as C and links from C. */
#include <cuact/cuact.h>

#include <string.h>

int c_api_check(void) {
  float v = 0.0f;
  const cuact_status s =
      cuact_activation_forward(CUACT_RELU, 0.0, CUACT_DTYPE_F32, NULL, &v, 1, NULL);
  return s == CUACT_STATUS_INVALID_ARGUMENT &&
         strcmp(cuact_status_string(s), "invalid argument") == 0 &&
         strstr(cuact_last_error(), "'x' is null") != NULL;
}
