/**
 * TCB status names as each collateral item allows them, and the rules by which Intel's QVL folds
 * the TDX module and QE statuses into the platform's (TdxModuleCheck.cpp, TcbLevelCheck.cpp).
 */
import type { TcbStatus } from '../../types.js';
import { malformed } from './json-fields.js';

/** A level's status; `Revoked` never leaves this module as a claim (it throws). */
export type LevelStatus = Exclude<TcbStatus, 'NotSupported'> | 'Revoked';
/** TDX module and QE levels grade only up to date, out of date or revoked. */
export type SimpleStatus = 'UpToDate' | 'OutOfDate' | 'Revoked';

const PLATFORM_STATUSES: ReadonlySet<string> = new Set<LevelStatus>([
  'UpToDate',
  'SWHardeningNeeded',
  'ConfigurationNeeded',
  'ConfigurationAndSWHardeningNeeded',
  'OutOfDate',
  'OutOfDateConfigurationNeeded',
  'Revoked',
]);
const MODULE_STATUSES: ReadonlySet<string> = new Set<SimpleStatus>(['UpToDate', 'OutOfDate', 'Revoked']);
const QE_STATUSES: ReadonlySet<string> = new Set(['UpToDate', 'ConfigurationNeeded', 'OutOfDate', 'OutOfDateConfigurationNeeded', 'Revoked']);

/** The status of a selected platform TCB level. Throws ERR_COLLATERAL_MALFORMED for a name Intel does not define. */
export function platformStatus(raw: string, path: string): LevelStatus {
  if (!PLATFORM_STATUSES.has(raw)) malformed(`${path}.tcbStatus`, `unrecognised TCB status ${JSON.stringify(raw)}`);
  return raw as LevelStatus;
}

/** The status of a selected TDX module identity level. Throws ERR_COLLATERAL_MALFORMED. */
export function moduleStatus(raw: string, path: string): SimpleStatus {
  if (!MODULE_STATUSES.has(raw)) malformed(`${path}.tcbStatus`, `unrecognised TDX module TCB status ${JSON.stringify(raw)}`);
  return raw as SimpleStatus;
}

/**
 * The status of a selected QE Identity level. QVL treats every status other than UpToDate and
 * Revoked as "ISVSVN out of date". Throws ERR_COLLATERAL_MALFORMED.
 */
export function qeStatus(raw: string, path: string): SimpleStatus {
  if (!QE_STATUSES.has(raw)) malformed(`${path}.tcbStatus`, `unrecognised QE TCB status ${JSON.stringify(raw)}`);
  return raw === 'UpToDate' || raw === 'Revoked' ? raw : 'OutOfDate';
}

/**
 * Folds an out-of-date TDX module or QE into the platform status: a platform that only needs
 * SW hardening or nothing becomes OutOfDate; one that needs configuration becomes
 * OutOfDateConfigurationNeeded; anything already worse stays as it is.
 */
export function foldOutOfDate(status: TcbStatus, other: 'UpToDate' | 'OutOfDate' | 'NotSupported'): TcbStatus {
  if (status === 'NotSupported' || other === 'NotSupported') return 'NotSupported';
  if (other === 'UpToDate') return status;
  switch (status) {
    case 'UpToDate':
    case 'SWHardeningNeeded':
      return 'OutOfDate';
    case 'ConfigurationNeeded':
    case 'ConfigurationAndSWHardeningNeeded':
      return 'OutOfDateConfigurationNeeded';
    default:
      return status;
  }
}
