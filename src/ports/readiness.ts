/** Whether this process should be sent traffic now; when not, a sentence an operator can act on. */
export type Readiness = { ready: true } | { ready: false; reason: string };

/** Asked by /readyz and grpc.health.v1.Health on every probe (see app/readiness.ts for the rule). */
export type ReadinessCheck = () => Promise<Readiness>;
