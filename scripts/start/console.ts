// The launcher's own voice on the terminal, set apart from the services' JSON logs by a coloured prefix.
import type { Writable } from 'node:stream';

const colourful = process.stdout.isTTY === true && !process.env.NO_COLOR;

const PALETTE: Record<string, number> = { start: 1, database: 90, users: 36, products: 35, orders: 33, router: 32, storefront: 34 };

/** Wraps text in an ANSI colour only when a person is watching, so piped output stays plain. */
export function paint(text: string, code: number): string {
  return colourful ? `\u001b[${code}m${text}\u001b[0m` : text;
}

export function prefixFor(name: string): string {
  const label = `[${name}]`.padEnd(10);
  return paint(label, PALETTE[name] ?? 0);
}

export function writeLine(stream: Writable, name: string, line: string): void {
  // Blank lines stay blank, so the banner reads as paragraphs.
  stream.write(line === '' ? '\n' : `${prefixFor(name)} ${line}\n`);
}

export function say(line: string): void {
  writeLine(process.stdout, 'start', line);
}

export function warn(line: string): void {
  writeLine(process.stdout, 'start', paint(line, 33));
}

export function fail(line: string): void {
  // Multi-line errors (the database's remedies) keep their shape under the prefix.
  for (const part of line.split('\n')) writeLine(process.stderr, 'start', paint(part, 31));
}
