/**
 * Coordinator: state, the manifest by name (packages, marbles, users, roles, secret names and
 * types: never a secret value), activations, the update log, a pending multi-party update,
 * recovery, and the audit log with its hash chain and signatures verified in the page.
 */
import { digest, fromBase64, fromUtf8, toHex } from '@confide/core';
import { manifestChanges } from '../verify/manifest-changes.js';
import { useContext, useEffect, useMemo, useRef } from 'preact/hooks';
import { Ctx } from '../context.js';
import { Badge, ErrorLine, Head, Rows, Section } from '../ui/parts.js';
import { useLoad } from '../ui/use-load.js';
import { createAuditChecker, FULL_EVERY, type FullReason } from '../verify/audit.js';
import { ApiError } from '../api/client.js';

interface Manifest {
  Packages?: Record<string, Record<string, unknown>>;
  Marbles?: Record<string, { Package?: string; MaxActivations?: number }>;
  Users?: Record<string, { Roles?: string[] }>;
  Roles?: Record<string, { ResourceType?: string; Actions?: string[] }>;
  Secrets?: Record<string, { Type?: string; Size?: number; UserDefined?: boolean }>;
}

/** Names and kinds only: the manifest's secrets section is reduced to name, type and size before anything is shown. */
function manifestView(m: Manifest) {
  return {
    packages: Object.entries(m.Packages ?? {}).map(([name, p]) => ({ name, fields: Object.keys(p).filter((k) => typeof p[k] !== 'object') })),
    marbles: Object.entries(m.Marbles ?? {}).map(([name, v]) => ({ name, pkg: v.Package ?? '', max: v.MaxActivations })),
    users: Object.entries(m.Users ?? {}).map(([name, u]) => ({ name, roles: u.Roles ?? [] })),
    roles: Object.entries(m.Roles ?? {}).map(([name, r]) => ({ name, resource: r.ResourceType ?? '', actions: r.Actions ?? [] })),
    secrets: Object.entries(m.Secrets ?? {}).map(([name, s]) => ({ name, type: s.Type ?? '', size: s.Size, userDefined: s.UserDefined === true })),
  };
}

