/** Shared helpers of the PostgreSQL repositories. */
export { nowIso, toJson } from '../../columns.js';

/** A BIGINT as read (a decimal string, since it may pass 2^53) as a number; the store's sequences stay far below. */
export function int(value: string | number): number {
  return typeof value === 'number' ? value : Number.parseInt(value, 10);
}
