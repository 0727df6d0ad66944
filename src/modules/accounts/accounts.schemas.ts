// Request and response shapes of the accounts API (snake_case on the wire), with examples for /docs.
import { type TSchema, Type } from 'typebox';
import type { Contact } from '../../db/schema/contacts.ts';
import type { User } from '../../db/schema/users.ts';
import { Timestamp } from '../../http/common-schemas.ts';
import type { ApiToken } from './api-tokens.service.ts';
import { PASSWORD_MAX_LENGTH } from './password-rules.ts';
import type { TokenPair } from './sessions.service.ts';

function Nullable<T extends TSchema>(schema: T, options: { description?: string } = {}) {
  return Type.Union([schema, Type.Null()], options);
}

const Email = Type.String({ minLength: 3, maxLength: 254, examples: ['buyer@romashka.ru'] });
const Password = Type.String({
  minLength: 1,
  maxLength: PASSWORD_MAX_LENGTH,
  examples: ['Kor0vka-Zakupka-2026'],
});
/** Secrets from emails: 32 random bytes as base64url. */
const EmailToken = Type.String({
  minLength: 1,
  maxLength: 200,
  examples: ['q3Z0yQfE1o6vS2m1kR2sX8n0cW4uJ9tB5aH7dL3pF0g'],
});
const Language = Type.Union([Type.Literal('ru'), Type.Literal('en')], { description: 'ru (default) or en' });
const Name = (example: string) => Type.String({ maxLength: 150, examples: [example] });

// ---------- auth ----------

export const RegisterBody = Type.Object(
  {
    email: Email,
    password: Password,
    first_name: Name('Иван'),
    last_name: Name('Петров'),
    company: Type.String({ maxLength: 300, examples: ['ООО «Ромашка»'] }),
    position: Name('Закупщик'),
    type: Type.Union([Type.Literal('buyer'), Type.Literal('supplier')], {
      description: 'buyer (a retail chain) or supplier (gets a shop named after the company)',
    }),
    preferred_language: Type.Optional(
      Type.Union([Type.Literal('ru'), Type.Literal('en')], {
        description:
          'Language of the emails (the confirmation email included); absent: from Accept-Language ' +
          '(en… → en), else ru',
        examples: ['ru'],
      }),
    ),
  },
  { additionalProperties: false },
);

/**
 * The optional `email` of the two token confirmations (email and password reset), one shape for
 * both: the token alone names the account; an `email` sent with it (the links carry it) must be
 * the address the token was sent to, or the token is refused as invalid.
 */
