/** Turns a verified Intel quote, its PCK certificate and the TCB evaluation into normalized claims. */
import { toHex } from '@confide/core';
import { sgxDebug } from '../sgx/attributes.js';
import { decodeTdAttributes } from '../tdx/td-attributes.js';
import type { IntelCollateralDigests, IntelPlatformClaims, SgxClaims, TdxClaims } from '../claims.js';
import type { PckChain } from './quote-signatures.js';
import type { IntelQuote } from './quote-types.js';
import type { TcbEvaluation } from './tcb-types.js';

/** Fields both SGX and TDX claims carry about the platform and its evaluation. */
function platformFields(quote: IntelQuote, pck: PckChain, tcb: TcbEvaluation): IntelPlatformClaims {
  return {
    quoteVersion: quote.version,
    pceId: pck.extensions.pceId,
    pceSvn: pck.extensions.pceSvn,
    pckCpuSvn: pck.extensions.cpuSvn,
    qeSvn: quote.qe.qeReport.isvSvn,
    ...(tcb.tcbDate !== undefined ? { tcbDate: tcb.tcbDate } : {}),
    qeStatus: tcb.qeStatus,
    ...(tcb.qeTcbDate !== undefined ? { qeTcbDate: tcb.qeTcbDate } : {}),
    platformStatus: tcb.platformStatus,
    caType: pck.caType,
    tcbEvaluationDataNumber: tcb.tcbInfo.tcbEvaluationDataNumber,
  };
}

/** Builds the claims of an authentic quote. */
export function intelClaims(
  quote: IntelQuote,
  pck: PckChain,
  tcb: TcbEvaluation,
  expired: string[],
  at: Date,
  collateralDigests: IntelCollateralDigests,
): SgxClaims | TdxClaims {
  const expiredCollateral = [...new Set(expired)];
  const common = {
    tcbStatus: tcb.tcbStatus,
    advisoryIds: tcb.advisoryIds,
    collateralExpired: expiredCollateral.length > 0,
    expiredCollateral,
    fmspc: pck.extensions.fmspc,
    verifiedAt: at.toISOString(),
    collateralDigests,
  };
  if (quote.body.kind === 'sgx') {
    const r = quote.body.report;
    return {
      tee: 'sgx',
      debug: sgxDebug(r.attributes),
      measurement: toHex(r.mrenclave),
      signer: toHex(r.mrsigner),
      productId: r.isvProdId,
      svn: r.isvSvn,
      reportData: toHex(r.reportData),
      ...common,
      sgx: {
        cpuSvn: toHex(r.cpuSvn),
        miscselect: r.miscselect,
        attributes: toHex(r.attributes),
        mrenclave: toHex(r.mrenclave),
        mrsigner: toHex(r.mrsigner),
        isvProdId: r.isvProdId,
        isvSvn: r.isvSvn,
        configId: toHex(r.configId),
        configSvn: r.configSvn,
        isvExtProdId: toHex(r.isvExtProdId),
        isvFamilyId: toHex(r.isvFamilyId),
        // Spread last: an object literal that starts with a spread is several times slower to build.
        ...platformFields(quote, pck, tcb),
      },
    };
  }
  const r = quote.body.report;
  const flags = decodeTdAttributes(r.tdAttributes);
  return {
    tee: 'tdx',
    debug: flags.debug,
    measurement: toHex(r.mrTd),
    reportData: toHex(r.reportData),
    ...common,
    tdx: {
      bodyType: quote.body.bodyType,
      teeTcbSvn: toHex(r.teeTcbSvn),
      ...(r.teeTcbSvn2 ? { teeTcbSvn2: toHex(r.teeTcbSvn2) } : {}),
      mrSeam: toHex(r.mrSeam),
      mrSignerSeam: toHex(r.mrSignerSeam),
      seamAttributes: toHex(r.seamAttributes),
      tdAttributes: toHex(r.tdAttributes),
      tdAttributesDecoded: { ...flags },
      xfam: toHex(r.xfam),
      mrtd: toHex(r.mrTd),
      mrConfigId: toHex(r.mrConfigId),
      mrOwner: toHex(r.mrOwner),
      mrOwnerConfig: toHex(r.mrOwnerConfig),
      rtmrs: r.rtmrs.map(toHex),
      ...(r.mrServiceTd ? { mrServiceTd: toHex(r.mrServiceTd) } : {}),
      ...(tcb.tdxModuleStatus !== undefined ? { tdxModuleStatus: tcb.tdxModuleStatus } : {}),
      ...(tcb.tdxModuleIdentity !== undefined ? { tdxModuleIdentity: tcb.tdxModuleIdentity } : {}),
      ...platformFields(quote, pck, tcb),
    },
  };
}
