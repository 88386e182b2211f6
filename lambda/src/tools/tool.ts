/**
 * What a tool implementation is: a declaration from lib/definition/tools.ts and the function that does it.
 * One file per tool in this folder; toolbox.ts binds them for the model.
 */
import type { $ZodObject, output } from 'zod/v4/core';
import type { BotDefinition, NextAction } from '../../../lib/definition/bot';
import type { ToolDeclaration } from '../../../lib/definition/tools';

export interface ToolOutcome {
  /** What the model reads, as JSON: small, speakable facts, never internal fields. */
  readonly forModel: Readonly<Record<string, unknown>>;
  /** What the caller hears when the model cannot speak after this (no model, or no time left for it). */
  readonly spoken?: string;
  /** The call leaves the bot after this turn, and the flow does this. */
  readonly leave?: NextAction;
  /** The tool could not do its work (the caller still hears why). */
  readonly failed?: boolean;
}

export interface ToolContext {
  /** Aborts at the tool call's own timeout or the turn's deadline, whichever comes first. */
  readonly signal: AbortSignal;
  /** The turn's locale: what the tool says is in the caller's language. */
  readonly locale: BotDefinition;
}

export interface ToolImplementation<Schema extends $ZodObject = $ZodObject> {
  readonly declaration: ToolDeclaration<Schema>;
  run(args: output<Schema>, context: ToolContext): Promise<ToolOutcome>;
  /** What the turn says and the model reads when the tool throws or runs out of time. */
  unavailable?(locale: BotDefinition): ToolOutcome;
}

/** Fills `{name}` placeholders in a bot line. */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
