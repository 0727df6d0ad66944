// Response serializers compiled once per process and schema, not once per app, and only when a
// route first answers with that schema (most of ~180 operations are not asked in a process's
// first minutes; compiling every serializer ahead cost the start about half a second).
//
// Fastify compiles a fast-json-stringify serializer for every response schema of every route when
// an app is built: about half a second of CPU for this API. A process builds one app, except the
// test suite, whose worker processes build one (or more) per test file — there the same schema
// objects (module constants) come back with every app, and compiling them again each time was a
// tenth of the suite's CPU. A serializer depends only on its schema and the shared schemas it may
// refer to (`addSchema`: the same in every app of this code), so one compiled for a schema object is
// reused while that object lives; a schema built afresh per app (a new object) is compiled anew.
import {
  type Serializer,
  type SerializerCompiler,
  SerializerSelector,
} from '@fastify/fast-json-stringify-compiler';

const compileWithFastJsonStringify = SerializerSelector();

/** Per schema object, its serializer under each set of shared schemas (by their ids). */
const compiled = new WeakMap<object, Map<string, Serializer>>();

export function reusedSerializerFactory(
  externalSchemas: unknown,
  serializerOptions: Parameters<typeof compileWithFastJsonStringify>[1],
): SerializerCompiler {
  const compile = compileWithFastJsonStringify(externalSchemas as never, serializerOptions);
  // Shared schemas are told apart by their ids and content: equal in every app of this code.
  const shared = JSON.stringify(externalSchemas ?? {});
  return (route) => {
    const schema = route.schema as object;
    let bySharedSchemas = compiled.get(schema);
    if (!bySharedSchemas) {
      bySharedSchemas = new Map();
      compiled.set(schema, bySharedSchemas);
    }
    const known = bySharedSchemas.get(shared);
    if (known) return known;
    let serializer: Serializer | undefined;
    const lazy: Serializer = (data) => {
      serializer ??= compile(route);
      return serializer(data);
    };
    bySharedSchemas.set(shared, lazy);
    return lazy;
  };
}
