/**
 * RFC 6902 JSON Patch (add, remove, replace, test) over RFC 6901 pointers, written for the
 * tests from the RFCs: the marble injector's patches and the kustomize overlays are applied with
 * it, so what they produce is checked as the API server or kustomize would store it.
 */
export type JsonDoc = Record<string, any>;

function tokens(path: string): string[] {
  if (!path.startsWith('/')) throw new Error(`JSON pointer ${path} does not start with /`);
  return path.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: any, path: string): { parent: any; key: string } {
  const parts = tokens(path);
  const key = parts.pop()!;
  let parent = doc;
  for (const t of parts) {
    if (parent === null || typeof parent !== 'object' || !(t in parent)) throw new Error(`patch path ${path}: ${t} is missing`);
    parent = parent[t];
  }
  return { parent, key };
}

/** Applies RFC 6902 operations to a copy of `doc`. */
export function applyJsonPatch(doc: JsonDoc, ops: any[]): JsonDoc {
  const out = structuredClone(doc);
  for (const op of ops) {
    const { parent, key } = parentOf(out, op.path);
    const isArray = Array.isArray(parent);
    const index = isArray && key !== '-' ? Number(key) : NaN;
    if (isArray && key !== '-' && !(Number.isInteger(index) && index >= 0 && index <= parent.length)) throw new Error(`patch path ${op.path}: bad index`);
    switch (op.op) {
      case 'add':
        if (isArray) parent.splice(key === '-' ? parent.length : index, 0, op.value);
        else parent[key] = op.value;
        break;
      case 'remove':
      case 'replace':
        if (isArray ? index >= parent.length : !(key in parent)) throw new Error(`patch ${op.op} ${op.path}: nothing there`);
        if (op.op === 'remove') {
          if (isArray) parent.splice(index, 1);
          else delete parent[key];
        } else {
          parent[isArray ? index : key] = op.value;
        }
        break;
      case 'test':
        if (JSON.stringify(parent[isArray ? index : key]) !== JSON.stringify(op.value)) throw new Error(`patch test ${op.path} failed: ${JSON.stringify(parent[isArray ? index : key])}`);
        break;
      default:
        throw new Error(`patch op ${op.op} is not implemented here`);
    }
  }
  return out;
}

