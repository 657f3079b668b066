/* Symbol visibility: cuact's shared library is built with hidden visibility, and CUACT_API
 * marks the public API (and the few detail functions its inline code calls) as exported.
 * C-compatible: cuact.h includes it too. */
#ifndef CUACT_EXPORT_H
#define CUACT_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define CUACT_API __attribute__((visibility("default")))
#else
#define CUACT_API
#endif

#endif /* CUACT_EXPORT_H */
