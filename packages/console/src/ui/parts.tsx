/** Small shared pieces: a status badge, a key/value table, a JSON view, an error line. */
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/client.js';

export function Badge(props: { tone: 'ok' | 'bad' | 'warn' | 'info'; children: ComponentChildren; testid?: string }) {
  return (
    <span class={`badge ${props.tone}`} data-testid={props.testid}>
      {props.children}
    </span>
  );
}

export function Rows(props: { rows: Array<[string, ComponentChildren]> }) {
  return (
    <dl class="rows">
      {props.rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function JsonView(props: { value: unknown; label?: string }) {
  return (
    <details class="json">
      <summary>{props.label ?? 'JSON'}</summary>
      <pre tabIndex={0}>{JSON.stringify(props.value, null, 2)}</pre>
    </details>
  );
}

/** The code of a ConfideError, ApiError or plain error, for display and for tests (data-code). */
export function errorCode(err: unknown): string | undefined {
  if (err instanceof ApiError) return err.code;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function ErrorLine(props: { error: unknown; testid?: string }) {
  const code = errorCode(props.error);
  const message = props.error instanceof Error ? props.error.message : String(props.error);
  return (
    <p class="error" role="alert" data-testid={props.testid} data-code={code ?? ''}>
      {code ? <code>{code}</code> : null} {message}
    </p>
  );
}

export function Section(props: { title: string; children: ComponentChildren; id?: string }) {
  return (
    <section class="card" aria-labelledby={props.id ? `${props.id}-h` : undefined}>
      <h2 id={props.id ? `${props.id}-h` : undefined}>{props.title}</h2>
      {props.children}
    </section>
  );
}

/** A table's header row: one column header per name. */
export function Head(props: { cols: string[] }) {
  return (
    <thead>
      <tr>
        {props.cols.map((c) => (
          <th scope="col" key={c}>
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}
