// Delivery of one rendered message: SMTP when SMTP_URL is set, otherwise one .eml file per message
// in DATA_DIR/mailbox so that a person trying the service can read what it sent.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';

export interface EmailAttachment {
  filename: string;
  /** Text, or base64 when `encoding` says so (binary files such as PDFs travel in jobs as base64). */
  content: string;
  encoding?: 'base64';
  contentType: string;
}

/** A fully rendered message, as it travels in a `send_email` job. */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: EmailAttachment[];
  /** What the message is (e.g. `email_confirmation`), for logs only. */
  kind?: string;
}

export interface SentMail {
  messageId: string;
  /** The .eml file, when delivered to the mailbox folder. */
  file?: string;
  /** Its plain UTF-8 text beside it (`.txt`), readable with `cat`. */
  textFile?: string;
}

/** The readable copy of a mailbox message: its headers, then its text part as it is. */
export function plainTextCopy(from: string, message: EmailMessage): string {
  const attachments = (message.attachments ?? []).map((a) => a.filename);
  return [
    `From: ${from}`,
    `To: ${message.to}`,
    `Subject: ${message.subject}`,
    ...(attachments.length ? [`Attachments: ${attachments.join(', ')} (in the .eml file)`] : []),
    '',
    message.text,
    '',
  ].join('\n');
}

export interface Mailer {
  send(message: EmailMessage): Promise<SentMail>;
  close(): void;
}

export function mailboxDir(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'mailbox');
}

export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'dataDir'>, log: Logger): Mailer {
  if (config.smtpUrl) {
    const transport = nodemailer.createTransport(config.smtpUrl);
    return {
      async send(message) {
        const info = await transport.sendMail({ from: config.mailFrom, ...message });
        log.info({ to: message.to, subject: message.subject, kind: message.kind }, 'mail sent');
        return { messageId: info.messageId };
      },
      close: () => transport.close(),
    };
  }

  const dir = mailboxDir(config);
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(message) {
      const info = await transport.sendMail({ from: config.mailFrom, ...message });
      await fs.mkdir(dir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const file = path.join(dir, `${stamp}-${randomBytes(3).toString('hex')}.eml`);
      await fs.writeFile(file, info.message as Buffer);
      // The .eml encodes its parts (base64, quoted-printable): beside it, the text part as plain
      // UTF-8 that `cat` or any editor shows as it is, links and tokens included.
      const textFile = file.replace(/\.eml$/, '.txt');
      await fs.writeFile(textFile, plainTextCopy(config.mailFrom, message), 'utf8');
      log.info(
        { to: message.to, subject: message.subject, kind: message.kind, file, text: textFile },
        'mail written to mailbox',
      );
      return { messageId: info.messageId, file, textFile };
    },
    close: () => transport.close(),
  };
}
