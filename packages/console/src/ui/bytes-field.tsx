/**
 * Bytes from the user: a file chosen or dropped, or text pasted (hex, base64, JSON, PEM). Keyboard
 * users reach both the file input and the text area.
 */
import { useState } from 'preact/hooks';

export interface BytesValue {
  /** Where the bytes came from, for display. */
  source: string;
  bytes: Uint8Array;
}

async function readFiles(files: FileList | null): Promise<BytesValue[]> {
  if (!files) return [];
  return Promise.all([...files].map(async (f) => ({ source: `${f.name} (${f.size} bytes)`, bytes: new Uint8Array(await f.arrayBuffer()) })));
}

export function BytesField(props: { id: string; label: string; hint: string; multiple?: boolean; onChange(values: BytesValue[]): void }) {
  const [text, setText] = useState('');
  const [files, setFiles] = useState<BytesValue[]>([]);
  const [over, setOver] = useState(false);
  const emit = (t: string, f: BytesValue[]) => props.onChange([...f, ...(t.trim() ? [{ source: 'pasted text', bytes: new TextEncoder().encode(t.trim()) }] : [])]);
  return (
    <div
      class={`bytes-field${over ? ' over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        void readFiles(e.dataTransfer?.files ?? null).then((f) => {
          const next = props.multiple ? [...files, ...f] : f.slice(0, 1);
          setFiles(next);
          emit(text, next);
        });
      }}
    >
      <label for={`${props.id}-text`}>{props.label}</label>
      <p class="hint">{props.hint}</p>
      <textarea
        id={`${props.id}-text`}
        rows={4}
        spellcheck={false}
        value={text}
        onInput={(e) => {
          setText(e.currentTarget.value);
          emit(e.currentTarget.value, files);
        }}
      />
      <label class="file">
        or a file{props.multiple ? ' (several allowed)' : ''}, or drop it here:{' '}
        <input
          id={`${props.id}-file`}
          type="file"
          multiple={props.multiple}
          onChange={(e) =>
            void readFiles(e.currentTarget.files).then((f) => {
              setFiles(f);
              emit(text, f);
            })
          }
        />
      </label>
      {files.length > 0 ? <p class="hint">files: {files.map((f) => f.source).join(', ')}</p> : null}
    </div>
  );
}
