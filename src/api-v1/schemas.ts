// The shapes of API v1, as the reference (Django REST Framework) answers them. Field names are a
// contract with existing clients: snake_case, exactly these, including the Russian keys.
import { type TSchema, Type } from 'typebox';

// ---------------------------------------------------------------------------------------------
// Answers common to every route

export const V1FailureSchema = Type.Object(
  {
    Status: Type.Literal(false),
    Errors: Type.Union([Type.String(), Type.Record(Type.String(), Type.Array(Type.String()))], {
      description: 'A message, or field → messages',
    }),
  },
  { title: 'v1 failure (HTTP 200)' },
);

export const V1ForbiddenSchema = Type.Object(
  {
    Status: Type.Literal(false),
    Error: Type.String({ examples: ['Log in required', 'Только для магазинов'] }),
  },
  { title: 'v1 refusal (HTTP 403)' },
);

export const V1OkSchema = Type.Object({ Status: Type.Literal(true) });
export const DeletedSchema = Type.Object({ Status: Type.Literal(true), 'Удалено объектов': Type.Integer() });

/** A success or a failure, both with HTTP 200 (clients read `Status`). */
export function okOr<T extends TSchema>(success: T) {
  return Type.Union([success, V1FailureSchema]);
}

/** The answers every route may give besides its own: 400 unreadable body, 429 throttled, 500. */
export const transportResponses = {
  400: V1FailureSchema,
  429: V1FailureSchema,
  500: V1FailureSchema,
};

/** …and a protected route's 403, and its 401 for a credential of an account staff blocked. */
export const protectedResponses = {
  ...transportResponses,
  401: Type.Object(
    { Status: Type.Literal(false), Error: Type.String() },
    { description: 'The account is blocked' },
  ),
  403: V1ForbiddenSchema,
};

// ---------------------------------------------------------------------------------------------
// Inputs, for the documentation (values arrive as form strings or JSON; the routes read them
// themselves, so a malformed input gets a v1 answer rather than a validation error)

const Scalar = (description?: string) => Type.String(description ? { description } : {});

export const V1_CONSUMES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'application/json'];

export function v1Body(properties: Record<string, TSchema>, required: string[] = []) {
  return Type.Object(
    Object.fromEntries(
      Object.entries(properties).map(([key, schema]) => [
        key,
        required.includes(key) ? schema : Type.Optional(schema),
      ]),
    ),
  );
}

export const RegisterBody = v1Body(
  {
    first_name: Scalar(),
    last_name: Scalar(),
    email: Scalar(),
    password: Scalar('At least 8 characters, not entirely numeric, not common, not like the email or names'),
    company: Scalar(),
    position: Scalar(),
    type: Type.String({ enum: ['buyer', 'shop'], default: 'buyer' }),
  },
  ['first_name', 'last_name', 'email', 'password', 'company', 'position'],
);

export const ConfirmBody = v1Body({ email: Scalar(), token: Scalar('The token from the email') }, [
  'email',
  'token',
]);
export const LoginBody = v1Body({ email: Scalar(), password: Scalar() }, ['email', 'password']);
export const DetailsBody = v1Body({
  first_name: Scalar(),
  last_name: Scalar(),
  email: Scalar('A different address starts an email change, completed from the link emailed to it'),
  company: Scalar(),
  position: Scalar(),
  password: Scalar('A new password, checked like at registration'),
});
export const EmailBody = v1Body({ email: Scalar() }, ['email']);
export const ResetConfirmBody = v1Body({ token: Scalar(), password: Scalar() }, ['token', 'password']);

const contactFields = {
  city: Scalar(),
  street: Scalar(),
  house: Scalar(),
  structure: Scalar(),
  building: Scalar(),
  apartment: Scalar(),
  phone: Scalar(),
};
export const ContactCreateBody = v1Body(contactFields, ['city', 'street', 'phone']);
export const ContactUpdateBody = v1Body({ id: Scalar('The contact’s id'), ...contactFields }, ['id']);
export const IdsBody = v1Body({ items: Scalar('Comma-separated ids, e.g. "3,7"') }, ['items']);

