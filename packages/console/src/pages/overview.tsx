/**
 * Overview: mode (dev shown loudly), version, services and their health, the trust anchors in
 * force (the server's beside this page's own pins), and recent activity from the audit log.
 */
import { describeTrustAnchors } from '@confide/evidence';
import { useContext, useMemo } from 'preact/hooks';
import { Ctx } from '../context.js';
import { AuditKeyPin, type AuditKeyAnswer } from './audit-key-pin-view.js';
import { Badge, ErrorLine, Head, Rows, Section } from '../ui/parts.js';
import { useLoad } from '../ui/use-load.js';

/** Audit entries shown as recent activity. */
const RECENT = 10;

interface Readiness {
  status: string;
  store?: string;
  degraded?: Array<{ service: string; reason: string }>;
}

export function OverviewPage() {
  const { api, info } = useContext(Ctx);
  const ready = useLoad(() => api.json<Readiness>('/readyz'), []);
  const status = useLoad(() => api.json<{ data: { code: number; message: string } }>('/api/v2/status'), []);
  const pins = useLoad(() => describeTrustAnchors(), []);
  const coordinatorOn = info.services.some((s) => s.name === 'coordinator' && s.enabled);
  // Asked once for the key section and the activity below; undefined where the coordinator cannot say (off, or in recovery).
  const auditKey = useMemo(() => {
    const request = coordinatorOn ? api.json<{ data: AuditKeyAnswer }>('/api/v2/audit-log/public-key').then((r) => r.data) : Promise.reject(new Error('the coordinator is off'));
    // Each reader handles a refusal itself; this keeps it from counting as unhandled meanwhile.
    request.catch(() => undefined);
    return request;
  }, [api, coordinatorOn]);
  const activity = useLoad(async () => {
    // Only the last entries: the whole log would make the first load grow with the log.
    const head = await auditKey.then((k) => k.headSeq, () => undefined);
    const path = head === undefined ? '/api/v2/audit-log' : `/api/v2/audit-log?after=${Math.max(0, head - RECENT)}`;
    return (await api.text(path)).split('\n').filter((l) => l.trim() !== '');
  }, [auditKey]);
  const degraded = new Map((ready.value?.degraded ?? []).map((d) => [d.service, d.reason]));
  const pinned = new Set((pins.value ?? []).map((p) => p.sha256));
  const recent = (activity.value ?? []).slice(-RECENT).reverse().map((l) => JSON.parse(l) as { seq: number; time: string; type: string; actor: string });
  return (
    <div class="stack">
      <Section title="This server" id="server">
        <Rows
          rows={[
            ['mode', info.mode === 'dev' ? <Badge tone="bad" testid="mode">dev</Badge> : <Badge tone="ok" testid="mode">production</Badge>],
            ['version', <span data-testid="version">{info.version}</span>],
            [
              'health',
              ready.error !== undefined ? (
                <ErrorLine error={ready.error} />
              ) : ready.value ? (
                <Badge tone={ready.value.status === 'ready' ? 'ok' : 'warn'} testid="health">
                  {ready.value.status} (store: {ready.value.store})
                </Badge>
              ) : (
                '…'
              ),
            ],
            ['coordinator', status.value ? <span data-testid="coordinator-state">{status.value.data.message}</span> : status.error !== undefined ? <ErrorLine error={status.error} /> : '…'],
          ]}
        />
      </Section>
      {coordinatorOn ? <AuditKeyPin request={auditKey} /> : null}
      <Section title="Services" id="services">
        <table>
          <Head cols={['service', 'path', 'state']} />
          <tbody>
            {info.services.map((s) => (
              <tr key={s.name} data-service={s.name}>
                <th scope="row">{s.name}</th>
                <td>
                  <code>{s.path}</code>
                </td>
                <td>{!s.enabled ? <Badge tone="info">off</Badge> : degraded.has(s.name) ? <Badge tone="warn">degraded: {degraded.get(s.name)}</Badge> : <Badge tone="ok">on</Badge>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="Trust anchors in force" id="anchors">
        <p class="hint">The vendor roots the server verifies evidence with, and whether this page (which verifies with its own copy of the evidence package) pins the same.</p>
        <table data-testid="anchors">
          <Head cols={['vendor', 'root', 'SHA-256', 'this page pins it']} />
          <tbody>
            {info.trustAnchors.map((a) => (
              <tr key={a.sha256}>
                <td>{a.vendor}</td>
                <td>
                  {a.label} {a.replaced ? <Badge tone="bad">replaced by configuration</Badge> : null}
                </td>
                <td>
                  <code class="hex">{a.sha256}</code>
                </td>
                <td>{pins.value ? pinned.has(a.sha256) ? <Badge tone="ok">yes</Badge> : <Badge tone="bad">no</Badge> : '…'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="Recent activity" id="activity">
        {activity.error !== undefined ? <ErrorLine error={activity.error} /> : null}
        {recent.length === 0 && activity.value ? <p>No audit entries yet.</p> : null}
        <ul class="activity">
          {recent.map((e) => (
            <li key={e.seq}>
              <time>{e.time}</time> <code>{e.type}</code> by {e.actor}
            </li>
          ))}
        </ul>
        <p>
          <a href="#/coordinator">The whole audit log, verified in the page</a>
        </p>
      </Section>
    </div>
  );
}
