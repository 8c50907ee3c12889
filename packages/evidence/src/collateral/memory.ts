/**
 * A collateral provider over items already in memory (files loaded by the CLI, uploads, test
 * fixtures). Items may be complete Intel bundles or loose pieces (a TCB Info, a CRL, a few
 * certificates); the provider files each piece by what it says about itself and assembles what
 * a verifier asks for. Nothing here checks signatures: the verifiers do.
 */
import { EvidenceError } from '../errors.js';
import { X509Certificate, X509Crl } from '@peculiar/x509';
import type {
  AmdCollateral,
  AmdCollateralRequest,
  CollateralProvider,
  IntelCollateral,
  IntelCollateralRequest,
  SignedJson,
} from './types.js';
import { vekInfo, vekMatches, type VekInfo } from './amd-vek.js';
import { toPemChain } from './pem.js';
import { qeIdentityTee, signedBody, signedJson, signedJsonInfo, tcbInfoTee } from './signed-json.js';

/** One thing a memory provider holds. */
export type CollateralItem =
  /** A complete Intel set; tee, fmspc and ca are read from its contents when not given. */
  | { kind: 'intel'; collateral: IntelCollateral; tee?: 'sgx' | 'tdx'; fmspc?: string; ca?: 'processor' | 'platform' }
  /** A TCB Info; the issuer chain may be left out when the certificates are among the items. */
  | { kind: 'intel-tcb-info'; body: string; signature: string; issuerChain?: string }
  /** A QE Identity (QE for SGX, TD_QE for TDX); chain as for TCB Info. */
  | { kind: 'intel-qe-identity'; body: string; signature: string; issuerChain?: string }
  /** A DER CRL: Intel Root CA CRL, PCK CRL (filed by issuer), or an AMD CRL (issued by an ARK). */
  | { kind: 'crl'; der: Uint8Array; issuerChain?: string; amdKeyType?: 'vcek' | 'vlek' }
  /** A DER certificate: AMD VCEK/VLEK, ASK/ASVK/ARK, or an Intel CA (TCB Signing, PCK CA, root). */
  | { kind: 'certificate'; der: Uint8Array }
  /** An AMD endorsement key with its own chain and CRL. */
  | { kind: 'amd'; collateral: AmdCollateral };

const INTEL_ROOT_CN = 'Intel SGX Root CA';
const INTEL_TCB_SIGNING_CN = 'Intel SGX TCB Signing';
const INTEL_PCK_CA_CN = { processor: 'Intel SGX PCK Processor CA', platform: 'Intel SGX PCK Platform CA' } as const;

interface Cert {
  der: Uint8Array;
  cert: X509Certificate;
  cn: string;
}

interface FiledSigned {
  doc: { body: string; signature: string; issuerChain?: string | undefined };
  tee: 'sgx' | 'tdx';
  fmspc: string | undefined;
  issueDate: Date | undefined;
}

interface FiledCrl {
  der: Uint8Array;
  issuerCn: string;
  issuerChain: string | undefined;
  amdKeyType: 'vcek' | 'vlek' | undefined;
}

interface FiledBundle {
  collateral: IntelCollateral;
  tee: 'sgx' | 'tdx' | undefined;
  fmspc: string | undefined;
  ca: 'processor' | 'platform' | undefined;
}

interface Index {
  bundles: FiledBundle[];
  tcbInfos: FiledSigned[];
  qeIdentities: FiledSigned[];
  crls: FiledCrl[];
  certs: Cert[];
  veks: { info: VekInfo; collateral: AmdCollateral }[];
}

function parseCert(der: Uint8Array): Cert {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der as Uint8Array<ArrayBuffer>);
  } catch (cause) {
    throw new EvidenceError('ERR_COLLATERAL_MALFORMED', 'a collateral certificate is not valid X.509', { cause });
  }
  return { der, cert, cn: cert.subjectName.getField('CN')[0] ?? '' };
}

function crlIssuerCn(der: Uint8Array): string {
  try {
    return new X509Crl(der as Uint8Array<ArrayBuffer>).issuerName.getField('CN')[0] ?? '';
  } catch (cause) {
    throw new EvidenceError('ERR_COLLATERAL_MALFORMED', 'a collateral CRL is not a valid X.509 CRL', { cause });
  }
}

