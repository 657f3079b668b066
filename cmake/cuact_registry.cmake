# Sources from the registry: per activation of include/cuact/registry.h, one generated kernel
# file (.cu) and one generated host file (.cpp) for its unary passes, and one of each for its
# gated form. A new activation needs no new file or CMake line, the activations compile in
# parallel, and a static consumer that calls one activation links only its objects: its host
# file references only its own kernel file.
#
# cuact_registry_sources(<kernels-var> <host-var>) sets the two lists and makes CMake
# reconfigure when registry.h changes. A unary activation gets
#   cuact_kernels/<name>.cu        CUACT_INSTANTIATE_unary_KERNELS(cuact::<Functor>)
#   cuact_kernels/<name>_gated.cu  CUACT_INSTANTIATE_GATED_BY_KERNELS(cuact::<Functor>)
#   cuact_host/<name>.cpp          CUACT_INSTANTIATE_unary_ENTRIES(cuact::<Functor>)
#   cuact_host/<name>_gated.cpp    CUACT_INSTANTIATE_GATED_BY_ENTRIES(cuact::<Functor>)
#   cuact_kernels/<name>_bias.cu   CUACT_INSTANTIATE_BIAS_KERNELS(cuact::<Functor>)
#   cuact_host/<name>_bias.cpp     CUACT_INSTANTIATE_BIAS_ENTRIES(cuact::<Functor>)
# and a gated one <name>.cu and <name>.cpp with CUACT_INSTANTIATE_gated_{KERNELS,ENTRIES}.
#
# CUACT_ACTIVATIONS (a list of registry names; empty: all) builds only those activations, a
# unary one with its gated form, and leaky_relu (RReLU's eval mode runs its kernels). The
# host files of the others are still generated, so that every entry point links; they throw
# cuact::invalid_argument naming the missing activation (cuact_host/built_activations.h tells
# them which are built).
function(cuact_registry_sources kernels_var host_var)
  set(registry "${PROJECT_SOURCE_DIR}/include/cuact/registry.h")
  set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND
    PROPERTY CMAKE_CONFIGURE_DEPENDS "${registry}")
  # The registry's lines: "  X(ENUM, value, Functor, name, kind, (params), "pytorch") \"
  file(READ "${registry}" text)
  # Drop the line-continuation backslashes first: before a list separator CMake reads them as
  # escapes.
  string(REPLACE "\\" "" text "${text}")
  string(REGEX MATCHALL "\n  X\\([^\n]*" lines "${text}")
  set(columns "^\n  X\\( *([A-Z0-9_]+), *([0-9]+), *([A-Za-z0-9_]+), *([a-z0-9_]+), *([a-z]+),")
  set(names "")
  foreach(line IN LISTS lines)
    if(NOT line MATCHES "${columns}")
      message(FATAL_ERROR "cuact: cannot read this registry line of ${registry}:\n${line}")
    endif()
    list(APPEND names "${CMAKE_MATCH_4}")
  endforeach()
  if(NOT names)
    message(FATAL_ERROR "cuact: no activation found in ${registry}")
  endif()
  foreach(wanted IN LISTS CUACT_ACTIVATIONS)
    if(NOT wanted IN_LIST names)
      list(JOIN names ", " known)
      message(FATAL_ERROR "cuact: CUACT_ACTIVATIONS names '${wanted}', which is not an "
                          "activation of include/cuact/registry.h (${known})")
    endif()
  endforeach()

  # RReLU, always built, runs leaky_relu's kernels in eval mode.
  set(subset "${CUACT_ACTIVATIONS}")
  if(subset AND NOT "leaky_relu" IN_LIST subset)
    list(APPEND subset leaky_relu)
    message(STATUS "cuact: CUACT_ACTIVATIONS: building leaky_relu too (RReLU's eval mode runs it)")
  endif()

  set(kernels "")
  set(hosts "")
  set(built_flags "")
  foreach(line IN LISTS lines)
    string(REGEX MATCH "${columns}" _ "${line}")
    set(enum "${CMAKE_MATCH_1}")
    set(functor "${CMAKE_MATCH_3}")
    set(name "${CMAKE_MATCH_4}")
    set(kind "${CMAKE_MATCH_5}")
    set(built 1)
    if(subset AND NOT name IN_LIST subset)
      set(built 0)
    endif()
    string(APPEND built_flags "#define CUACT_DETAIL_BUILT_${enum} ${built}\n")
    if(kind STREQUAL "unary")
      set(passes "unary" "gated" "bias")
    else()
      set(passes "gated")
    endif()
    foreach(pass IN LISTS passes)
      if(kind STREQUAL "unary" AND pass STREQUAL "gated")
        set(file_name "${name}_gated")
        set(what "the gated kernels of cuact::Gated<cuact::${functor}> (${name}(gate) * up)")
        set(entries "the gated entry points of cuact::Gated<cuact::${functor}>")
        set(macro "GATED_BY")
      elseif(pass STREQUAL "bias")
        set(file_name "${name}_bias")
        set(what "the bias + activation kernels of cuact::${functor} (${name}(x + b))")
        set(entries "the bias + activation entry points of cuact::${functor}")
        set(macro "BIAS")
      else()
        set(file_name "${name}")
        set(what "the ${pass} kernels of cuact::${functor}")
        set(entries "the entry points of cuact::${functor}")
        set(macro "${kind}")
      endif()
      if(pass STREQUAL "unary")
        set(device_header "cuda/elementwise_device.cuh")
        set(host_headers
            "#include \"host/activation_entries.hpp\"\n#include \"host/mask_entries.hpp\"")
      elseif(pass STREQUAL "bias")
        set(device_header "cuda/bias_device.cuh")
        set(host_headers "#include \"host/bias_entries.hpp\"")
      else()
        set(device_header "cuda/gated_device.cuh")
        set(host_headers "#include \"host/gated_entries.hpp\"")
      endif()
      if(built)
        set(kernel_file "${PROJECT_BINARY_DIR}/cuact_kernels/${file_name}.cu")
        file(CONFIGURE OUTPUT "${kernel_file}" CONTENT
"// Generated by cmake/cuact_registry.cmake from include/cuact/registry.h: ${what}
// for every element type.
#include \"${device_header}\"

CUACT_INSTANTIATE_${macro}_KERNELS(cuact::${functor})
")
        list(APPEND kernels "${kernel_file}")
      endif()
      set(host_file "${PROJECT_BINARY_DIR}/cuact_host/${file_name}.cpp")
      file(CONFIGURE OUTPUT "${host_file}" CONTENT
"// Generated by cmake/cuact_registry.cmake from include/cuact/registry.h: ${entries}
// for every element type (calling only the kernels of cuact_kernels/${file_name}.cu).
${host_headers}

CUACT_INSTANTIATE_${macro}_ENTRIES(cuact::${functor})
")
      list(APPEND hosts "${host_file}")
    endforeach()
  endforeach()
  file(CONFIGURE OUTPUT "${PROJECT_BINARY_DIR}/cuact_host/built_activations.h" CONTENT
"// Generated by cmake/cuact_registry.cmake: which activations of registry.h this build of
// cuact has (CUACT_ACTIVATIONS; empty: all). 1: built, 0: left out.
#pragma once

${built_flags}
#define CUACT_DETAIL_BUILT_LIST \"${subset}\"
")
  set(${kernels_var} "${kernels}" PARENT_SCOPE)
  set(${host_var} "${hosts}" PARENT_SCOPE)
endfunction()
