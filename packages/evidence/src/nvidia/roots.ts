/**
 * The pinned root of NVIDIA's device identity PKI, which issues the identity of every
 * confidential-computing GPU and NVSwitch: "NVIDIA Device Identity CA" (ECDSA P-384, valid
 * 2021-11-05 to 9999-12-31), as NVIDIA's nvtrust verifier ships it (`verifier_device_root.pem`).
 * Replaced by `TrustAnchors.nvidiaRoots` for tests and private PKIs.
 */
import { fromBase64 } from '@confide/core';

// NVIDIA Device Identity CA, SHA-256 102bf659d5419614c9d8e6aecebc80454eb26b1df6a769ac720b9a690b167b48
const DEVICE_IDENTITY_CA = `
MIICCzCCAZCgAwIBAgIQLTZwscoQBBHB/sDoKgZbVDAKBggqhkjOPQQDAzA1MSIwIAYDVQQDDBlOVklESUEgRGV2aWNlIElkZW50
aXR5IENBMQ8wDQYDVQQKDAZOVklESUEwIBcNMjExMTA1MDAwMDAwWhgPOTk5OTEyMzEyMzU5NTlaMDUxIjAgBgNVBAMMGU5WSURJ
QSBEZXZpY2UgSWRlbnRpdHkgQ0ExDzANBgNVBAoMBk5WSURJQTB2MBAGByqGSM49AgEGBSuBBAAiA2IABA5MFKM7+KViZljbQSlg
fky/RRnEQScW9NDZF8SXgAW96r6u/Ve8ZggtcYpPi2BS4VFu6KfEIrhN6FcHG7WP05W+oM+hxj7nyA1r1jkB2Ry70YfThX3Ba1zO
ryOP+MJ9vaNjMGEwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwHQYDVR0OBBYEFFeF/4PyY8xlfWi3Olv0jUrL+0lf
MB8GA1UdIwQYMBaAFFeF/4PyY8xlfWi3Olv0jUrL+0lfMAoGCCqGSM49BAMDA2kAMGYCMQCPeFM3TASsKQVaT+8S0sO9u97PVGCp
E9d/I42IT7k3UUOLSR/qvJynVOD1vQKVXf0CMQC+EY55WYoDBvs2wPAH1Gw4LbcwUN8QCff8bFmV4ZxjCRr4WXTLFHBKjbfneGSB
WwA=
`;

/** DER of the pinned NVIDIA Device Identity CA. */
export const NVIDIA_DEVICE_ROOT: Uint8Array = fromBase64(DEVICE_IDENTITY_CA);