/** One update log line: its time, and the rest of its fields as "name: value". */
function updateLine(line: string): { time: string; text: string } {
  try {
    const { time, ...rest } = JSON.parse(line) as Record<string, unknown>;
    return { time: String(time ?? ''), text: Object.entries(rest).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ') };
  } catch {
    return { time: '', text: line };
  }
}

const FULL_REASONS: Record<FullReason, string> = {
  first: 'first round',
  periodic: `every ${FULL_EVERY} rounds`,
  requested: 'asked for',
  'key-changed': 'the audit key changed',
  'head-diverged': 'the head the server states does not continue the one verified before',
  'after-failure': 'the round before failed',
};

const STATES: Record<number, string> = { 1: 'recovery', 2: 'accepting manifest', 3: 'accepting marbles' };

export function CoordinatorPage() {
  const { api } = useContext(Ctx);
  const status = useLoad(() => api.json<{ data: { code: number; message: string } }>('/api/v2/status'), []);
  const manifest = useLoad(async () => {
    try {
      const r = await api.json<{ data: { manifest: string; manifestFingerprint: string } }>('/api/v2/manifest');
      if (!r.data.manifest) return undefined;
      const raw = JSON.parse(fromUtf8(fromBase64(r.data.manifest))) as Manifest;
      return { fingerprint: r.data.manifestFingerprint, raw, view: manifestView(raw) };
    } catch (err) {
      if (err instanceof ApiError && err.status < 500) return undefined;
      throw err;
    }
  }, []);
  // Each line of MarbleRun's update log is a JSON object of its own (time, what changed, fingerprints).
  const updates = useLoad(async () => (await api.json<{ data: { updateLog: string[] } }>('/api/v2/update-log')).data.updateLog.map(updateLine), []);
  const pending = useLoad(async () => {
    try {
      const { data } = await api.json<{ data: { manifest: string; message: string; missingUsers: string[] } }>('/api/v2/update-manifest');
      const bytes = fromBase64(data.manifest);
      // The fingerprint users acknowledge is the SHA-256 of these exact bytes; computed here, not taken from the server.
      return { message: data.message, missingUsers: data.missingUsers, fingerprint: toHex(await digest('SHA-256', bytes)), raw: JSON.parse(fromUtf8(bytes)) as Manifest };
    } catch (err) {
      if (err instanceof ApiError && err.status < 500) return undefined;
      throw err;
    }
  }, []);
  // Kept across the 3-second rounds: each fetches and verifies only what was appended since the one before (verify/audit.ts).
  // One checker for the page's life: a new api (a refreshed sign-in token) must not drop the history it verified.
  const apiRef = useRef(api);
  apiRef.current = api;
  const auditChecker = useMemo(() => createAuditChecker(() => apiRef.current), []);
  const audit = useLoad(() => auditChecker.check(), [auditChecker]);
  // Live: marbles activate and updates land while the page is open.
  useEffect(() => {
    const timer = setInterval(() => {
      status.reload();
      manifest.reload();
      pending.reload();
      updates.reload();
      audit.reload();
    }, 3000);
    return () => clearInterval(timer);
  }, []);
  const code = status.value?.data.code;
  const m = manifest.value?.view;
  const activations = (audit.value?.entries ?? []).filter((e) => e.type === 'marble.activate');
  const headMatches = audit.value?.verified !== undefined && audit.value.verified.headSeq === audit.value.statedHead.seq && audit.value.verified.headHash === audit.value.statedHead.hash;
  return (
    <div class="stack">
      <Section title="State" id="state">
        {status.error !== undefined ? <ErrorLine error={status.error} /> : null}
        <Rows
          rows={[
            ['state', <span data-testid="coord-state" data-code={String(code ?? '')}>{code === undefined ? '…' : `${STATES[code] ?? code}: ${status.value?.data.message}`}</span>],
            ['recovery', code === 1 ? <Badge tone="bad">the sealed state cannot be opened: upload recovery shares (docs/recovery.md)</Badge> : <Badge tone="ok">not needed</Badge>],
            ['manifest fingerprint', manifest.value ? <code class="hex">{manifest.value.fingerprint}</code> : 'no manifest set'],
            [
              'pending update',
              pending.value ? (
                <div data-testid="pending" data-missing={pending.value.missingUsers.join(',')} data-fingerprint={pending.value.fingerprint}>
                  {pending.value.message}
                  {pending.value.missingUsers.length ? ` (missing: ${pending.value.missingUsers.join(', ')})` : ''}; fingerprint <code class="hex">{pending.value.fingerprint}</code>
                  <ul data-testid="pending-changes">
                    {manifestChanges(manifest.value?.raw ?? {}, pending.value.raw).map((c) => (
                      <li key={`${c.section}/${c.name}`} data-section={c.section} data-name={c.name} data-change={c.change}>
                        {c.change} {c.section.toLowerCase().replace(/s$/, '')} <code>{c.name}</code>
                      </li>
                    ))}
                  </ul>
                </div>
              ) : (
                <span data-testid="no-pending">none</span>
              ),
            ],
          ]}
        />
      </Section>
      {m ? (
        <Section title="Manifest (names only)" id="manifest">
          <h3>Packages</h3>
          <ul data-testid="packages">{m.packages.map((p) => <li key={p.name}><code>{p.name}</code> <span class="hint">{p.fields.join(', ')}</span></li>)}</ul>
          <h3>Marbles</h3>
          <ul data-testid="marbles">{m.marbles.map((x) => <li key={x.name}><code>{x.name}</code> runs package <code>{x.pkg}</code>{x.max ? `, at most ${x.max} activations` : ''}</li>)}</ul>
          <h3>Users</h3>
          <ul>{m.users.map((u) => <li key={u.name}><code>{u.name}</code> roles: {u.roles.join(', ') || 'none'}</li>)}</ul>
          <h3>Roles</h3>
          <ul>{m.roles.map((r) => <li key={r.name}><code>{r.name}</code> {r.actions.join(', ')} on {r.resource}</li>)}</ul>
          <h3>Secrets (names and types; values are never shown)</h3>
          <ul data-testid="secrets">{m.secrets.map((s) => <li key={s.name}><code>{s.name}</code> {s.type}{s.size ? ` ${s.size} bits` : ''}{s.userDefined ? ' (user-defined)' : ''}</li>)}</ul>
        </Section>
      ) : null}
      <Section title="Activations" id="activations">
        <p class="hint">From the verified audit log: each activation with the evidence claims the coordinator recorded.</p>
        <table data-testid="activations">
          <Head cols={['time', 'marble', 'type', 'package', 'TEE', 'measurement']} />
          <tbody>
            {activations.map((e) => {
              const d = e.details as { marbleType?: string; package?: string; tee?: string; measurement?: string; reactivation?: boolean };
              return (
                <tr key={e.seq} data-marble-type={d.marbleType}>
                  <td>{e.time}</td><td><code>{e.actor}</code></td><td>{d.marbleType}{d.reactivation ? ' (again)' : ''}</td><td>{d.package}</td><td>{d.tee}</td><td><code class="hex">{d.measurement}</code></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Section>
      <Section title="Update log" id="updates">
        {updates.error !== undefined ? <ErrorLine error={updates.error} /> : null}
        {updates.value && updates.value.length === 0 ? <p>No updates.</p> : null}
        <ul data-testid="update-log">
          {(updates.value ?? []).map((u, i) => (
            <li key={i}>
              <time>{u.time}</time> {u.text}
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Audit log, verified in this page" id="audit">
        {audit.error !== undefined ? <ErrorLine error={audit.error} /> : null}
        {audit.value ? (
          <div data-testid="audit-result" data-mode={audit.value.mode} data-full-reason={audit.value.fullReason ?? ''} data-verified-now={String(audit.value.verifiedNow)} data-count={String(audit.value.entries.length)} data-ok={String(audit.value.verified !== undefined && headMatches && audit.value.keyStatus !== 'changed')} data-code={(audit.value.failure as { code?: string } | undefined)?.code ?? ''}>
            <p data-testid="audit-key" data-status={audit.value.keyStatus}>
              audit key:{' '}
              {
                {
                  pinned: <Badge tone="ok">the key pinned on the overview by its fingerprint</Badge>,
                  'first-seen': <Badge tone="info">first seen by this browser: kept, to compare with on later visits</Badge>,
                  same: <Badge tone="ok">the key this browser kept</Badge>,
                  rotated: <Badge tone="warn">a new key the log's epoch entries chain to the kept one (the coordinator started over)</Badge>,
                  changed: <Badge tone="bad">not the key this browser kept, and the log does not chain it to that key: the log may have been re-signed</Badge>,
                  unverified: <Badge tone="bad">not judged: the log did not verify</Badge>,
                }[audit.value.keyStatus]
              }
            </p>
            {audit.value.verified ? (
              <p>
                <Badge tone={headMatches ? 'ok' : 'bad'}>{headMatches ? 'chain and signatures verified' : 'verified, but it ends before the head the server states'}</Badge> {audit.value.verified.count} entries, head #{audit.value.verified.headSeq}{' '}
                <code class="hex">{audit.value.verified.headHash}</code>
                {audit.value.verified.epochs.length ? `; ${audit.value.verified.epochs.length} key changes` : ''}
                <span class="hint">
                  {' '}
                  ({audit.value.mode === 'incremental' ? `${audit.value.verifiedNow} new entries fetched and verified as the continuation of the head verified before` : `the whole log verified from entry 1 (${FULL_REASONS[audit.value.fullReason ?? 'first']})`}; the whole log is verified again in {audit.value.roundsToFull} rounds)
                </span>
              </p>
            ) : (
              <ErrorLine error={audit.value.failure} testid="audit-error" />
            )}
            <button
              type="button"
              id="audit-verify-all"
              disabled={audit.loading}
              onClick={() => {
                auditChecker.requestFull();
                audit.reload();
              }}
            >
              Verify the whole log again now
            </button>
            <table class="audit">
              <Head cols={['#', 'time', 'type', 'actor', 'details']} />
              <tbody>
                {audit.value.entries.map((e) => (
                  <tr key={e.seq}><td>{e.seq}</td><td>{e.time}</td><td><code>{e.type}</code></td><td>{e.actor}</td><td><code>{JSON.stringify(e.details)}</code></td></tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Section>
    </div>
  );
}
