// PDF documents (invoices, printable orders) with pdfmake and an embedded Cyrillic font: DejaVu
// Sans from the `dejavu-fonts-ttf` package, read from node_modules, never fetched at run time.
// pdfmake may read only those font files; it opens no URL.
import { createRequire } from 'node:module';
import path from 'node:path';
import pdfmake from 'pdfmake';
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.d.ts';

export type { Content, TDocumentDefinitions };

const require = createRequire(import.meta.url);
const FONT_DIR = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');

let ready = false;

function setUp(): void {
  if (ready) return;
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
  ready = true;
}

/** Renders a document (A4, DejaVu Sans 9 pt unless it says otherwise) to PDF bytes. */
export async function renderPdf(document: TDocumentDefinitions): Promise<Buffer> {
  setUp();
  const pdf = pdfmake.createPdf({
    pageSize: 'A4',
    pageMargins: [40, 40, 40, 40],
    ...document,
    defaultStyle: { font: 'DejaVuSans', fontSize: 9, ...document.defaultStyle },
  });
  return pdf.getBuffer();
}
