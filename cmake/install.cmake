# Install rules (cmake --install BUILD [--prefix DIR]):
#   lib/libgictlm_model.a, lib/libgictlm.a        the C11 core and the public C API
#   lib/libgictlm_tlm.a                           the SystemC/TLM wrapper and platform models
#   include/gictlm/*.h                            headers of both (one prefix)
#   bin/gictlm-*                                  the command-line tools
#   lib/cmake/gictlm/                             find_package(gictlm): gictlm::core,
#                                                 gictlm::capi, gictlm::systemc
#   lib/pkgconfig/gictlm.pc                       pkg-config for the C API
include(CMakePackageConfigHelpers)
set(GICTLM_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/gictlm)

install(TARGETS gictlm_model gictlm EXPORT gictlm-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/gictlm)
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/capi/gictlm.h ${CMAKE_CURRENT_SOURCE_DIR}/capi/gictlm_trace.h
              ${CMAKE_CURRENT_SOURCE_DIR}/capi/gictlm_driver.h ${CMAKE_CURRENT_SOURCE_DIR}/capi/gictlm_timeline.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/gictlm)
foreach(t gictlm-replay gictlm-demo gictlm-qemu-import gictlm-platform gictlm-sc-replay)
  if(TARGET ${t})
    install(TARGETS ${t} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()

set(GICTLM_PKG_SYSTEMC OFF)
if(TARGET gictlm_tlm)
  set(GICTLM_PKG_SYSTEMC ON)
  set_target_properties(gictlm_systemc PROPERTIES EXPORT_NAME systemc_dep)
  install(TARGETS gictlm_tlm gictlm_systemc EXPORT gictlm-targets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
          INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/gictlm)
  file(GLOB GICTLM_TLM_HEADERS ${CMAKE_CURRENT_SOURCE_DIR}/platforms/*.h)
  install(FILES ${GICTLM_TLM_HEADERS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/gictlm)
endif()

install(EXPORT gictlm-targets NAMESPACE gictlm:: DESTINATION ${GICTLM_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_SOURCE_DIR}/cmake/gictlmConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/gictlmConfig.cmake INSTALL_DESTINATION ${GICTLM_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/gictlmConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/gictlmConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/gictlmConfigVersion.cmake
        DESTINATION ${GICTLM_CMAKE_DIR})

# relocatable: the prefix is found from the .pc file's own place (cmake --install --prefix)
file(RELATIVE_PATH GICTLM_PC_UP /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
string(REGEX REPLACE "/$" "" GICTLM_PC_UP "${GICTLM_PC_UP}")
set(GICTLM_PC_PREFIX "\${pcfiledir}/${GICTLM_PC_UP}")
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/cmake/gictlm.pc.in ${CMAKE_CURRENT_BINARY_DIR}/gictlm.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/gictlm.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