const itemsOf = (description: string, item: TSchema) =>
  Type.Union([Type.String({ description }), Type.Array(item)]);
export const BasketAddBody = v1Body(
  {
    items: itemsOf(
      'JSON string: [{"product_info": <offer id>, "quantity": n}, …]',
      Type.Object({ product_info: Type.Integer(), quantity: Type.Integer() }),
    ),
  },
  ['items'],
);
export const BasketUpdateBody = v1Body(
  {
    items: itemsOf(
      'JSON string: [{"id": <basket item id>, "quantity": n}, …]',
      Type.Object({ id: Type.Integer(), quantity: Type.Integer() }),
    ),
  },
  ['items'],
);
export const OrderBody = v1Body(
  { id: Scalar('The basket’s id, as GET basket shows it'), contact: Scalar() },
  ['id', 'contact'],
);
export const PartnerUpdateBody = v1Body({ url: Scalar('URL of a price list in the seed YAML format') }, [
  'url',
]);
export const PartnerStateBody = v1Body({ state: Scalar('true/false, on/off, yes/no, 1/0, t/f, y/n') }, [
  'state',
]);
export const PageQuery = Type.Object({
  page: Type.Optional(Type.String({ description: 'Page number, from 1' })),
});
export const ProductsQuery = Type.Object({
  shop_id: Type.Optional(Type.String()),
  category_id: Type.Optional(Type.String()),
});

// ---------------------------------------------------------------------------------------------
// Objects

/** Money as a JSON number, as the reference's integer prices are (exact: see shapes.ts). */
const Amount = Type.Number({ examples: [110000] });

export const ContactSchema = Type.Object({
  id: Type.Integer(),
  city: Type.String(),
  street: Type.String(),
  house: Type.String(),
  structure: Type.String(),
  building: Type.String(),
  apartment: Type.String(),
  phone: Type.String(),
});

export const UserDetailsSchema = Type.Object({
  id: Type.Integer(),
  first_name: Type.String(),
  last_name: Type.String(),
  email: Type.String(),
  company: Type.String(),
  position: Type.String(),
  contacts: Type.Array(ContactSchema),
});

export const OfferSchema = Type.Object({
  id: Type.Integer({ description: 'The offer’s id (ProductInfo in the reference)' }),
  model: Type.String(),
  product: Type.Object({
    name: Type.String(),
    category: Type.String({ description: 'The category’s name' }),
  }),
  shop: Type.Integer({ description: 'The shop’s id' }),
  quantity: Type.Integer({ description: 'In stock' }),
  price: Amount,
  price_rrc: Amount,
  product_parameters: Type.Array(Type.Object({ parameter: Type.String(), value: Type.String() })),
});

export const OrderedItemSchema = Type.Object({
  id: Type.Integer(),
  product_info: OfferSchema,
  quantity: Type.Integer(),
});

export const V1_STATES = [
  'basket',
  'new',
  'confirmed',
  'assembled',
  'sent',
  'delivered',
  'canceled',
] as const;

export const OrderSchema = Type.Object({
  id: Type.Integer(),
  ordered_items: Type.Array(OrderedItemSchema),
  state: Type.String({ enum: [...V1_STATES] }),
  dt: Type.String({ format: 'date-time' }),
  total_sum: Amount,
  contact: Type.Union([ContactSchema, Type.Null()]),
});

export function DrfPage<T extends TSchema>(item: T) {
  return Type.Object({
    count: Type.Integer(),
    next: Type.Union([Type.String(), Type.Null()]),
    previous: Type.Union([Type.String(), Type.Null()]),
    results: Type.Array(item),
  });
}

export const CategorySchema = Type.Object({ id: Type.Integer(), name: Type.String() });
export const ShopSchema = Type.Object({ id: Type.Integer(), name: Type.String(), state: Type.Boolean() });
export const InvalidPageSchema = Type.Object({ detail: Type.String() });
