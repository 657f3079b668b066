/* Built by the consumer_package test with nothing but `pkg-config --cflags --libs cuact`:
 * the header's version must be the library's. */
#include <cuact/cuact.h>

#include <stdio.h>

int main(void) {
  if (cuact_version() != CUACT_VERSION) {
    printf("version_check: header %d, library %d\n", CUACT_VERSION, cuact_version());
    return 1;
  }
  printf("version_check: cuact %s (%d) through pkg-config\n", CUACT_VERSION_STRING,
         cuact_version());
  return 0;
}
