/**
 * TCB Info (Intel PCS v4 API, versions 2 and 3): the TCB levels of one FMSPC, and for TDX the
 * TDX module's signer and the TDX module identities. Parsed from the exact signed body.
 */
import {
  type IsvSvnLevel,
  type JsonObject,
  advisoryIds,
  arrayField,
  asObject,
  asUint,
  dateField,
  hexField,
  isvSvnLevels,
  malformed,
  objectField,
  parseJsonObject,
  stringField,
  uintField,
} from './json-fields.js';

/** SGX and TDX TCB component arrays both hold 16 SVNs (CPUSVN / TEE_TCB_SVN bytes). */
export const TCB_COMPONENT_COUNT = 16;
const FMSPC_BYTES = 6;
const PCE_ID_BYTES = 2;
/** MRSIGNERSEAM is a SHA-384 digest; SEAMATTRIBUTES is 8 bytes (TDX TD report, TDX DCAP quote layout). */
const TDX_MRSIGNER_BYTES = 48;
const TDX_ATTRIBUTES_BYTES = 8;

export interface TcbLevel {
  sgxComponents: number[];
  pceSvn: number;
  /** Present in TDX TCB Info (v3, id TDX). */
  tdxComponents?: number[];
  tcbDate: string;
  /** As served; checked against the allowed names only when the level is selected, as QVL does. */
  tcbStatus: string;
  advisoryIds: string[];
}

export interface TdxModule {
  mrsigner: string;
  attributes: string;
  attributesMask: string;
}

/** A TDX module's ISV SVN (one byte, TEE_TCB_SVN) and its TCB status. */
export type TdxModuleLevel = IsvSvnLevel;

export interface TdxModuleIdentity extends TdxModule {
  id: string;
  tcbLevels: TdxModuleLevel[];
}

export interface TcbInfo {
  id: 'SGX' | 'TDX';
  version: 2 | 3;
  issueDate: string;
  nextUpdate: string;
  /** Lower-case hex. */
  fmspc: string;
  /** Lower-case hex. */
  pceId: string;
  tcbType: number;
  tcbEvaluationDataNumber: number;
  tcbLevels: TcbLevel[];
  tdxModule?: TdxModule;
  tdxModuleIdentities?: TdxModuleIdentity[];
}

/** Parses a TCB Info body. Throws ERR_COLLATERAL_MALFORMED. */
export function parseTcbInfo(body: string): TcbInfo {
  const p = 'tcbInfo';
  const o = parseJsonObject(body, p);
  const version = uintField(o, 'version', p, 0xffffffff);
  if (version !== 2 && version !== 3) malformed(`${p}.version`, `unsupported version ${version} (2 or 3)`);
  let id: 'SGX' | 'TDX' = 'SGX';
  if (version === 3) {
    const raw = stringField(o, 'id', p);
    if (raw !== 'SGX' && raw !== 'TDX') malformed(`${p}.id`, `unsupported id ${JSON.stringify(raw)} (SGX or TDX)`);
    id = raw;
  }
  // Intel defines only TCB type 0 (the 16 CPUSVN components compared one by one).
  const tcbType = uintField(o, 'tcbType', p, 0xffffffff);
  if (tcbType !== 0) malformed(`${p}.tcbType`, `unsupported TCB type ${tcbType}`);
  const isTdx = id === 'TDX';
  const info: TcbInfo = {
    id,
    version,
    issueDate: dateField(o, 'issueDate', p),
    nextUpdate: dateField(o, 'nextUpdate', p),
    fmspc: hexField(o, 'fmspc', p, FMSPC_BYTES),
    pceId: hexField(o, 'pceId', p, PCE_ID_BYTES),
    tcbType,
    tcbEvaluationDataNumber: uintField(o, 'tcbEvaluationDataNumber', p, 0xffffffff),
    tcbLevels: arrayField(o, 'tcbLevels', p).map((l, i) => parseLevel(l, `${p}.tcbLevels[${i}]`, version, isTdx)),
  };
  if (isTdx) {
    info.tdxModule = parseTdxModule(objectField(o, 'tdxModule', p), `${p}.tdxModule`);
    if (o['tdxModuleIdentities'] !== undefined) {
      info.tdxModuleIdentities = arrayField(o, 'tdxModuleIdentities', p).map((m, i) =>
        parseModuleIdentity(m, `${p}.tdxModuleIdentities[${i}]`),
      );
    }
  } else if (o['tdxModule'] !== undefined || o['tdxModuleIdentities'] !== undefined) {
    malformed(p, 'SGX TCB Info must not carry TDX module fields');
  }
  return info;
}

function parseLevel(value: unknown, path: string, version: 2 | 3, isTdx: boolean): TcbLevel {
  const o = asObject(value, path);
  const tcb = objectField(o, 'tcb', path);
  const tp = `${path}.tcb`;
  const level: TcbLevel = {
    sgxComponents: version === 3 ? componentArray(tcb, 'sgxtcbcomponents', tp) : v2Components(tcb, tp),
    pceSvn: uintField(tcb, 'pcesvn', tp, 0xffff),
    tcbDate: dateField(o, 'tcbDate', path),
    tcbStatus: stringField(o, 'tcbStatus', path),
    advisoryIds: advisoryIds(o, path),
  };
  if (isTdx) level.tdxComponents = componentArray(tcb, 'tdxtcbcomponents', tp);
  return level;
}

/** v3: an array of 16 objects, each with `svn` (and descriptive `category`/`type`). */
function componentArray(tcb: JsonObject, key: string, path: string): number[] {
  const list = arrayField(tcb, key, path);
  if (list.length !== TCB_COMPONENT_COUNT) malformed(`${path}.${key}`, `expected ${TCB_COMPONENT_COUNT} components`);
  return list.map((c, i) => uintField(asObject(c, `${path}.${key}[${i}]`), 'svn', `${path}.${key}[${i}]`, 0xff));
}

/** v2: sgxtcbcomp01svn .. sgxtcbcomp16svn. */
function v2Components(tcb: JsonObject, path: string): number[] {
  const out: number[] = [];
  for (let i = 1; i <= TCB_COMPONENT_COUNT; i++) {
    const key = `sgxtcbcomp${String(i).padStart(2, '0')}svn`;
    out.push(asUint(tcb[key], `${path}.${key}`, 0xff));
  }
  return out;
}

function parseTdxModule(o: JsonObject, path: string): TdxModule {
  return {
    mrsigner: hexField(o, 'mrsigner', path, TDX_MRSIGNER_BYTES),
    attributes: hexField(o, 'attributes', path, TDX_ATTRIBUTES_BYTES),
    attributesMask: hexField(o, 'attributesMask', path, TDX_ATTRIBUTES_BYTES),
  };
}

function parseModuleIdentity(value: unknown, path: string): TdxModuleIdentity {
  const o = asObject(value, path);
  return {
    id: stringField(o, 'id', path),
    ...parseTdxModule(o, path),
    tcbLevels: isvSvnLevels(o, path, 0xff),
  };
}
