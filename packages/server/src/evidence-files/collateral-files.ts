/**
 * Loads offline collateral from files and directories (docs/collateral.md describes the layout).
 * Files are recognised by content, so names are a convention for people, not a contract; the one
 * exception is "vlek" in the path of an AMD CRL, which says it is the VLEK CRL.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isConfideError, type ConfideError } from '@confide/core';
import { ServerError } from '../errors/index.js';
import { collateralItemsFromBytes, memoryCollateral, type CollateralItem, type CollateralProvider } from '@confide/evidence';

/** Collateral files are small; anything larger in a directory is something else. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

function unreadable(path: string, why: string, cause?: unknown): ConfideError {
  return new ServerError('ERR_INPUT_UNREADABLE', `collateral ${path}: ${why}`, { cause, details: { path } });
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The items of one file; undefined when a file found in a directory is not collateral. */
async function fileItems(path: string, explicit: boolean): Promise<CollateralItem[] | undefined> {
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (info.size > MAX_FILE_BYTES) {
      if (explicit) throw unreadable(path, `is ${info.size} bytes, larger than any collateral file`);
      return undefined;
    }
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    if (isConfideError(err)) throw err;
    throw unreadable(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? reason(err)})`, err);
  }
  let items: CollateralItem[] | undefined;
  try {
    items = collateralItemsFromBytes(bytes);
    // Filing the items parses every certificate and CRL now, so that errors name this file.
    if (items) memoryCollateral(items);
  } catch (err) {
    throw unreadable(path, reason(err), err);
  }
  if (!items) {
    if (!explicit) return undefined;
    throw unreadable(
      path,
      'is not collateral: expected dcap-qvl JSON, an Intel PCS TCB Info or QE Identity body, PEM or DER certificates, or a CRL (DER, PEM or hex)',
    );
  }
  const vlek = /vlek/i.test(basename(path));
  return items.map((i) => (i.kind === 'crl' && vlek ? { ...i, amdKeyType: 'vlek' as const } : i));
}

async function directoryItems(dir: string): Promise<CollateralItem[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw unreadable(dir, `cannot be listed (${(err as NodeJS.ErrnoException).code ?? reason(err)})`, err);
  }
  const out: CollateralItem[] = [];
  // Sorted, so that "first fit" among several candidates does not depend on the file system.
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await directoryItems(path)));
    else if (e.isFile()) out.push(...((await fileItems(path, false)) ?? []));
  }
  return out;
}

/**
 * The collateral items in `paths`, in order: each path is a directory in the offline layout
 * (searched recursively; files that are not collateral are skipped), or one collateral file.
 * Throws ERR_INPUT_UNREADABLE naming the file that is missing, unreadable or broken.
 */
export async function loadCollateralItems(paths: readonly string[]): Promise<CollateralItem[]> {
  const out: CollateralItem[] = [];
  for (const path of paths) {
    let isDir: boolean;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch (err) {
      throw unreadable(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? reason(err)})`, err);
    }
    if (isDir) {
      const items = await directoryItems(path);
      if (items.length === 0) throw unreadable(path, 'holds no collateral files');
      out.push(...items);
    } else {
      out.push(...((await fileItems(path, true)) ?? []));
    }
  }
  return out;
}

/** A collateral provider over files and directories. Throws ERR_INPUT_UNREADABLE as loadCollateralItems. */
export async function loadCollateral(paths: readonly string[]): Promise<CollateralProvider> {
  const items = await loadCollateralItems(paths);
  try {
    return memoryCollateral(items);
  } catch (err) {
    throw unreadable(paths.join(', '), reason(err), err);
  }
}
