/*
 * jni_md.h for Windows x64, written for WorldFX's cross build of the shim with MinGW-w64
 * (a Linux JDK only carries the Linux one). Same definitions as the JNI specification
 * requires on Win64: jint is 32-bit, jlong 64-bit. (jni.h itself defines JNICALL, empty:
 * x64 has one calling convention.)
 */
#ifndef WORLDFX_JNI_MD_WIN32_H
#define WORLDFX_JNI_MD_WIN32_H
#define JNIEXPORT __declspec(dllexport)
#define JNIIMPORT __declspec(dllimport)
typedef int jint;
typedef long long jlong;
typedef signed char jbyte;
#endif
