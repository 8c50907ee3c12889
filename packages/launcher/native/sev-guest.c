/*
 * SNP_GET_DERIVED_KEY on /dev/sev-guest (Linux uapi <linux/sev-guest.h>): the one ioctl an
 * SEV-SNP guest needs that Node.js cannot issue itself. The request and the response are opaque
 * bytes here; their layout (AMD SEV-SNP firmware ABI, MSG_KEY_REQ / MSG_KEY_RSP) is read and
 * written in TypeScript (src/tee-keys/snp-derived-key.ts), so this file only moves bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <node_api.h>

/* struct snp_guest_request_ioctl, as the kernel's uapi header defines it. */
struct guest_request {
  uint8_t msg_version;
  uint64_t req_data;
  uint64_t resp_data;
  union {
    uint64_t exitinfo2;
    struct {
      uint32_t fw_error;
      uint32_t vmm_error;
    };
  };
};

#define KEY_REQUEST_BYTES 32  /* struct snp_derived_key_req */
#define KEY_RESPONSE_BYTES 64 /* struct snp_derived_key_resp */
#define SNP_GET_DERIVED_KEY _IOWR('S', 0x1, struct guest_request)

static napi_value fail(napi_env env, const char *code, const char *message, uint32_t fw_error, uint32_t vmm_error) {
  napi_value err, code_value, message_value, fw, vmm;
  napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_value);
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &message_value);
  napi_create_error(env, code_value, message_value, &err);
  napi_create_uint32(env, fw_error, &fw);
  napi_create_uint32(env, vmm_error, &vmm);
  napi_set_named_property(env, err, "fwError", fw);
  napi_set_named_property(env, err, "vmmError", vmm);
  napi_throw(env, err);
  return NULL;
}

static napi_value errno_error(napi_env env, const char *what, int err, uint32_t fw_error, uint32_t vmm_error) {
  char message[256];
  char other[24];
  snprintf(message, sizeof message, "%s: %s", what, strerror(err));
  /* The names callers branch on; any other errno keeps its number rather than a wrong name. */
  snprintf(other, sizeof other, "ERRNO_%d", err);
  const char *code = err == ENOENT ? "ENOENT" : err == EACCES ? "EACCES" : err == ENOTTY ? "ENOTTY" : err == EINVAL ? "EINVAL" : err == EIO ? "EIO" : err == EPERM ? "EPERM" : other;
  return fail(env, code, message, fw_error, vmm_error);
}

/* derivedKey(devicePath: string, request: Uint8Array(32)): Uint8Array(64) */
static napi_value derived_key(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[4096];
  size_t path_length = 0;
  if (argc != 2 || napi_get_value_string_utf8(env, argv[0], path, sizeof path, &path_length) != napi_ok || path_length == 0 || path_length >= sizeof path - 1) {
    return fail(env, "EINVAL", "derivedKey(devicePath, request): devicePath must be a path", 0, 0);
  }
  napi_typedarray_type type;
  size_t length = 0;
  void *request = NULL;
  if (napi_get_typedarray_info(env, argv[1], &type, &length, &request, NULL, NULL) != napi_ok || type != napi_uint8_array || length != KEY_REQUEST_BYTES) {
    return fail(env, "EINVAL", "derivedKey(devicePath, request): request must be a Uint8Array of 32 bytes", 0, 0);
  }
  uint8_t req[KEY_REQUEST_BYTES];
  uint8_t resp[KEY_RESPONSE_BYTES];
  memcpy(req, request, KEY_REQUEST_BYTES);
  memset(resp, 0, sizeof resp);
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) return errno_error(env, path, errno, 0, 0);
  struct guest_request guest = {0};
  guest.msg_version = 1;
  guest.req_data = (uint64_t)(uintptr_t)req;
  guest.resp_data = (uint64_t)(uintptr_t)resp;
  int rc = ioctl(fd, SNP_GET_DERIVED_KEY, &guest);
  int saved = errno;
  close(fd);
  if (rc < 0) return errno_error(env, "SNP_GET_DERIVED_KEY", saved, guest.fw_error, guest.vmm_error);
  void *out_data = NULL;
  napi_value buffer, out;
  napi_create_arraybuffer(env, KEY_RESPONSE_BYTES, &out_data, &buffer);
  memcpy(out_data, resp, KEY_RESPONSE_BYTES);
  /* The response holds the derived key: clear our copies before returning. */
  memset(resp, 0, sizeof resp);
  napi_create_typedarray(env, napi_uint8_array, KEY_RESPONSE_BYTES, buffer, 0, &out);
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "derivedKey", NAPI_AUTO_LENGTH, derived_key, NULL, &fn);
  napi_set_named_property(env, exports, "derivedKey", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
