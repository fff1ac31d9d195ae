// Stands in for the `server-only` guard when tests import lib/ code outside Next.js.
export {};