/** Which PCK CA a CRL or chain belongs to, from the issuer CN. */
function pckCaOf(cn: string): 'processor' | 'platform' | undefined {
  if (cn === INTEL_PCK_CA_CN.processor) return 'processor';
  if (cn === INTEL_PCK_CA_CN.platform) return 'platform';
  return undefined;
}

function fileSigned(doc: FiledSigned['doc'], teeOf: typeof tcbInfoTee): FiledSigned | undefined {
  const info = signedJsonInfo(doc.body);
  const tee = teeOf(info);
  return tee ? { doc, tee, fmspc: info.fmspc, issueDate: info.issueDate } : undefined;
}

/** A loose signed document, checked like any other, with its chain decoded when given. */
function looseSigned(item: { body: string; signature: string; issuerChain?: string }): FiledSigned['doc'] {
  if (item.issuerChain) return signedJson('collateral', item.body, item.signature, item.issuerChain);
  return signedBody('collateral', item.body, item.signature);
}

function buildIndex(items: readonly CollateralItem[]): Index {
  const ix: Index = { bundles: [], tcbInfos: [], qeIdentities: [], crls: [], certs: [], veks: [] };
  for (const item of items) {
    switch (item.kind) {
      case 'intel': {
        const c = item.collateral;
        const tcb = fileSigned(c.tcbInfo, tcbInfoTee);
        const qe = fileSigned(c.qeIdentity, qeIdentityTee);
        const ca = item.ca ?? pckCaOf(crlIssuerCn(c.pckCrl));
        ix.bundles.push({ collateral: c, tee: item.tee ?? tcb?.tee, fmspc: (item.fmspc ?? tcb?.fmspc)?.toLowerCase(), ca });
        // A bundle's pieces also serve requests the bundle as a whole does not match.
        if (tcb) ix.tcbInfos.push(tcb);
        if (qe) ix.qeIdentities.push(qe);
        ix.crls.push({ der: c.pckCrl, issuerCn: crlIssuerCn(c.pckCrl), issuerChain: c.pckCrlIssuerChain, amdKeyType: undefined });
        ix.crls.push({ der: c.rootCaCrl, issuerCn: crlIssuerCn(c.rootCaCrl), issuerChain: undefined, amdKeyType: undefined });
        break;
      }
      case 'intel-tcb-info': {
        const f = fileSigned(looseSigned(item), tcbInfoTee);
        if (f) ix.tcbInfos.push(f);
        break;
      }
      case 'intel-qe-identity': {
        const f = fileSigned(looseSigned(item), qeIdentityTee);
        if (f) ix.qeIdentities.push(f);
        break;
      }
      case 'crl':
        ix.crls.push({ der: item.der, issuerCn: crlIssuerCn(item.der), issuerChain: item.issuerChain, amdKeyType: item.amdKeyType });
        break;
      case 'certificate': {
        const c = parseCert(item.der);
        if (c.cn === 'SEV-VCEK' || c.cn === 'SEV-VLEK') ix.veks.push({ info: vekInfo(item.der), collateral: { vek: item.der } });
        else ix.certs.push(c);
        break;
      }
      case 'amd':
        ix.veks.push({ info: vekInfo(item.collateral.vek), collateral: item.collateral });
        break;
    }
  }
  return ix;
}

/** Chain from `leaf` up to a self-issued root, using the certificates in the pool (leaf first). */
function chainFrom(ix: Index, leaf: Cert): Cert[] {
  const chain = [leaf];
  let cur = leaf;
  while (cur.cert.subject !== cur.cert.issuer && chain.length < 4) {
    const next = ix.certs.find((c) => c.cert.subject === cur.cert.issuer && !chain.includes(c));
    if (!next) break;
    chain.push(next);
    cur = next;
  }
  return chain;
}

/** A PEM chain for a document signed by a CA of common name `cn`, valid at `at` when possible. */
function issuerChainFor(ix: Index, cn: string, at: Date | undefined): string | undefined {
  const candidates = ix.certs.filter((c) => c.cn === cn);
  const valid = at ? candidates.find((c) => c.cert.notBefore <= at && at <= c.cert.notAfter) : undefined;
  const leaf = valid ?? candidates[0];
  return leaf ? toPemChain(chainFrom(ix, leaf).map((c) => c.der)) : undefined;
}

