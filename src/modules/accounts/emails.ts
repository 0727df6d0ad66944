// The accounts module's emails, in the recipient's language. A link carries the token and the
// address; the token is also printed on its own, for clients that confirm through the API.
import type { Config } from '../../config.ts';
import type { Language } from '../../db/schema/users.ts';
import { renderLayout } from '../../mail/layout.ts';
import type { EmailMessage } from '../../mail/mailer.ts';

export interface Recipient {
  email: string;
  firstName: string;
  preferredLanguage: Language;
}

function greeting(recipient: Recipient): string {
  const name = recipient.firstName.trim();
  if (recipient.preferredLanguage === 'en') return name ? `Hello, ${name}!` : 'Hello!';
  return name ? `Здравствуйте, ${name}!` : 'Здравствуйте!';
}

/**
 * A link to one of the pages of src/modules/accounts/pages.ts, in the recipient's language. The
 * token's link names the recipient's address, unless `withEmail` is false.
 */
function link(
  config: Pick<Config, 'publicUrl'>,
  page: string,
  recipient: Recipient,
  token?: string,
  withEmail = true,
): string {
  const query = new URLSearchParams(token ? { token } : {});
  if (token && withEmail) query.set('email', recipient.email);
  if (recipient.preferredLanguage === 'en') query.set('lang', 'en');
  const search = query.toString();
  return `${config.publicUrl}/${page}${search ? `?${search}` : ''}`;
}

export function confirmationEmail(
  config: Pick<Config, 'publicUrl'>,
  recipient: Recipient,
  token: string,
  options: { resent: boolean; validHours: number },
): EmailMessage {
  const url = link(config, 'confirm-email', recipient, token);
  const en = recipient.preferredLanguage === 'en';
  const rendered = en
    ? renderLayout('en', 'Confirm your email for Zakupka', greeting(recipient), [
        {
          kind: 'paragraph',
          text: options.resent
            ? 'Here is a new confirmation link, as you asked. Earlier links no longer work.'
            : 'Thank you for registering with Zakupka. Confirm your email address to activate the account.',
        },
        { kind: 'link', label: 'Confirm email', url },
        { kind: 'code', label: 'Confirmation token', value: token },
        {
          kind: 'paragraph',
          text: `The link works once and for ${options.validHours} hours. If you did not register, ignore this email.`,
        },
      ])
    : renderLayout('ru', 'Подтвердите email в Zakupka', greeting(recipient), [
        {
          kind: 'paragraph',
          text: options.resent
            ? 'Вот новая ссылка для подтверждения, как вы просили. Прежние ссылки больше не действуют.'
            : 'Спасибо за регистрацию в Zakupka. Подтвердите адрес электронной почты, чтобы активировать учётную запись.',
        },
        { kind: 'link', label: 'Подтвердить email', url },
        { kind: 'code', label: 'Код подтверждения', value: token },
        {
          kind: 'paragraph',
          text: `Ссылка действует один раз в течение ${options.validHours} ч. Если вы не регистрировались, просто проигнорируйте это письмо.`,
        },
      ]);
  return {
    to: recipient.email,
    ...rendered,
    kind: options.resent ? 'email_confirmation_resent' : 'email_confirmation',
  };
}

export function passwordResetEmail(
  config: Pick<Config, 'publicUrl'>,
  recipient: Recipient,
  token: string,
  options: { validMinutes: number },
): EmailMessage {
  const url = link(config, 'reset-password', recipient, token);
  const rendered =
    recipient.preferredLanguage === 'en'
      ? renderLayout('en', 'Reset your Zakupka password', greeting(recipient), [
          { kind: 'paragraph', text: 'Someone asked to reset the password of your Zakupka account.' },
          { kind: 'link', label: 'Choose a new password', url },
          { kind: 'code', label: 'Reset token', value: token },
          {
            kind: 'paragraph',
            text: `The link works once and for ${options.validMinutes} minutes. If it was not you, ignore this email: your password stays as it is.`,
          },
        ])
      : renderLayout('ru', 'Сброс пароля Zakupka', greeting(recipient), [
          { kind: 'paragraph', text: 'Поступил запрос на сброс пароля вашей учётной записи Zakupka.' },
          { kind: 'link', label: 'Задать новый пароль', url },
          { kind: 'code', label: 'Код сброса', value: token },
          {
            kind: 'paragraph',
            text: `Ссылка действует один раз в течение ${options.validMinutes} мин. Если это были не вы, проигнорируйте письмо: пароль останется прежним.`,
          },
        ]);
  return { to: recipient.email, ...rendered, kind: 'password_reset' };
}

