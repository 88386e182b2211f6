/**
 * The function role's permission to call the embedding model its knowledge index was built with, when that is a
 * Bedrock model (`EMBEDDINGS=bedrock` at build time): the function embeds each caller's question with the model
 * that embedded the passages, and the index names that model. `npm run build` writes the index into the image's
 * build context, and cdk.json runs the build before every synth, so the grant follows the index that ships.
 * Local embeddings run in the function and OpenAI's use its key: neither needs an AWS permission.
 *
 * Titan text embeddings are called with InvokeModel (https://docs.aws.amazon.com/bedrock/latest/userguide/
 * titan-embedding-models.html), which grantBedrockInvoke allows on exactly that model.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { BUILT_INDEX_FOLDER, BUNDLE_FOLDER, INDEX_FILE } from '../definition/knowledge-index';
import { grantBedrockInvoke } from './bedrock-access';

/** The embedding model a built index names, as the index records it. */
interface IndexedModel {
  readonly kind: string;
  readonly model: string;
}

/**
 * The embedding model of the index built into `imageDirectory`; undefined when none is built there or it was
 * built for keyword search only. Throws when the index is there but unreadable: the deploy would ship it.
 */
export function builtIndexEmbeddings(imageDirectory: string): IndexedModel | undefined {
  const file = join(imageDirectory, BUNDLE_FOLDER, BUILT_INDEX_FOLDER, INDEX_FILE);
  if (!existsSync(file)) return undefined;
  let saved: { embeddings?: Partial<IndexedModel> };
  try {
    saved = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`The knowledge index ${file} is not readable (${(error as Error).message}): run npm run build`);
  }
  const { kind, model } = saved.embeddings ?? {};
  return typeof kind === 'string' && typeof model === 'string' ? { kind, model } : undefined;
}

/** Lets `role` embed questions with the index's model when that model is Bedrock's; nothing otherwise. */
export function grantIndexEmbeddings(stack: Stack, role: iam.Role, imageDirectory: string): void {
  const embeddings = builtIndexEmbeddings(imageDirectory);
  if (embeddings?.kind === 'bedrock') grantBedrockInvoke(stack, role, embeddings.model);
}
