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
  content: string;
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
      log.info(
        { to: message.to, subject: message.subject, kind: message.kind, file },
        'mail written to mailbox',
      );
      return { messageId: info.messageId, file };
    },
    close: () => transport.close(),
  };
}
