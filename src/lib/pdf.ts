// PDF documents (invoices, printable orders) with pdfmake and an embedded Cyrillic font: DejaVu
// Sans from the `dejavu-fonts-ttf` package, read from node_modules, never fetched at run time.
// pdfmake may read only those font files; it opens no URL. pdfmake is loaded on the first
// document, not at start-up: most processes never render one.
import { createRequire } from 'node:module';
import path from 'node:path';
import type pdfmakeInstance from 'pdfmake';
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.d.ts';

export type { Content, TDocumentDefinitions };

const require = createRequire(import.meta.url);
const FONT_DIR = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');

type PdfMake = typeof pdfmakeInstance;
let loaded: Promise<PdfMake> | undefined;

async function setUp(): Promise<PdfMake> {
  // A CommonJS module: its export is the namespace's default (the types declare it as the module).
  const pdfmake = ((await import('pdfmake')) as unknown as { default: PdfMake }).default;
  pdfmake.setFonts({
    DejaVuSans: {
      normal: path.join(FONT_DIR, 'DejaVuSans.ttf'),
      bold: path.join(FONT_DIR, 'DejaVuSans-Bold.ttf'),
      italics: path.join(FONT_DIR, 'DejaVuSans-Oblique.ttf'),
      bolditalics: path.join(FONT_DIR, 'DejaVuSans-BoldOblique.ttf'),
    },
  });
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
