/**
 * The TypeScript type of a request that a JSON Schema (the subset the routes use) accepts.
 * Routes validate with the schema and hand the typed value to the service, so the wire
 * contract is written once: a schema change that the service does not follow fails to compile.
 */

type Props = Record<string, JsonSchema>;

/** The schema subset the routes use. */
export type JsonSchema =
  | { readonly type: 'string'; readonly enum?: readonly string[] }
  | { readonly type: 'number' | 'integer' }
  | { readonly type: 'boolean' }
  | { readonly type: 'array'; readonly items: JsonSchema }
  | { readonly type: 'object'; readonly properties?: Props; readonly required?: readonly string[] }
  | { readonly anyOf: readonly JsonSchema[] };

type Expand<T> = T extends object ? { [K in keyof T]: T[K] } : T;

type ObjectOf<P extends Props, R extends string> = Expand<
  { -readonly [K in keyof P & R]: FromSchema<P[K]> } & { -readonly [K in Exclude<keyof P, R>]?: FromSchema<P[K]> }
>;

/** A string schema with `enum` is the union of its values; an object without `properties` is a record. */
export type FromSchema<S> = S extends { readonly anyOf: readonly (infer A)[] }
  ? FromSchema<A>
  : S extends { readonly type: 'string'; readonly enum: readonly (infer V)[] }
    ? V
    : S extends { readonly type: 'string' }
      ? string
      : S extends { readonly type: 'number' | 'integer' }
        ? number
        : S extends { readonly type: 'boolean' }
          ? boolean
          : S extends { readonly type: 'array'; readonly items: infer I }
            ? FromSchema<I>[]
            : S extends { readonly type: 'object'; readonly properties: infer P extends Props }
              ? ObjectOf<P, S extends { readonly required: readonly (infer R extends string)[] } ? R : never>
              : S extends { readonly type: 'object' }
                ? Record<string, unknown>
                : unknown;
