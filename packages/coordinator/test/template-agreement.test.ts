/**
 * One parser for the manifest check and the rendering: every template here gets the same verdict
 * from validateManifest (the check at `manifest set`) and from rendering (the dry run the
 * coordinator runs, and activation). Before they shared the parser, the check refused `index`,
 * which rendering supports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError } from '@confide/core';
import { checkManifest, dryRunTemplates } from '../src/index.js';

const SECRETS = {
  k: { Type: 'symmetric-key', Size: 128 },
  'api-key': { Type: 'symmetric-key', Size: 128 },
  'my-cert': { Type: 'cert-ecdsa', Size: 256 },
  pw: { Type: 'plain', UserDefined: true },
};

function manifest(section: 'Files' | 'Env', data: string): Record<string, unknown> {
  return {
    Packages: { pkg: { Tee: 'sim', UniqueID: '11'.repeat(32) } },
    Marbles: { m: { Package: 'pkg', Parameters: { [section]: { x: data } } } },
    Secrets: SECRETS,
  };
}

/** [section, template, accepted, rule the check reports when refused]. */
const CASES: Array<[section: 'Files' | 'Env', template: string, ok: boolean, rule?: string]> = [
  ['Files', '{{ index .Secrets "api-key" | hex }}', true],
  ['Files', '{{ pem (index .Secrets "my-cert").Cert }}', true],
  ['Env', '{{ base64 (index .Secrets "api-key") }}', true],
  ['Env', '{{ hex (index .Secrets "k") }}', true],
  ['Files', '{{ hex .Secrets.k }}', true],
  ['Files', '{{ .Secrets.k | base64 }}', true],
  ['Files', '{{ raw .Secrets.k }}', true],
  ['Env', '{{ string .Secrets.pw }}', true],
  ['Files', '{{ pem .MarbleRun.RootCA.Cert }}', true],
  ['Files', '{{ pem .MarbleRun.MarbleCert.Private }}', true],
  ['Files', '{{ hex .Previous.Secrets.k }}', true],
  ['Files', 'a {{ "{{" }} b {{/* note */}}', true],
  ['Files', '{{- hex .Secrets.k -}}', true],
  ['Files', '{{ index .Secrets "missing" | hex }}', false, 'template.secret-unknown'],
  ['Files', '{{ pem (index .Secrets "api-key").Cert }}', false, 'template.part-unavailable'],
  ['Files', '{{ index .Secrets "api-key" }}', false, 'template.no-encoding'],
  ['Env', '{{ raw .Secrets.k }}', false, 'template.encoding-not-allowed'],
  ['Files', '{{ string .Secrets.pw }}', false, 'template.encoding-not-allowed'],
  ['Files', '{{ printf "%x" .Secrets.k.Public }}', true],
  ['Files', '{{ printf "%x" .Secrets.k }}', false, 'template.execution'],
  ['Files', '{{ if .Secrets.k }}x{{ end }}', true],
  ['Files', '{{ $x := 1 }}', true],
  ['Files', '{{ range $name, $s := .Secrets }}{{ $name }}={{ hex $s.Public }} {{ end }}', true],
  ['Files', '{{ with .Secrets.k }}{{ hex . }}{{ end }}', true],
  ['Files', '{{ with .Secrets.k }}{{ hex .Cert }}{{ end }}', false, 'template.execution'],
  ['Files', '{{ template "x" }}', false, 'template.unsupported'],
  ['Files', '{{ upper .Secrets.k }}', false, 'template.encoding-unknown'],
  ['Files', '{{ .Secrets.k }}', false, 'template.no-encoding'],
  ['Files', '{{ hex .Secrets.nope }}', false, 'template.secret-unknown'],
  ['Files', '{{ pem .Secrets.k }}', false, 'template.pem-needs-part'],
  ['Files', '{{ hex .Secrets.k.Key }}', false, 'template.part-unknown'],
  ['Files', '{{ hex .Nothing.k }}', false, 'template.reference-unknown'],
  ['Files', '{{ hex .Secrets.k', false, 'template.syntax'],
  ['Files', '{{ hex .Secrets.k .Secrets.k }}', false, 'template.syntax'],
];

for (const [section, template, ok, rule] of CASES) {
  test(`${section} ${template}: the check and the rendering both ${ok ? 'accept' : 'refuse'} it`, () => {
    const m = manifest(section, template);
    const checked = checkManifest(m);
    const checkOk = checked.errors.length === 0;
    let renderOk = true;
    try {
      dryRunTemplates(m as Parameters<typeof dryRunTemplates>[0]);
    } catch (err) {
      assert.ok(isConfideError(err, 'ERR_MANIFEST_INVALID'), String(err));
      renderOk = false;
    }
    assert.equal(checkOk, ok, `check: ${JSON.stringify(checked.errors)}`);
    assert.equal(renderOk, ok, 'rendering');
    if (rule) assert.deepEqual(checked.errors.map((e) => e.rule), [rule]);
  });
}
