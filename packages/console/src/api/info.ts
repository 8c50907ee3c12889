/** What /console/api/info answers (the server's ConsoleInfo). */
import type { TrustAnchorFingerprint } from '@confide/evidence';

export interface ConsoleInfo {
  mode: 'dev' | 'production';
  version: string;
  services: Array<{ name: string; enabled: boolean; path: string }>;
  trustAnchors: TrustAnchorFingerprint[];
  ledgerId?: string;
  attestationTypes: string[];
  auth: { acceptsAnyToken: boolean; oidc?: { issuer: string; clientId: string; scope: string } };
}
