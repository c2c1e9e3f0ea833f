/*
 * Boot or join the JVM (../shared/DESIGN.md §2; measured pitfalls in JVM-IN-HOST.md):
 * - join a JVM already in the process (the host's, or a second WorldFX bundle's);
 *   two libjvm copies in one process crash, so look for any loaded libjvm first;
 * - else dlopen WORLDFX_JAVA_HOME's or the bundle's own runtime and create one with
 *   -Xrs (the host owns signals), keeping the host's locale and environment intact;
 * - load our jars in a URLClassLoader whose parent is the platform loader, so two
 *   bundles never see each other's classes, and call Bootstrap.boot once.
 * The JVM is never destroyed: hosts call Load/Unload unbalanced and exit without notice.
 */
#include "shim.h"
#include "shim_platform.h"

#include <jni.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef jint(JNICALL *CreateJavaVM_t)(JavaVM **, void **, void *);
typedef jint(JNICALL *GetCreatedJavaVMs_t)(JavaVM **, jsize, jsize *);

#define BOOT_CLASS "dev.worldfx.ofx.Bootstrap"
#define MAX_JARS 256

static int file_exists(const char *p) { return plat_file_size(p) >= 0; }

/* Environment variables the JVM would otherwise read from the host's environment. */
static const char *const hostile_env[] = {"JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "LC_ALL"};
#define N_HOSTILE (sizeof hostile_env / sizeof hostile_env[0])

static JavaVM *dump_vm;

static void destroy_vm_for_dump(void) {
  if (dump_vm) (*dump_vm)->DestroyJavaVM(dump_vm);
}

static JavaVM *create_vm(void *libjvm, const char *bundle_dir, JNIEnv **env) {
  CreateJavaVM_t create = (CreateJavaVM_t)plat_lib_sym(libjvm, "JNI_CreateJavaVM");
  if (!create) {
    shim_log("libjvm has no JNI_CreateJavaVM");
    return NULL;
  }
  char opt_bundle[4200], opt_cds[4300];
  JavaVMOption options[16];
  int n = 0;
  options[n++].optionString = "-Xrs";
  options[n++].optionString = "-XX:+UseSerialGC";
  options[n++].optionString = "-XX:-UsePerfData";
  options[n++].optionString = "-XX:-MaxFDLimit";
  options[n++].optionString = "--enable-native-access=ALL-UNNAMED";
  /* The inference kernels use the Vector API (still an incubator module in Java 25). */
  options[n++].optionString = "--add-modules=jdk.incubator.vector";
  /* Guice's Guava calls sun.misc.Unsafe; without this, JDK 24+ prints warnings into the host's stderr. */
  options[n++].optionString = "--sun-misc-unsafe-memory-access=allow";
  snprintf(opt_bundle, sizeof opt_bundle, "-Dworldfx.bundle=%s", bundle_dir);
  options[n++].optionString = opt_bundle;
  char cds[4200], opt_dump[4300];
  snprintf(cds, sizeof cds, "%s/Contents/Resources/worldfx.jsa", bundle_dir);
  /* Build time only (installers/assemble-bundle.sh): record the classes this boot loads into
   * the bundle's class-data archive, written when the process exits. */
  const char *dump = getenv("WORLDFX_CDS_DUMP"); /* read-only use; getenv exists everywhere */
  if (dump && *dump) {
    snprintf(opt_dump, sizeof opt_dump, "-XX:ArchiveClassesAtExit=%s", dump);
    options[n++].optionString = opt_dump;
  } else if (file_exists(cds)) {
    snprintf(opt_cds, sizeof opt_cds, "-XX:SharedArchiveFile=%s", cds);
    options[n++].optionString = opt_cds;
  }
  /* A stale or moved archive is not an error (the JVM boots without it, just slower): keep
   * its warnings out of the host's stdout. */
  options[n++].optionString = "-Xlog:cds=off,cds+dynamic=off";
  for (int i = 0; i < n; i++) options[i].extraInfo = NULL;
  JavaVMInitArgs args = {.version = JNI_VERSION_10, .nOptions = n, .options = options, .ignoreUnrecognized = JNI_FALSE};

  /* JNI_CreateJavaVM calls setlocale(LC_ALL, "") and reads JAVA_TOOL_OPTIONS: save
   * and restore both, and force a UTF-8 C locale during create so non-ASCII bundle
   * paths resolve. setenv is not thread-safe; this runs once, under pthread_once. */
  char *saved_env[N_HOSTILE];
  for (size_t i = 0; i < N_HOSTILE; i++) {
    saved_env[i] = plat_getenv_dup(hostile_env[i]);
    plat_setenv(hostile_env[i], NULL);
  }
  plat_setenv("LC_ALL", "C.UTF-8");
  const char *loc = setlocale(LC_ALL, NULL);
  char *saved_locale = loc ? strdup(loc) : NULL;

  /* The JVM prints start-up notices (the incubator-module warning of the Vector API) on
   * stderr, which is the host's console: send them to our log while the JVM starts. */
  char log_dir[4096], jvm_log[4200];
  int saved_stderr = -1;
  if (shim_log_dir(log_dir, sizeof log_dir) == 0) {
    snprintf(jvm_log, sizeof jvm_log, "%s/worldfx-native.log", log_dir);
    saved_stderr = plat_redirect_stderr(jvm_log);
  }
  JavaVM *vm = NULL;
  jint rc = create(&vm, (void **)env, &args);
  plat_restore_stderr(saved_stderr);

  if (saved_locale) {
    setlocale(LC_ALL, saved_locale);
    free(saved_locale);
  }
  for (size_t i = 0; i < N_HOSTILE; i++) {
    plat_setenv(hostile_env[i], saved_env[i]);
    free(saved_env[i]);
  }
  if (rc != JNI_OK) {
    shim_log("JNI_CreateJavaVM failed with %d", (int)rc);
    return NULL;
  }
  if (dump && *dump) {
    /* The archive is written by DestroyJavaVM, which hosts never call. */
    dump_vm = vm;
    atexit(destroy_vm_for_dump);
  }
  return vm;
}

/* Any libjvm already in the process, without loading a second copy. */
static JavaVM *existing_vm(void) {
  void *lib = plat_lib_loaded_jvm();
  GetCreatedJavaVMs_t get = (GetCreatedJavaVMs_t)plat_lib_sym(lib, "JNI_GetCreatedJavaVMs");
  if (!get) return NULL;
  JavaVM *vms[1];
  jsize count = 0;
  if (get(vms, 1, &count) != JNI_OK || count < 1) return NULL;
  return vms[0];
}

static void log_pending_exception(JNIEnv *env, const char *what) {
  jthrowable t = (*env)->ExceptionOccurred(env);
  (*env)->ExceptionClear(env);
  const char *text = "(no detail)";
  jstring s = NULL;
  if (t) {
    jclass cls = (*env)->FindClass(env, "java/lang/Throwable");
    jmethodID to_string = cls ? (*env)->GetMethodID(env, cls, "toString", "()Ljava/lang/String;") : NULL;
    s = to_string ? (jstring)(*env)->CallObjectMethod(env, t, to_string) : NULL;
    if ((*env)->ExceptionCheck(env)) (*env)->ExceptionClear(env);
    if (s) text = (*env)->GetStringUTFChars(env, s, NULL);
  }
  shim_log("%s: %s", what, text ? text : "(no detail)");
  if (s && text) (*env)->ReleaseStringUTFChars(env, s, text);
}

#define CHECK(env, cond, what)            \
  do {                                    \
    if ((*env)->ExceptionCheck(env) || !(cond)) { \
      log_pending_exception(env, what);   \
      goto fail;                          \
    }                                     \
  } while (0)

typedef struct {
  int n;
  char *path[MAX_JARS];
} JarList;

static void add_jar(const char *path, void *arg) {
  JarList *l = arg;
  if (l->n < MAX_JARS) l->path[l->n++] = strdup(path);
}

/* new URLClassLoader(jar URLs, platform loader).loadClass(BOOT_CLASS).boot(bundle) */
static jlong call_bootstrap(JNIEnv *env, const char *bundle_dir) {
  char lib_dir[4200];
  snprintf(lib_dir, sizeof lib_dir, "%s/Contents/Resources/lib", bundle_dir);
  JarList jars = {.n = 0};
  if (plat_list_dir(lib_dir, ".jar", add_jar, &jars) != 0 || jars.n == 0) {
    shim_log("no jars in %s", lib_dir);
    for (int i = 0; i < jars.n; i++) free(jars.path[i]);
    return 0;
  }
  int njars = jars.n;
  jlong table = 0;
  if ((*env)->PushLocalFrame(env, 64 + 4 * njars) != 0) goto fail;
  jclass file_cls = (*env)->FindClass(env, "java/io/File");
  CHECK(env, file_cls, "FindClass java.io.File");
  jmethodID file_init = (*env)->GetMethodID(env, file_cls, "<init>", "(Ljava/lang/String;)V");
  jmethodID to_uri = (*env)->GetMethodID(env, file_cls, "toURI", "()Ljava/net/URI;");
  jclass uri_cls = (*env)->FindClass(env, "java/net/URI");
  jmethodID to_url = uri_cls ? (*env)->GetMethodID(env, uri_cls, "toURL", "()Ljava/net/URL;") : NULL;
  jclass url_cls = (*env)->FindClass(env, "java/net/URL");
  CHECK(env, file_init && to_uri && to_url && url_cls, "JDK reflection for jar URLs");
  jobjectArray urls = (*env)->NewObjectArray(env, njars, url_cls, NULL);
  CHECK(env, urls, "URL array");
  for (int i = 0; i < njars; i++) {
    jstring path = (*env)->NewStringUTF(env, jars.path[i]);
    jobject file = (*env)->NewObject(env, file_cls, file_init, path);
    CHECK(env, file, "new File(jar)");
    jobject uri = (*env)->CallObjectMethod(env, file, to_uri);
    CHECK(env, uri, "File.toURI");
    jobject url = (*env)->CallObjectMethod(env, uri, to_url);
    CHECK(env, url, "URI.toURL");
    (*env)->SetObjectArrayElement(env, urls, i, url);
  }
  jclass cl_cls = (*env)->FindClass(env, "java/lang/ClassLoader");
  jmethodID platform = cl_cls ? (*env)->GetStaticMethodID(env, cl_cls, "getPlatformClassLoader", "()Ljava/lang/ClassLoader;") : NULL;
  CHECK(env, platform, "ClassLoader.getPlatformClassLoader");
  jobject parent = (*env)->CallStaticObjectMethod(env, cl_cls, platform);
  jclass ucl_cls = (*env)->FindClass(env, "java/net/URLClassLoader");
  jmethodID ucl_init = ucl_cls ? (*env)->GetMethodID(env, ucl_cls, "<init>", "([Ljava/net/URL;Ljava/lang/ClassLoader;)V") : NULL;
  CHECK(env, ucl_init, "URLClassLoader constructor");
  jobject loader = (*env)->NewObject(env, ucl_cls, ucl_init, urls, parent);
  CHECK(env, loader, "new URLClassLoader");
  jclass class_cls = (*env)->FindClass(env, "java/lang/Class");
  jmethodID for_name = class_cls ? (*env)->GetStaticMethodID(env, class_cls, "forName",
      "(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;") : NULL;
  CHECK(env, for_name, "Class.forName");
  jobject boot_cls = (*env)->CallStaticObjectMethod(env, class_cls, for_name, (*env)->NewStringUTF(env, BOOT_CLASS), JNI_TRUE, loader);
  CHECK(env, boot_cls, "loading " BOOT_CLASS);
  jmethodID boot = (*env)->GetStaticMethodID(env, (jclass)boot_cls, "boot", "(Ljava/lang/String;)J");
  CHECK(env, boot, BOOT_CLASS ".boot(String)");
  table = (*env)->CallStaticLongMethod(env, (jclass)boot_cls, boot, (*env)->NewStringUTF(env, bundle_dir));
  CHECK(env, 1, BOOT_CLASS ".boot");
  if (table == 0) shim_log("Java bootstrap reported failure (details in worldfx.log)");
fail:
  (*env)->PopLocalFrame(env, NULL);
  for (int i = 0; i < njars; i++) free(jars.path[i]);
  return table;
}

const void *shim_boot_java(const char *bundle_dir) {
  JavaVM *vm = existing_vm();
  JNIEnv *env = NULL;
  if (!vm) {
    char libjvm_path[4400], err[512];
    const char *java_home = getenv("WORLDFX_JAVA_HOME");
    if (java_home && *java_home) {
      snprintf(libjvm_path, sizeof libjvm_path, "%s/" SHIM_LIBJVM, java_home);
    } else {
      snprintf(libjvm_path, sizeof libjvm_path, "%s/Contents/Resources/runtime/" SHIM_LIBJVM, bundle_dir);
    }
    void *lib = plat_lib_open(libjvm_path);
    if (!lib) {
      shim_log("cannot load the Java runtime %s%s: %s", libjvm_path,
               (java_home && *java_home) ? " (from WORLDFX_JAVA_HOME)" : " (the bundle's own runtime)",
               plat_lib_error(err, sizeof err));
      return NULL;
    }
    vm = create_vm(lib, bundle_dir, &env);
    if (!vm) return NULL;
  } else {
    jint rc = (*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_10);
    if (rc == JNI_EDETACHED) rc = (*vm)->AttachCurrentThreadAsDaemon(vm, (void **)&env, NULL);
    if (rc != JNI_OK) {
      shim_log("cannot attach to the JVM already in this process (%d)", (int)rc);
      return NULL;
    }
  }
  jlong table = call_bootstrap(env, bundle_dir);
  /* Leave the host thread as we found it; FFM upcalls attach threads on their own. */
  (*vm)->DetachCurrentThread(vm);
  return (const void *)(intptr_t)table;
}