const TokenEmail = Type.Optional(
  Type.String({
    minLength: 3,
    maxLength: 254,
    examples: ['buyer@romashka.ru'],
    description: 'Optional: the address the token was sent to; when given, it must match',
  }),
);
export const EmailTokenBody = Type.Object(
  { token: EmailToken, email: TokenEmail },
  { additionalProperties: false },
);
export const EmailBody = Type.Object({ email: Email }, { additionalProperties: false });
export const LoginBody = Type.Object({ email: Email, password: Password }, { additionalProperties: false });
export const RefreshBody = Type.Object(
  { refresh_token: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export const ResetConfirmBody = Type.Object(
  { token: EmailToken, password: Password, email: TokenEmail },
  { additionalProperties: false },
);
export const ChangePasswordBody = Type.Object(
  { current_password: Password, new_password: Password },
  { additionalProperties: false },
);

export const ChangeEmailBody = Type.Object(
  {
    new_email: Type.String({ minLength: 3, maxLength: 254, examples: ['zakupki@romashka.ru'] }),
    password: Type.String({
      minLength: 1,
      maxLength: PASSWORD_MAX_LENGTH,
      description: 'The account’s current password',
      examples: ['Kor0vka-Zakupka-2026'],
    }),
  },
  { additionalProperties: false },
);
export const TokenBody = Type.Object({ token: EmailToken }, { additionalProperties: false });

export const EmailChangeRequestedSchema = Type.Object({
  status: Type.Literal('confirmation_sent'),
  new_email: Type.String({
    description: 'The address the confirmation link went to (trimmed, lower-cased)',
    examples: ['zakupki@romashka.ru'],
  }),
});

export const EmailChangedSchema = Type.Object({
  status: Type.Literal('email_changed'),
  email: Type.String({ description: 'The account’s email from now on', examples: ['zakupki@romashka.ru'] }),
});

export const TokenPairSchema = Type.Object({
  access_token: Type.String({ description: 'JWT for `Authorization: Bearer …`; lives 15 minutes' }),
  refresh_token: Type.String({
    description: 'Opaque; spend it at /api/v2/auth/refresh (rotated on every use)',
  }),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Seconds the access token lives', examples: [900] }),
  refresh_expires_in: Type.Integer({ description: 'Seconds the refresh token lives', examples: [2592000] }),
});

export function tokenPairJson(pair: TokenPair) {
  return {
    access_token: pair.accessToken,
    refresh_token: pair.refreshToken,
    token_type: 'Bearer' as const,
    expires_in: pair.expiresIn,
    refresh_expires_in: pair.refreshExpiresIn,
  };
}

export const AcceptedSchema = Type.Object({
  detail: Type.String({ description: 'What happens next, in the caller’s language' }),
});

// ---------- profile ----------

export const BillingDetailsSchema = Type.Object({
  legal_name: Nullable(Type.String({ examples: ['ООО «Ромашка»'] })),
  inn: Nullable(
    Type.String({ description: '10 digits (organisation) or 12 (individual)', examples: ['7707083893'] }),
  ),
  kpp: Nullable(Type.String({ examples: ['773601001'] })),
  ogrn: Nullable(
    Type.String({ description: 'OGRN (13 digits) or OGRNIP (15)', examples: ['1027700132195'] }),
  ),
  bank_bik: Nullable(Type.String({ examples: ['044525225'] })),
  settlement_account: Nullable(Type.String({ examples: ['40702810138250123017'] })),
  correspondent_account: Nullable(Type.String({ examples: ['30101810400000000225'] })),
});

export const ProfileSchema = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  role: Type.Union([Type.Literal('buyer'), Type.Literal('supplier'), Type.Literal('staff')]),
  first_name: Type.String(),
  last_name: Type.String(),
  company: Type.String(),
  position: Type.String(),
  phone: Nullable(Type.String({ examples: ['+79161234567'] })),
  preferred_language: Language,
  email_confirmed: Type.Boolean(),
  created_at: Timestamp,
  billing_details: BillingDetailsSchema,
});

export function profileJson(user: User) {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    first_name: user.firstName,
    last_name: user.lastName,
    company: user.company,
    position: user.position,
    phone: user.phone,
    preferred_language: user.preferredLanguage,
    email_confirmed: user.emailConfirmedAt !== null,
    created_at: user.createdAt.toISOString(),
    billing_details: {
      legal_name: user.legalName,
      inn: user.inn,
      kpp: user.kpp,
      ogrn: user.ogrn,
      bank_bik: user.bankBik,
      settlement_account: user.settlementAccount,
      correspondent_account: user.correspondentAccount,
    },
  };
}

export const RegisteredSchema = Type.Object({
  user: ProfileSchema,
  shop: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() }), {
    description: "The supplier's shop, created with the account; null for buyers",
  }),
});

const Code = (maxLength: number) => Nullable(Type.String({ maxLength }));

