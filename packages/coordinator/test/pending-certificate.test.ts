/**
 * Rendering before the marble certificate is signed (templates/pending-certificate.ts): what it
 * completes is byte for byte what rendering with the certificate gives; a template that reads
 * more of the certificate than an encoding of it is left to render with the certificate; the
 * refusals are the same and come first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError, utf8 } from '@confide/core';
import type { Secret } from '../src/manifest/types.js';
import { createCoordinatorPki, generateMarbleKeyPair, issueMarbleCertificate } from '../src/pki/index.js';
import { generateSecrets, type SecretMap } from '../src/secrets/index.js';
import { PendingCertificate, renderParameters, renderParametersAhead, templateContext, type ParametersInput } from '../src/templates/index.js';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const UUID = '6f0c5e5e-1b2c-4d3e-8f90-a1b2c3d4e5f6';
const DEFS: Record<string, Secret> = {
  ec: { Type: 'cert-ecdsa', Size: 256, Shared: true, UserDefined: false, ValidFor: 0 },
  unset: { Type: 'plain', Size: 0, Shared: true, UserDefined: true, ValidFor: 0 },
};

const pki = await createCoordinatorPki(NOW);
const secrets: SecretMap = await generateSecrets(DEFS, pki, { now: NOW });
const keys = await generateMarbleKeyPair();
const issued = await issueMarbleCertificate(pki, { uuid: UUID, publicKey: keys.publicKey, now: NOW });
const marble = (cert: Uint8Array | PendingCertificate) => ({ cert, publicKeySpki: keys.publicKeySpki, privateKeyPkcs8: keys.privateKeyPkcs8 });
const withCertificate = templateContext(pki, marble(issued.cert), secrets);
const pending = () => templateContext(pki, marble(new PendingCertificate()), secrets);

/** renderParametersAhead's completion with the signed certificate, or undefined: it needs the certificate. */
function ahead(parameters: ParametersInput) {
  return renderParametersAhead(parameters, pending(), { marbleName: 'm' })?.(issued.cert);
}

const direct = (parameters: ParametersInput) => renderParameters(parameters, withCertificate, { marbleName: 'm' });

// Templates that only print encodings of the certificate: rendered ahead.
const PRINTING = [
  '{{ pem .MarbleRun.MarbleCert.Cert }}',
  '{{ hex .MarbleRun.MarbleCert.Cert }}',
  '{{ base64 .MarbleRun.MarbleCert.Cert }}',
  'a{{ pem .MarbleRun.MarbleCert.Cert }}b{{ hex .MarbleRun.MarbleCert.Cert }}c{{ pem .MarbleRun.MarbleCert.Cert }}',
  '{{ $c := pem .MarbleRun.MarbleCert.Cert }}{{ $c }}|{{ $c }}',
  '{{ .MarbleRun.MarbleCert.Cert | hex }}',
  '{{ if .MarbleRun.MarbleCert.Cert }}{{ base64 .MarbleRun.MarbleCert.Cert }}{{ end }}',
  '{{ with .MarbleRun.MarbleCert }}{{ pem .Cert }}{{ pem .Private }}{{ end }}',
  '{{ range $i, $b := .MarbleRun.MarbleCert.Public }}{{ if lt $i 2 }}{{ $b }}{{ end }}{{ end }}{{ pem .MarbleRun.RootCA.Cert }}{{ pem .Secrets.ec.Cert }}',
  'no templates at all',
];

// Templates whose output the certificate's bytes decide: rendered once it is signed.
const READING = [
  '{{ raw .MarbleRun.MarbleCert.Cert }}',
  '{{ len (hex .MarbleRun.MarbleCert.Cert) }}',
  '{{ slice (hex .MarbleRun.MarbleCert.Cert) 0 4 }}',
  '{{ printf "%s" (pem .MarbleRun.MarbleCert.Cert) }}',
  '{{ print (pem .MarbleRun.MarbleCert.Cert) }}',
  '{{ index .MarbleRun.MarbleCert.Cert.Raw 0 }}',
  '{{ .MarbleRun.MarbleCert.Cert.Raw }}',
  '{{ if eq (hex .MarbleRun.MarbleCert.Cert) "00" }}same{{ else }}other{{ end }}',
  '{{ $c := hex .MarbleRun.MarbleCert.Cert }}{{ if $c }}set{{ end }}',
  '{{ hex .MarbleRun.MarbleCert.Cert | urlquery }}',
  '{{ and (pem .MarbleRun.MarbleCert.Cert) "x" }}',
];

test('a template that only prints the certificate renders ahead, byte for byte what rendering with it gives', () => {
  for (const template of PRINTING) {
    const parameters = { Files: { '/f': template, '/g': `${template}\n` }, Env: { E: template }, Argv: ['a', 'b'] };
    assert.deepEqual(ahead(parameters), direct(parameters), template);
  }
  // The certificate is in it: not a placeholder.
  assert.equal(Buffer.from(ahead({ Files: { '/f': '{{ pem .MarbleRun.MarbleCert.Cert }}' } })!.files['/f']!).toString(), issued.certPem);
});

test("a template that reads the certificate's bytes is left to render with it, in any entry", () => {
  for (const template of READING) {
    assert.equal(ahead({ Files: { '/a': '{{ pem .MarbleRun.MarbleCert.Cert }}', '/b': template } }), undefined, template);
    // raw is refused in Env whatever the certificate (below).
    if (!template.includes('raw')) assert.equal(ahead({ Files: { '/a': 'x' }, Env: { E: template } }), undefined, template);
  }
});

test('the refusals come as with the certificate: an unset secret, a misuse, an entry before the one that reads the certificate', () => {
  const sameRefusal = (parameters: ParametersInput) => {
    let expected: unknown;
    assert.throws(() => direct(parameters), (err) => ((expected = err), isConfideError(err)));
    assert.throws(
      () => ahead(parameters),
      (err: unknown) => isConfideError(err) && isConfideError(expected) && err.code === expected.code && err.message === expected.message,
    );
  };
  sameRefusal({ Files: { '/a': '{{ pem .MarbleRun.MarbleCert.Cert }}', '/b': '{{ raw .Secrets.unset }}' } });
  sameRefusal({ Files: { '/a': '{{ pem .MarbleRun.MarbleCert.Cert }}', '/b': '{{ string .Secrets.unset }}' } });
  sameRefusal({ Files: { '/a': '{{ string .MarbleRun.MarbleCert.Cert }}' } });
  sameRefusal({ Files: { '/a': '{{ printf "%d" .MarbleRun.MarbleCert.Cert }}' } });
  sameRefusal({ Files: { '/a': '{{ raw .Secrets.unset }}', '/b': '{{ len (hex .MarbleRun.MarbleCert.Cert) }}' } });
  sameRefusal({ Env: { E: '{{ pem .MarbleRun.MarbleCert.Cert }}{{ raw .Secrets.ec.Private }}' } });
  sameRefusal({ Env: { E: '{{ raw .MarbleRun.MarbleCert.Cert }}' } });
});

test('a placeholder is unique to its certificate: text that looks like one passes through unchanged', () => {
  const lookalike = '<confide-pending-certificate-00000000000000000000000000000000:pem>';
  const parameters = { Files: { '/f': `${lookalike}{{ hex .MarbleRun.MarbleCert.Cert }}` } };
  const out = ahead(parameters);
  assert.deepEqual(out, direct(parameters));
  assert.ok(Buffer.from(out.files['/f']!).toString().startsWith(lookalike));
  assert.deepEqual(utf8('x'), new PendingCertificate().complete(utf8('x'), () => 'unused'));
});
