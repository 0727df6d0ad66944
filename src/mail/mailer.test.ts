import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startSmtpCapture } from '../../test/helpers/smtp.ts';
import { renderLayout } from './layout.ts';
import { createMailer, mailboxDir } from './mailer.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zakupka-mail-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const message = {
  to: 'buyer@example.test',
  ...renderLayout('ru', 'Подтвердите адрес', 'Здравствуйте, Иван!', [
    { kind: 'paragraph', text: 'Ваш код <подтверждения>:' },
    { kind: 'code', label: 'Код', value: 'abc123' },
    { kind: 'table', head: ['Товар', 'Кол-во'], rows: [['Смартфон', '2']], foot: ['Итого', '2'] },
  ]),
  kind: 'test',
};

describe('mail delivery', () => {
  it('writes one .eml per message to DATA_DIR/mailbox without SMTP_URL', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino(
      { level: 'info' },
      { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const mailer = createMailer(
      { smtpUrl: undefined, mailFrom: 'Zakupka <noreply@zakupka.test>', dataDir },
      log,
    );
    const sent = await mailer.send(message);
    expect(path.dirname(sent.file!)).toBe(mailboxDir({ dataDir }));
    // The log line is how a person trying the service finds the message (and its token).
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'mail written to mailbox',
      to: 'buyer@example.test',
      subject: 'Подтвердите адрес',
      kind: 'test',
      file: sent.file,
    });
    const parsed = await simpleParser(fs.readFileSync(sent.file!));
    expect(parsed.subject).toBe('Подтвердите адрес');
    expect(parsed.to && 'text' in parsed.to ? parsed.to.text : '').toBe('buyer@example.test');
    expect(parsed.text).toContain('Код: abc123');
    expect(parsed.text).toContain('Смартфон');
    expect(parsed.html).toContain('&lt;подтверждения&gt;');
    // Beside it, the same text as plain UTF-8, readable with cat.
    expect(sent.textFile).toBe(sent.file!.replace(/\.eml$/, '.txt'));
    expect(lines[0].text).toBe(sent.textFile);
    const plain = fs.readFileSync(sent.textFile!, 'utf8');
    expect(plain).toContain('Subject: Подтвердите адрес');
    expect(plain).toContain('To: buyer@example.test');
    expect(plain).toContain('Код: abc123');
    expect(plain).toContain('Здравствуйте, Иван!');
    expect(fs.readdirSync(mailboxDir({ dataDir })).sort()).toEqual(
      [path.basename(sent.file!), path.basename(sent.textFile!)].sort(),
    );
  });

  it('delivers through SMTP with SMTP_URL', async () => {
    const smtp = await startSmtpCapture();
    try {
      const mailer = createMailer(
        { smtpUrl: smtp.url, mailFrom: 'noreply@zakupka.test', dataDir },
        pino({ level: 'silent' }),
      );
      await mailer.send(message);
      const mail = await smtp.waitFor((m) => m.recipients.includes('buyer@example.test'));
      expect(mail.subject).toBe('Подтвердите адрес');
      expect(mail.html).toContain('<code');
      mailer.close();
    } finally {
      await smtp.close();
    }
  });
});
