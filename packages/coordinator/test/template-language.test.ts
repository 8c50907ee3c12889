/**
 * Go's text/template beyond the encodings, rendered as Go renders it (text/template exec.go,
 * funcs.go, fmt): if/else if/else, with/else with, range over secrets, byte slices and numbers
 * with break and continue, variables and their scope, numbers and character constants, and the
 * builtins. The last test runs the templates of MarbleRun's own TestParseSecrets
 * (coordinator/core/marbleapi_test.go) with its values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError } from '@confide/core';
import { checkManifest } from '../src/index.js';
import { renderParameters, type TemplateContext } from '../src/templates/index.js';
import type { SecretMap } from '../src/secrets/types.js';

const A = new Uint8Array([0x41]);
function context(secrets: SecretMap): TemplateContext {
  return { secrets, marbleRun: { rootCa: A, marbleCert: { cert: A, public: A, private: A }, coordinatorRoot: A, coordinatorIntermediate: A } };
}
const SECRETS: SecretMap = {
  k: { Type: 'symmetric-key', Public: new Uint8Array([1, 2]), Private: new Uint8Array([1, 2]) },
  b: { Type: 'symmetric-key', Public: new Uint8Array([10, 20, 30, 40]), Private: new Uint8Array([10, 20, 30, 40]) },
  pw: { Type: 'plain', Public: new Uint8Array([0x68, 0x69]) },
};
const render = (tpl: string, secrets = SECRETS, target: 'Files' | 'Env' = 'Files'): string => {
  const out = renderParameters({ [target]: { x: tpl } }, context(secrets));
  return Buffer.from(target === 'Files' ? out.files['x']! : out.env['x']!).toString('latin1');
};

test('if / else if / else; with / else with: Go\'s truth (a secret is true, a missing one false)', () => {
  assert.equal(render('{{ if .Secrets.k }}yes{{ else }}no{{ end }}{{ if .Secrets.missing }}yes{{ else }}no{{ end }}'), 'yesno');
  const typeOf = '{{ if eq .Secrets.NAME.Type "symmetric-key" }}sym{{ else if eq .Secrets.NAME.Type "plain" }}plain{{ else }}other{{ end }}';
  assert.equal(render(typeOf.replaceAll('NAME', 'k')), 'sym');
  assert.equal(render(typeOf.replaceAll('NAME', 'pw')), 'plain');
  assert.equal(render('{{ with .Secrets.k }}{{ hex .Public }}{{ end }}'), '0102');
  assert.equal(render('{{ with .Secrets.missing }}x{{ else with .Secrets.pw }}{{ .Type }}{{ else }}none{{ end }}'), 'plain');
  assert.equal(render('{{ if lt 1 2 }}lt{{ end }}{{ if ne "a" "b" }}ne{{ end }}{{ if eq 3 1 2 3 }}eq{{ end }}'), 'ltneeq');
});

test('range over .Secrets in name order with $name, $secret; over bytes with break and continue; over a number; else', () => {
  assert.equal(render('{{ range $name, $s := .Secrets }}{{ $name }}:{{ hex $s }};{{ end }}'), 'b:0a141e28;k:0102;pw:6869;');
  assert.equal(render('{{ range $i, $b := .Secrets.b.Public }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ if ge $i 3 }}{{ break }}{{ end }}{{ $b }},{{ end }}'), '10,30,');
  assert.equal(render('{{ range 3 }}{{ . }}{{ end }}|{{ range 0 }}x{{ else }}none{{ end }}|{{ range .Secrets.missing }}x{{ else }}nil{{ end }}'), '012|none|nil');
  assert.equal(render('{{ range .Secrets }}{{ hex $.Secrets.k }}{{ break }}{{ end }}'), '0102');
});

test('variables: declared, assigned, scoped to their block', () => {
  assert.equal(render('{{ $x := hex .Secrets.k }}{{ $x }}-{{ $x = "y" }}{{ $x }}'), '0102-y');
  assert.throws(() => render('{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}'), (err: unknown) => isConfideError(err, 'ERR_MANIFEST_INVALID'));
});

test('constants and the builtins, as Go prints them', () => {
  assert.equal(render("{{ 0x10 }} {{ 1_000 }} {{ -3 }} {{ 'a' }} {{ 1.5 }} {{ true }}"), '16 1000 -3 97 1.5 true');
  assert.equal(render('{{ printf "%s=%x (%d bytes) %q %5s|%-3d|%03d %t %%" "k" .Secrets.k.Public (len .Secrets.k.Public) "q" "ab" 7 7 true }}'), 'k=0102 (2 bytes) "q"    ab|7  |007 true %');
  assert.equal(render('{{ print 1 2 "a" 3 }}|{{ println "a" 1 }}'), '1 2a3|a 1\n');
  assert.equal(render('{{ and 1 0 2 }} {{ or 0 "" "x" }} {{ not .Secrets.missing }}'), '0 x true');
  // and/or stop at the deciding argument: the failing call after it never runs.
  assert.equal(render('{{ if or true (hex .Secrets.missing) }}ok{{ end }}'), 'ok');
  assert.equal(render('{{ index .Secrets.b.Public 1 }} {{ hex (slice .Secrets.b.Public 1 3) }} {{ .Secrets.k.Public }}'), '20 141e [1 2]');
  assert.equal(render('{{ html "<a&b>" }} {{ urlquery "a b&c" }} {{ js "it\'s" }}'), "&lt;a&amp;b&gt; a+b%26c it\\'s");
  assert.equal(render('{{ "x" | printf "%s-%s" "a" }}'), 'a-x');
});

test('a manifest using them is accepted at manifest set; the dry run refuses what fails when run (template.execution)', () => {
  const manifest = (tpl: string) => ({
    Packages: { pkg: { Tee: 'sim', UniqueID: '11'.repeat(32) } },
    Marbles: { m: { Package: 'pkg', Parameters: { Files: { '/x': tpl } } } },
    Secrets: { k: { Type: 'symmetric-key', Size: 128 }, c: { Type: 'cert-ecdsa', Size: 256 } },
  });
  assert.deepEqual(checkManifest(manifest('{{ range $n, $s := .Secrets }}{{ if eq $s.Type "cert-ecdsa" }}{{ pem $s.Cert }}{{ end }}{{ end }}')).errors, []);
  const refused = checkManifest(manifest('{{ range .Secrets }}{{ pem .Cert }}{{ end }}')).errors;
  assert.deepEqual(refused.map((e) => e.rule), ['template.execution']);
});

test('MarbleRun TestParseSecrets: its templates and values', () => {
  const secrets: SecretMap = {
    mysecret: { Type: 'symmetric-key', Public: Uint8Array.from({ length: 16 }, (_, i) => i), Private: Uint8Array.from({ length: 16 }, (_, i) => i) },
    anothercoolsecret: { Type: 'symmetric-key', Public: new Uint8Array([7, 6, 5, 4, 3, 2, 1, 0]), Private: new Uint8Array([7, 6, 5, 4, 3, 2, 1, 0]) },
    emptysecret: { Type: '' },
    plainSecret: { Type: 'plain', Public: new Uint8Array([1, 2, 3]) },
    nullSecret: { Type: 'plain', Public: new Uint8Array([0, 1, 2]) },
    otherSecret: { Type: 'symmetric-key', Public: new Uint8Array([4, 5, 6]) },
  };
  for (const prefix of ['', '.Previous']) {
    assert.equal(render(`{{ raw ${prefix}.Secrets.mysecret }}`, secrets), Buffer.from(secrets['mysecret']!.Public!).toString('latin1'));
    assert.equal(render(`{{ hex ${prefix}.Secrets.mysecret }}`, secrets), '000102030405060708090a0b0c0d0e0f');
    assert.equal(render(`{{ base64 ${prefix}.Secrets.mysecret }}`, secrets), 'AAECAwQFBgcICQoLDA0ODw==');
    assert.equal(render(`{{ raw ${prefix}.Secrets.anothercoolsecret }}`, secrets), '\x07\x06\x05\x04\x03\x02\x01\x00');
    assert.equal(render(`{{ string ${prefix}.Secrets.plainSecret }}`, secrets, 'Env'), '\x01\x02\x03');
    for (const [tpl, target] of [[`{{ pem ${prefix}.Secrets.mysecret }}`, 'Files'], [`{{ hex ${prefix}.Secrets.idontexist }}`, 'Files'], [`{{ hex ${prefix}.Secrets.emptysecret }}`, 'Files'], [`{{ string ${prefix}.Secrets.otherSecret }}`, 'Env']] as const) {
      assert.throws(() => render(tpl, secrets, target), (err: unknown) => isConfideError(err), tpl);
    }
  }
  assert.throws(() => render('{{ string .Secrets.nullSecret }}', secrets, 'Env'), (err: unknown) => isConfideError(err, 'ERR_SECRET_INVALID'));
});

test('else if inside range and with, as Go reads it ({{else}}{{if}} closed by the same end); misplaced keywords do not parse', () => {
  assert.equal(render('{{ range $i, $b := .Secrets.k.Public }}{{ if eq $i 0 }}first{{ else if eq $i 1 }}second{{ end }}{{ end }}'), 'firstsecond');
  assert.equal(render('{{ with .Secrets.missing }}x{{ else if true }}y{{ end }}'), 'y');
  for (const bad of ['{{ end }}', '{{ else }}', '{{ break }}', '{{ if true }}{{ else }}{{ else }}{{ end }}', '{{ range 1 }}{{ end }}{{ continue }}']) {
    assert.throws(() => render(bad), (err: unknown) => isConfideError(err, 'ERR_MANIFEST_INVALID'), bad);
  }
});
