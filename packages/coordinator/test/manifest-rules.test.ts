import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { checkManifest, MANIFEST_RULES, type ManifestRuleId } from '../src/manifest/index.js';
import { fixtureJson, fixtureText, ids, type LooseJson } from './manifest-helpers.js';

const BASE = 'confide-full.json';
const SMALL_RSA = fixtureText('rsa-1024.pub.pem');
const CAROL = fixtureText('user-carol.crt.pem');
const SNP_MEASUREMENT = 'ab'.repeat(48);

type Mutation = (m: LooseJson) => void;

/** Each error rule: one change to a valid manifest, and the single error it must cause. */
const ERROR_CASES: [string, Mutation, string][] = [
  ['manifest.no-packages', (m) => { m.Packages = {}; m.Roles.updateWeb.ResourceNames = []; }, 'manifest.no-packages@Packages'],
  ['manifest.no-marbles', (m) => { m.Marbles = {}; m.TLS = {}; m.Secrets = {}; m.Roles.secretsAdmin.ResourceNames = []; m.Roles.readDbKey.ResourceNames = []; }, 'manifest.no-marbles@Marbles'],
  ['package.identity-mixed', (m) => { m.Packages['api-pkg'].SignerID = 'aa'.repeat(32); }, 'package.identity-mixed@Packages.api-pkg'],
  ['package.identity-incomplete', (m) => { delete m.Packages['web-pkg'].ProductID; }, 'package.identity-incomplete@Packages.web-pkg.ProductID'],
  ['package.tee-unknown', (m) => { m.Packages['api-pkg'].Tee = 'sev'; }, 'package.tee-unknown@Packages.api-pkg.Tee'],
  ['package.tee-field-mismatch', (m) => { m.Packages['api-pkg'].MRTD = 'cd'.repeat(48); }, 'package.tee-field-mismatch@Packages.api-pkg.MRTD'],
  ['package.hex-invalid', (m) => { m.Packages['api-pkg'] = { Tee: 'sev-snp', Measurement: 'abc', Debug: false }; }, 'package.hex-invalid@Packages.api-pkg.Measurement'],
  ['marble.package-missing', (m) => { m.Marbles.api.Package = 'nope'; }, 'marble.package-missing@Marbles.api.Package'],
  ['marble.tls-tag-missing', (m) => { m.Marbles.web.TLS.push('nope'); }, 'marble.tls-tag-missing@Marbles.web.TLS[1]'],
  ['marble.env-nul', (m) => { m.Marbles.web.Parameters.Env.BAD = 'a\u0000b'; }, 'marble.env-nul@Marbles.web.Parameters.Env.BAD'],
  ['marble.env-nul (encoded)', (m) => { m.Marbles.web.Parameters.Env.BAD = { Data: '610062', Encoding: 'hex' }; }, 'marble.env-nul@Marbles.web.Parameters.Env.BAD'],
  ['file.encoding-unknown', (m) => { m.Marbles.api.Parameters.Files['/x'] = { Data: 'x', Encoding: 'utf16' }; }, 'file.encoding-unknown@Marbles.api.Parameters.Files./x.Encoding'],
  ['file.data-invalid', (m) => { m.Marbles.api.Parameters.Files['/x'] = { Data: 'Zm9v!', Encoding: 'base64' }; }, 'file.data-invalid@Marbles.api.Parameters.Files./x.Data'],
  ['template.syntax', (m) => { m.Marbles.web.Parameters.Env.API_KEY = '{{ hex .Secrets.webSessionKey '; }, 'template.syntax@Marbles.web.Parameters.Env.API_KEY'],
  ['template.unsupported', (m) => { m.Marbles.web.Parameters.Env.API_KEY = '{{ template "other" }}'; }, 'template.unsupported@Marbles.web.Parameters.Env.API_KEY'],
  ['template.no-encoding', (m) => { m.Marbles.web.Parameters.Env.API_KEY = '{{ .Secrets.webSessionKey }}'; }, 'template.no-encoding@Marbles.web.Parameters.Env.API_KEY'],
  ['template.encoding-unknown', (m) => { m.Marbles.web.Parameters.Env.API_KEY = '{{ base32 .Secrets.webSessionKey }}'; }, 'template.encoding-unknown@Marbles.web.Parameters.Env.API_KEY'],
  ['template.encoding-not-allowed (raw in Env)', (m) => { m.Marbles.web.Parameters.Env.API_KEY = '{{ raw .Secrets.webSessionKey }}'; }, 'template.encoding-not-allowed@Marbles.web.Parameters.Env.API_KEY'],
  ['template.encoding-not-allowed (string in Files)', (m) => { m.Marbles.api.Parameters.Files['/pw'] = '{{ string .Secrets.dbPassword }}'; }, 'template.encoding-not-allowed@Marbles.api.Parameters.Files./pw'],
  ['template.reference-unknown', (m) => { m.Marbles.web.Parameters.Env.API_KEY = '{{ pem .MarbleRun.RootCA.Private }}'; }, 'template.reference-unknown@Marbles.web.Parameters.Env.API_KEY'],
  ['template.secret-unknown', (m) => { m.Marbles.web.Parameters.Env.API_KEY = '{{ hex .Secrets.nope }}'; }, 'template.secret-unknown@Marbles.web.Parameters.Env.API_KEY'],
  ['template.part-unknown', (m) => { m.Marbles.web.Parameters.Env.API_KEY = '{{ hex .Secrets.webSessionKey.Type }}'; }, 'template.part-unknown@Marbles.web.Parameters.Env.API_KEY'],
  ['template.part-unavailable', (m) => { m.Marbles.web.Parameters.Env.API_KEY = '{{ pem .Secrets.webSessionKey.Cert }}'; }, 'template.part-unavailable@Marbles.web.Parameters.Env.API_KEY'],
  ['template.pem-needs-part', (m) => { m.Marbles.worker.Parameters.Files['/k.pem'] = '{{ pem .Secrets.jobSigningCert }}'; }, 'template.pem-needs-part@Marbles.worker.Parameters.Files./k.pem'],
  ['template.string-not-user-defined', (m) => { m.Marbles.web.Parameters.Env.API_KEY = '{{ string .Secrets.webSessionKey }}'; }, 'template.string-not-user-defined@Marbles.web.Parameters.Env.API_KEY'],
  ['template.string-not-plain', (m) => { m.Secrets.dbPassword = { Type: 'symmetric-key', Size: 128, UserDefined: true }; }, 'template.string-not-plain@Marbles.api.Parameters.Env.DB_PASSWORD'],
  ['secret.type-unknown', (m) => { m.Secrets.webSessionKey.Type = 'aes'; }, 'secret.type-unknown@Secrets.webSessionKey.Type'],
  ['secret.size-symmetric', (m) => { m.Secrets.webSessionKey.Size = 100; }, 'secret.size-symmetric@Secrets.webSessionKey.Size'],
  ['secret.size-symmetric (zero)', (m) => { delete m.Secrets.webSessionKey.Size; }, 'secret.size-symmetric@Secrets.webSessionKey.Size'],
  ['secret.size-ecdsa', (m) => { m.Secrets.webPublicCert.Size = 512; }, 'secret.size-ecdsa@Secrets.webPublicCert.Size'],
  ['secret.size-rsa', (m) => { m.Secrets.webPublicCert.Type = 'cert-rsa'; m.Secrets.webPublicCert.Size = 1024; }, 'secret.size-rsa@Secrets.webPublicCert.Size'],
  ['secret.size-ed25519', (m) => { m.Secrets.jobSigningCert.Size = 256; }, 'secret.size-ed25519@Secrets.jobSigningCert.Size'],
  ['secret.plain-not-user-defined', (m) => { m.Secrets.extra = { Type: 'plain' }; }, 'secret.plain-not-user-defined@Secrets.extra.UserDefined'],
  ['secret.validity-ambiguous', (m) => { m.Secrets.jobSigningCert.ValidFor = 30; }, 'secret.validity-ambiguous@Secrets.jobSigningCert.ValidFor'],
  ['secret.not-after-invalid', (m) => { m.Secrets.jobSigningCert.Cert.NotAfter = '2030-01-01'; }, 'secret.not-after-invalid@Secrets.jobSigningCert.Cert.NotAfter'],
  ['secret.ip-invalid', (m) => { m.Secrets.webPublicCert.Cert.IPAddresses = ['300.1.1.1']; }, 'secret.ip-invalid@Secrets.webPublicCert.Cert.IPAddresses[0]'],
  ['secret.definition-invalid', (m) => { m.Secrets.webPublicCert.Cert.ExtKeyUsage = [99]; }, 'secret.definition-invalid@Secrets.webPublicCert.Cert.ExtKeyUsage'],
  ['secret.size-rsa (too large)', (m) => { m.Secrets.webPublicCert.Type = 'cert-rsa'; m.Secrets.webPublicCert.Size = 16384; }, 'secret.size-rsa@Secrets.webPublicCert.Size'],
  ['user.certificate-missing', (m) => { m.Users.carol.Certificate = ''; }, 'user.certificate-missing@Users.carol.Certificate'],
  ['user.certificate-invalid', (m) => { m.Users.carol.Certificate = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'; }, 'user.certificate-invalid@Users.carol.Certificate'],
  ['user.certificate-duplicate', (m) => { m.Users.carol.Certificate = m.Users.alice.Certificate.replace(/\n/g, '\r\n'); }, 'user.certificate-duplicate@Users.carol.Certificate'],
  ['user.role-missing', (m) => { m.Users.bob.Roles.push('root'); }, 'user.role-missing@Users.bob.Roles[2]'],
  ['role.resource-type-unknown', (m) => { m.Roles.readDbKey.ResourceType = 'Secret'; }, 'role.resource-type-unknown@Roles.readDbKey.ResourceType'],
  ['role.resource-missing (package)', (m) => { m.Roles.updateWeb.ResourceNames.push('db-pkg'); }, 'role.resource-missing@Roles.updateWeb.ResourceNames[2]'],
  ['role.resource-missing (secret)', (m) => { m.Roles.readDbKey.ResourceNames.push('nope'); }, 'role.resource-missing@Roles.readDbKey.ResourceNames[1]'],
  ['role.action-unknown', (m) => { m.Roles.updateWeb.Actions = ['UpdateManifest']; }, 'role.action-unknown@Roles.updateWeb.Actions[0]'],
  ['role.write-not-user-defined', (m) => { m.Roles.readDbKey.Actions.push('WriteSecret'); }, 'role.write-not-user-defined@Roles.readDbKey.ResourceNames[0]'],
  ['role.read-per-marble', (m) => { m.Roles.readDbKey.ResourceNames = ['dbEncryptionKey', 'webSessionKey']; }, 'role.read-per-marble@Roles.readDbKey.ResourceNames[1]'],
  ['role.manifest-resource-names', (m) => { m.Roles.manifestUpdater.ResourceNames = ['web-pkg']; }, 'role.manifest-resource-names@Roles.manifestUpdater.ResourceNames'],
  ['tls.port-missing', (m) => { m.TLS.webTLS.Outgoing[0].Port = ''; }, 'tls.port-missing@TLS.webTLS.Outgoing[0].Port'],
  ['tls.addr-missing', (m) => { delete m.TLS.webTLS.Outgoing[0].Addr; }, 'tls.addr-missing@TLS.webTLS.Outgoing[0].Addr'],
  ['tls.cert-unknown', (m) => { m.TLS.webTLS.Incoming[0].Cert = 'nope'; }, 'tls.cert-unknown@TLS.webTLS.Incoming[0].Cert'],
  ['tls.cert-not-certificate', (m) => { m.TLS.webTLS.Incoming[0].Cert = 'dbEncryptionKey'; }, 'tls.cert-not-certificate@TLS.webTLS.Incoming[0].Cert'],
  ['tls.cert-requires-disable-client-auth', (m) => { m.TLS.webTLS.Incoming[0].DisableClientAuth = false; }, 'tls.cert-requires-disable-client-auth@TLS.webTLS.Incoming[0].DisableClientAuth'],
  ['tls.disable-client-auth-requires-cert', (m) => { m.TLS.webTLS.Incoming.push({ Port: '80', DisableClientAuth: true }); }, 'tls.disable-client-auth-requires-cert@TLS.webTLS.Incoming[1].Cert'],
  ['recovery.key-invalid (not a key)', (m) => { m.RecoveryKeys.bob = 'hello'; }, 'recovery.key-invalid@RecoveryKeys.bob'],
  ['recovery.key-invalid (too small)', (m) => { m.RecoveryKeys.bob = SMALL_RSA; }, 'recovery.key-invalid@RecoveryKeys.bob'],
  ['config.seal-mode-unknown', (m) => { m.Config.SealMode = 'MachineKey'; }, 'config.seal-mode-unknown@Config.SealMode'],
  ['config.feature-gate-unknown', (m) => { m.Config.FeatureGates.push('Telemetry'); }, 'config.feature-gate-unknown@Config.FeatureGates[1]'],
  ['config.update-threshold', (m) => { m.Config.UpdateThreshold = 4; }, 'config.update-threshold@Config.UpdateThreshold'],
  ['config.update-threshold (updater lost)', (m) => { m.Users.carol.Roles = []; m.Users.bob.Roles = ['readDbKey']; }, 'config.update-threshold@Config.UpdateThreshold'],
  ['config.recovery-threshold (1)', (m) => { m.Config.RecoveryThreshold = 1; }, 'config.recovery-threshold@Config.RecoveryThreshold'],
  ['config.recovery-threshold (too many)', (m) => { m.Config.RecoveryThreshold = 4; }, 'config.recovery-threshold@Config.RecoveryThreshold'],
  ['type.mismatch', (m) => { m.Marbles.web.DisableSecretBinding = 'true'; }, 'type.mismatch@Marbles.web.DisableSecretBinding'],
  ['type.out-of-range', (m) => { m.Config.UpdateThreshold = -1; }, 'type.out-of-range@Config.UpdateThreshold'],
  ['json.not-object (section entry)', (m) => { m.Marbles.web = 'web-pkg'; }, 'type.mismatch@Marbles.web'],
];

function mutate(change: Mutation): LooseJson {
  const m = fixtureJson(BASE);
  change(m);
  return m;
}

test('the base manifest of the rule tests has no error and no warning', () => {
  const r = checkManifest(fixtureText(BASE));
  assert.deepEqual(ids(r.errors), []);
  assert.deepEqual(ids(r.warnings), []);
});

for (const [name, change, expected] of ERROR_CASES) {
  test(`rule ${name}: refused with ${expected}`, () => {
    const errors = ids(checkManifest(mutate(change)).errors);
    // Without packages every marble's Package is missing too.
    const cascade = name === 'manifest.no-packages' ? ['marble.package-missing@Marbles.web.Package', 'marble.package-missing@Marbles.api.Package', 'marble.package-missing@Marbles.worker.Package'] : [];
    assert.deepEqual(errors, [expected, ...cascade]);
  });
}

/** Each warning rule: one change, and a warning it must cause (no error). */
const WARNING_CASES: [string, Mutation, string][] = [
  ['json.unknown-key', (m) => { m.Marbles.web.Roles = []; }, 'json.unknown-key@Marbles.web.Roles'],
  ['json.key-case', (m) => { m.Marbles.web.package = m.Marbles.web.Package; delete m.Marbles.web.Package; }, 'json.key-case@Marbles.web.package'],
  ['package.identity-mixed (Debug)', (m) => { m.Packages['api-pkg'].Debug = true; m.Packages['api-pkg'].SignerID = 'aa'.repeat(32); }, 'package.identity-mixed@Packages.api-pkg'],
  ['package.identity-incomplete (Debug)', (m) => { m.Packages['web-pkg'].Debug = true; delete m.Packages['web-pkg'].SecurityVersion; }, 'package.identity-incomplete@Packages.web-pkg.SecurityVersion'],
  ['package.unused', (m) => { m.Packages.spare = { Debug: false }; }, 'package.unused@Packages.spare'],
  ['package.identity-incomplete (unused)', (m) => { m.Packages.spare = { Debug: false }; }, 'package.identity-incomplete@Packages.spare.SignerID'],
  ['package.debug', (m) => { m.Packages['api-pkg'].Debug = true; }, 'package.debug@Packages.api-pkg.Debug'],
  ['package.id-not-hex', (m) => { m.Packages['api-pkg'].UniqueID = 'abc'; }, 'package.id-not-hex@Packages.api-pkg.UniqueID'],
  ['package.value-range', (m) => { m.Packages['web-pkg'].ProductID = 70000; }, 'package.value-range@Packages.web-pkg.ProductID'],
  ['package.tcb-status-unknown', (m) => { m.Packages['web-pkg'].AcceptedTCBStatuses.push('uptodate'); }, 'package.tcb-status-unknown@Packages.web-pkg.AcceptedTCBStatuses[2]'],
  ['package.advisory-format', (m) => { m.Packages['web-pkg'].AcceptedAdvisories.push('SA-1'); }, 'package.advisory-format@Packages.web-pkg.AcceptedAdvisories[2]'],
  ['marble.env-name', (m) => { m.Marbles.web.Parameters.Env['A=B'] = 'x'; }, 'marble.env-name@Marbles.web.Parameters.Env.A=B'],
  ['marble.argv-template', (m) => { m.Marbles.web.Parameters.Argv.push('{{ hex .Secrets.webSessionKey }}'); }, 'marble.argv-template@Marbles.web.Parameters.Argv[3]'],
  ['secret.size-ignored', (m) => { m.Secrets.paymentToken.Size = 8; }, 'secret.size-ignored@Secrets.paymentToken.Size'],
  ['secret.cert-fields-ignored', (m) => { m.Secrets.webSessionKey.ValidFor = 3; }, 'secret.cert-fields-ignored@Secrets.webSessionKey'],
  ['secret.cert-field-overridden', (m) => { m.Secrets.webPublicCert.Cert.SerialNumber = 5; }, 'secret.cert-field-overridden@Secrets.webPublicCert.Cert.SerialNumber'],
  ['secret.unused', (m) => { m.Secrets.spare = { Type: 'symmetric-key', Size: 128 }; }, 'secret.unused@Secrets.spare'],
  ['role.no-actions', (m) => { m.Roles.readDbKey.Actions = []; }, 'role.no-actions@Roles.readDbKey.Actions'],
  ['tls.outgoing-cert-ignored', (m) => { m.TLS.webTLS.Outgoing[0].Cert = 'webPublicCert'; }, 'tls.outgoing-cert-ignored@TLS.webTLS.Outgoing[0]'],
  ['tls.unused', (m) => { m.TLS.spare = { Incoming: [{ Port: '1' }] }; }, 'tls.unused@TLS.spare'],
  ['recovery.key-duplicate', (m) => { m.RecoveryKeys.dave = m.RecoveryKeys.bob; }, 'recovery.key-duplicate@RecoveryKeys.dave'],
  ['infrastructure.not-enforced', (m) => { m.Infrastructures = { Azure: { QESVN: 2 } }; }, 'infrastructure.not-enforced@Infrastructures'],
];

for (const [name, change, expected] of WARNING_CASES) {
  test(`rule ${name}: accepted with warning ${expected}`, () => {
    const r = checkManifest(mutate(change));
    assert.deepEqual(ids(r.errors), []);
    assert.ok(ids(r.warnings).includes(expected), `warnings: ${ids(r.warnings).join(', ')}`);
  });
}

test('json.duplicate-key warns on text input', () => {
  const text = fixtureText(BASE).replace('"Packages": {', '"Packages": {"api-pkg": {"Debug": true},');
  const r = checkManifest(text);
  assert.deepEqual(ids(r.errors), []);
  assert.ok(ids(r.warnings).includes('json.duplicate-key@Packages.api-pkg'));
});

test('a manifest breaking several rules lists every error at its path', () => {
  const m = mutate((x) => {
    x.Marbles.api.Package = 'nope';
    x.Marbles.web.Parameters.Env.API_KEY = '{{ raw .Secrets.webSessionKey }}';
    x.Secrets.webSessionKey.Size = 12;
    x.Users.carol.Certificate = 'not a certificate';
    x.Roles.readDbKey.Actions = ['ReadSecret', 'Delete'];
    x.TLS.webTLS.Incoming[0].DisableClientAuth = false;
    x.Config.RecoveryThreshold = 1;
  });
  assert.deepEqual(ids(checkManifest(m).errors), [
    'template.encoding-not-allowed@Marbles.web.Parameters.Env.API_KEY',
    'marble.package-missing@Marbles.api.Package',
    'secret.size-symmetric@Secrets.webSessionKey.Size',
    'tls.cert-requires-disable-client-auth@TLS.webTLS.Incoming[0].DisableClientAuth',
    'user.certificate-invalid@Users.carol.Certificate',
    'role.action-unknown@Roles.readDbKey.Actions[1]',
    'config.recovery-threshold@Config.RecoveryThreshold',
  ]);
});

test('Confide TEE packages: sev-snp and tdx identities are checked', () => {
  const ok = mutate((m) => {
    m.Packages['api-pkg'] = { Tee: 'sev-snp', Measurement: SNP_MEASUREMENT, HostData: 'cd'.repeat(32), GuestSvn: 2, Debug: false };
    m.Packages['worker-pkg'] = { Tee: 'tdx', MRTD: 'ef'.repeat(48), RTMR1: '01'.repeat(48), Debug: false };
  });
  assert.deepEqual(ids(checkManifest(ok).errors), []);
  const bad = mutate((m) => {
    m.Packages['api-pkg'] = { Tee: 'sev-snp', HostData: 'cd'.repeat(32), SignerID: 'aa'.repeat(32), Debug: false };
    m.Packages['worker-pkg'] = { Tee: 'tdx', SecurityVersion: 1, Debug: false };
  });
  assert.deepEqual(ids(checkManifest(bad).errors), [
    'package.tee-field-mismatch@Packages.api-pkg.SignerID',
    'package.identity-incomplete@Packages.api-pkg.Measurement',
    'package.tee-field-mismatch@Packages.worker-pkg.SecurityVersion',
    'package.identity-incomplete@Packages.worker-pkg.MRTD',
  ]);
});

test('the templates MarbleRun documents are accepted: pipes, trims, comments, constants, .Previous', () => {
  const m = mutate((x) => {
    x.Marbles.worker.Parameters.Files['/a'] = '{{- .Secrets.dbEncryptionKey | hex -}} {{/* note */}} {{ "{{" }} {{ base64 .Previous.Secrets.dbEncryptionKey }}';
    x.Marbles.worker.Parameters.Files['/b'] = { Data: '{{ not a template', NoTemplates: true };
    x.Users.dave = { Certificate: CAROL.replace(/\n/g, '\r\n').replace('-----BEGIN', 'comment line\r\n-----BEGIN'), Roles: [] };
    delete x.Users.carol;
  });
  const r = checkManifest(m);
  assert.deepEqual(ids(r.errors), []);
});

test('every rule id is listed in docs/manifest.md and every listed id exists', () => {
  const doc = readFileSync(new URL('../../../../docs/manifest.md', import.meta.url), 'utf8');
  const listed = new Set([...doc.matchAll(/^\| `([a-z0-9.-]+)` \|/gm)].map((x) => x[1]!));
  const rules = Object.keys(MANIFEST_RULES) as ManifestRuleId[];
  assert.deepEqual(rules.filter((r) => !listed.has(r)), []);
  assert.deepEqual([...listed].filter((r) => !(r in MANIFEST_RULES)), []);
});
