/** Claims of evidence verified in the page: the common ones first, TCB status with its advisories explained (bundled texts) and linked. */
import type { Claims } from '@confide/evidence';
import type { ComponentChildren } from 'preact';
import { Badge, JsonView, Rows } from '../ui/parts.js';
import { explainAdvisory } from '../advisories/explain.js';

const TCB_MEANING: Record<string, string> = {
  UpToDate: 'the platform runs the latest microcode and firmware the vendor lists',
  SWHardeningNeeded: 'patched, but the vendor advises software mitigations in the enclave for the advisories listed',
  ConfigurationNeeded: 'patched, but the platform needs a configuration change (for example disabling hyper-threading) for the advisories listed',
  ConfigurationAndSWHardeningNeeded: 'patched, but both a configuration change and software mitigations are advised for the advisories listed',
  OutOfDate: 'the platform misses microcode or firmware updates that fix the advisories listed',
  OutOfDateConfigurationNeeded: 'out of date, and a configuration change is needed as well',
  NotSupported: 'the TCB matches no level the vendor lists',
};

/** An advisory with its bundled text (offline) and a link to the vendor's page. */
function Advisory(props: { id: string }) {
  const a = explainAdvisory(props.id);
  return (
    <li data-advisory={a.id} data-known={String(a.known)}>
      {a.url ? (
        <a href={a.url} rel="noreferrer noopener" target="_blank">
          {a.id}
        </a>
      ) : (
        <code>{a.id}</code>
      )}
      {a.issue ? <strong> {a.issue}.</strong> : null} <span class="hint">{a.text}</span>
    </li>
  );
}

export function tcbTone(status: string): 'ok' | 'warn' | 'bad' {
  return status === 'UpToDate' ? 'ok' : status.startsWith('OutOfDate') || status === 'NotSupported' ? 'bad' : 'warn';
}

export function ClaimsView(props: { claims: Claims }) {
  const c = props.claims;
  return (
    <div class="claims" data-testid="page-claims" data-tee={c.tee}>
      <Rows
        rows={[
          ['TEE', <code data-testid="page-tee">{c.tee}</code>],
          ['measurement', <code class="hex" data-testid="page-measurement">{c.measurement}</code>],
          ['report data', <code class="hex">{c.reportData}</code>],
          ['debug', c.debug ? <Badge tone="bad">debuggable</Badge> : 'no'],
          [
            'TCB status',
            <span>
              <Badge tone={tcbTone(c.tcbStatus)} testid="page-tcb">
                {c.tcbStatus}
              </Badge>{' '}
              {TCB_MEANING[c.tcbStatus] ?? ''}
            </span>,
          ],
          [
            'advisories',
            c.advisoryIds.length === 0 ? (
              'none'
            ) : (
              <ul class="advisories" data-testid="page-advisories">
                {c.advisoryIds.map((id) => (
                  <Advisory key={id} id={id} />
                ))}
              </ul>
            ),
          ],
          ['collateral', c.collateralExpired ? <Badge tone="warn">expired at the verification time: {c.expiredCollateral.join(', ')}</Badge> : 'valid at the verification time'],
          ['verified at', c.verifiedAt],
          ...(c.signer ? ([['signer', <code class="hex">{c.signer}</code>]] as Array<[string, ComponentChildren]>) : []),
          ...(c.fmspc ? ([['FMSPC', <code>{c.fmspc}</code>]] as Array<[string, ComponentChildren]>) : []),
          ...(c.chipId ? ([['chip ID', <code class="hex">{c.chipId}</code>]] as Array<[string, ComponentChildren]>) : []),
        ]}
      />
      <JsonView value={c} label="all claims (JSON)" />
    </div>
  );
}
