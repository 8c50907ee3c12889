/**
 * The SGX extensions of a PCK certificate (OID 1.2.840.113741.1.13.1), after Intel's "SGX PCK
 * Certificate and Certificate Revocation List Profile Specification", section 1.5.
 */
import { toHex } from '@confide/core';
import { EvidenceError } from '../errors.js';
import { DerReader, TAG, decodeOid, decodeSmallInt } from '../asn1/der.js';
import type { ParsedCertificate } from './certificate.js';
import type { PckTcb } from './tcb-types.js';

const OID_SGX_EXTENSIONS = '1.2.840.113741.1.13.1';
const OID_PPID = `${OID_SGX_EXTENSIONS}.1`;
const OID_TCB = `${OID_SGX_EXTENSIONS}.2`;
const OID_PCESVN = `${OID_TCB}.17`;
const OID_CPUSVN = `${OID_TCB}.18`;
const OID_PCEID = `${OID_SGX_EXTENSIONS}.3`;
const OID_FMSPC = `${OID_SGX_EXTENSIONS}.4`;
const OID_SGX_TYPE = `${OID_SGX_EXTENSIONS}.5`;
const OID_PLATFORM_INSTANCE_ID = `${OID_SGX_EXTENSIONS}.6`;

/** What the PCK certificate says about the platform. */
export interface PckExtensions extends PckTcb {
  /** Lower-case hex, 16 bytes. */
  ppid: string;
  /** 0 Standard, 1 Scalable, 2 Scalable with integrity. */
  sgxType: number;
  /** Platform CA certificates only: lower-case hex, 16 bytes. */
  platformInstanceId?: string;
}

function bad(message: string): never {
  throw new EvidenceError('ERR_EVIDENCE_CHAIN_INVALID', `PCK certificate SGX extensions: ${message}`);
}

/** Reads the SGX extensions of a PCK certificate. Throws ERR_EVIDENCE_CHAIN_INVALID when absent or malformed. */
export function readPckExtensions(cert: ParsedCertificate): PckExtensions {
  const ext = cert.extensions.get(OID_SGX_EXTENSIONS);
  if (!ext) bad('missing');
  const values = new Map<string, Uint8Array>();
  const tcb = new Map<string, Uint8Array>();
  const top = new DerReader(ext, 'ERR_EVIDENCE_CHAIN_INVALID', 'SGX extensions').enter(TAG.SEQUENCE);
  while (!top.done) {
    const item = top.enter(TAG.SEQUENCE);
    const oid = decodeOid(item.next(TAG.OID).value);
    const value = item.next();
    values.set(oid, value.value);
    if (oid === OID_TCB) {
      const comps = new DerReader(value.value, 'ERR_EVIDENCE_CHAIN_INVALID', 'SGX TCB extension');
      while (!comps.done) {
        const comp = comps.enter(TAG.SEQUENCE);
        tcb.set(decodeOid(comp.next(TAG.OID).value), comp.next().value);
      }
    }
  }
  const need = (map: Map<string, Uint8Array>, oid: string, len?: number): Uint8Array => {
    const v = map.get(oid);
    if (!v || (len !== undefined && v.length !== len)) bad(`${oid} missing or of the wrong size`);
    return v;
  };
  const sgxTcbComponents: number[] = [];
  for (let i = 1; i <= 16; i++) sgxTcbComponents.push(decodeSmallInt(need(tcb, `${OID_TCB}.${i}`)));
  const instance = values.get(OID_PLATFORM_INSTANCE_ID);
  return {
    ppid: toHex(need(values, OID_PPID, 16)),
    fmspc: toHex(need(values, OID_FMSPC, 6)),
    pceId: toHex(need(values, OID_PCEID, 2)),
    sgxTcbComponents,
    pceSvn: decodeSmallInt(need(tcb, OID_PCESVN)),
    cpuSvn: toHex(need(tcb, OID_CPUSVN, 16)),
    sgxType: decodeSmallInt(need(values, OID_SGX_TYPE)),
    ...(instance ? { platformInstanceId: toHex(instance) } : {}),
  };
}