function withChain(ix: Index, f: FiledSigned): SignedJson | undefined {
  const { body, signature, issuerChain } = f.doc;
  if (issuerChain) return { body, signature, issuerChain };
  const found = issuerChainFor(ix, INTEL_TCB_SIGNING_CN, f.issueDate);
  return found ? { body, signature, issuerChain: found } : undefined;
}

function intelFrom(ix: Index, req: IntelCollateralRequest): IntelCollateral | undefined {
  const fmspc = req.fmspc.toLowerCase();
  const whole = ix.bundles.find((b) => b.tee === req.tee && b.fmspc === fmspc && b.ca === req.ca);
  if (whole) return whole.collateral;
  const tcbInfo = ix.tcbInfos.filter((t) => t.tee === req.tee && t.fmspc === fmspc).map((t) => withChain(ix, t)).find((t) => t);
  const qeIdentity = ix.qeIdentities.filter((q) => q.tee === req.tee).map((q) => withChain(ix, q)).find((q) => q);
  const pck = ix.crls.find((c) => c.issuerCn === INTEL_PCK_CA_CN[req.ca]);
  const root = ix.crls.find((c) => c.issuerCn === INTEL_ROOT_CN);
  if (!tcbInfo || !qeIdentity || !pck || !root) return undefined;
  const pckCrlIssuerChain = pck.issuerChain ?? issuerChainFor(ix, INTEL_PCK_CA_CN[req.ca], undefined);
  if (!pckCrlIssuerChain) return undefined;
  return { tcbInfo, qeIdentity, pckCrl: pck.der, pckCrlIssuerChain, rootCaCrl: root.der };
}

function amdFrom(ix: Index, req: AmdCollateralRequest): AmdCollateral | undefined {
  const hit = ix.veks.find((v) => vekMatches(v.info, req));
  if (!hit) return undefined;
  const out: AmdCollateral = { ...hit.collateral };
  if (!out.chain) {
    const issuer = ix.certs.find((c) => c.cert.subject === hit.info.issuer);
    if (issuer) {
      const chain = chainFrom(ix, issuer);
      // Only a chain that reaches a self-signed ARK is worth handing over.
      const top = chain[chain.length - 1]!;
      if (chain.length >= 2 && top.cert.subject === top.cert.issuer) out.chain = chain.map((c) => c.der);
    }
  }
  if (!out.crl) {
    const arkCn = out.chain ? parseCert(out.chain[out.chain.length - 1]!).cn : `ARK-${hit.info.product ?? ''}`;
    const crls = ix.crls.filter((c) => c.issuerCn === arkCn);
    const crl = crls.find((c) => c.amdKeyType === req.keyType) ?? crls.find((c) => c.amdKeyType === undefined);
    if (crl) out.crl = crl.der;
  }
  return out;
}

/**
 * A provider over in-memory items. Intel: a complete item matching tee, FMSPC and CA wins;
 * otherwise the set is assembled from pieces (TCB Info by tee and the FMSPC inside it, QE
 * Identity by tee, CRLs by issuer, chains from the certificates), first fit in item order.
 * AMD: the first VCEK matching chip ID and reported TCB (or VLEK matching the TCB), with a chain
 * and CRL found among the items when the key came without. Throws ERR_COLLATERAL_MALFORMED
 * when an item cannot be parsed.
 */
export function memoryCollateral(items: readonly CollateralItem[]): CollateralProvider {
  // Filed at once, so that a broken item fails where it is handed over, not at first use.
  const ix = buildIndex(items);
  return {
    intel: async (req) => intelFrom(ix, req),
    amd: async (req) => amdFrom(ix, req),
  };
}

/** Several providers in order; the first that returns collateral wins. */
export function combineCollateral(...providers: CollateralProvider[]): CollateralProvider {
  return {
    async intel(req) {
      for (const p of providers) {
        const c = await p.intel(req);
        if (c) return c;
      }
      return undefined;
    },
    async amd(req) {
      for (const p of providers) {
        const c = await p.amd(req);
        if (c) return c;
      }
      return undefined;
    },
  };
}
