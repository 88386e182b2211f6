/**
 * zod as the definitions use it: zod mini's functions, imported by name, with zod's English error messages (the
 * full API sets them when it makes its first schema; mini leaves messages to its user). Mini, not the full API:
 * LangChain reads and checks the schemas with zod's core, and the full API (every schema type, and dozens of
 * methods made on each schema) is code that every cold start of the function would load and run for nothing
 * (scripts/build-lambda.mjs).
 */
import { config, locales } from 'zod/mini';

config(locales.en());

export * from 'zod/mini';
