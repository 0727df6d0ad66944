// One look for every email: a text part and an HTML part built from the same blocks, so the two
// never drift apart. Values are escaped here, once.
import type { Language } from '../db/schema/users.ts';

export type Block =
  | { kind: 'paragraph'; text: string }
  | { kind: 'code'; label: string; value: string }
  | { kind: 'link'; label: string; url: string }
  | { kind: 'table'; head: string[]; rows: string[][]; foot?: string[] }
  | { kind: 'heading'; text: string };

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const SIGNATURE: Record<Language, string> = {
  ru: 'С уважением, команда Zakupka',
  en: 'Regards, the Zakupka team',
};

export function renderLayout(
  language: Language,
  subject: string,
  greeting: string,
  blocks: Block[],
): RenderedEmail {
  const text: string[] = [greeting, ''];
  const html: string[] = [`<p>${escapeHtml(greeting)}</p>`];
  for (const block of blocks) {
    switch (block.kind) {
      case 'paragraph':
        text.push(block.text, '');
        html.push(`<p>${escapeHtml(block.text)}</p>`);
        break;
      case 'heading':
        text.push(block.text.toUpperCase(), '');
        html.push(`<h3>${escapeHtml(block.text)}</h3>`);
        break;
      case 'code':
        text.push(`${block.label}: ${block.value}`, '');
        html.push(
          `<p>${escapeHtml(block.label)}: <code style="font-size:16px;font-weight:bold">${escapeHtml(block.value)}</code></p>`,
        );
        break;
      case 'link':
        text.push(`${block.label}: ${block.url}`, '');
        html.push(`<p><a href="${escapeHtml(block.url)}">${escapeHtml(block.label)}</a></p>`);
        break;
      case 'table': {
        const all = [block.head, ...block.rows, ...(block.foot ? [block.foot] : [])];
        const widths = block.head.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
        const line = (row: string[]) =>
          row
            .map((cell, i) => (cell ?? '').padEnd(widths[i]))
            .join('  ')
            .trimEnd();
        text.push(line(block.head), widths.map((w) => '-'.repeat(w)).join('  '), ...block.rows.map(line));
        if (block.foot) text.push(line(block.foot));
        text.push('');
        const cells = (row: string[], tag: string) =>
          `<tr>${row.map((cell) => `<${tag} style="border:1px solid #ccc;padding:4px 8px;text-align:left">${escapeHtml(cell ?? '')}</${tag}>`).join('')}</tr>`;
        html.push(
          `<table style="border-collapse:collapse">${cells(block.head, 'th')}${block.rows.map((row) => cells(row, 'td')).join('')}${block.foot ? cells(block.foot, 'th') : ''}</table>`,
        );
        break;
      }
    }
  }
  text.push('--', SIGNATURE[language]);
  html.push(`<p style="color:#666">${escapeHtml(SIGNATURE[language])}</p>`);
  return {
    subject,
    text: text.join('\n'),
    html: `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="font-family:sans-serif">${html.join('\n')}</body></html>`,
  };
}
