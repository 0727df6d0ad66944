// PDF documents (invoices, printable orders) with pdfmake and an embedded Cyrillic font: DejaVu
// Sans from the `dejavu-fonts-ttf` package, read from node_modules, never fetched at run time.
// pdfmake may read only those font files; it opens no URL. pdfmake is loaded on the first
// document, not at start-up: most processes never render one.
//
// Speed: pdfkit parses each font file anew for every document (fontkit decoding a 740 KB TrueType
// file: about three quarters of a small invoice's CPU time). The fonts are read once into
// pdfmake's in-memory file system, so every document is given the same bytes, and fontkit's
// decoded tables are shared per those bytes. Each document still gets a font object of its own for
// everything fontkit learns while laying text out (its glyph objects remember the characters they
// were first reached by, which become the PDF's text layer): sharing those mixed up the copied text
// of later documents (a test caught «USB-C» read back as «USB-b»).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type pdfmakeInstance from 'pdfmake';
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.d.ts';

export type { Content, TDocumentDefinitions };

const require = createRequire(import.meta.url);
const FONT_DIR = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');

type PdfMake = typeof pdfmakeInstance;
let loaded: Promise<PdfMake> | undefined;

const FONT_FILES = {
  normal: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  italics: 'DejaVuSans-Oblique.ttf',
  bolditalics: 'DejaVuSans-BoldOblique.ttf',
};

interface Fontkit {
  create(buffer: Uint8Array, postscriptName?: string): unknown;
}

/**
 * Makes pdfkit's fontkit decode each font's tables once per process. fontkit's exports are fixed
 * getters, so the module's cached exports are replaced, before pdfkit first requires it, by a copy
 * whose `create` answers a fresh object over one parsed font per buffer: the tables are lazy getters
 * bound to the parsed font (decoded once, then only read), while the glyph cache and everything
 * fontkit memoises on the object (layout engine, cmap processor) are the new object's own.
 */
function shareParsedFontTables(): void {
  const real = require('fontkit') as Fontkit;
  const entry = require.cache[require.resolve('fontkit')];
  if (!entry || entry.exports !== real) return;
  const parsed = new WeakMap<Uint8Array, Map<string, object>>();
  entry.exports = {
    ...real,
    create(buffer: Uint8Array, postscriptName?: string) {
      let byName = parsed.get(buffer);
      if (!byName) {
        byName = new Map();
        parsed.set(buffer, byName);
      }
      const key = postscriptName ?? '';
      let font = byName.get(key);
      if (!font) {
        font = real.create(buffer, postscriptName) as object;
        byName.set(key, font);
      }
      const own = Object.create(font) as { _glyphs: object };
      own._glyphs = {};
      return own;
    },
  };
}

async function setUp(): Promise<PdfMake> {
  shareParsedFontTables();
  // A CommonJS module: its export is the namespace's default (the types declare it as the module).
  const pdfmake = ((await import('pdfmake')) as unknown as { default: PdfMake }).default;
  const virtualfs = (pdfmake as unknown as { virtualfs: { writeFileSync(name: string, data: Buffer): void } })
    .virtualfs;
  const fonts: Record<string, string> = {};
  for (const [style, file] of Object.entries(FONT_FILES)) {
    const name = `zakupka-fonts/${file}`;
    virtualfs.writeFileSync(name, fs.readFileSync(path.join(FONT_DIR, file)));
    fonts[style] = name;
  }
  pdfmake.setFonts({ DejaVuSans: fonts as unknown as Parameters<PdfMake['setFonts']>[0][string] });
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((file) => path.resolve(file).startsWith(FONT_DIR + path.sep));
  return pdfmake;
}

/** Renders a document (A4, DejaVu Sans 9 pt unless it says otherwise) to PDF bytes. */
export async function renderPdf(document: TDocumentDefinitions): Promise<Buffer> {
  loaded ??= setUp();
  const pdfmake = await loaded;
  const pdf = pdfmake.createPdf({
    pageSize: 'A4',
    pageMargins: [40, 40, 40, 40],
    ...document,
    defaultStyle: { font: 'DejaVuSans', fontSize: 9, ...document.defaultStyle },
  });
  return pdf.getBuffer();
}
