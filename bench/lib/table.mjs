/**
 * Prints benchmark rows as an aligned Markdown table: throughput and mean latency per column,
 * then the time ratios ours/floor and ours/peer. A cell that could not be measured shows a
 * footnote marker, and the reason is printed under the table.
 */

const rate = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const ms = (n) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

function isMeasured(cell) {
  return cell !== undefined && typeof cell.opsPerSec === 'number' && cell.ops > 0;
}

/**
 * Time per operation of `a` over that of `b`, from throughput at the same concurrency: above 1
 * means `a` takes longer. "—" when either side was not measured.
 */
function timeRatio(a, b) {
  if (!isMeasured(a) || !isMeasured(b)) return '—';
  return `${(b.opsPerSec / a.opsPerSec).toFixed(2)}×`;
}

/**
 * Prints `rows` ({ work, concurrency, ours, peer, floor }) under `title`. `peerName` heads the
 * peer column; `notes` are printed after the footnotes.
 */
export function printTable({ title, peerName, rows, notes = [] }) {
  const footnotes = [];
  const cell = (c, who) => {
    if (c === undefined) return '—';
    if (isMeasured(c)) return `${rate(c.opsPerSec)}/s · ${ms(c.meanMs)} ms`;
    const text = `${who}: ${c.note}`;
    let i = footnotes.indexOf(text);
    if (i < 0) i = footnotes.push(text) - 1;
    return `n/a [${i + 1}]`;
  };
  const header = ['work', 'in flight', 'ours', peerName, 'floor', 'ours/floor', 'ours/peer'];
  const body = rows.map((r) => [
    r.work,
    String(r.concurrency),
    cell(r.ours, 'ours'),
    cell(r.peer, peerName),
    cell(r.floor, 'floor'),
    timeRatio(r.ours, r.floor),
    timeRatio(r.ours, r.peer),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const out = [`\n## ${title}\n`, line(header), `|${widths.map((w, i) => (i === 0 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`];
  for (const b of body) out.push(line(b));
  if (footnotes.length > 0) out.push('', ...footnotes.map((f, i) => `[${i + 1}] ${f}`));
  if (notes.length > 0) out.push('', ...notes.map((n) => `- ${n}`));
  console.log(out.join('\n'));
}

/** Prints a section that was skipped, with the reason. */
export function printSkipped(title, reason) {
  console.log(`\n## ${title}\n\nskipped: ${reason}`);
}