export function passwordChangedEmail(
  config: Pick<Config, 'publicUrl'>,
  recipient: Recipient,
  options: { at: Date; how: 'reset' | 'change' },
): EmailMessage {
  const at = options.at.toISOString().replace('T', ' ').slice(0, 16);
  const rendered =
    recipient.preferredLanguage === 'en'
      ? renderLayout('en', 'Your Zakupka password was changed', greeting(recipient), [
          {
            kind: 'paragraph',
            text: `The password of your account was ${options.how === 'reset' ? 'reset' : 'changed'} at ${at} UTC. Sessions on other devices were signed out.`,
          },
          {
            kind: 'paragraph',
            text: `If it was not you, reset the password right away: ${link(config, 'reset-password', recipient)}, and check your API tokens.`,
          },
        ])
      : renderLayout('ru', 'Пароль Zakupka изменён', greeting(recipient), [
          {
            kind: 'paragraph',
            text: `Пароль вашей учётной записи ${options.how === 'reset' ? 'сброшен' : 'изменён'} ${at} UTC. Сеансы на других устройствах завершены.`,
          },
          {
            kind: 'paragraph',
            text: `Если это были не вы, немедленно сбросьте пароль: ${link(config, 'reset-password', recipient)}, и проверьте свои API-токены.`,
          },
        ]);
  return { to: recipient.email, ...rendered, kind: 'password_changed' };
}

/** UTC time as people read it in an email: "2026-11-29 18:40". */
function utc(at: Date): string {
  return at.toISOString().replace('T', ' ').slice(0, 16);
}

/**
 * To the NEW address: the link that moves the account to it. The recipient is the account with its
 * email replaced by the new one; the link carries only the token. The current address is not named:
 * a mistyped new address must not tell a stranger whose account it is.
 */
export function emailChangeConfirmationEmail(
  config: Pick<Config, 'publicUrl'>,
  recipient: Recipient,
  token: string,
  options: { validHours: number },
): EmailMessage {
  const url = link(config, 'confirm-email-change', recipient, token, false);
  const rendered =
    recipient.preferredLanguage === 'en'
      ? renderLayout('en', 'Confirm your new email for Zakupka', greeting(recipient), [
          {
            kind: 'paragraph',
            text: 'You asked to move your Zakupka account to this address. Confirm it to finish: until then you keep logging in with the old address.',
          },
          { kind: 'link', label: 'Confirm the new email', url },
          { kind: 'code', label: 'Email change token', value: token },
          {
            kind: 'paragraph',
            text: `The link works once and for ${options.validHours} hours. Confirming signs out every login session; API tokens keep working. If you did not ask for this, ignore this email: nothing changes.`,
          },
        ])
      : renderLayout('ru', 'Подтвердите новый email в Zakupka', greeting(recipient), [
          {
            kind: 'paragraph',
            text: 'Вы попросили перенести учётную запись Zakupka на этот адрес. Подтвердите его, чтобы завершить смену: до тех пор вход — по прежнему адресу.',
          },
          { kind: 'link', label: 'Подтвердить новый email', url },
          { kind: 'code', label: 'Код смены адреса', value: token },
          {
            kind: 'paragraph',
            text: `Ссылка действует один раз в течение ${options.validHours} ч. После подтверждения все сеансы входа завершатся; API-токены продолжат работать. Если вы ничего не запрашивали, просто проигнорируйте письмо: ничего не изменится.`,
          },
        ]);
  return { to: recipient.email, ...rendered, kind: 'email_change_confirmation' };
}

/**
 * To the OLD address, when a change is asked for (`requested`) and when it is done (`changed`). It
 * carries no secret: whoever reads it can only learn what happened and how to take the account back.
 */
export function emailChangeNotice(
  config: Pick<Config, 'publicUrl'>,
  recipient: Recipient,
  options: { newEmail: string; at: Date; stage: 'requested' | 'changed' },
): EmailMessage {
  const at = utc(options.at);
  const reset = link(config, 'reset-password', recipient);
  const requested = options.stage === 'requested';
  const rendered =
    recipient.preferredLanguage === 'en'
      ? renderLayout(
          'en',
          requested ? 'Your Zakupka email is about to change' : 'Your Zakupka email was changed',
          greeting(recipient),
          [
            {
              kind: 'paragraph',
              text: requested
                ? `At ${at} UTC someone signed in to your account asked to change its email to ${options.newEmail}. The address changes only when the link sent there is followed; until then this address stays.`
                : `At ${at} UTC the email of your account was changed to ${options.newEmail}. Log in with the new address from now on; every login session was signed out.`,
            },
            {
              kind: 'paragraph',
              text: requested
                ? `If it was not you, reset your password right away (${reset}): that cancels the change and signs out every session. Then check your API tokens.`
                : 'If it was not you, contact support right away and check your API tokens.',
            },
          ],
        )
      : renderLayout(
          'ru',
          requested ? 'Запрошена смена email в Zakupka' : 'Email в Zakupka изменён',
          greeting(recipient),
          [
            {
              kind: 'paragraph',
              text: requested
                ? `${at} UTC из вашей учётной записи запросили смену адреса на ${options.newEmail}. Адрес сменится, только когда по ссылке из письма на новый адрес перейдут; до тех пор остаётся этот адрес.`
                : `${at} UTC адрес вашей учётной записи изменён на ${options.newEmail}. Теперь входите с новым адресом; все сеансы входа завершены.`,
            },
            {
              kind: 'paragraph',
              text: requested
                ? `Если это были не вы, немедленно сбросьте пароль (${reset}): это отменит смену адреса и завершит все сеансы. Затем проверьте свои API-токены.`
                : 'Если это были не вы, немедленно обратитесь в поддержку и проверьте свои API-токены.',
            },
          ],
        );
  return {
    to: recipient.email,
    ...rendered,
    kind: requested ? 'email_change_requested' : 'email_changed',
  };
}