export const ProfilePatchBody = Type.Object(
  {
    first_name: Type.Optional(Name('Иван')),
    last_name: Type.Optional(Name('Петров')),
    company: Type.Optional(Type.String({ maxLength: 300 })),
    position: Type.Optional(Name('Закупщик')),
    phone: Type.Optional(Nullable(Type.String({ maxLength: 40, examples: ['+7 916 123-45-67'] }))),
    preferred_language: Type.Optional(Language),
    billing_details: Type.Optional(
      Type.Object(
        {
          legal_name: Type.Optional(Code(500)),
          inn: Type.Optional(Code(20)),
          kpp: Type.Optional(Code(20)),
          ogrn: Type.Optional(Code(30)),
          bank_bik: Type.Optional(Code(20)),
          settlement_account: Type.Optional(Code(40)),
          correspondent_account: Type.Optional(Code(40)),
        },
        {
          additionalProperties: false,
          description: 'Only the fields given change; null (or "") clears one',
          examples: [
            {
              legal_name: 'ПАО Сбербанк',
              inn: '7707083893',
              kpp: '773601001',
              ogrn: '1027700132195',
              bank_bik: '044525225',
              settlement_account: '40702810138250123017',
              correspondent_account: '30101810400000000225',
            },
          ],
        },
      ),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

// ---------- API tokens ----------

export const ApiTokenSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String({
    description: 'The first characters of the token, to recognise it',
    examples: ['zk_Q2xvdWRz'],
  }),
  created_at: Timestamp,
  expires_at: Nullable(Timestamp),
  last_used_at: Nullable(Type.String({ format: 'date-time', description: 'Accurate to a minute' })),
});

export const CreatedApiTokenSchema = Type.Object({
  ...ApiTokenSchema.properties,
  token: Type.String({ description: 'The token itself. Shown only now: store it safely' }),
});

export const CreateApiTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, examples: ['1C price list sync'] }),
    expires_at: Type.Optional(
      Nullable(Type.String({ format: 'date-time', examples: ['2027-01-01T00:00:00Z'] })),
    ),
  },
  { additionalProperties: false },
);

export function apiTokenJson(token: ApiToken) {
  return {
    id: token.id,
    name: token.name,
    prefix: token.tokenPrefix,
    created_at: token.createdAt.toISOString(),
    expires_at: token.expiresAt?.toISOString() ?? null,
    last_used_at: token.lastUsedAt?.toISOString() ?? null,
  };
}

// ---------- contacts ----------

const Part = (example: string, maxLength = 200) => Type.String({ maxLength, examples: [example] });

const contactFields = {
  city: Part('Москва'),
  street: Part('Тверская'),
  house: Part('7', 50),
  structure: Part('2', 50),
  building: Part('1', 50),
  apartment: Part('15', 50),
  phone: Type.String({ maxLength: 40, examples: ['+7 916 123-45-67'] }),
  recipient_name: Part('Иван Петров'),
  comment: Part('Въезд со двора', 1000),
};

export const ContactSchema = Type.Object({
  id: Type.Integer(),
  city: Type.String(),
  street: Type.String(),
  house: Type.String(),
  structure: Type.String(),
  building: Type.String(),
  apartment: Type.String(),
  phone: Type.String({ description: 'Digits with an optional leading +', examples: ['+79161234567'] }),
  recipient_name: Type.String(),
  comment: Type.String(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const CreateContactBody = Type.Object(
  {
    city: contactFields.city,
    street: contactFields.street,
    phone: contactFields.phone,
    house: Type.Optional(contactFields.house),
    structure: Type.Optional(contactFields.structure),
    building: Type.Optional(contactFields.building),
    apartment: Type.Optional(contactFields.apartment),
    recipient_name: Type.Optional(contactFields.recipient_name),
    comment: Type.Optional(contactFields.comment),
  },
  { additionalProperties: false },
);

export const PatchContactBody = Type.Object(
  {
    city: Type.Optional(contactFields.city),
    street: Type.Optional(contactFields.street),
    phone: Type.Optional(contactFields.phone),
    house: Type.Optional(contactFields.house),
    structure: Type.Optional(contactFields.structure),
    building: Type.Optional(contactFields.building),
    apartment: Type.Optional(contactFields.apartment),
    recipient_name: Type.Optional(contactFields.recipient_name),
    comment: Type.Optional(contactFields.comment),
  },
  { additionalProperties: false, minProperties: 1 },
);

export function contactJson(contact: Contact) {
  return {
    id: contact.id,
    city: contact.city,
    street: contact.street,
    house: contact.house,
    structure: contact.structure,
    building: contact.building,
    apartment: contact.apartment,
    phone: contact.phone,
    recipient_name: contact.recipientName,
    comment: contact.comment,
    created_at: contact.createdAt.toISOString(),
    updated_at: contact.updatedAt.toISOString(),
  };
}
