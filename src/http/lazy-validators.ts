// Request validators compiled on a route's first request, not when the app is built.
//
// Fastify compiles an Ajv validator for every schema part (body, query, params, headers) of every
// route as the app is built, and a process serves a small share of its ~180 operations in its first
// minutes: compiling them all ahead was about half of the app's build, 0.7–1 s of an embedded start
// (issue 22; src/http/serializers.ts does the same for response serializers). Each route gets a
// validator that compiles the real one the first time it is called, with Fastify's own compiler and
// the app's Ajv options, and from then on only forwards to it. Fastify reads a failed validation's
// errors from the function it was given (`validate.errors`): the wrapper carries them over after
// every call. A schema Ajv cannot compile would fail that route's first request rather than the
// start; every operation is exercised by the tests (the fuzz suite asks each one).
import AjvCompiler from '@fastify/ajv-compiler';

type ValidatorFactory = ReturnType<typeof AjvCompiler>;
type Validate = ReturnType<ReturnType<ValidatorFactory>>;
type RouteDefinition = Parameters<ReturnType<ValidatorFactory>>[0];

const buildAjvCompiler: ValidatorFactory = AjvCompiler();

export const lazyValidatorFactory: ValidatorFactory = (externalSchemas, options) => {
  const compile = buildAjvCompiler(externalSchemas, options);
  return (route: RouteDefinition) => {
    let validate: Validate | undefined;
    const lazy = ((data: unknown) => {
      validate ??= compile(route);
      const result = validate(data);
      lazy.errors = validate.errors;
      return result;
    }) as Validate;
    lazy.errors = null;
    return lazy;
  };
};
