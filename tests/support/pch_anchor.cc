// Compiles the precompiled header the test programs share (tests/support/CMakeLists.txt).
