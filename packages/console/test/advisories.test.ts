/**
 * Advisories explained offline: every advisory ID in the real vectors (../shared/vectors, read
 * here as they are) has a text bundled in the console and a link to its vendor's page; an ID the
 * console does not know falls back to the vendor link, or to none when its form names no vendor.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { vectorsDir, vectorsMissing } from '@confide/test-kit/vectors';
import { explainAdvisory } from '../src/advisories/explain.js';

/** Every INTEL-SA / AMD-SB ID written anywhere in the vectors' files. */
function advisoryIdsInVectors(): Set<string> {
  const ids = new Set<string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else for (const m of readFileSync(path, 'latin1').matchAll(/\b(INTEL-SA-\d{5}|AMD-SB-\d{4,5})\b/gi)) ids.add(m[1]!.toUpperCase());
    }
  };
  walk(vectorsDir);
  return ids;
}

describe('advisory texts bundled in the console', () => {
  it('every advisory ID in the real vectors has a bundled text and its vendor link', { skip: vectorsMissing ?? false }, () => {
    const ids = [...advisoryIdsInVectors()].sort();
    assert.ok(ids.length >= 30, `only ${ids.length} advisory IDs found in the vectors`);
    const missing = ids.filter((id) => !explainAdvisory(id).known);
    assert.deepEqual(missing, []);
    for (const id of ids) assert.equal(explainAdvisory(id).url, `https://www.intel.com/content/www/us/en/security-center/advisory/${id.toLowerCase()}.html`);
  });

  it('an advisory whose facts were found names its CVE and the update that fixes it', () => {
    const named: Record<string, string> = { 'INTEL-SA-00960': 'CVE-2023-22655', 'INTEL-SA-01036': 'CVE-2023-45745', 'INTEL-SA-01079': 'CVE-2024-23918', 'INTEL-SA-01103': 'CVE-2024-23984' };
    for (const [id, cve] of Object.entries(named)) {
      const explained = explainAdvisory(id);
      assert.match(explained.issue ?? '', new RegExp(cve), id);
      assert.match(explained.text, /microcode|TDX module/, id);
    }
    // Known by the update that fixes them only: no issue named.
    assert.match(explainAdvisory('INTEL-SA-00617').text, /CVE-2022-21151.*microcode-20220510/);
    assert.match(explainAdvisory('INTEL-SA-00614').text, /microcode-20220809/);
  });

  it('an unknown ID falls back to its vendor page, or to no link when its form names no vendor', () => {
    const intel = explainAdvisory('INTEL-SA-99999');
    assert.equal(intel.known, false);
    assert.equal(intel.url, 'https://www.intel.com/content/www/us/en/security-center/advisory/intel-sa-99999.html');
    const amd = explainAdvisory('AMD-SB-3019');
    assert.equal(amd.known, false);
    assert.equal(amd.url, 'https://www.amd.com/en/resources/product-security/bulletin/amd-sb-3019.html');
    const other = explainAdvisory('CVE-2020-0551');
    assert.deepEqual([other.known, other.url], [false, undefined]);
  });
});
