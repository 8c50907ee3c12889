/** TLS tag rules (MarbleRun's transparent TLS). */
import { isCertSecretType, type Manifest } from './types.js';
import { lookup, type ViolationList } from './violation.js';

/** Checks every tag; adds secrets named by Incoming Cert to `used`. */
export function validateTls(m: Manifest, v: ViolationList, used: Set<string>): void {
  const usedTags = new Set(Object.values(m.Marbles).flatMap((marble) => marble.TLS));
  for (const [tag, entry] of Object.entries(m.TLS)) {
    const at = ['TLS', tag];
    if (!usedTags.has(tag)) v.warn('tls.unused', at, 'no marble uses this TLS tag');
    entry.Incoming.forEach((e, i) => {
      const here = [...at, 'Incoming', i];
      if (e.Port === '') v.error('tls.port-missing', [...here, 'Port'], 'an Incoming entry needs a Port');
      if (e.Cert !== '') {
        const secret = lookup(m.Secrets, e.Cert);
        used.add(e.Cert);
        if (!secret) v.error('tls.cert-unknown', [...here, 'Cert'], `secret "${e.Cert}" is not in Secrets`);
        else if (!isCertSecretType(secret.Type)) v.error('tls.cert-not-certificate', [...here, 'Cert'], `secret "${e.Cert}" is a ${secret.Type}, not a certificate`);
        if (!e.DisableClientAuth) v.error('tls.cert-requires-disable-client-auth', [...here, 'DisableClientAuth'], 'an Incoming entry with Cert serves outside clients: set DisableClientAuth');
      } else if (e.DisableClientAuth) {
        v.error('tls.disable-client-auth-requires-cert', [...here, 'Cert'], 'an Incoming entry without client authentication needs a Cert');
      }
    });
    entry.Outgoing.forEach((e, i) => {
      const here = [...at, 'Outgoing', i];
      if (e.Addr === '') v.error('tls.addr-missing', [...here, 'Addr'], 'an Outgoing entry needs an Addr');
      if (e.Port === '') v.error('tls.port-missing', [...here, 'Port'], 'an Outgoing entry needs a Port');
      if (e.Cert !== '' || e.DisableClientAuth) v.warn('tls.outgoing-cert-ignored', here, 'Cert and DisableClientAuth are ignored on Outgoing entries');
    });
  }
}
