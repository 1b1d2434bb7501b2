import type { Kysely } from 'kysely';

/**
 * A Kysely handle with no schema type: migrations run against the schema of their own moment (not today's
 * `Database` interface), and the app archive walks every table generically by name. Kysely's documented
 * idiom for both is `Kysely<any>`; naming it once keeps the lint's `noExplicitAny` exception in one place.
 */
// biome-ignore lint/suspicious/noExplicitAny: Kysely's untyped-schema idiom, see above.
export type UntypedDb = Kysely<any>;
