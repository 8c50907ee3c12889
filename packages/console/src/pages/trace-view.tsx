/**
 * What each check did: the verifier's own step trace (TraceCollector in the verify context), in
 * the order it ran, each check with its outcome. Checks that ran at once keep their own results
 * even when one of them failed; steps after a failure are absent because they never ran.
 */
import type { TraceEntry, TraceStep } from '@confide/evidence';
import { Badge } from '../ui/parts.js';

const STEP_NAMES: Record<TraceStep, string> = {
  parse: 'format',
  collateral: 'collateral',
  'quote-signature': 'quote signature',
  'qe-report': 'QE report',
  'pck-chain': 'PCK chain',
  'collateral-chain': 'collateral signing chain',
  crl: 'CRL signature',
  revocation: 'revocation',
  'tcb-info': 'TCB Info',
  'qe-identity': 'QE Identity',
  'tdx-module': 'TDX module',
  'tcb-status': 'TCB status',
  'vek-chain': 'VCEK/VLEK chain',
  'report-signature': 'report signature',
  'tcb-binding': 'TCB binding',
  'chip-binding': 'chip binding',
  'report-data': 'report data',
  'quotes-agree': 'quotes agree',
  'pcr-digest': 'PCR digest',
  nonce: 'nonce',
  'ak-creation': 'AK creation',
  'ak-chain': 'AK chain',
  'event-log': 'event log replay',
  'runtime-data': 'runtime data binding',
  'device-chain': 'device certificate chain',
  'fwid-binding': 'FWID binding',
  measurements: 'measurements',
  validity: 'validity',
  verify: 'verification',
};

const TONES = { passed: 'ok', failed: 'bad', noted: 'info' } as const;

export function TraceView(props: { entries: TraceEntry[] }) {
  return (
    <ol class="checks" aria-label="What each check did" data-testid="trace">
      {props.entries.map((e, i) => (
        <li key={i} class={e.outcome} data-step={e.step} data-check={e.check} data-outcome={e.outcome} data-code={e.code ?? ''}>
          <strong>{STEP_NAMES[e.step] ?? e.step}</strong>
          {e.check !== e.step ? <span class="hint"> {e.check}</span> : null} <Badge tone={TONES[e.outcome]}>{e.outcome}</Badge> {e.code ? <code>{e.code}</code> : null} {e.detail}
        </li>
      ))}
    </ol>
  );
}
